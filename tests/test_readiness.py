"""Readiness defined once: resources, units, the plan, findings.json's summary and the reports agree."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from arg_rows import AS_OF, classic_storage, classic_vm, cloud_service

from reports import html, json_report
from reports.json_report import plan_json
from scanner.readiness import counts, finding_state, resource_states, unit_readiness
from scanner.scan import ScanOptions, run_scan

VM_TYPE = "microsoft.classiccompute/virtualmachines"


@pytest.mark.parametrize(
    ("role", "status", "state"),
    [
        ("blocking", "fail", "blocked"),
        ("blocking", "unknown", "unknown"),
        ("blocking", "manual", "unknown"),
        ("blocking", "pass", None),
        ("preparation", "fail", "needs-preparation"),
        ("preparation", "unknown", "needs-preparation"),
        ("preparation", "manual", "needs-preparation"),
        ("preparation", "pass", None),
        ("none", "fail", None),
        ("none", "unknown", None),
    ],
)
def test_what_one_finding_means(role, status, state):
    assert finding_state(role, status) == state


def _findings(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["resource_id", "resource_type", "rule_id", "status"])


def test_resource_state_is_the_worst_of_its_findings_and_only_classic_resources_count():
    roles = {"B-001": "blocking", "P-001": "preparation", "N-001": "none"}
    findings = _findings(
        [
            ("/x/VM1", VM_TYPE, "B-001", "fail"),
            ("/x/vm1", VM_TYPE, "P-001", "fail"),  # the same resource, another case
            ("/x/vm2", VM_TYPE, "B-001", "unknown"),
            ("/x/vm2", VM_TYPE, "P-001", "fail"),
            ("/x/vm3", VM_TYPE, "P-001", "manual"),
            ("/x/vm3", VM_TYPE, "B-001", "pass"),
            ("/x/vm4", VM_TYPE, "N-001", "fail"),
            ("/x/vm5", VM_TYPE, "CUSTOM-001", "fail"),  # a rule without a role plays none
            ("/x/armvm", "microsoft.compute/virtualmachines", "B-001", "fail"),
        ]
    )
    states = resource_states(findings, roles)
    assert states == {
        "/x/vm1": "blocked",
        "/x/vm2": "unknown",
        "/x/vm3": "needs-preparation",
        "/x/vm4": "ready",
        "/x/vm5": "ready",
    }
    assert counts(states) == {"blocked": 1, "unknown": 1, "needs-preparation": 1, "ready": 2}


def test_unit_lists_every_finding_behind_its_state():
    found = [
        {"rule_id": "B-001", "migration": "blocking", "status": "fail"},
        {"rule_id": "B-002", "migration": "blocking", "status": "fail"},
        {"rule_id": "B-003", "migration": "blocking", "status": "manual"},
        {"rule_id": "P-001", "migration": "preparation", "status": "unknown"},
        {"rule_id": "N-001", "migration": "none", "status": "fail"},
    ]
    unit = unit_readiness(found)
    assert unit.state == "blocked"
    assert [f["rule_id"] for f in unit.blockers] == ["B-001", "B-002"]
    assert [f["rule_id"] for f in unit.unknowns] == ["B-003"]
    assert [f["rule_id"] for f in unit.preparation] == ["P-001"]
    assert unit_readiness(found[2:]).state == "unknown"
    assert unit_readiness(found[3:]).state == "needs-preparation"
    assert unit_readiness(found[4:]).state == "ready"
    assert unit_readiness([], container_in_scan=False).state == "unknown"


def _plan_states(plan: dict) -> dict[str, str]:
    """Each resource of each unit, in the state the plan's lists give it."""
    out = {}
    for unit in plan["units"]:
        listed = {
            state: {str(f["resource_id"]).lower() for f in unit[key]}
            for state, key in (
                ("blocked", "blockers"),
                ("unknown", "unknowns"),
                ("needs-preparation", "preparation"),
            )
        }
        for r in unit["resources"]:
            key = r["id"].lower()
            out[key] = next((s for s, ids in listed.items() if key in ids), "ready")
            assert unit["state"] != "ready" or out[key] == "ready"
    return out


@pytest.fixture(scope="module")
def demo():
    return run_scan(ScanOptions(demo=True, as_of=AS_OF))


def test_plan_summary_and_html_agree_on_every_classic_resource_of_the_demo(demo):
    states = dict(demo.resource_readiness())
    assert set(states.values()) == {"blocked", "unknown", "needs-preparation", "ready"}
    classic = demo.findings.loc[
        demo.findings["resource_type"].str.startswith("microsoft.classic"), "resource_id"
    ]
    assert set(states) == set(classic.str.lower())
    # the plan: every classic resource it places reads the same state from the unit's lists
    planned = _plan_states(plan_json(demo.plan))
    assert {k: planned[k] for k in states if k in planned} == {k: states[k] for k in states if k in planned}
    assert len(planned.keys() & states.keys()) >= 0.9 * len(states)
    # a unit is blocked exactly when one of its resources is
    for unit in plan_json(demo.plan)["units"]:
        blocked = any(states.get(r["id"].lower()) == "blocked" for r in unit["resources"])
        assert (unit["state"] == "blocked") is blocked, unit["id"]
    # findings.json summary.readiness, and the same counts on the HTML summary
    document = json_report.document(demo)
    assert document["summary"]["readiness"] == counts(states)
    assert html.context(demo)["readiness"] == counts(states)
    assert {r["id"]: r["migration"] for r in document["rules"]} == demo.pack.migration_roles


