"""Evaluate a rule pack over an inventory in two steps: verdicts, then findings.

`judge` is the evaluation proper: for each rule, the rows its `where` selects and a verdict per row,
from vectorized three-valued masks over columns prepared once per table (`conditions.Columns`).
`findings` turns verdicts into the findings table every later stage reads: message, evidence and
finding id per (rule, resource), built from per-column lists prepared once per table, rendering for
each row only the template its verdict shows. A rule that raises is recorded as an error (the scan
is then incomplete) and the other rules still run.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from scanner.engine.conditions import Columns, Context, Mask
from scanner.engine.fields import field_values
from scanner.engine.retirements import RetirementCalendar
from scanner.engine.rules import Rule, RulePack
from scanner.inventory import Inventory
from scanner.model import FINDING_COLUMNS, SEVERITIES, STATUSES, plain_values, python_value

__all__ = ["FINDING_COLUMNS", "STATUSES", "evaluate", "findings", "judge", "plain_values", "python_value"]

#: Longest list a message spells out; the evidence always carries the whole list.
MESSAGE_LIST_ITEMS = 20
_CODE = {s: np.uint8(i) for i, s in enumerate(STATUSES)}
#: Columns of FINDING_COLUMNS that hold None or Python objects; pandas stores the others as text.
_OBJECT_COLUMNS = frozenset(
    {"resource_type", "subscription_id", "resource_group", "location"}
    | {"evidence", "references", "waiver", "first_seen", "last_seen"}
)

Codes = np.ndarray[Any, np.dtype[np.uint8]]
Rows = np.ndarray[Any, np.dtype[np.intp]]
Objects = np.ndarray[Any, np.dtype[np.object_]]


@dataclass(frozen=True)
class RuleVerdicts:
    """The verdicts of one rule over its target table."""

    rule: Rule
    """The rule."""
    rows: Rows
    """Positions, in the target table, of the rows the rule applies to (its `where`), in table order."""
    status: Codes
    """Per applicable row: index into STATUSES (fail, unknown, manual or pass)."""
    severity: str
    """The rule's severity (retirement rules: from the calendar and the as-of date)."""
    placeholders: dict[str, str] = field(default_factory=dict)
    """Retirement placeholders for the message templates (service, retire_date, days, when)."""
    evidence_extra: dict[str, Any] = field(default_factory=dict)
    """Retirement facts added to each finding's evidence."""


@dataclass(frozen=True)
class Verdicts:
    """Every rule's verdicts, and the rules that could not run."""

    rules: tuple[RuleVerdicts, ...]
    """One entry per rule with a non-empty target and at least one applicable row, in pack order."""
    errors: tuple[str, ...]
    """`RULE-ID: message` for each rule that raised."""

    @property
    def count(self) -> int:
        return sum(len(v.rows) for v in self.rules)


@dataclass(frozen=True)
class Evaluation:
    """The findings of a pack over an inventory, and the rules that could not run."""

    findings: pd.DataFrame
    """One row per (rule, resource), columns FINDING_COLUMNS, in report order."""
    errors: tuple[str, ...]
    """`RULE-ID: message` for each rule that raised."""


def evaluate(pack: RulePack, inventory: Inventory, as_of: date, cloud: str) -> Evaluation:
    verdicts = judge(pack, inventory, as_of, cloud)
    frame, errors = findings(verdicts, inventory)
    return Evaluation(findings=frame, errors=(*verdicts.errors, *errors))


def judge(pack: RulePack, inventory: Inventory, as_of: date, cloud: str) -> Verdicts:
    """Every rule's verdict for every row it applies to."""
    ctx = Context(as_of=as_of)
    prepared: dict[str, Columns] = {}
    out: list[RuleVerdicts] = []
    errors: list[str] = []
    for rule in pack.rules:
        table = inventory.table(rule.spec.target)
        if table.empty:
            continue
        columns = prepared.setdefault(rule.spec.target, Columns(table))
        try:
            verdicts = _judge_rule(rule, columns, ctx, pack.calendar, cloud)
        except Exception as exc:  # a broken rule must not hide the others' results
            errors.append(f"{rule.id}: {type(exc).__name__}: {exc}")
            continue
        if len(verdicts.rows):
            out.append(verdicts)
    return Verdicts(rules=tuple(out), errors=tuple(errors))


