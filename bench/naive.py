"""The baseline for the engine benchmark: every rule evaluated row by row in pure Python.

Same semantics as scanner.engine (three-valued Kleene logic, `where`, `requires`, NA -> unknown, list
tests with unknown elements, message and unknown-message templates, evidence, finding ids, report
order), over the same inventory tables, but one Python call per (rule, row) instead of column-wise
masks. `bench/run.py eval` checks that both give the same findings before comparing their times.
"""

from __future__ import annotations

import hashlib
import math
import re
import string
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from scanner.engine.evaluate import MESSAGE_LIST_ITEMS
from scanner.engine.retirements import RetirementCalendar
from scanner.engine.rules import SEVERITIES, Rule, RulePack
from scanner.inventory import Inventory
from scanner.inventory.columns import TABLES, Table

Record = dict[str, Any]
#: A compiled test: row -> True / False / None (unknown).
Test = Callable[[Record], bool | None]


def is_na(value: Any) -> bool:
    if value is None:
        return True
    if type(value).__name__ == "NAType":
        return True
    return isinstance(value, float) and math.isnan(value)


def plain(value: Any) -> Any:
    """NA -> None, numpy scalars -> Python (as evaluate.python_value)."""
    if is_na(value):
        return None
    item = getattr(value, "item", None)
    if item is not None and type(value).__module__ == "numpy":
        return item()
    return value


def records(inventory: Inventory) -> dict[str, list[Record]]:
    """Every inventory table as a list of row dicts (plain Python values)."""
    out = {}
    for name, frame in inventory.tables.items():
        columns = list(frame.columns)
        out[name] = [
            {c: plain(v) for c, v in zip(columns, values, strict=True)}
            for values in frame.astype(object).itertuples(index=False, name=None)
        ]
    return out


# -- conditions -----------------------------------------------------------------------------------


