"""The files source: offline input from snapshots and ARG exports.

Accepted inputs (one or several; rows merge, the first copy of an id wins):

- a snapshot directory (or its manifest.json) written by `classic-scan collect` / `--save-snapshot`;
- `az graph query -o json` output, `{"data": [...], "count": .., "total_records": .., "skip_token": ..}`,
  or the REST table form `{"data": {"columns": [...], "rows": [...]}}`;
- a bare JSON array of ARG rows;
- JSON Lines (one row per line; `.jsonl`/`.ndjson`, or any JSON file with one object per line);
- a CSV downloaded from Resource Graph Explorer (nested columns as JSON text).

Rows are routed to datasets by their `type`, case-insensitively. Any problem with the input raises
InputError with one line naming the file and, where it can, the line or row.
"""

from __future__ import annotations

import csv
import gzip
import json
import zlib
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from scanner import memory
from scanner.errors import InputError
from scanner.limits import MAX_DEPTH, depth_exceeds, may_be_deep
from scanner.redact import may_hold_secret
from scanner.snapshot import (
    DATASETS,
    FORMAT,
    MANIFEST,
    Snapshot,
    dataset_for_type,
    sha256_file,
    strip_secrets,
)
from scanner.sources.arm import ARM_DATASETS
from scanner.textfile import is_gzip
from scanner.wording import counted

#: Columns of an ARG row that hold objects or arrays (JSON text in a CSV export).
NESTED_COLUMNS = frozenset({"properties", "tags", "sku", "identity", "plan", "zones", "extendedlocation"})


class FilesSource:
    """Reads one or more input paths into one Snapshot."""

    def __init__(self, paths: Iterable[Path], readable_types: Collection[str] | None = None) -> None:
        self.paths = [Path(p) for p in paths]
        # The ARG types the inventory reads (scan.py passes the inventory's type map: a source sits
        # below the inventory and does not import it). None: only an export without rows is an issue.
        self.readable_types = readable_types

    def read(self) -> Snapshot:
        check_memory(self.paths)
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in DATASETS}
        seen: set[str] = set()
        collected: set[str] = set()
        sources: list[str] = []
        issues: list[str] = []
        manifest: dict[str, Any] = {}
        for path in self.paths:
            loaded = _load_path(path, self.readable_types)
            manifest = manifest or loaded.manifest
            collected |= loaded.collected
            issues.extend(loaded.issues)
            sources.extend(loaded.sources)
            for row in loaded.rows:
                key = row["id"].lower()
                if key in seen:
                    continue
                seen.add(key)
                rows.setdefault(dataset_for_type(row["type"]), []).append(row)
            # ARM details describe resources ARG already listed: kept apart, merged by the inventory.
            for name, arm_rows in loaded.arm.items():
                for row in arm_rows:
                    key = f"{name}|{row['id'].lower()}"
                    if key not in seen:
                        seen.add(key)
                        rows.setdefault(name, []).append(row)
        return Snapshot(
            rows=rows,
            collected=frozenset(collected),
            manifest=manifest,
            sources=tuple(sources),
            issues=tuple(issues),
        )


#: Peak memory of a whole run (load, inventory, evaluation, plan, the four reports) per byte of input,
#: measured by bench/run.py at 100k resources (bench/RESULTS.md), with a margin; a JSON document or
#: CSV is parsed from one string, which costs more than streamed JSON Lines.
MEMORY_PER_BYTE_STREAMED = 9
MEMORY_PER_BYTE_DOCUMENT = 12


def check_memory(paths: Iterable[Path]) -> None:
    """Refuse, with one line, an input whose scan would exceed the memory budget (scanner.memory)."""
    need = 0
    for path in paths:
        files = list(path.glob("*.jsonl")) if path.is_dir() else [path] if path.is_file() else []
        for f in files:
            streamed = f.suffix.lower() in (".jsonl", ".ndjson") or path.is_dir()
            need += f.stat().st_size * (MEMORY_PER_BYTE_STREAMED if streamed else MEMORY_PER_BYTE_DOCUMENT)
    budget = memory.limit()
    if budget is not None and memory.resident() + need > budget:
        raise memory.MemoryBudgetError(
            f"the input needs about {memory.describe(memory.resident() + need)} of memory and the budget is "
            f"{memory.describe(budget)} ({memory.origin()}): scan fewer subscriptions at a time, export "
            "JSON Lines instead of one JSON document, or raise the budget on a larger machine"
        )