def _judge_rule(
    rule: Rule, columns: Columns, ctx: Context, calendar: RetirementCalendar, cloud: str
) -> RuleVerdicts:
    spec = rule.spec
    n = columns.n
    if rule.where is not None:
        applies = rule.where(columns, ctx)
        rows: Rows = np.flatnonzero(applies.value & applies.known)
    else:
        rows = np.arange(n, dtype=np.intp)
    result = rule.condition(columns, ctx) if rule.condition else Mask.constant(n, True)
    known = result.known.copy()
    for name in spec.requires:
        known &= columns.known(name)
    status = np.full(n, _CODE["pass"], dtype=np.uint8)
    status[result.value] = _CODE[spec.verdict]
    status[~known] = _CODE["unknown"]
    if rule.manual_when is not None:
        manual = rule.manual_when(columns, ctx)
        status[manual.value & manual.known] = _CODE["manual"]
    if not spec.retirement:
        return RuleVerdicts(rule, rows, status[rows], spec.severity or "info")
    entry = calendar.entries[spec.retirement]
    retire_date = entry.date_for(cloud)
    days, when = RetirementCalendar.describe(retire_date, ctx.as_of)
    return RuleVerdicts(
        rule,
        rows,
        status[rows],
        RetirementCalendar.severity(retire_date, ctx.as_of),
        placeholders={
            "service": entry.service,
            "retire_date": retire_date.isoformat(),
            "days": str(days),
            "when": when,
        },
        evidence_extra={
            "retirement_date": retire_date.isoformat(),
            "days_from_as_of": (retire_date - ctx.as_of).days,
            "retirement_source": entry.source,
        },
    )


