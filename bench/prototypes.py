"""Prototypes of the fixes proposed in RESULTS.md, to measure their effect before anyone changes the code.

Nothing here is used by the scanner. Each prototype replaces one function at run time (monkeypatch) with
a version that changes only what the proposal says; `bench/run.py proto` times the current code and the
prototype on the same input in one process and checks they give the same result.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

# -- memory: the raw rows are not needed once the inventory is built -----------------------------------


def release_rows_after_inventory(scan_mod: Any) -> None:
    """Patch scanner.scan so that, right after build_inventory, the scope is computed and the raw ARG rows
    are released (each dataset keeps only its length, which the coverage reports). The proposal is to do
    this in run_scan itself: compute _scope and the row counts, then drop snapshot.rows before evaluate."""
    build, scope = scan_mod.build_inventory, scan_mod._scope
    cached: dict[int, Any] = {}

    def build_inventory(snapshot: Any) -> Any:
        inventory = build(snapshot)
        cached[id(snapshot)] = scope(snapshot)
        for rows in snapshot.rows.values():
            rows[:] = [None] * len(rows)
        return inventory

    scan_mod.build_inventory = build_inventory
    scan_mod._scope = lambda snapshot: cached[id(snapshot)]


# -- evaluate: render each message template only for the rows that show it; evidence in one dict -------


def evaluate_rule_fast() -> Callable[..., pd.DataFrame]:
    from scanner.engine import evaluate as ev
    from scanner.engine.conditions import Mask
    from scanner.engine.retirements import RetirementCalendar

    def evidence(table: pd.DataFrame, names: list[str], extra: dict[str, Any]) -> list[dict[str, Any]]:
        names = list(dict.fromkeys(names))
        columns = []
        for name in names:
            col = table[name]
            if col.dtype == object:
                columns.append(col.tolist())  # None already stands for NA in object columns
            else:
                columns.append([ev.python_value(v) for v in col.astype(object)])
        keys = [*names, *extra]
        columns += [[v] * len(table) for v in extra.values()]
        if not keys:
            return [{} for _ in range(len(table))]
        return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]

    one = _as_text_one()

    def texts(series: pd.Series[Any]) -> list[str]:
        # Plain non-empty strings are their own text; everything else goes through as_text's rules.
        return [v if type(v) is str and v else one(v) for v in series.astype(object).tolist()]

    def rendered(
        template: str, table: pd.DataFrame, mask: np.ndarray[Any, Any], extras: dict[str, str]
    ) -> Any:
        if not mask.any():
            return None
        part = table.loc[mask]
        pieces: list[list[str] | str] = []
        for literal, name, _, _ in string.Formatter().parse(template):
            if literal:
                pieces.append(literal)
            if name:
                pieces.append(extras[name] if name in extras else texts(part[name]))
        columns = [[p] * len(part) if isinstance(p, str) else p for p in pieces]
        return np.array(["".join(row) for row in zip(*columns, strict=True)], dtype=object)

    def run(
        rule: Any, table: pd.DataFrame, ctx: Any, calendar: Any, cloud: str, texts: Any = None
    ) -> pd.DataFrame:
        spec = rule.spec
        if rule.where is not None:
            applies = rule.where(table, ctx)
            table = table.loc[applies.value & applies.known].reset_index(drop=True)
            if table.empty:
                return ev._empty()
        n = len(table)
        result = rule.condition(table, ctx) if rule.condition else Mask.constant(n, True)
        required_known = np.ones(n, dtype=bool)
        for name in spec.requires:
            required_known &= table[name].notna().to_numpy()
        known = result.known & required_known
        status = np.where(~known, "unknown", np.where(result.value, spec.verdict, "pass"))
        extras: dict[str, str] = {}
        evidence_extra: dict[str, Any] = {}
        severity: str = spec.severity or "info"
        if spec.retirement:
            entry = calendar.entries[spec.retirement]
            retire_date = entry.date_for(cloud)
            severity = RetirementCalendar.severity(retire_date, ctx.as_of)
            days, when = RetirementCalendar.describe(retire_date, ctx.as_of)
            extras = {
                "service": entry.service,
                "retire_date": retire_date.isoformat(),
                "days": str(days),
                "when": when,
            }
            evidence_extra = {
                "retirement_date": retire_date.isoformat(),
                "days_from_as_of": (retire_date - ctx.as_of).days,
                "retirement_source": entry.source,
            }
        message = np.empty(n, dtype=object)
        is_pass, is_unknown = status == "pass", status == "unknown"
        is_match = ~is_pass & ~is_unknown
        if spec.pass_message:
            part = rendered(spec.pass_message, table, is_pass, extras)
            if part is not None:
                message[is_pass] = part
        else:
            message[is_pass] = f"Checked; not affected: {spec.title}"
        part = rendered(spec.message, table, is_match, extras)
        if part is not None:
            message[is_match] = part
        if is_unknown.any():
            message[is_unknown] = ev._unknown_message(rule, table.loc[is_unknown]).to_numpy()
        remediation = spec.remediation.strip()
        if spec.verdict == "manual":
            steps = " ".join(f"{i}) {s.strip()}" for i, s in enumerate(spec.verification, start=1))
            remediation = f"Verify by hand: {steps}\n{remediation}"
        ids = table["id"].astype(str)
        rule_id = spec.id
        return pd.DataFrame(
            {
                "finding_id": [ev.finding_id(rule_id, rid) for rid in ids.tolist()],
                "rule_id": rule_id,
                "title": spec.title,
                "status": status,
                "severity": severity,
                "category": spec.category,
                "resource_id": ids,
                "resource_name": table["name"].astype(str),
                "resource_type": table["type"],
                "subscription_id": table["subscription_id"],
                "resource_group": table["resource_group"],
                "location": table["location"],
                "message": message,
                "evidence": evidence(table, [*rule.fields, *spec.evidence], evidence_extra),
                "remediation": np.where(status == "pass", "", remediation),
                "references": [[r.url for r in spec.references]] * n,
                "waiver": None,
                "first_seen": None,
                "last_seen": None,
            }
        )

    return run


def _as_text_one() -> Callable[[Any], str]:
    """as_text's per-value rule (scanner.engine.evaluate.as_text), as a plain function."""
    from scanner.engine.evaluate import MESSAGE_LIST_ITEMS

    def one(value: Any) -> str:
        if isinstance(value, list):
            if not value:
                return "none"
            shown = ", ".join("n/a" if v is None else str(v) for v in value[:MESSAGE_LIST_ITEMS])
            more = len(value) - MESSAGE_LIST_ITEMS
            return f"{shown} and {more} more" if more > 0 else shown
        if isinstance(value, dict):
            return ", ".join(f"{k} {v}" for k, v in sorted(value.items())) if value else "none"
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return "n/a"
        if isinstance(value, bool | np.bool_):
            return "true" if value else "false"
        return str(value) if value != "" else "none"

    return one