class _Loaded:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.collected: set[str] = set()
        self.manifest: dict[str, Any] = {}
        self.sources: list[str] = []
        self.issues: list[str] = []
        self.arm: dict[str, list[dict[str, Any]]] = {}
        """Rows of the ARM datasets (sources/arm.py), by dataset."""


def _load_path(path: Path, readable_types: Collection[str] | None) -> _Loaded:
    if path.is_dir() or path.name == MANIFEST:
        return _load_snapshot(path if path.is_dir() else path.parent)
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    _refuse_other_files(path)
    loaded = _Loaded()
    loaded.collected = set(DATASETS)  # an export is taken to cover every table; see README
    loaded.sources.append(f"{path} sha256:{sha256_file(path)}")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson") or (suffix != ".csv" and _looks_like_json_lines(path)):
        # Streamed line by line: memory holds rows, never the whole file's text.
        loaded.rows = [_check_row(path, where, row, secret) for where, row, secret in _iter_json_lines(path)]
        if not loaded.rows and not _has_content(path):
            raise InputError(f"{path}: the file is empty")
        loaded.issues.extend(_nothing_to_scan(path, loaded.rows, readable_types))
        return loaded
    text = _read_text(path)
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    raw = _parse_csv(path, text) if suffix == ".csv" else _parse_json(path, text, loaded.issues)
    secrets = may_hold_secret(text)
    del text
    loaded.rows = [_check_row(path, where, row, secrets) for where, row in raw]
    loaded.issues.extend(_nothing_to_scan(path, loaded.rows, readable_types))
    return loaded


#: What a scan wrote, not what it reads: findings.json and findings.csv (either may be gzip, from
#: `scan --compress`). Recognised from their first bytes, as reports.folder does.
_FINDINGS_JSON_MARKS = (b'"schema_version"', b'"tool_version"')
_FINDINGS_CSV_HEAD = b"finding_id,rule_id,"
_HEAD_BYTES = 8192


def _refuse_other_files(path: Path) -> None:
    """InputError for a gzip file or a scan's own findings file, which are no Resource Graph rows."""
    packed = False
    try:
        packed = is_gzip(path)
        with gzip.open(path, "rb") if packed else path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except (OSError, EOFError, zlib.error):  # gzip.BadGzipFile is an OSError
        if packed:
            raise InputError(
                f"{path}: gzip file that cannot be decompressed (damaged or truncated)"
            ) from None
        return  # an unreadable plain file gets its own message from the reader
    head = head.removeprefix(b"\xef\xbb\xbf")
    if (head.startswith(b"{") and all(mark in head for mark in _FINDINGS_JSON_MARKS)) or head.startswith(
        _FINDINGS_CSV_HEAD
    ):
        raise InputError(
            f"{path}: is a classic-scan findings file (a scan's output), not Resource Graph rows; "
            "compare two scans with `classic-scan diff OLD NEW`, or scan the snapshot or export they "
            "came from"
        )
    if packed:
        raise InputError(
            f"{path}: is gzip-compressed; decompress it first (gunzip), --input reads JSON, JSON Lines "
            "and CSV exports and snapshot directories"
        )


def _nothing_to_scan(
    path: Path, rows: list[dict[str, Any]], readable_types: Collection[str] | None
) -> list[str]:
    """An export is taken to cover every table, so one that holds nothing the rules read would pass as
    a clean estate: a wrong query or an empty download. It makes the scan incomplete instead."""
    if not rows:
        return [f"{path}: the export holds no rows; nothing was read from it"]
    if readable_types is not None and not any(row["type"] in readable_types for row in rows):
        types = sorted({row["type"] for row in rows})
        shown = ", ".join(types[:3]) + (f" and {len(types) - 3} more" if len(types) > 3 else "")
        held = counted(len(rows), "row")
        return [f"{path}: none of its {held} is of a type the rules read (it holds {shown})"]
    return []


def _looks_like_json_lines(path: Path) -> bool:
    """A JSON file whose first line is a whole ARG row object is JSON Lines (streamed)."""
    try:
        with path.open("rb") as fh:
            first = fh.readline(1 << 24).decode("utf-8-sig").strip()
    except (OSError, UnicodeDecodeError):
        return False
    if not first.startswith("{") or not first.endswith("}"):
        return False
    try:
        doc = json.loads(first)
    except (json.JSONDecodeError, RecursionError):
        return False
    return isinstance(doc, dict) and "id" in doc and "type" in doc and "data" not in doc


