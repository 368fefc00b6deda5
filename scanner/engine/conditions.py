"""Declarative conditions compiled to vectorized three-valued masks over an inventory table.

A compiled condition maps a DataFrame to a `Mask`: `value` (the test's outcome where known) and
`known` (False where a value it needs is NA). `all`/`any`/`not` combine masks with Kleene logic.
No per-row Python: string tests use pandas string methods, list tests explode the list column
once and aggregate back by row.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from scanner.inventory.columns import Column, Table

Array = np.ndarray[Any, np.dtype[np.bool_]]


class ConditionError(ValueError):
    """A condition that does not fit the schema; the message names the offending part."""


@dataclass(frozen=True)
class Mask:
    """Three-valued result per row: true / false where known, NA where not."""

    value: Array
    known: Array

    def __and__(self, other: Mask) -> Mask:
        false_self = self.known & ~self.value
        false_other = other.known & ~other.value
        known = (self.known & other.known) | false_self | false_other
        return Mask(self.value & other.value & known, known)

    def __or__(self, other: Mask) -> Mask:
        true_self = self.known & self.value
        true_other = other.known & other.value
        known = (self.known & other.known) | true_self | true_other
        return Mask((true_self | true_other) & known, known)

    def __invert__(self) -> Mask:
        return Mask(~self.value & self.known, self.known)

    @staticmethod
    def constant(n: int, value: bool) -> Mask:
        return Mask(np.full(n, value), np.ones(n, dtype=bool))


@dataclass(frozen=True)
class Context:
    """What a condition may compare against besides the row."""

    as_of: date


Compiled = Callable[[pd.DataFrame, Context], Mask]

STR_OPS = {"eq", "ne", "in", "not_in", "contains", "matches", "empty", "not_empty", "before", "after"}
BOOL_OPS = {"eq", "ne"}
INT_OPS = {"eq", "ne", "in", "not_in", "lt", "le", "gt", "ge"}
LIST_OPS = {"contains", "any_in", "any_matches", "len_eq", "len_gt", "len_lt", "empty", "not_empty"}
ANY_OPS = {"exists", "missing"}
OPERATORS = sorted(STR_OPS | BOOL_OPS | INT_OPS | LIST_OPS | ANY_OPS)
_OPS_BY_KIND = {"str": STR_OPS, "bool": BOOL_OPS, "int": INT_OPS, "list": LIST_OPS, "dict": set()}
_DATE_VALUE = re.compile(r"^(as_of)?(?:([+-])(\d+)d)?$|^(\d{4}-\d{2}-\d{2})$")


def compile_condition(spec: Any, table: Table, path: str = "condition") -> tuple[Compiled, list[str]]:
    """Compile a condition; returns the function and the columns it reads (in order, no repeats)."""
    if not isinstance(spec, dict):
        raise ConditionError(f"{path}: expected a mapping")
    keys = set(spec)
    for combinator in ("all", "any"):
        if combinator in keys:
            if keys != {combinator}:
                raise ConditionError(
                    f"{path}: '{combinator}' cannot be combined with {sorted(keys - {combinator})}"
                )
            parts = spec[combinator]
            if not isinstance(parts, list) or not parts:
                raise ConditionError(f"{path}.{combinator}: expected a non-empty list")
            compiled = [compile_condition(p, table, f"{path}.{combinator}[{i}]") for i, p in enumerate(parts)]
            return _combine(combinator, [c for c, _ in compiled]), _unique(
                f for _, fs in compiled for f in fs
            )
    if "not" in keys:
        if keys != {"not"}:
            raise ConditionError(f"{path}: 'not' cannot be combined with other keys")
        inner, fields = compile_condition(spec["not"], table, f"{path}.not")
        return (lambda df, ctx: ~inner(df, ctx)), fields
    return _compile_test(spec, table, path)


def _unique(fields: Any) -> list[str]:
    return list(dict.fromkeys(fields))


def _combine(combinator: str, parts: list[Compiled]) -> Compiled:
    def run(df: pd.DataFrame, ctx: Context) -> Mask:
        result = parts[0](df, ctx)
        for part in parts[1:]:
            result = result & part(df, ctx) if combinator == "all" else result | part(df, ctx)
        return result

    return run


def _compile_test(spec: dict[str, Any], table: Table, path: str) -> tuple[Compiled, list[str]]:
    extra = set(spec) - {"field", "op", "value"}
    if extra:
        raise ConditionError(f"{path}: unknown keys {sorted(extra)} (expected all/any/not or field/op/value)")
    name, op = spec.get("field"), spec.get("op")
    if not isinstance(name, str) or not isinstance(op, str):
        raise ConditionError(f"{path}: a test needs 'field' and 'op'")
    column = table.column(name)
    if column is None:
        raise ConditionError(f"{path}: table {table.name} has no column {name!r}")
    if op not in OPERATORS:
        raise ConditionError(f"{path}: unknown operator {op!r} (one of {', '.join(OPERATORS)})")
    if op not in ANY_OPS and op not in _OPS_BY_KIND[column.kind]:
        raise ConditionError(f"{path}: operator {op!r} does not apply to {column.kind} column {name!r}")
    value = spec.get("value")
    test = _build(column, op, value, path)
    return test, [name]


def _build(column: Column, op: str, value: Any, path: str) -> Compiled:
    name = column.name
    if op in ("exists", "missing"):
        want = op == "exists"
        return lambda df, ctx: Mask(df[name].notna().to_numpy() == want, np.ones(len(df), dtype=bool))
    needs_value = op not in ("empty", "not_empty")
    if needs_value and value is None:
        raise ConditionError(f"{path}: operator {op!r} needs a 'value'")
    negate = op in ("ne", "not_in")
    base = {"ne": "eq", "not_in": "in"}.get(op, op)
    if column.kind == "list":
        fn = _list_test(name, base, value, path)
    elif column.kind == "str":
        fn = _str_test(name, base, value, path)
    else:
        fn = _scalar_test(name, column.kind, base, value, path)
    if negate:
        return lambda df, ctx: ~fn(df, ctx)
    return fn


def _known(series: pd.Series[Any]) -> Array:
    return series.notna().to_numpy()


def _lower(series: pd.Series[Any]) -> pd.Series[Any]:
    return series.astype("string").str.lower()


def _bools(result: Any) -> Array:
    return np.asarray(pd.Series(result).fillna(False).to_numpy(dtype=bool))


def _regex(value: Any, path: str) -> re.Pattern[str]:
    if not isinstance(value, str):
        raise ConditionError(f"{path}: a regular expression must be a string")
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise ConditionError(f"{path}: invalid regular expression {value!r}: {exc}") from None


def _str_list(value: Any, path: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str | int | float | bool) for v in value):
        raise ConditionError(f"{path}: 'value' must be a list of scalars")
    return [str(v).lower() for v in value]


def _str_test(name: str, op: str, value: Any, path: str) -> Compiled:
    if op == "eq":
        if not isinstance(value, str | int | float):
            raise ConditionError(f"{path}: 'value' must be a string")
        want = str(value).lower()
        return lambda df, ctx: Mask(_bools(_lower(df[name]) == want), _known(df[name]))
    if op == "in":
        wanted = _str_list(value, path)
        return lambda df, ctx: Mask(_bools(_lower(df[name]).isin(wanted)), _known(df[name]))
    if op == "contains":
        needle = str(value).lower()
        return lambda df, ctx: Mask(
            _bools(_lower(df[name]).str.contains(needle, regex=False)), _known(df[name])
        )
    if op == "matches":
        pattern = _regex(value, path)
        return lambda df, ctx: Mask(_bools(_search(df[name], pattern)), _known(df[name]))
    if op in ("empty", "not_empty"):
        want_empty = op == "empty"
        return lambda df, ctx: Mask(_bools(df[name].astype("string") == "") == want_empty, _known(df[name]))
    return _date_test(name, op, value, path)


def _date_test(name: str, op: str, value: Any, path: str) -> Compiled:
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    m = _DATE_VALUE.match(text)
    if not m or not (m.group(1) or m.group(4)):
        raise ConditionError(f"{path}: date value must be YYYY-MM-DD, as_of, or as_of+Nd / as_of-Nd")

    def target(ctx: Context) -> pd.Timestamp:
        if m.group(4):
            return pd.Timestamp(m.group(4), tz="UTC")
        days = int(m.group(3) or 0) * (-1 if m.group(2) == "-" else 1)
        return pd.Timestamp(ctx.as_of + timedelta(days=days), tz="UTC")

    def run(df: pd.DataFrame, ctx: Context) -> Mask:
        dates = pd.to_datetime(df[name], errors="coerce", utc=True, format="ISO8601")
        known = dates.notna().to_numpy()
        cmp = dates < target(ctx) if op == "before" else dates > target(ctx)
        return Mask(_bools(cmp) & known, known)

    return run


def _scalar_test(name: str, kind: str, op: str, value: Any, path: str) -> Compiled:
    if kind == "bool" and not isinstance(value, bool):
        raise ConditionError(f"{path}: 'value' must be true or false")
    if kind == "int":
        values = value if op == "in" else [value]
        if not isinstance(values, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        ):
            raise ConditionError(f"{path}: 'value' must be a number" + (" list" if op == "in" else ""))
    compare: Callable[[pd.Series[Any]], Any] = {
        "eq": lambda s: s == value,
        "in": lambda s: s.isin(value),
        "lt": lambda s: s < value,
        "le": lambda s: s <= value,
        "gt": lambda s: s > value,
        "ge": lambda s: s >= value,
    }[op]
    return lambda df, ctx: Mask(_bools(compare(df[name])), _known(df[name]))


def _list_test(name: str, op: str, value: Any, path: str) -> Compiled:
    if op in ("len_eq", "len_gt", "len_lt"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConditionError(f"{path}: 'value' must be a whole number")
        cmp = {"len_eq": np.equal, "len_gt": np.greater, "len_lt": np.less}[op]
        return lambda df, ctx: Mask(cmp(_lengths(df[name]), value), _known(df[name]))
    if op in ("empty", "not_empty"):
        want_empty = op == "empty"
        return lambda df, ctx: Mask((_lengths(df[name]) == 0) == want_empty, _known(df[name]))
    if op == "contains":
        wanted = [str(value).lower()]
        return lambda df, ctx: _any_element(df[name], lambda e: _lower(e).isin(wanted))
    if op == "any_in":
        wanted = _str_list(value, path)
        return lambda df, ctx: _any_element(df[name], lambda e: _lower(e).isin(wanted))
    pattern = _regex(value, path)
    return lambda df, ctx: _any_element(df[name], lambda e: _search(e, pattern))


def _search(series: pd.Series[Any], pattern: re.Pattern[str]) -> pd.Series[Any]:
    with warnings.catch_warnings():  # groups in a rule's regex are fine: we only test for a match
        warnings.filterwarnings("ignore", "This pattern is interpreted as a regular expression")
        return series.astype("string").str.contains(pattern, regex=True)


def _lengths(series: pd.Series[Any]) -> np.ndarray[Any, np.dtype[np.int64]]:
    return np.asarray(series.str.len().fillna(0).to_numpy(dtype=np.int64))


def _any_element(series: pd.Series[Any], test: Callable[[pd.Series[Any]], Any]) -> Mask:
    """Some element passes `test`. Kleene over elements: a None element is unknown, so a list with no
    passing element but a None one is NA (e.g. a disk whose VHD URI the data does not carry)."""
    exploded = series.explode()
    lengths = pd.Series(_lengths(series), index=series.index)
    hits = pd.Series(test(exploded), index=exploded.index).fillna(False).astype(bool)
    unknown_element = exploded.isna() & (lengths.reindex(exploded.index) > 0)
    any_hit = hits.groupby(level=0, sort=False).any().reindex(series.index, fill_value=False).to_numpy()
    any_unknown = unknown_element.groupby(level=0, sort=False).any().reindex(series.index, fill_value=False)
    known = _known(series) & (any_hit | ~any_unknown.to_numpy())
    return Mask(any_hit & known, known)
