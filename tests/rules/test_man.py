"""MAN-001..MAN-009: manual checks, one per subscription that holds classic resources; MAN-010 and MAN-011
per migration unit, MAN-012 per classic VM with data disks."""

from __future__ import annotations

import pytest
from arg_rows import (
    SUB,
    SUB2,
    classic_storage,
    classic_vm,
    classic_vnet,
    cloud_service,
    row,
    subscription,
    verdicts,
)
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
    return subscription(sub, {"displayName": display, "state": "Enabled"}, sub=sub)


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


# --- MAN-010 / MAN-011 per migration unit -----------------------------------------------------------


def unit_estate():
    """vnet1 with two cloud services' VMs, an empty vnet2, a cloud service outside any VNet and a
    cloud service without VMs (web/worker roles)."""
    return [
        classic_vnet("vnet1"),
        classic_vnet("vnet2"),
        cloud_service("cs1"),
        cloud_service("cs2", rg="cs2"),
        cloud_service("loose", rg="loose"),
        cloud_service("web", rg="web"),
        classic_vm("a", cs="cs1"),
        classic_vm("b", cs="cs2", rg="cs2"),
        classic_vm("c", cs="loose", vnet=None, rg="loose"),
    ]


def test_man_010_load_balancer_rules_per_unit():
    assert verdicts("MAN-010", unit_estate()) == {
        "vnet1": "manual",
        "vnet2": "pass",  # no VM, no load balancer
        "loose": "manual",
        "web": "pass",
    }


def test_man_010_evidence_counts_the_load_balancers_of_the_unit():
    f = finding("MAN-010", unit_estate(), "vnet1")
    assert f["evidence"]["load_balancer_count"] == 2
    assert f["evidence"]["cloud_service_names"] == ["cs1", "cs2"]
    assert f["evidence"]["unit_kind"] == "vnet"
    assert f["resource_type"] == "microsoft.classicnetwork/virtualnetworks"
    assert f["remediation"].startswith("Verify by hand:")


def test_man_011_prepared_state_check_for_every_unit():
    assert verdicts("MAN-011", unit_estate()) == {
        "vnet1": "manual",
        "vnet2": "manual",
        "loose": "manual",
        "web": "manual",
    }
    f = finding("MAN-011", unit_estate(), "loose")
    assert "MigrationState" in f["remediation"] and f["evidence"]["unit_kind"] == "cloud_service"


def test_man_010_011_no_unit_without_classic_resources():
    arm = row(
        "Microsoft.Compute/virtualMachines", "armvm", {"hardwareProfile": {"vmSize": "Standard_D2s_v3"}}
    )
    assert verdicts("MAN-010", [arm]) == {} and verdicts("MAN-011", [arm]) == {}


# --- MAN-012 data-disk blob sizes -------------------------------------------------------------------


def test_man_012_vms_with_data_disks():
    disk = {
        "lun": 0,
        "diskName": "d0",
        "diskSize": 128,
        "vhdUri": "https://stor1.blob.core.windows.net/vhds/d0.vhd",
    }
    with_disk = classic_vm("withdisk")
    with_disk["properties"]["storageProfile"]["dataDisks"] = [disk]
    no_profile = classic_vm("noprofile")
    del no_profile["properties"]["storageProfile"]
    rows = [with_disk, classic_vm("nodisk"), no_profile]
    assert verdicts("MAN-012", rows) == {"withdisk": "manual", "nodisk": "pass", "noprofile": "unknown"}
    f = finding("MAN-012", rows, "withdisk")
    assert f["severity"] == "low" and f["evidence"]["data_disk_count"] == 1
