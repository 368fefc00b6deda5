"""The demo estate's checklist (tools/demo/expected.yaml) holds for a demo scan: every rule of the pack
is listed, exercised (a fail or a manual verdict somewhere, a pass too where one is possible) and every
verdict the file writes down is the one the engine gives."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest
import yaml
from arg_rows import pack

from scanner.engine.evaluate import evaluate
from scanner.inventory import build_inventory
from scanner.sources import DEMO_ESTATE
from scanner.sources.files import FilesSource

EXPECTED = Path(__file__).resolve().parents[2] / "tools" / "demo" / "expected.yaml"
AS_OF = date(2026, 11, 26)
OTHERS = "*"

#: Rules where the demo cannot show a pass: every resource of a retired kind fails, the target is only
#: what the migration left behind, or the verdict is manual on every target.
NO_PASS_POSSIBLE = frozenset(
    [f"RET-{i:03d}" for i in range(1, 7)]
    + ["RET-008", "POST-001", "POST-002", "CAP-001", "MAN-011"]
    + [f"MAN-{i:03d}" for i in range(1, 10)]
)


def mismatches(
    expected: Mapping[str, Mapping[str, str]], actual: Mapping[str, Mapping[str, str]]
) -> list[str]:
    """Every difference between the checklist and a scan's verdicts (rule id -> resource name -> status)."""
    out: list[str] = []
    for rule_id in sorted(set(expected) | set(actual)):
        if rule_id not in expected:
            out.append(f"{rule_id}: not in the checklist")
            continue
        wanted, got = dict(expected[rule_id] or {}), actual.get(rule_id, {})
        others = wanted.pop(OTHERS, None)
        if not wanted and others is None:
            out.append(f"{rule_id}: the checklist names no verdict")
        for name, status in sorted(wanted.items()):
            if name not in got:
                out.append(f"{rule_id} {name}: no finding, checklist says {status}")
            elif got[name] != status:
                out.append(f"{rule_id} {name}: {got[name]}, checklist says {status}")
        for name, status in sorted(got.items()):
            if name in wanted:
                continue
            if others is None:
                out.append(f"{rule_id} {name}: {status}, not in the checklist")
            elif status != others:
                out.append(f"{rule_id} {name}: {status}, checklist says {others} for the others")
    return out


@pytest.fixture(scope="module")
def expected() -> dict[str, dict[str, str]]:
    loaded = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def demo_verdicts() -> dict[str, dict[str, str]]:
    inventory = build_inventory(FilesSource((DEMO_ESTATE,)).read())
    result = evaluate(pack(), inventory, AS_OF, "public")
    assert not result.errors
    out: dict[str, dict[str, str]] = {}
    for rule_id, name, status in zip(
        result.findings["rule_id"], result.findings["resource_name"], result.findings["status"], strict=True
    ):
        previous = out.setdefault(rule_id, {}).setdefault(name, status)
        assert previous == status, f"{rule_id} {name}: two resources of one name disagree"
    return out


def test_the_demo_scan_gives_the_checklist_verdicts(expected, demo_verdicts):
    assert mismatches(expected, demo_verdicts) == []


def test_the_checklist_lists_every_rule_of_the_pack(expected):
    assert sorted(r.id for r in pack().rules) == sorted(expected)


@pytest.mark.parametrize("rule_id", sorted(r.id for r in pack().rules))
def test_each_rule_fails_somewhere_and_passes_where_it_can(expected, rule_id):
    statuses = set(expected[rule_id].values())
    assert statuses & {"fail", "manual"}, rule_id
    assert ("pass" in statuses) != (rule_id in NO_PASS_POSSIBLE), rule_id


def test_every_verdict_written_down_is_a_status(expected):
    assert {s for entries in expected.values() for s in entries.values()} <= {
        "pass",
        "fail",
        "unknown",
        "manual",
    }


@pytest.mark.parametrize(
    ("expected", "actual", "complaint"),
    [
        ({"R-1": {"a": "fail"}}, {"R-1": {"a": "pass"}}, "R-1 a: pass, checklist says fail"),
        ({"R-1": {"a": "fail"}}, {"R-1": {}}, "R-1 a: no finding, checklist says fail"),
        ({"R-1": {"a": "fail"}}, {"R-1": {"a": "fail", "b": "pass"}}, "R-1 b: pass, not in the checklist"),
        (
            {"R-1": {"a": "fail", "*": "pass"}},
            {"R-1": {"a": "fail", "b": "unknown"}},
            "R-1 b: unknown, checklist says pass for the others",
        ),
        ({}, {"R-2": {"a": "fail"}}, "R-2: not in the checklist"),
        ({"R-3": None}, {}, "R-3: the checklist names no verdict"),
    ],
)
def test_a_scan_that_departs_from_the_checklist_is_reported(expected, actual, complaint):
    assert mismatches(expected, actual) == [complaint]


def test_others_cover_only_the_resources_not_named():
    expected = {"R-1": {"a": "fail", "*": "pass"}}
    assert mismatches(expected, {"R-1": {"a": "fail", "b": "pass", "c": "pass"}}) == []
