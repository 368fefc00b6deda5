"""The model's vocabulary: the strings every output writes, and a model that depends on no stage."""

import json
import subprocess
import sys

import pandas as pd

from scanner import model
from scanner.engine.rules import load_pack
from scanner.model import (
    CATEGORIES,
    CHANGE_CATEGORIES,
    CHANGE_TITLES,
    MIGRATIONS,
    READINESS_STATES,
    SEVERITIES,
    STATUSES,
    Category,
    Migration,
    Severity,
    Status,
    plain_values,
    python_value,
)


def test_vocabulary_writes_the_strings_of_findings_json():
    # These strings are the findings.json / CSV / report contract (DESIGN.md): an enum must not change them.
    assert STATUSES == ("fail", "unknown", "manual", "waived", "pass")
    assert SEVERITIES == ("critical", "high", "medium", "low", "info")
    assert MIGRATIONS == ("blocking", "preparation", "none")
    assert READINESS_STATES == ("blocked", "unknown", "needs-preparation", "ready")
    assert CHANGE_CATEGORIES == ("new", "regressed", "waiver_expired", "resolved", "waived", "unverified")
    assert set(CHANGE_TITLES) == set(CHANGE_CATEGORIES)
    assert all(type(s) is str for s in (*STATUSES, *SEVERITIES, *MIGRATIONS, *READINESS_STATES))


def test_enum_members_serialise_as_their_values():
    assert json.dumps({Status.FAIL: Severity.HIGH}) == '{"fail": "high"}'
    assert f"{Migration.BLOCKING}" == "blocking"
    assert Status("waived") is Status.WAIVED


def test_rules_hold_plain_strings_from_the_enums():
    pack = load_pack()
    specs = [rule.spec for rule in pack.rules]
    assert {s.category for s in specs} <= set(CATEGORIES)
    assert {type(s.category) for s in specs} == {str}
    assert {type(s.severity) for s in specs} <= {str, type(None)}
    assert {type(s.migration) for s in specs} == {str}
    assert {r.migration for r in pack.rules} <= set(Migration)
    assert [c.value for c in Category] == list(CATEGORIES)


def test_value_helpers_turn_na_and_numpy_into_plain_python():
    column = pd.Series([1, None, 3], dtype="Int64")
    assert plain_values(column) == [1, None, 3]
    assert [type(v) for v in plain_values(column)] == [int, type(None), int]
    assert python_value(float("nan")) is None
    assert python_value(pd.NA) is None
    assert type(python_value(pd.Series([2]).iloc[0])) is int


def test_the_model_imports_no_stage():
    code = (
        "import sys, scanner.model\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m.startswith(('scanner', 'reports')))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    names = set(loaded.stdout.split())
    assert names - {"scanner", "scanner.errors"} == {m for m in names if m.startswith("scanner.model")}
    assert model.__all__  # the package re-exports its vocabulary
