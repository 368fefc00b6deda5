"""Scan history: first/last seen, scopes, deltas, trend, foreign files, rollback, concurrency."""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import shutil
import sqlite3
import stat
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import scanner.history as history_module
from scanner.errors import InputError
from scanner.history import History, scope_key
from scanner.model import ScanMeta

SCOPE = {"tenant_ids": ["tenant-a"], "subscriptions": ["sub-1", "sub-2"]}
OTHER_SCOPE = {"tenant_ids": ["tenant-b"], "subscriptions": ["sub-9"]}
T1, T2, T3 = "2026-11-01T01:00:00Z", "2026-11-08T01:00:00Z", "2026-11-15T01:00:00Z"


def meta(scan_id: str, started: str, scope: dict[str, object] = SCOPE, complete: bool = True) -> ScanMeta:
    return ScanMeta(
        id=scan_id,
        tool_version="0.1.0",
        rules_version="abc",
        as_of=started[:10],
        started_at=started,
        finished_at=started,
        source="files",
        cloud="public",
        scope=scope,
        coverage={"complete": complete},
    )


def frame(*rows: tuple[str, str]) -> pd.DataFrame:
    """Findings (name, status); the rule is VM-001, the resource named after `name`."""
    return pd.DataFrame(
        {
            "finding_id": [f"fid-{n}" for n, _ in rows],
            "rule_id": ["VM-001"] * len(rows),
            "title": ["t"] * len(rows),
            "status": [s for _, s in rows],
            "resource_id": [f"/subscriptions/sub-1/x/{n}" for n, _ in rows],
            "waiver": [None] * len(rows),
            "first_seen": [None] * len(rows),
            "last_seen": [None] * len(rows),
        }
    )


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "history.db"
    with History.open(path) as history:
        yield history


def seen(outcome, name: str) -> tuple[str, str]:
    row = outcome.findings.set_index("finding_id").loc[f"fid-{name}"]
    return row["first_seen"], row["last_seen"]


def test_first_seen_survives_across_scans_and_reopening(tmp_path):
    path = tmp_path / "h.db"
    with History.open(path) as h:
        h.record(meta("s1", T1), frame(("x", "fail"), ("y", "pass")))
    with History.open(path) as h:
        h.record(meta("s2", T2), frame(("y", "pass"), ("z", "fail")))
    with History.open(path) as h:
        out = h.record(meta("s3", T3), frame(("x", "fail"), ("z", "pass")))
    assert seen(out, "x") == (T1, T3)  # seen in scans 1 and 3, not 2
    assert seen(out, "z") == (T2, T3)
    assert list(out.findings.columns) == list(frame().columns)
    assert out.previous_scan_id == "s2"
    assert [p.scan_id for p in out.trend] == ["s1", "s2", "s3"]


def test_first_scan_has_no_delta_and_its_own_timestamps(db):
    out = db.record(meta("s1", "2026-11-26T02:03:04+01:00"), frame(("x", "fail")))
    assert out.previous_scan_id is None
    assert out.delta is None
    assert seen(out, "x") == ("2026-11-26T01:03:04Z", "2026-11-26T01:03:04Z")
    assert out.report.delta is None


def test_delta_against_previous_scan_of_the_same_scope(db):
    db.record(meta("s1", T1), frame(("a", "fail"), ("b", "pass"), ("c", "fail"), ("d", "waived")))
    db.record(meta("other", T2, scope=OTHER_SCOPE), frame(("a", "pass"), ("zz", "fail")))
    out = db.record(meta("s3", T3), frame(("a", "fail"), ("b", "fail"), ("d", "fail"), ("e", "fail")))
    assert out.previous_scan_id == "s1"
    assert out.delta is not None
    assert out.delta.counts() == {
        "new": 1,
        "regressed": 1,
        "waiver_expired": 1,
        "resolved": 1,
        "waived": 0,
        "unverified": 0,
        "persisting": 1,
    }
    assert [i.finding_id for i in out.delta.new] == ["fid-e"]
    assert [i.finding_id for i in out.delta.resolved] == ["fid-c"]
    assert out.report.delta is not None
    assert out.report.delta.counts()["new"] == 1