def _scan_rows(tmp_path: Path, rows: list[dict], rules: tuple[Path, ...] = (), waivers: Path | None = None):
    export = tmp_path / "export.json"
    export.write_text(json.dumps(rows), encoding="utf-8")
    return run_scan(ScanOptions(inputs=(export,), as_of=AS_OF, rules_dirs=rules, waivers=waivers))


def _vm_on_a_missing_account() -> dict:
    vm = classic_vm("vm1", "cs1")
    disk = vm["properties"]["storageProfile"]["operatingSystemDisk"]
    disk["vhdUri"] = "https://gone01.blob.core.windows.net/vhds/vm1-os.vhd"
    disk["storageAccount"] = {"name": "gone01"}
    return vm


def _unit_of(result, name: str) -> dict:
    return next(u for u in plan_json(result.plan)["units"] if any(r["name"] == name for r in u["resources"]))


def test_a_medium_blocking_rule_blocks_in_the_plan_and_the_summary_alike(tmp_path):
    """VM-013 (medium, blocking) used to read "Needs review" in the summary and "blocked" in the plan."""
    vm = _vm_on_a_missing_account()
    result = _scan_rows(tmp_path, [vm, cloud_service("cs1"), classic_storage("stor1")])
    failed = result.findings[
        (result.findings["status"] == "fail") & (result.findings["resource_name"] == "vm1")
    ]
    assert "VM-013" in set(failed["rule_id"])
    assert result.resource_readiness()[vm["id"].lower()] == "blocked"
    unit = _unit_of(result, "vm1")
    assert unit["state"] == "blocked"
    assert "VM-013" in {b["rule_id"] for b in unit["blockers"]}
    assert result.summary()["readiness"]["blocked"] == 1


CUSTOM_RULE = """\
id: ACME-001
title: Classic VM runs in the legacy size class
severity: low
{migration}category: vm-readiness
target: classic_vm
condition:
  field: size
  op: eq
  value: Small
message: "{{name}} is size {{size}}."
rationale: Our landing zone has no capacity reserved for this size class.
remediation: Resize the VM before its migration window is booked.
references:
  - title: Sizes for Cloud Services
    url: https://learn.microsoft.com/azure/cloud-services/cloud-services-sizes-specs
"""


@pytest.mark.parametrize("migration", ["migration: blocking\n", ""])
def test_custom_pack_rule_with_migration_blocking_blocks_its_unit(tmp_path, migration):
    pack = tmp_path / "pack"
    (pack / "acme").mkdir(parents=True)
    (pack / "acme" / "ACME-001.yaml").write_text(CUSTOM_RULE.format(migration=migration), encoding="utf-8")
    vm = classic_vm("vm1", "cs1")
    vm["properties"]["hardwareProfile"]["size"] = "Small"
    result = _scan_rows(tmp_path, [vm, cloud_service("cs1"), classic_storage("stor1")], (pack,))
    custom = result.findings[result.findings["rule_id"] == "ACME-001"]
    assert list(custom["status"]) == ["fail"]
    unit = _unit_of(result, "vm1")
    listed = {f["rule_id"] for key in ("blockers", "unknowns", "preparation") for f in unit[key]}
    if migration:
        assert unit["state"] == "blocked"
        assert [b["rule_id"] for b in unit["blockers"]] == ["ACME-001"]
        assert result.resource_readiness()[vm["id"].lower()] == "blocked"
    else:  # undeclared: the rule plays none and the unit is what the bundled rules make it
        assert unit["state"] != "blocked" and "ACME-001" not in listed


def test_a_waived_blocker_still_blocks_in_every_view(tmp_path):
    """Waivers accept a finding; they do not make the platform's validate pass."""
    vm = _vm_on_a_missing_account()
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        f"""waivers:
  - rule: VM-013
    resource: {vm["id"]}
    justification: The account is being restored from backup (CHG-1)
    owner: ops@example.com
    expires: 2099-12-31
""",
        encoding="utf-8",
    )
    result = _scan_rows(tmp_path, [vm, cloud_service("cs1"), classic_storage("stor1")], waivers=waivers)
    waived = result.findings[(result.findings["rule_id"] == "VM-013")]
    assert list(waived["status"]) == ["waived"]
    assert _unit_of(result, "vm1")["state"] == "blocked"
    assert result.summary()["readiness"]["blocked"] == 1
    assert html.context(result)["readiness"]["blocked"] == 1
