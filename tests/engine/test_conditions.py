"""The condition language: operators, three-valued logic, schema errors."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from scanner.engine.conditions import ConditionError, Context, Mask, compile_condition
from scanner.inventory.columns import Column, Table

TABLE = Table(
    "t",
    "test table",
    (),
    (
        Column("s", "str", ""),
        Column("b", "bool", ""),
        Column("n", "int", ""),
        Column("l", "list", ""),
        Column("d", "str", ""),
    ),
)
FRAME = pd.DataFrame(
    {
        "id": ["a", "b", "c", "d"],
        "s": pd.Series(["Ready", "NotReady", None, ""], dtype=object),
        "b": pd.Series([True, False, None, True], dtype="boolean"),
        "n": pd.Series([0, 5, None, 401], dtype="Int64"),
        "l": pd.Series([["VMSnapshot", "BGInfo"], [], None, ["x/y"]], dtype=object),
        "d": pd.Series(["2020-01-01", "2030-01-01", None, "garbage"], dtype=object),
    }
)
CTX = Context(as_of=date(2026, 11, 26))


def run(spec: dict) -> list[bool | None]:
    fn, _ = compile_condition(spec, TABLE)
    mask = fn(FRAME, CTX)
    return [bool(v) if k else None for v, k in zip(mask.value, mask.known, strict=True)]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"field": "s", "op": "eq", "value": "ready"}, [True, False, None, False]),
        ({"field": "s", "op": "ne", "value": "Ready"}, [False, True, None, True]),
        ({"field": "s", "op": "in", "value": ["READY", "x"]}, [True, False, None, False]),
        ({"field": "s", "op": "not_in", "value": ["Ready"]}, [False, True, None, True]),
        ({"field": "s", "op": "contains", "value": "tread"}, [False, True, None, False]),
        ({"field": "s", "op": "matches", "value": "^not"}, [False, True, None, False]),
        ({"field": "s", "op": "empty"}, [False, False, None, True]),
        ({"field": "s", "op": "exists"}, [True, True, False, True]),
        ({"field": "s", "op": "missing"}, [False, False, True, False]),
        ({"field": "b", "op": "eq", "value": True}, [True, False, None, True]),
        ({"field": "n", "op": "gt", "value": 400}, [False, False, None, True]),
        ({"field": "n", "op": "le", "value": 5}, [True, True, None, False]),
        ({"field": "n", "op": "in", "value": [0, 401]}, [True, False, None, True]),
        (
            {"field": "l", "op": "any_in", "value": ["vmsnapshot", "VMSnapshotLinux"]},
            [True, False, None, False],
        ),
        ({"field": "l", "op": "contains", "value": "bginfo"}, [True, False, None, False]),
        ({"field": "l", "op": "any_matches", "value": "/"}, [False, False, None, True]),
        ({"field": "l", "op": "len_gt", "value": 1}, [True, False, None, False]),
        ({"field": "l", "op": "len_eq", "value": 0}, [False, True, None, False]),
        ({"field": "l", "op": "empty"}, [False, True, None, False]),
        ({"field": "d", "op": "before", "value": "as_of"}, [True, False, None, None]),
        ({"field": "d", "op": "after", "value": "as_of+365d"}, [False, True, None, None]),
        ({"field": "d", "op": "before", "value": "2021-01-01"}, [True, False, None, None]),
    ],
)
def test_operators(spec, expected):
    assert run(spec) == expected


def test_kleene_logic():
    # row c has NA everywhere: AND with a known false is false, OR with a known true is true
    false_and_na = {
        "all": [{"field": "s", "op": "eq", "value": "nope"}, {"field": "n", "op": "gt", "value": 0}]
    }
    assert run(false_and_na)[2] is None  # NA and NA -> NA
    and_known_false = {"all": [{"field": "s", "op": "missing"}, {"field": "n", "op": "gt", "value": 0}]}
    assert run(and_known_false) == [False, False, None, False]
    or_known_true = {"any": [{"field": "s", "op": "missing"}, {"field": "n", "op": "gt", "value": 0}]}
    assert run(or_known_true) == [False, True, True, True]
    assert run({"not": {"field": "s", "op": "eq", "value": "Ready"}}) == [False, True, None, True]


def test_mask_algebra_matches_truth_tables():
    values = [True, False, None]
    for a in values:
        for b in values:
            ma = Mask(np.array([bool(a)]), np.array([a is not None]))
            mb = Mask(np.array([bool(b)]), np.array([b is not None]))
            got_and = ma & mb
            got_or = ma | mb
            exp_and = False if False in (a, b) else (None if None in (a, b) else True)
            exp_or = True if True in (a, b) else (None if None in (a, b) else False)
            assert (bool(got_and.value[0]) if got_and.known[0] else None) == exp_and
            assert (bool(got_or.value[0]) if got_or.known[0] else None) == exp_or


def test_fields_read_are_reported_once_in_order():
    _, fields = compile_condition(
        {
            "all": [
                {"field": "s", "op": "exists"},
                {"any": [{"field": "n", "op": "gt", "value": 1}, {"field": "s", "op": "empty"}]},
            ]
        },
        TABLE,
    )
    assert fields == ["s", "n"]


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ({"field": "nope", "op": "eq", "value": 1}, "no column 'nope'"),
        ({"field": "s", "op": "frobnicate", "value": 1}, "unknown operator"),
        ({"field": "b", "op": "gt", "value": 1}, "does not apply"),
        ({"field": "l", "op": "eq", "value": "x"}, "does not apply"),
        ({"field": "s", "op": "eq"}, "needs a 'value'"),
        ({"field": "s", "op": "matches", "value": "("}, "invalid regular expression"),
        ({"field": "b", "op": "eq", "value": "yes"}, "true or false"),
        ({"field": "n", "op": "gt", "value": "5"}, "must be a number"),
        ({"field": "d", "op": "before", "value": "tomorrow"}, "date value"),
        ({"all": []}, "non-empty list"),
        ({"all": [{"field": "s", "op": "exists"}], "any": []}, "cannot be combined"),
        ({"field": "s", "op": "eq", "value": "x", "extra": 1}, "unknown keys"),
        ("text", "expected a mapping"),
    ],
)
def test_schema_errors(spec, fragment):
    with pytest.raises(ConditionError, match=fragment):
        compile_condition(spec, TABLE)


def test_unknown_list_elements_are_kleene():
    frame = pd.DataFrame({"l": pd.Series([["a/b", None], ["ok", None], ["ok"], [None]], dtype=object)})
    table = Table("t", "", (), (Column("l", "list", ""),))
    fn, _ = compile_condition({"field": "l", "op": "any_matches", "value": "/"}, table)
    mask = fn(frame, CTX)
    got = [bool(v) if k else None for v, k in zip(mask.value, mask.known, strict=True)]
    assert got == [True, None, False, None]
    length, _ = compile_condition({"field": "l", "op": "len_eq", "value": 2}, table)
    assert list(length(frame, CTX).value) == [True, True, False, False]


def test_prepared_columns_give_the_same_masks_as_a_bare_frame():
    from scanner.engine.conditions import Columns

    prepared = Columns(FRAME)
    specs = [
        {"field": "s", "op": "matches", "value": "^not"},
        {"field": "s", "op": "in", "value": ["ready"]},
        {"field": "l", "op": "any_in", "value": ["bginfo"]},
        {"field": "l", "op": "len_gt", "value": 1},
        {"field": "d", "op": "before", "value": "as_of"},
        {"field": "n", "op": "ge", "value": 5},
    ]
    for spec in specs:
        fn, _ = compile_condition(spec, TABLE)
        shared, bare = fn(prepared, CTX), fn(FRAME, CTX)
        assert shared.value.tolist() == bare.value.tolist(), spec
        assert shared.known.tolist() == bare.known.tolist(), spec
    assert ("elements", "l") in prepared._cache  # prepared once, reused by the next rule


def test_string_tests_read_non_text_values_as_their_text():
    """Malformed data (a number or a boolean where text belongs) compares as pandas string dtype shows it."""
    table = Table("t", "", (), (Column("s", "str", ""),))
    frame = pd.DataFrame({"s": pd.Series([1, True, None, "TRUE", 1.0], dtype=object)})
    fn, _ = compile_condition({"field": "s", "op": "eq", "value": "true"}, table)
    mask = fn(frame, CTX)
    assert mask.value.tolist() == [False, True, False, True, False]
    assert mask.known.tolist() == [True, True, False, True, True]
    fn, _ = compile_condition({"field": "s", "op": "eq", "value": "1"}, table)
    assert fn(frame, CTX).value.tolist() == [True, False, False, False, False]