def _has_content(path: Path) -> bool:
    with path.open("rb") as fh:
        return any(line.strip() for line in fh)


def _iter_json_lines(path: Path) -> Iterator[tuple[str, Any, bool]]:
    """(where, object, may hold a secret) per non-blank line, reading the file as a stream."""
    try:
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    raise InputError(f"{path}: line {number}: not UTF-8 text") from None
                if not line.strip():
                    continue
                yield f"line {number}", _loads_line(path, number, line), may_hold_secret(line)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte {exc.start}); expected JSON, JSON Lines or CSV"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None


def _parse_json(path: Path, text: str, issues: list[str]) -> list[tuple[str, Any]]:
    stripped = text.lstrip()
    if not stripped.startswith(("[", "{")):
        # Position only: the file's own bytes could be anything (a key, control characters).
        line = text[: len(text) - len(stripped)].count("\n") + 1
        raise InputError(
            f"{path}: not JSON, JSON Lines or CSV (line {line} starts with neither '[' nor '{{')"
        )
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and stripped.startswith("{"):
            return _parse_json_lines(path, text)
        raise InputError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{path}: nested deeper than {MAX_DEPTH} levels") from None
    if isinstance(doc, list):
        return _bounded(path, [(f"row {i + 1}", r) for i, r in enumerate(doc)])
    if isinstance(doc, dict) and "data" in doc:
        data = doc["data"]
        if isinstance(data, dict) and "columns" in data and "rows" in data:
            data = _table_to_objects(path, data)
        if not isinstance(data, list):
            raise InputError(f"{path}: 'data' is neither a list of rows nor a table")
        _check_complete(path, doc, len(data), issues)
        return _bounded(path, [(f"row {i + 1}", r) for i, r in enumerate(data)])
    if isinstance(doc, dict) and doc.get("format") == FORMAT:
        raise InputError(f"{path}: this is a snapshot manifest; pass its directory instead")
    raise InputError(
        f"{path}: expected a JSON array of ARG rows or an object with 'data' (az graph query output)"
    )


