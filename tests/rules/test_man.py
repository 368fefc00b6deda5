"""MAN-001..MAN-009: manual checks, one per subscription that holds classic resources."""

from __future__ import annotations

import pytest
from arg_rows import SUB, SUB2, classic_storage, classic_vm, row, verdicts
from rule_helpers import classic_admin, finding

MAN_IDS = [f"MAN-{i:03d}" for i in range(1, 10)]
SEVERITY = {
    "MAN-001": "medium",
    "MAN-002": "medium",
    "MAN-003": "medium",
    "MAN-004": "medium",
    "MAN-005": "low",
    "MAN-006": "medium",
    "MAN-007": "medium",
    "MAN-008": "low",
    "MAN-009": "medium",
}


def subscription_row(sub, display):
    out = row(
        "Microsoft.Resources/subscriptions",
        sub,
        {"displayName": display, "state": "Enabled"},
        rg="",
        sub=sub,
        location="",
    )
    out["id"] = f"/subscriptions/{sub}"
    return out


def estate():
    arm_only = row(
        "Microsoft.Compute/virtualMachines",
        "armvm",
        {"hardwareProfile": {"vmSize": "Standard_D2s_v3"}},
        sub=SUB2,
    )
    return [
        classic_vm("vm1"),
        classic_storage("stor1"),
        subscription_row(SUB, "Production"),
        subscription_row(SUB2, "Sandbox"),
        arm_only,
    ]


@pytest.mark.parametrize("rule_id", MAN_IDS)
def test_man_one_manual_finding_per_classic_subscription(rule_id):
    assert verdicts(rule_id, estate()) == {"Production": "manual"}


@pytest.mark.parametrize("rule_id", MAN_IDS)
def test_man_no_classic_resources_no_finding(rule_id):
    arm_only = row(
        "Microsoft.Compute/virtualMachines", "armvm", {"hardwareProfile": {"vmSize": "Standard_D2s_v3"}}
    )
    assert verdicts(rule_id, [arm_only, subscription_row(SUB, "Production")]) == {}


@pytest.mark.parametrize("rule_id", MAN_IDS)
def test_man_message_names_the_subscription_and_carries_steps(rule_id):
    f = finding(rule_id, estate(), "Production")
    assert f["severity"] == SEVERITY[rule_id]
    assert "Production" in f["message"] and SUB in f["message"]
    assert f["resource_id"] == f"/subscriptions/{SUB}"
    assert f["evidence"]["classic_resources"] == 2
    assert f["remediation"].startswith("Verify by hand")


def test_man_subscription_without_display_name_is_named_by_id():
    assert verdicts("MAN-001", [classic_vm("vm1")]) == {SUB: "manual"}


def test_man_classic_administrators_alone_do_not_make_a_classic_subscription():
    admin = classic_admin("00037FFE5B1D9A40", {"adminState": "Enabled", "role": "CoAdministrator"})
    assert verdicts("MAN-001", [admin]) == {}


def test_man_two_classic_subscriptions():
    rows = [classic_vm("vm1"), classic_vm("vm2", sub=SUB2), subscription_row(SUB2, "Legacy")]
    assert verdicts("MAN-009", rows) == {SUB: "manual", "Legacy": "manual"}
