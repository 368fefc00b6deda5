"""Evaluate a rule pack over an inventory: one verdict per (rule, resource), vectorized per rule.

Each rule's condition gives a three-valued mask over its target table; verdicts, messages and
finding ids are built column-wise for the whole table at once. A rule that raises is recorded as
an error (the scan is then incomplete) and the other rules still run.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from scanner.engine.conditions import Context, Mask
from scanner.engine.retirements import RetirementCalendar
from scanner.engine.rules import SEVERITIES, Rule, RulePack
from scanner.inventory import Inventory

FINDING_COLUMNS: tuple[str, ...] = (
    "finding_id",
    "rule_id",
    "title",
    "status",
    "severity",
    "category",
    "resource_id",
    "resource_name",
    "resource_type",
    "subscription_id",
    "resource_group",
    "location",
    "message",
    "evidence",
    "remediation",
    "references",
    "waiver",
    "first_seen",
    "last_seen",
)
STATUSES: tuple[str, ...] = ("fail", "unknown", "manual", "waived", "pass")
#: Longest list a message spells out; the evidence always carries the whole list.
MESSAGE_LIST_ITEMS = 20


@dataclass(frozen=True)
class Evaluation:
    """The findings of a pack over an inventory, and the rules that could not run."""

    findings: pd.DataFrame
    """One row per (rule, resource), columns FINDING_COLUMNS, in report order."""
    errors: tuple[str, ...]
    """`RULE-ID: message` for each rule that raised."""


def evaluate(pack: RulePack, inventory: Inventory, as_of: date, cloud: str) -> Evaluation:
    frames = []
    errors = []
    ctx = Context(as_of=as_of)
    texts: TextCache = {}
    for rule in pack.rules:
        table = inventory.table(rule.spec.target)
        if table.empty:
            continue
        try:
            frames.append(_evaluate_rule(rule, table, ctx, pack.calendar, cloud, texts))
        except Exception as exc:  # a broken rule must not hide the others' results
            errors.append(f"{rule.id}: {type(exc).__name__}: {exc}")
    findings = pd.concat(frames, ignore_index=True) if frames else _empty()
    return Evaluation(findings=sort_findings(findings), errors=tuple(errors))


def sort_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Report order: severity (critical first), rule id, resource id (case-insensitive)."""
    if findings.empty:
        return findings.reset_index(drop=True)
    rank = findings["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    order = pd.DataFrame({"r": rank, "rule": findings["rule_id"], "res": findings["resource_id"].str.lower()})
    return findings.loc[order.sort_values(["r", "rule", "res"], kind="stable").index].reset_index(drop=True)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in FINDING_COLUMNS})


def _evaluate_rule(
    rule: Rule,
    table: pd.DataFrame,
    ctx: Context,
    calendar: RetirementCalendar,
    cloud: str,
    texts: TextCache | None = None,
) -> pd.DataFrame:
    spec = rule.spec
    if rule.where is not None:
        applies = rule.where(table, ctx)
        table = table.loc[applies.value & applies.known].reset_index(drop=True)
        if table.empty:
            return _empty()
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

    cache = texts if rule.where is None and texts is not None else None  # a filtered table has other rows
    matched = render(spec.message, table, extras, cache)
    passed = (
        render(spec.pass_message, table, extras, cache)
        if spec.pass_message
        else pd.Series([f"Checked; not affected: {spec.title}"] * n)
    )
    message = np.where(
        status == "pass", passed, np.where(status == "unknown", _unknown_message(rule, table), matched)
    )

    remediation = spec.remediation.strip()
    if spec.verdict == "manual":
        steps = " ".join(f"{i}) {s.strip()}" for i, s in enumerate(spec.verification, start=1))
        remediation = f"Verify by hand: {steps}\n{remediation}"
    ids = table["id"].astype(str)
    return pd.DataFrame(
        {
            "finding_id": [finding_id(spec.id, rid) for rid in ids],
            "rule_id": spec.id,
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
            "evidence": _evidence(table, [*rule.fields, *spec.evidence], evidence_extra),
            "remediation": np.where(status == "pass", "", remediation),
            "references": [[r.url for r in spec.references]] * n,
            "waiver": None,
            "first_seen": None,
            "last_seen": None,
        }
    )


def finding_id(rule_id: str, resource_id: str) -> str:
    """Stable id of a (rule, resource) pair: SHA-256 of rule id and lower-cased resource id."""
    return hashlib.sha256(f"{rule_id}|{resource_id.lower()}".encode()).hexdigest()[:32]


TextCache = dict[tuple[int, str], "pd.Series[str]"]


def render(
    template: str, table: pd.DataFrame, extras: dict[str, str], cache: TextCache | None = None
) -> pd.Series[str]:
    """Fill a message template for every row, column-wise. `cache` keeps each column's text across the
    rules of one evaluation (many rules name the same columns of the same table)."""
    out = pd.Series([""] * len(table), index=table.index, dtype=object)
    for literal, name, _, _ in string.Formatter().parse(template):
        out = out + literal
        if not name:
            continue
        if name in extras:
            out = out + extras[name]
            continue
        key = (id(table), name)
        text = cache.get(key) if cache is not None else None
        if text is None:
            text = as_text(table[name])
            if cache is not None:
                cache[key] = text
        out = out + text
    return out


def as_text(series: pd.Series[Any]) -> pd.Series[str]:
    """Human text per value: lists comma-separated (at most MESSAGE_LIST_ITEMS, 'none' when empty),
    empty text as 'none', NA as 'n/a'. Evidence keeps the full values."""

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

    return series.astype(object).map(one)


def _unknown_message(rule: Rule, table: pd.DataFrame) -> pd.Series[str]:
    """Name the resource and the values it lacks (columns that are NA, else the lists with unknown items)."""
    missing = pd.Series([""] * len(table), index=table.index, dtype=object)
    for name in rule.fields:
        missing = missing + np.where(table[name].isna().to_numpy(), f"{name}, ", "")
    missing = missing.str.rstrip(", ")
    partial = "some items of " + ", ".join(rule.fields)
    missing = missing.where(missing != "", partial)
    return (
        "Cannot be evaluated for " + table["name"].astype(str) + ": the data does not carry " + missing + "."
    )


def python_value(value: Any) -> Any:
    """A JSON-ready Python value (NA -> None, numpy scalars -> Python)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def _evidence(table: pd.DataFrame, names: list[str], extra: dict[str, Any]) -> list[dict[str, Any]]:
    names = list(dict.fromkeys(names))
    columns = [[python_value(v) for v in table[name].astype(object)] for name in names]
    return (
        [{**dict(zip(names, values, strict=True)), **extra} for values in zip(*columns, strict=True)]
        if names
        else [dict(extra) for _ in range(len(table))]
    )