def and3(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def or3(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def compile_test(spec: Mapping[str, Any], table: Table) -> Test:
    """A condition tree -> a per-row function with three-valued results."""
    if "all" in spec or "any" in spec:
        combinator = "all" if "all" in spec else "any"
        parts = [compile_test(p, table) for p in spec[combinator]]
        join = and3 if combinator == "all" else or3

        def combined(row: Record) -> bool | None:
            result = parts[0](row)
            for part in parts[1:]:
                result = join(result, part(row))
            return result

        return combined
    if "not" in spec:
        inner = compile_test(spec["not"], table)

        def negated(row: Record) -> bool | None:
            value = inner(row)
            return None if value is None else not value

        return negated
    name, op, value = spec["field"], spec["op"], spec.get("value")
    column = table.column(name)
    assert column is not None
    if op in ("exists", "missing"):
        want = op == "exists"
        return lambda row: (row[name] is not None) == want
    if op in ("ne", "not_in"):
        base = _leaf(name, column.kind, {"ne": "eq", "not_in": "in"}[op], value)

        def inverted(row: Record) -> bool | None:
            result = base(row)
            return None if result is None else not result

        return inverted
    return _leaf(name, column.kind, op, value)


def _leaf(name: str, kind: str, op: str, value: Any) -> Test:
    if kind == "list":
        return _list_leaf(name, op, value)
    if kind == "str":
        return _str_leaf(name, op, value)
    return _scalar_leaf(name, op, value)


def _str_leaf(name: str, op: str, value: Any) -> Test:
    if op == "eq":
        want = str(value).lower()
        return lambda row: None if row[name] is None else str(row[name]).lower() == want
    if op == "in":
        wanted = {str(v).lower() for v in value}
        return lambda row: None if row[name] is None else str(row[name]).lower() in wanted
    if op == "contains":
        needle = str(value).lower()
        return lambda row: None if row[name] is None else needle in str(row[name]).lower()
    if op == "matches":
        pattern = re.compile(value, re.IGNORECASE)
        return lambda row: None if row[name] is None else pattern.search(str(row[name])) is not None
    if op in ("empty", "not_empty"):
        want_empty = op == "empty"
        return lambda row: None if row[name] is None else (str(row[name]) == "") == want_empty
    return _date_leaf(name, op, value)


def _date_leaf(name: str, op: str, value: Any) -> Test:
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    m = re.match(r"^(as_of)?(?:([+-])(\d+)d)?$|^(\d{4}-\d{2}-\d{2})$", text)
    assert m

    def run(row: Record) -> bool | None:
        raw = row[name]
        if raw is None:
            return None
        try:
            moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if m.group(4):
            target = datetime.fromisoformat(m.group(4)).replace(tzinfo=UTC)
        else:
            days = int(m.group(3) or 0) * (-1 if m.group(2) == "-" else 1)
            target = datetime.combine(AS_OF[0] + timedelta(days=days), datetime.min.time(), UTC)
        return moment < target if op == "before" else moment > target

    return run


def _scalar_leaf(name: str, op: str, value: Any) -> Test:
    compare: Callable[[Any], bool] = {
        "eq": lambda v: v == value,
        "in": lambda v: v in value,
        "lt": lambda v: v < value,
        "le": lambda v: v <= value,
        "gt": lambda v: v > value,
        "ge": lambda v: v >= value,
    }[op]
    return lambda row: None if row[name] is None else bool(compare(row[name]))


def _list_leaf(name: str, op: str, value: Any) -> Test:
    if op in ("len_eq", "len_gt", "len_lt"):
        cmp: Callable[[int], bool] = {
            "len_eq": lambda n: n == value,
            "len_gt": lambda n: n > value,
            "len_lt": lambda n: n < value,
        }[op]
        return lambda row: None if row[name] is None else cmp(len(row[name]))
    if op in ("empty", "not_empty"):
        want_empty = op == "empty"
        return lambda row: None if row[name] is None else (len(row[name]) == 0) == want_empty
    if op in ("contains", "any_in"):
        wanted = {str(value).lower()} if op == "contains" else {str(v).lower() for v in value}
        hit: Callable[[Any], bool] = lambda e: str(e).lower() in wanted  # noqa: E731
    else:
        pattern = re.compile(value, re.IGNORECASE)
        hit = lambda e: pattern.search(str(e)) is not None  # noqa: E731

    def any_element(row: Record) -> bool | None:
        items = row[name]
        if items is None:
            return None
        unknown = False
        for element in items:
            if element is None:
                unknown = True
            elif hit(element):
                return True
        return None if unknown else False

    return any_element


#: The as-of date relative date tests read (set by `evaluate`).
AS_OF: list[date] = [date.today()]


# -- findings -------------------------------------------------------------------------------------


def as_text(value: Any) -> str:
    if isinstance(value, list):
        if not value:
            return "none"
        shown = ", ".join("n/a" if v is None else str(v) for v in value[:MESSAGE_LIST_ITEMS])
        more = len(value) - MESSAGE_LIST_ITEMS
        return f"{shown} and {more} more" if more > 0 else shown
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in sorted(value.items())) if value else "none"
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if value != "" else "none"


def compile_template(template: str) -> list[tuple[str, str | None]]:
    return [(literal, name or None) for literal, name, _, _ in string.Formatter().parse(template)]


def render(parts: list[tuple[str, str | None]], row: Record, extras: Mapping[str, str]) -> str:
    out = []
    for literal, name in parts:
        out.append(literal)
        if name:
            out.append(extras[name] if name in extras else as_text(row[name]))
    return "".join(out)


class NaiveRule:
    """One rule, compiled for per-row evaluation."""

    def __init__(self, rule: Rule, calendar: RetirementCalendar, as_of: date, cloud: str) -> None:
        spec = rule.spec
        table = TABLES[spec.target]
        self.rule = rule
        self.where = compile_test(spec.where, table) if spec.where is not None else None
        self.condition = compile_test(spec.condition, table) if spec.condition is not None else None
        self.message = compile_template(spec.message)
        self.pass_message = compile_template(spec.pass_message) if spec.pass_message else None
        self.extras: dict[str, str] = {}
        self.evidence_extra: dict[str, Any] = {}
        self.severity = spec.severity or "info"
        if spec.retirement:
            entry = calendar.entries[spec.retirement]
            retire = entry.date_for(cloud)
            self.severity = RetirementCalendar.severity(retire, as_of)
            days, when = RetirementCalendar.describe(retire, as_of)
            self.extras = {
                "service": entry.service,
                "retire_date": retire.isoformat(),
                "days": str(days),
                "when": when,
            }
            self.evidence_extra = {
                "retirement_date": retire.isoformat(),
                "days_from_as_of": (retire - as_of).days,
                "retirement_source": entry.source,
            }
        remediation = spec.remediation.strip()
        if spec.verdict == "manual":
            steps = " ".join(f"{i}) {s.strip()}" for i, s in enumerate(spec.verification, start=1))
            remediation = f"Verify by hand: {steps}\n{remediation}"
        self.remediation = remediation
        self.evidence_names = list(dict.fromkeys([*rule.fields, *spec.evidence]))
        self.references = [r.url for r in spec.references]

    def status(self, row: Record) -> str:
        spec = self.rule.spec
        value = self.condition(row) if self.condition is not None else True
        known = value is not None and all(row[name] is not None for name in spec.requires)
        if not known:
            return "unknown"
        return spec.verdict if value else "pass"

    def finding(self, row: Record) -> Record:
        spec = self.rule.spec
        status = self.status(row)
        if status == "pass":
            message = (
                render(self.pass_message, row, self.extras)
                if self.pass_message
                else f"Checked; not affected: {spec.title}"
            )
        elif status == "unknown":
            missing = ", ".join(name for name in self.rule.fields if row[name] is None)
            missing = missing or "some items of " + ", ".join(self.rule.fields)
            message = f"Cannot be evaluated for {row['name']}: the data does not carry {missing}."
        else:
            message = render(self.message, row, self.extras)
        rid = str(row["id"])
        return {
            "finding_id": hashlib.sha256(f"{spec.id}|{rid.lower()}".encode()).hexdigest()[:32],
            "rule_id": spec.id,
            "title": spec.title,
            "status": status,
            "severity": self.severity,
            "category": spec.category,
            "resource_id": rid,
            "resource_name": str(row["name"]),
            "resource_type": row["type"],
            "subscription_id": row["subscription_id"],
            "resource_group": row["resource_group"],
            "location": row["location"],
            "message": message,
            "evidence": {**{n: row[n] for n in self.evidence_names}, **self.evidence_extra},
            "remediation": "" if status == "pass" else self.remediation,
            "references": list(self.references),
            "waiver": None,
            "first_seen": None,
            "last_seen": None,
        }


def evaluate(
    pack: RulePack, tables: Mapping[str, list[Record]], as_of: date, cloud: str
) -> tuple[list[Record], list[str]]:
    """Every rule over every row of its target table, row by row; (findings in report order, errors)."""
    AS_OF[0] = as_of
    findings: list[Record] = []
    errors: list[str] = []
    for rule in pack.rules:
        rows = tables[rule.spec.target]
        if not rows:
            continue
        try:
            naive = NaiveRule(rule, pack.calendar, as_of, cloud)
            for row in rows:
                if naive.where is not None and naive.where(row) is not True:
                    continue
                findings.append(naive.finding(row))
        except Exception as exc:
            errors.append(f"{rule.id}: {type(exc).__name__}: {exc}")
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (rank[f["severity"]], f["rule_id"], f["resource_id"].lower()))
    return findings, errors


def conditions_only(pack: RulePack, tables: Mapping[str, list[Record]], as_of: date) -> dict[str, list[str]]:
    """Only the verdicts (where + condition + requires), row by row: rule id -> status per applicable row,
    in table order."""
    AS_OF[0] = as_of
    out: dict[str, list[str]] = {}
    for rule in pack.rules:
        naive = NaiveRule(rule, pack.calendar, as_of, "public")
        statuses = []
        for row in tables[rule.spec.target]:
            if naive.where is not None and naive.where(row) is not True:
                continue
            statuses.append(naive.status(row))
        if statuses:
            out[rule.id] = statuses
    return out