def test_different_scopes_do_not_mix(db):
    db.record(meta("a1", T1), frame(("x", "fail")))
    first_b = db.record(meta("b1", T2, scope=OTHER_SCOPE), frame(("x", "pass"), ("y", "fail")))
    assert first_b.previous_scan_id is None
    assert [p.scan_id for p in first_b.trend] == ["b1"]
    a2 = db.record(meta("a2", T3), frame(("x", "fail")))
    assert a2.previous_scan_id == "a1"
    assert a2.delta is not None
    assert a2.delta.persisting == 1
    assert [(p.scan_id, p.counts["fail"]) for p in a2.trend] == [("a1", 1), ("a2", 1)]
    # first/last seen are per finding id across the database
    assert seen(a2, "x") == (T1, T3)


def test_scope_key_ignores_case_order_and_extra_keys():
    spelled = {"tenant_id": "TENANT-A", "subscriptions": ["SUB-2", "sub-1"], "description": "x"}
    assert scope_key(spelled) == scope_key(SCOPE)
    assert scope_key(SCOPE) != scope_key(OTHER_SCOPE)
    assert scope_key({**SCOPE, "subscriptions": ["sub-1"]}) != scope_key(SCOPE)


def test_same_scope_from_different_inputs(tmp_path):
    from scanner.scan import ScanOptions, run_scan
    from scanner.sources import DEMO_ESTATE

    copy = tmp_path / "snapshot"
    shutil.copytree(DEMO_ESTATE, copy)
    demo = run_scan(ScanOptions(demo=True, as_of=date(2026, 11, 26)))
    files = run_scan(ScanOptions(inputs=(copy,), as_of=date(2026, 11, 26)))
    assert (demo.meta.source, files.meta.source) == ("demo", "files")
    with History.open(tmp_path / "h.db") as h:
        first = h.record(replace(demo.meta, started_at=T1), demo.findings)
        second = h.record(replace(files.meta, started_at=T2), files.findings)
    assert second.scope_key == first.scope_key
    assert second.previous_scan_id == demo.meta.id
    assert second.delta is not None
    assert second.delta.persisting == int((demo.findings["status"] == "fail").sum())
    assert second.delta.counts()["new"] == 0
    assert second.findings["first_seen"].eq(T1).all()
    assert second.findings["last_seen"].eq(T2).all()


def test_scans_recorded_out_of_order(db):
    db.record(meta("late", T3), frame(("x", "fail")))
    early = db.record(meta("early", T1), frame(("x", "pass")))
    assert early.previous_scan_id is None  # nothing of the scope started before it
    assert seen(early, "x") == (T1, T3)
    assert [p.scan_id for p in early.trend] == ["early", "late"]
    middle = db.record(meta("middle", T2), frame(("x", "fail")))
    assert middle.previous_scan_id == "early"
    assert middle.delta is not None
    assert [i.finding_id for i in middle.delta.regressed] == ["fid-x"]


def test_same_scan_twice_is_refused_and_nothing_changes(db):
    db.record(meta("s1", T1), frame(("x", "fail")))
    with pytest.raises(InputError, match="scan s1 is already recorded"):
        db.record(meta("s1", T2), frame(("y", "fail")))
    out = db.record(meta("s2", T3), frame(("y", "fail")))
    assert seen(out, "y") == (T3, T3)
    assert [p.scan_id for p in out.trend] == ["s1", "s2"]


def counts(path: Path) -> tuple[int, int, int, list[tuple[str, str, str]]]:
    with sqlite3.connect(path) as conn:
        scans = conn.execute("SELECT count(*) FROM scan").fetchone()[0]
        findings = conn.execute("SELECT count(*) FROM finding").fetchone()[0]
        links = conn.execute("SELECT count(*) FROM scan_finding").fetchone()[0]
        stamps = conn.execute("SELECT finding_id, first_seen, last_seen FROM finding ORDER BY 1").fetchall()
    return scans, findings, links, stamps


