"""Scan history in SQLite (`--history PATH`): first/last seen per finding, deltas and trends.

One database holds any number of scans of any number of scopes. A scope is the set of tenants and
subscriptions a scan covered (scanner.delta.scope_parts of ScanMeta.scope), whatever the input was:
two scans of one tenant from different snapshot files share a scope. Per scan the database keeps
its metadata, its scope key and every finding's id, rule id, resource id and verdict.

- `first_seen` / `last_seen` of a finding are the earliest / latest `started_at` (UTC, second
  precision, "YYYY-MM-DDTHH:MM:SSZ") of the scans in this database that reported its finding_id,
  with any verdict and in any scope (the finding id already names the resource); the scan being
  recorded is included.
- The delta (scanner.delta) is against the previous scan of the same scope: the latest one that
  started before (or at the same second as, and was recorded before) the scan being recorded.
  The first scan of a scope has no delta.
- The trend is every scan of the scope, oldest first, with its counts by status.

Each scan is recorded in one transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on any error).
The database runs in WAL mode with a busy timeout, and a transaction that still meets a lock is
retried, so concurrent scans recording into one file all succeed. A file that is not a
classic-scan history (not SQLite, or another application's SQLite) is an InputError and is never
modified; it is recognised by PRAGMA application_id.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import pandas as pd

from scanner.delta import compute_delta, scope_parts
from scanner.errors import InputError, ScanError
from scanner.model import STATUSES, ScanMeta
from scanner.model.history import Delta, HistoryReport, TrendPoint

APPLICATION_ID = 0x436C5363  # "ClSc"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 30.0
LOCK_RETRIES = 8
SQLITE_HEADER = b"SQLite format 3\x00"
T = TypeVar("T")

_SCHEMA = (
    """CREATE TABLE scan (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, scope_key TEXT NOT NULL,
        started_at TEXT NOT NULL, finished_at TEXT NOT NULL, as_of TEXT NOT NULL,
        tool_version TEXT NOT NULL, rules_version TEXT NOT NULL, source TEXT NOT NULL,
        cloud TEXT NOT NULL, scope TEXT NOT NULL, complete INTEGER NOT NULL, meta TEXT NOT NULL,
        recorded_at TEXT NOT NULL, findings INTEGER NOT NULL,
        n_fail INTEGER NOT NULL, n_unknown INTEGER NOT NULL, n_manual INTEGER NOT NULL,
        n_waived INTEGER NOT NULL, n_pass INTEGER NOT NULL)""",
    "CREATE INDEX scan_by_scope ON scan (scope_key, started_at, seq)",
    """CREATE TABLE finding (
        ref INTEGER PRIMARY KEY, finding_id TEXT NOT NULL UNIQUE, rule_id TEXT NOT NULL,
        resource_id TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL)""",
    """CREATE TABLE scan_finding (
        scan_seq INTEGER NOT NULL REFERENCES scan (seq), ref INTEGER NOT NULL REFERENCES finding (ref),
        status TEXT NOT NULL, PRIMARY KEY (scan_seq, ref)) WITHOUT ROWID""",
    f"PRAGMA application_id = {APPLICATION_ID}",
    f"PRAGMA user_version = {SCHEMA_VERSION}",
)


@dataclass(frozen=True)
class HistoryOutcome:
    """What recording a scan returns."""

    findings: pd.DataFrame
    """The recorded findings, a copy with `first_seen` and `last_seen` filled."""
    scope_key: str
    """Key of the scan's scope (scope_key(meta.scope))."""
    previous_scan_id: str | None
    """The previous scan of the same scope, or None for the first one."""
    delta: Delta | None
    """Delta against the previous scan of the scope, or None for the first one."""
    trend: tuple[TrendPoint, ...]
    """Every scan of the scope, oldest first, this one included."""

    @property
    def report(self) -> HistoryReport:
        """What the reports show: the delta and the trend (ScanResult.history)."""
        return HistoryReport(
            scope_key=self.scope_key,
            previous_scan_id=self.previous_scan_id,
            delta=self.delta,
            trend=self.trend,
        )