def findings(
    verdicts: Verdicts, inventory: Inventory, identities: Inventory | None = None
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The findings table (FINDING_COLUMNS, report order) of a set of verdicts, and the rules whose
    findings could not be built.

    Messages, evidence and resource columns are rendered from `inventory`. `identities` (default:
    `inventory`) is an inventory with the same rows in the same positions whose ids give each
    finding's `finding_id` and the report order: --mask renders from a masked inventory while the
    ids, and so history, diff and waivers, stay those of the real resources."""
    views: dict[str, _TableView] = {}
    columns: dict[str, list[Any]] = {name: [] for name in FINDING_COLUMNS}
    errors: list[str] = []
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    for verdict in sorted(verdicts.rules, key=lambda v: (rank[v.severity], v.rule.id)):
        target = verdict.rule.spec.target
        if target not in views:
            identity = identities.table(target) if identities is not None else None
            views[target] = _TableView(inventory.table(target), identity)
        view = views[target]
        try:
            block = _rule_findings(verdict, view)
        except Exception as exc:  # as in judge: one broken rule must not hide the others
            errors.append(f"{verdict.rule.id}: {type(exc).__name__}: {exc}")
            continue
        for name, values in zip(FINDING_COLUMNS, block, strict=True):
            columns[name].extend(values)
    if not columns["finding_id"]:
        return _empty(), tuple(errors)
    # Each column's list is let go as soon as its Series holds the values: with all the lists alive
    # until the frame exists, this was the scan's peak memory (bench/RESULTS.md).
    series: dict[str, pd.Series[Any]] = {}
    for name in FINDING_COLUMNS:
        values = columns.pop(name)
        series[name] = pd.Series(values, dtype=object if name in _OBJECT_COLUMNS else "str")
        del values
    return pd.DataFrame(series, copy=False), tuple(errors)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in FINDING_COLUMNS})


class _TableView:
    """What findings need of one inventory table, each column prepared once and shared by its rules."""

    def __init__(self, table: pd.DataFrame, identity: pd.DataFrame | None = None) -> None:
        self.table = table
        self._text: dict[str, Objects] = {}
        self._plain: dict[str, Objects] = {}
        self._na: dict[str, np.ndarray[Any, np.dtype[np.bool_]]] = {}
        self._fields: dict[str, pd.Series[Any]] = {}
        self.ids = _objects(str(v) for v in table["id"].tolist())
        real_ids = self.ids if identity is None else [str(v) for v in identity["id"].tolist()]
        if len(real_ids) != len(self.ids):
            raise ValueError("the identity table does not have the rows of the rendered table")
        lowered = [rid.lower() for rid in real_ids]
        self.ids_lower = _objects(lowered)
        self.names = _objects(str(v) for v in table["name"].tolist())
        self.raw = {name: _objects(table[name].tolist()) for name in _RESOURCE_COLUMNS}
        # Report order within a rule is by lower-cased resource id; rank each row once.
        order = sorted(range(len(lowered)), key=lowered.__getitem__)
        self.sort_rank = np.empty(len(lowered), dtype=np.intp)
        self.sort_rank[order] = np.arange(len(lowered), dtype=np.intp)

    def column(self, name: str) -> pd.Series[Any]:
        """A column, or a field derived from one (a tag)."""
        if name not in self._fields:
            self._fields[name] = field_values(self.table, name)
        return self._fields[name]

    def text(self, name: str) -> Objects:
        if name not in self._text:
            self._text[name] = _objects(as_text_values(self.column(name).tolist()))
        return self._text[name]

    def plain(self, name: str) -> Objects:
        if name not in self._plain:
            column = self.column(name)
            # Object columns already hold plain Python values with None for NA.
            values = column.tolist() if column.dtype == object else map(python_value, column.tolist())
            self._plain[name] = _objects(values)
        return self._plain[name]

    def na(self, name: str) -> np.ndarray[Any, np.dtype[np.bool_]]:
        if name not in self._na:
            self._na[name] = self.column(name).isna().to_numpy()
        return self._na[name]


_RESOURCE_COLUMNS = ("type", "subscription_id", "resource_group", "location")


def _objects(values: Any) -> Objects:
    """A 1-D object array of arbitrary values (lists stay elements, never a second dimension)."""
    items = values if isinstance(values, list) else list(values)
    return np.fromiter(items, dtype=object, count=len(items))


def _rule_findings(verdict: RuleVerdicts, view: _TableView) -> tuple[Any, ...]:
    """One value list per FINDING_COLUMNS entry for the findings of one rule, in report order."""
    rule, spec = verdict.rule, verdict.rule.spec
    order = np.argsort(view.sort_rank[verdict.rows], kind="stable")
    rows, status = verdict.rows[order], verdict.status[order]
    n = len(rows)
    is_pass = status == _CODE["pass"]
    is_unknown = status == _CODE["unknown"]
    shown = ~is_pass & ~is_unknown

    message = np.empty(n, dtype=object)
    message[shown] = render_rows(spec.message, view, rows[shown], verdict.placeholders)
    if spec.manual_message:
        is_manual = status == _CODE["manual"]
        message[is_manual] = render_rows(spec.manual_message, view, rows[is_manual], verdict.placeholders)
    if spec.pass_message:
        message[is_pass] = render_rows(spec.pass_message, view, rows[is_pass], verdict.placeholders)
    else:
        message[is_pass] = f"Checked; not affected: {spec.title}"
    message[is_unknown] = _unknown_messages(rule, view, rows[is_unknown])

    remediation = spec.remediation.strip()
    by_hand = remediation
    if spec.verification:
        steps = " ".join(f"{i}) {s.strip()}" for i, s in enumerate(spec.verification, start=1))
        by_hand = f"Verify by hand: {steps}\n{remediation}"
    if spec.verdict == "manual":
        remediation = by_hand
    prefix = f"{spec.id}|"
    statuses = np.array(STATUSES, dtype=object)[status]
    return (
        [_digest(prefix + low) for low in view.ids_lower[rows].tolist()],
        [spec.id] * n,
        [spec.title] * n,
        statuses.tolist(),
        [verdict.severity] * n,
        [spec.category] * n,
        view.ids[rows].tolist(),
        view.names[rows].tolist(),
        *(view.raw[name][rows].tolist() for name in _RESOURCE_COLUMNS),
        message.tolist(),
        _evidence(view, rows, [*rule.fields, *spec.evidence], verdict.evidence_extra),
        _remediations(status, remediation, by_hand),
        [[r.url for r in spec.references]] * n,
        [None] * n,
        [None] * n,
        [None] * n,
    )


def _remediations(status: Codes, remediation: str, by_hand: str) -> list[str]:
    """Per row: none for a pass, the verification steps too for a manual verdict, else the remediation."""
    out = np.empty(len(status), dtype=object)
    out.fill(remediation)
    out[status == _CODE["manual"]] = by_hand
    out[status == _CODE["pass"]] = ""
    return out.tolist()


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def finding_id(rule_id: str, resource_id: str) -> str:
    """Stable id of a (rule, resource) pair: SHA-256 of rule id and lower-cased resource id."""
    return _digest(f"{rule_id}|{resource_id.lower()}")


def render_rows(template: str, view: _TableView, rows: Rows, placeholders: dict[str, str]) -> Objects:
    """Fill a message template for the given rows; each column's text is prepared once per table."""
    out: Objects = np.empty(len(rows), dtype=object)
    out.fill("")
    if not len(rows):
        return out
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            out = out + literal
        if name:
            out = out + (placeholders[name] if name in placeholders else view.text(name)[rows])
    return out


def as_text_values(values: list[Any]) -> Iterator[str]:
    """Human text per value: lists comma-separated (at most MESSAGE_LIST_ITEMS, 'none' when empty),
    empty text as 'none', NA as 'n/a'. Evidence keeps the full values."""
    for value in values:
        yield value if type(value) is str and value else _as_text(value)


def _as_text(value: Any) -> str:
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


def _unknown_messages(rule: Rule, view: _TableView, rows: Rows) -> list[str]:
    """Name the resource and the values it lacks (columns that are NA, else the lists with unknown items)."""
    if not len(rows):
        return []
    fields = list(rule.fields)
    partial = "some items of " + ", ".join(fields)
    flags = [view.na(name)[rows].tolist() for name in fields]
    missing = (
        [
            ", ".join(f for f, na in zip(fields, row, strict=True) if na) or partial
            for row in zip(*flags, strict=True)
        ]
        if fields
        else [partial] * len(rows)
    )
    names = view.names[rows].tolist()
    return [
        f"Cannot be evaluated for {name}: the data does not carry {what}."
        for name, what in zip(names, missing, strict=True)
    ]


def _evidence(view: _TableView, rows: Rows, names: list[str], extra: dict[str, Any]) -> list[dict[str, Any]]:
    names = list(dict.fromkeys(names))
    if not names:
        return [dict(extra) for _ in range(len(rows))]
    keys = [*names, *extra]
    values: list[Any] = [view.plain(name)[rows].tolist() for name in names]
    values += [repeat(v) for v in extra.values()]  # zip stops at the first (finite) column
    return [dict(zip(keys, row, strict=True)) for row in zip(*values)]  # noqa: B905