# -- findings.json: C encoder per finding, streamed -------------------------------------------------------


def json_write_streaming() -> Callable[[Any, Path], None]:
    """reports.json_report.write with the same document, but findings built column-wise and written one
    `json.dumps` (C encoder) per line instead of `json.dump(indent=1)` (pure-Python encoder)."""
    from reports import json_report
    from scanner.engine.evaluate import python_value

    def records(findings: pd.DataFrame) -> list[dict[str, Any]]:
        columns = list(findings.columns)
        values = []
        for c in columns:
            col = findings[c]
            if col.dtype == object:
                values.append(
                    [
                        python_value(v) if v is not None and not isinstance(v, str | dict | list) else v
                        for v in col.tolist()
                    ]
                )
            else:
                values.append([python_value(v) for v in col.astype(object)])
        return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]

    def write(result: Any, path: Path) -> None:
        empty = result.findings.iloc[:0]
        doc = json_report.document(type(result)(**{**result.__dict__, "findings": empty}))
        keys = list(doc)
        with path.open("w", encoding="utf-8") as fh:
            fh.write("{\n")
            for i, key in enumerate(keys):
                fh.write(f"{json.dumps(key)}: ")
                if key == "findings":
                    fh.write("[\n")
                    rows = records(result.findings)
                    for j, row in enumerate(rows):
                        fh.write(json.dumps(row, ensure_ascii=False, default=str))
                        fh.write(",\n" if j < len(rows) - 1 else "\n")
                    fh.write("]")
                elif key == "summary":
                    fh.write(json.dumps(result.summary(), ensure_ascii=False, default=str))
                else:
                    fh.write(json.dumps(doc[key], ensure_ascii=False, default=str))
                fh.write(",\n" if i < len(keys) - 1 else "\n")
            fh.write("}\n")

    return write


# -- report.html: a regex instead of a per-character generator in https() ----------------------------

_WHITESPACE = re.compile(r"\s")


def https_fast(url: object) -> str | None:
    text = str(url or "")
    return text if text.startswith("https://") and not _WHITESPACE.search(text) else None