def _bounded(path: Path, rows: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    for where, row in rows:
        if depth_exceeds(row):
            raise InputError(f"{path}: {where}: nested deeper than {MAX_DEPTH} levels")
    return rows


def _check_complete(path: Path, doc: dict[str, Any], count: int, issues: list[str]) -> None:
    token = doc.get("skip_token") or doc.get("$skipToken") or doc.get("skipToken")
    total = doc.get("total_records", doc.get("totalRecords"))
    if token or (isinstance(total, int) and total > count):
        of = f" of {total}" if isinstance(total, int) else ""
        issues.append(
            f"{path}: the export holds {count}{of} rows and has a continuation token: it is only the first "
            "page(s) of the query result"
        )


def _table_to_objects(path: Path, table: dict[str, Any]) -> list[Any]:
    try:
        names = [c["name"] for c in table["columns"]]
        return [dict(zip(names, r, strict=True)) for r in table["rows"]]
    except (TypeError, KeyError, ValueError):
        raise InputError(f"{path}: malformed table result (columns and rows do not match)") from None


def _parse_json_lines(path: Path, text: str) -> list[tuple[str, Any]]:
    return [
        (f"line {number}", _loads_line(path, number, line))
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


def _loads_line(path: Path, number: int, line: str) -> Any:
    """One JSON Lines record, refused when it is not JSON or nests deeper than MAX_DEPTH."""
    where = f"{path}: line {number}"
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: invalid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"{where}: nested deeper than {MAX_DEPTH} levels") from None
    if may_be_deep(line) and depth_exceeds(value):
        raise InputError(f"{where}: nested deeper than {MAX_DEPTH} levels")
    return value


#: The largest CSV cell: a C long, which is 32 bits on Windows (sys.maxsize overflows it there).
CSV_FIELD_LIMIT = 2**31 - 1


def _parse_csv(path: Path, text: str) -> list[tuple[str, Any]]:
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.DictReader(text.splitlines(keepends=True))
    if not reader.fieldnames:
        raise InputError(f"{path}: the CSV has no header row")
    out: list[tuple[str, Any]] = []
    try:
        for number, record in enumerate(reader, start=2):
            if None in record:
                raise InputError(f"{path}: line {number}: more cells than header columns")
            out.append((f"line {number}", dict(_csv_cells(path, number, record))))
    except csv.Error as exc:
        raise InputError(f"{path}: line {reader.line_num}: malformed CSV ({exc})") from None
    return out


def _csv_cells(path: Path, number: int, record: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for column, cell in record.items():
        if cell is None:
            continue  # fewer cells than columns: treat as absent
        value: Any = cell
        nested = column.lower() in NESTED_COLUMNS
        if cell == "":
            if nested:
                continue
        elif nested or cell[0] in "[{":
            try:
                value = json.loads(cell)
            except json.JSONDecodeError:
                if nested:
                    raise InputError(f"{path}: line {number}: column {column!r} is not valid JSON") from None
            except RecursionError:
                raise InputError(
                    f"{path}: line {number}: column {column!r} nested deeper than {MAX_DEPTH} levels"
                ) from None
            if may_be_deep(cell) and depth_exceeds(value):
                raise InputError(
                    f"{path}: line {number}: column {column!r} nested deeper than {MAX_DEPTH} levels"
                )
        yield column, value


def _check_row(path: Path, where: str, row: Any, secrets: bool = True) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise InputError(f"{path}: {where}: expected an object, got {type(row).__name__}")
    row = {_canonical_key(k): v for k, v in row.items()}
    for key in ("id", "type"):
        value = row.get(key)
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{path}: {where}: the row has no '{key}'")
    row["type"] = row["type"].strip().lower()
    cleaned: dict[str, Any] = strip_secrets(row) if secrets else row
    return cleaned


#: Every column ARG returns for `project *`, in ARG's order (exports may spell them in any case).
ARG_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "type",
    "tenantId",
    "kind",
    "location",
    "resourceGroup",
    "subscriptionId",
    "managedBy",
    "sku",
    "plan",
    "properties",
    "tags",
    "identity",
    "zones",
    "extendedLocation",
)
_CANONICAL = {k.lower(): k for k in ARG_COLUMNS}


def _canonical_key(key: Any) -> str:
    text = str(key)
    return _CANONICAL.get(text.lower(), text)


def _load_snapshot(directory: Path) -> _Loaded:
    manifest_path = directory / MANIFEST
    if manifest_path.is_symlink():
        raise InputError(f"{manifest_path}: is a symbolic link; a snapshot holds regular files only")
    if not manifest_path.is_file():
        raise InputError(f"{directory}: a directory input must be a snapshot with a {MANIFEST}")
    try:
        manifest = json.loads(_read_text(manifest_path))
    except json.JSONDecodeError as exc:
        raise InputError(f"{manifest_path}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{manifest_path}: nested deeper than {MAX_DEPTH} levels") from None
    if depth_exceeds(manifest):
        raise InputError(f"{manifest_path}: nested deeper than {MAX_DEPTH} levels")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InputError(f"{manifest_path}: not a classic-scan snapshot manifest")
    datasets = manifest.get("datasets")
    if not isinstance(datasets, dict):
        raise InputError(f"{manifest_path}: 'datasets' is missing")
    loaded = _Loaded()
    loaded.manifest = manifest
    loaded.sources.append(f"{manifest_path} sha256:{sha256_file(manifest_path)}")
    for name, entry in sorted(datasets.items()):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise InputError(f"{manifest_path}: dataset {name!r} has no file")
        data_path = directory / entry["file"]
        if data_path.is_symlink():
            raise InputError(f"{data_path}: is a symbolic link; a snapshot holds regular files only")
        if not data_path.is_file() or data_path.parent.resolve() != directory.resolve():
            raise InputError(f"{data_path}: listed in the manifest but missing")
        if not isinstance(entry.get("sha256"), str):
            raise InputError(f"{manifest_path}: dataset {name!r} has no sha256")
        digest = sha256_file(data_path)
        if entry["sha256"].lower() != digest:
            raise InputError(f"{data_path}: SHA-256 does not match the manifest (file changed or truncated)")
        loaded.sources.append(f"{data_path} sha256:{digest}")
        target = loaded.arm.setdefault(name, []) if name in ARM_DATASETS else loaded.rows
        target.extend(
            _check_row(data_path, where, row, secret) for where, row, secret in _iter_json_lines(data_path)
        )
        loaded.collected.add(name)
    coverage = manifest.get("coverage")
    if isinstance(coverage, dict):
        loaded.issues.extend(str(i) for i in coverage.get("issues") or [])
        if coverage.get("complete") is False and not coverage.get("issues"):
            loaded.issues.append(f"{manifest_path}: the snapshot is marked incomplete")
    return loaded