def scope_key(scope: Any) -> str:
    """Stable key of a scan scope: hash of its sorted, lower-cased tenant and subscription ids."""
    tenants, subscriptions = scope_parts(scope if isinstance(scope, dict) else {})
    text = "tenants=" + ",".join(tenants) + ";subscriptions=" + ",".join(subscriptions)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def utc_timestamp(value: str) -> str:
    """An ISO 8601 timestamp as UTC "YYYY-MM-DDTHH:MM:SSZ" (naive times are taken as UTC)."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        raise InputError(f"scan start {value!r} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class History:
    """An open history database; use History.open(path), then record(), then close()."""

    def __init__(self, conn: sqlite3.Connection, name: str) -> None:
        self._conn = conn
        self.name = name

    @classmethod
    def open(cls, path: Path | str) -> History:
        """Open (creating it if new or empty) a history database; a foreign file is an InputError."""
        name, file = str(path), Path(path)
        if file.is_dir():
            raise InputError(f"{name}: is a directory, not a classic-scan history database")
        try:
            with file.open("rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
        except FileNotFoundError:
            header = b""
            _create_private(file, name)
        except OSError as exc:
            raise InputError(f"{name}: cannot read history database: {exc}") from None
        if header and not SQLITE_HEADER.startswith(header):  # a mere prefix: a file being created now
            raise InputError(f"{name}: not a classic-scan history database")
        try:
            conn = sqlite3.connect(file, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise InputError(f"{name}: cannot open history database: {exc}") from None
        try:
            _prepare(conn, name)
        except BaseException:
            conn.close()
            raise
        return cls(conn, name)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def record(self, meta: ScanMeta, findings: pd.DataFrame) -> HistoryOutcome:
        """Store one scan and its findings (finding_id, rule_id, resource_id, status) atomically."""
        started = utc_timestamp(meta.started_at)
        key = scope_key(meta.scope)
        rows = list(
            zip(
                findings["finding_id"].astype(str),
                findings["rule_id"].astype(str),
                findings["resource_id"].astype(str),
                findings["status"].astype(str),
                strict=True,
            )
        )
        status = findings["status"].astype(str)
        counts = {s: int((status == s).sum()) for s in STATUSES}
        scan_row = (
            *(meta.id, key, started, utc_timestamp(meta.finished_at), meta.as_of, meta.tool_version),
            *(meta.rules_version, meta.source, meta.cloud, json.dumps(meta.scope, sort_keys=True)),
            *(int(bool(meta.coverage.get("complete"))), json.dumps(asdict(meta), default=str)),
            *(datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), len(findings)),
            *(counts[s] for s in ("fail", "unknown", "manual", "waived", "pass")),
        )

        def work() -> HistoryOutcome:
            seen, previous, old_rows = self._write(meta.id, scan_row, rows, started, key)
            delta = compute_delta(old_rows, findings) if previous is not None else None
            out = findings.copy()
            out["first_seen"] = findings["finding_id"].map({f: first for f, first, _ in seen}).astype(object)
            out["last_seen"] = findings["finding_id"].map({f: last for f, _, last in seen}).astype(object)
            return HistoryOutcome(
                findings=out, scope_key=key, previous_scan_id=previous, delta=delta, trend=self.trend(key)
            )

        return _in_transaction(self._conn, self.name, work)

    def _write(
        self, scan_id: str, scan_row: tuple[Any, ...], rows: Sequence[tuple[str, ...]], started: str, key: str
    ) -> tuple[list[tuple[str, str, str]], str | None, pd.DataFrame]:
        c = self._conn
        try:
            seq = c.execute(f"INSERT INTO scan VALUES (NULL{', ?' * len(scan_row)})", scan_row).lastrowid
        except sqlite3.IntegrityError:
            raise InputError(f"{self.name}: scan {scan_id} is already recorded") from None
        c.execute(
            "CREATE TEMP TABLE IF NOT EXISTS incoming "
            "(finding_id TEXT PRIMARY KEY, rule_id TEXT, resource_id TEXT, status TEXT)"
        )
        c.execute("DELETE FROM temp.incoming")
        c.executemany("INSERT OR REPLACE INTO temp.incoming VALUES (?, ?, ?, ?)", rows)
        c.execute(
            "INSERT INTO finding (finding_id, rule_id, resource_id, first_seen, last_seen) "
            "SELECT finding_id, rule_id, resource_id, ?1, ?1 FROM temp.incoming WHERE true "
            "ON CONFLICT (finding_id) DO UPDATE SET "
            "resource_id = CASE WHEN excluded.last_seen >= last_seen THEN excluded.resource_id "
            "ELSE resource_id END, "
            "first_seen = min(first_seen, excluded.first_seen), "
            "last_seen = max(last_seen, excluded.last_seen)",
            (started,),
        )
        c.execute(
            "INSERT INTO scan_finding (scan_seq, ref, status) SELECT ?, f.ref, i.status "
            "FROM temp.incoming AS i JOIN finding AS f ON f.finding_id = i.finding_id",
            (seq,),
        )
        seen = c.execute(
            "SELECT f.finding_id, f.first_seen, f.last_seen FROM temp.incoming AS i "
            "JOIN finding AS f ON f.finding_id = i.finding_id"
        ).fetchall()
        prev = c.execute(
            "SELECT seq, id FROM scan WHERE scope_key = ?1 AND seq != ?2 "
            "AND (started_at < ?3 OR (started_at = ?3 AND seq < ?2)) "
            "ORDER BY started_at DESC, seq DESC LIMIT 1",
            (key, seq, started),
        ).fetchone()
        old = pd.DataFrame(
            c.execute(
                "SELECT f.finding_id, f.rule_id, f.resource_id, s.status FROM scan_finding AS s "
                "JOIN finding AS f ON f.ref = s.ref WHERE s.scan_seq = ?",
                (prev[0] if prev else -1,),
            ).fetchall(),
            columns=["finding_id", "rule_id", "resource_id", "status"],
        )
        c.execute("DELETE FROM temp.incoming")
        return seen, (prev[1] if prev else None), old

    def trend(self, key: str) -> tuple[TrendPoint, ...]:
        """Every scan of a scope (by scope_key), oldest first, with counts by status."""
        points = self._conn.execute(
            "SELECT id, started_at, as_of, complete, n_fail, n_unknown, n_manual, n_waived, n_pass "
            "FROM scan WHERE scope_key = ? ORDER BY started_at, seq",
            (key,),
        ).fetchall()
        return tuple(
            TrendPoint(
                scan_id=p[0],
                started_at=p[1],
                as_of=p[2],
                complete=bool(p[3]),
                counts=dict(zip(("fail", "unknown", "manual", "waived", "pass"), p[4:], strict=True)),
            )
            for p in points
        )


def _identity(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """application_id, user_version and number of schema objects, read in one statement (one snapshot)."""
    row = conn.execute(
        "SELECT (SELECT * FROM pragma_application_id), (SELECT * FROM pragma_user_version), "
        "(SELECT count(*) FROM sqlite_master)"
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def _prepare(conn: sqlite3.Connection, name: str) -> None:
    """Check the file is ours (reads only), then switch to WAL and create the schema if new.

    Another process may be creating the same file at this moment: a lock met here is waited out."""
    for attempt in range(LOCK_RETRIES):
        try:
            _prepare_once(conn, name)
            return
        except sqlite3.OperationalError as exc:
            if not _is_locked(exc):
                raise InputError(f"{name}: cannot use history database: {exc}") from None
            _backoff(name, attempt)


def _prepare_once(conn: sqlite3.Connection, name: str) -> None:
    foreign = InputError(f"{name}: not a classic-scan history database")
    try:
        app_id, version, objects = _identity(conn)
    except sqlite3.DatabaseError as exc:
        if _is_locked(exc):
            raise
        raise foreign from None
    if app_id != APPLICATION_ID and (app_id != 0 or objects):
        raise foreign
    if version > SCHEMA_VERSION:
        raise InputError(f"{name}: written by a newer classic-scanner (history schema {version})")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    if app_id == 0:

        def create() -> None:
            now_id, _, now_objects = _identity(conn)  # another process may have created it meanwhile
            if now_id == 0 and not now_objects:
                for statement in _SCHEMA:
                    conn.execute(statement)
            elif now_id != APPLICATION_ID:
                raise foreign

        _in_transaction(conn, name, create)


def _is_locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _backoff(name: str, attempt: int) -> None:
    """Sleep before the next attempt after a lock; give up after LOCK_RETRIES attempts."""
    if attempt >= LOCK_RETRIES - 1:
        raise ScanError(f"{name}: history database stayed locked; scan not recorded")
    time.sleep(0.05 * 2**attempt * (1 + random.random()))


def _in_transaction(conn: sqlite3.Connection, name: str, work: Callable[[], T]) -> T:
    """Run work() inside BEGIN IMMEDIATE ... COMMIT, rolling back on error, retrying on locks."""
    for attempt in range(LOCK_RETRIES):
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = work()
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return result
        except sqlite3.OperationalError as exc:
            if not _is_locked(exc):
                raise InputError(f"{name}: history database error: {exc}") from None
            _backoff(name, attempt)
        except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
            raise
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{name}: history database error: {exc}") from None
    raise AssertionError("unreachable")


def _create_private(file: Path, name: str) -> None:
    """Create a new database file readable by its owner only, like the reports (sqlite would create
    it with the umask, usually 0644, and gives its journal files the database file's mode)."""
    try:
        os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # created meanwhile (a concurrent scan), or a dangling link: sqlite decides
    except OSError as exc:
        raise InputError(f"{name}: cannot open history database: {exc.strerror}") from None