def test_an_error_while_recording_rolls_everything_back(tmp_path, monkeypatch):
    path = tmp_path / "h.db"
    with History.open(path) as h:
        h.record(meta("s1", T1), frame(("x", "fail"), ("y", "pass")))
        before = counts(path)

        def broken(*args, **kwargs):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(history_module, "compute_delta", broken)  # runs after every write of the scan
        with pytest.raises(RuntimeError, match="disk on fire"):
            h.record(meta("s2", T2), frame(("x", "fail"), ("z", "fail")))
        assert counts(path) == before
        monkeypatch.undo()
        out = h.record(meta("s2", T2), frame(("x", "fail"), ("z", "fail")))
    assert out.previous_scan_id == "s1"
    assert counts(path)[:3] == (2, 3, 4)


def test_random_bytes_are_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "history.db"
    data = bytes(range(256)) * 40
    path.write_bytes(data)
    with pytest.raises(InputError, match=f"^{re.escape(str(path))}: not a classic-scan history database$"):
        History.open(path)
    assert path.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.db"]


def test_random_bytes_after_a_sqlite_header_are_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "history.db"
    data = b"SQLite format 3\x00" + random.Random(7).randbytes(8192)
    path.write_bytes(data)
    with pytest.raises(InputError, match="not a classic-scan history database"):
        History.open(path)
    assert path.read_bytes() == data


@pytest.mark.parametrize("application_id", [0, 42])
def test_foreign_sqlite_database_is_refused_and_left_unchanged(tmp_path, application_id):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
        conn.execute(f"PRAGMA application_id = {application_id}")
    conn.close()
    data = path.read_bytes()
    with pytest.raises(InputError, match=f"^{re.escape(str(path))}: not a classic-scan history database$"):
        History.open(path)
    assert path.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "h.db"
    History.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(InputError, match="newer classic-scanner"):
        History.open(path)


def test_empty_file_becomes_a_history_and_a_directory_is_refused(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with History.open(path) as h:
        assert h.record(meta("s1", T1), frame(("x", "fail"))).delta is None
    with pytest.raises(InputError, match="is a directory"):
        History.open(tmp_path)
    with pytest.raises(InputError, match="cannot open history database"):
        History.open(tmp_path / "missing-dir" / "h.db")


def _record_in_process(path: str, index: int, barrier) -> None:
    rows = [(f"shared-{i}", "fail") for i in range(2000)] + [(f"own-{index}-{i}", "pass") for i in range(500)]
    barrier.wait()
    with History.open(path) as h:
        h.record(meta(f"proc-{index}", f"2026-11-0{index + 1}T00:00:00Z"), frame(*rows))


def test_concurrent_scans_are_all_recorded(tmp_path):
    path = tmp_path / "shared.db"  # created concurrently too
    ctx = multiprocessing.get_context("spawn")
    workers = 4
    barrier = ctx.Barrier(workers)
    procs = [ctx.Process(target=_record_in_process, args=(str(path), i, barrier)) for i in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * workers
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM scan").fetchone()[0] == workers
        assert conn.execute("SELECT count(*) FROM scan_finding").fetchone()[0] == workers * 2500
        assert conn.execute("SELECT count(*) FROM finding").fetchone()[0] == 2000 + workers * 500
        stamps = conn.execute(
            "SELECT min(first_seen), max(last_seen) FROM finding WHERE finding_id = 'fid-shared-0'"
        )
        assert stamps.fetchone() == ("2026-11-01T00:00:00Z", f"2026-11-0{workers}T00:00:00Z")
    conn.close()
    with History.open(path) as h:
        out = h.record(meta("after", "2026-11-20T00:00:00Z"), frame(("shared-0", "fail")))
    assert out.previous_scan_id == f"proc-{workers - 1}"
    assert len(out.trend) == workers + 1


def test_a_new_history_database_is_readable_by_its_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        db = tmp_path / "history.db"
        with History.open(db) as history:
            history.record(meta("s1", "2026-11-01T00:00:00Z"), frame(("a", "fail")))
            side_files = [p for p in tmp_path.iterdir() if p.name.startswith("history.db")]
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in side_files}
    finally:
        os.umask(old)
    assert modes["history.db"] == 0o600
    assert set(modes.values()) == {0o600}, modes
