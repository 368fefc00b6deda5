"""findings.json: the machine contract (schema_version "1", see DESIGN.md).

Written as a stream: the document's small parts indented, then one finding per line, so that a
500k-finding document never exists in memory as one object and is encoded by json's C encoder.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from reports.compressed import open_text
from scanner.model import CHANGE_CATEGORIES, HistoryReport, Plan, ScanResult, plain_values

SCHEMA_VERSION = "1"
#: Findings encoded per write.
CHUNK = 5000


def document(result: ScanResult) -> dict[str, Any]:
    """The findings.json document as a Python object (what `write` writes, parsed)."""
    doc = _head(result)
    doc["findings"] = [dict(zip(result.findings.columns, row, strict=True)) for row in _rows(result.findings)]
    return {**doc, **_tail(result)}


def write(result: ScanResult, path: Path) -> None:
    """Write findings.json to `path` (gzip-compressed when it ends in .gz: findings.json.gz)."""
    with open_text(path) as fh:
        fh.write("{\n")
        for key, value in _head(result).items():
            fh.write(f"{_dumps(key)}: {_dumps(value, indent=1)},\n")
        fh.write('"findings": [')
        columns = list(result.findings.columns)
        first = True
        for chunk in _chunks(_rows(result.findings)):
            lines = [_dumps(dict(zip(columns, row, strict=True))) for row in chunk]
            fh.write(("\n" if first else ",\n") + ",\n".join(lines))
            first = False
        fh.write("\n]")
        for key, value in _tail(result).items():
            fh.write(f",\n{_dumps(key)}: {_dumps(value, indent=1 if key != 'plan' else None)}")
        fh.write("\n}\n")


def _dumps(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, indent=indent)


def _head(result: ScanResult) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "scan": asdict(result.meta), "summary": result.summary()}


def _tail(result: ScanResult) -> dict[str, Any]:
    return {
        "plan": plan_json(result.plan),
        "waivers": plain(result.waivers),
        "history": history_json(result.history),
        "rules": [
            {
                "id": r.spec.id,
                "title": r.spec.title,
                "severity": r.spec.severity or "calendar",
                "category": r.spec.category,
                "migration": r.migration,
                "target": r.spec.target,
                "verdict": r.spec.verdict,
                "retirement": r.spec.retirement,
                "references": [{"title": ref.title, "url": ref.url} for ref in r.spec.references],
            }
            for r in result.pack.rules
        ],
    }


def plain(value: Any) -> Any:
    """A model value as JSON-ready Python: dataclasses as dicts in field order, tuples as lists."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def plan_json(plan: Plan | None) -> dict[str, Any]:
    """findings.json's `plan`: {} without a plan; a unit has `disk_vms` only when it is a storage
    account and `note` only when it has one; the per-kind runbooks are the report's, not the data's."""
    if plan is None:
        return {}
    out = {f.name: plain(getattr(plan, f.name)) for f in fields(plan) if f.name != "runbooks"}
    for unit, written in zip(plan.units, out["units"], strict=True):
        if unit.kind != "storage":
            del written["disk_vms"]
        if unit.note is None:
            del written["note"]
    return out


def history_json(history: HistoryReport | None) -> dict[str, Any]:
    """findings.json's `history`: {} without --history; the delta with its counts first."""
    if history is None:
        return {}
    delta = history.delta
    return {
        "scope_key": history.scope_key,
        "previous_scan_id": history.previous_scan_id,
        "delta": None
        if delta is None
        else {
            "counts": delta.counts(),
            **{c: plain(delta.items(c)) for c in CHANGE_CATEGORIES},
            "persisting": delta.persisting,
        },
        "trend": plain(history.trend),
    }


def _rows(frame: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
    """Each finding as a tuple of JSON-ready values (NA -> None), built column by column."""
    return zip(*(plain_values(frame[name]) for name in frame.columns), strict=True)


def _chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
