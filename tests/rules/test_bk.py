"""BK-001 / BK-002: Recovery Services backup items of classic VMs."""

from __future__ import annotations

import pytest
from arg_rows import SUB, classic_vm, rid, verdicts
from rule_helpers import backup_item, finding


def vm_id_variant(vm, how):
    text = vm["id"]
    if how == "upper":
        return text.upper()
    if how == "capital-subscriptions":
        return text.replace("/subscriptions/", "/Subscriptions/").replace(
            "virtualMachines", "VirtualMachines"
        )
    if how == "other-group":
        return rid("Microsoft.ClassicCompute/virtualMachines", vm["name"], "Default-Migrated-Group")
    if how == "empty-group":
        return (
            f"/subscriptions/{SUB}/resourceGroups/providers"
            f"/Microsoft.ClassicCompute/virtualMachines/{vm['name']}"
        )
    return text


# --- BK-001 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["same", "upper", "capital-subscriptions", "other-group", "empty-group"])
@pytest.mark.parametrize("via", ["sourceResourceId", "virtualMachineId"])
def test_bk_001_vm_protected_by_backup_item(how, via):
    vm = classic_vm("vm1")
    item = backup_item("vm1", vm_id_variant(vm, how), via=via)
    assert verdicts("BK-001", [vm, classic_vm("vm2"), item]) == {"vm1": "fail", "vm2": "pass"}


def test_bk_001_arm_vm_item_of_the_same_name_does_not_count():
    vm = classic_vm("vm1")
    arm_item = backup_item(
        "vm1",
        rid("Microsoft.Compute/virtualMachines", "vm1", "cs1"),
        protectedItemType="Microsoft.Compute/virtualMachines",
    )
    assert verdicts("BK-001", [vm, arm_item]) == {"vm1": "pass"}


def test_bk_001_item_with_protection_stopped_no_longer_protects():
    vm = classic_vm("vm1")
    stopped = backup_item("vm1", vm["id"], protectionState="ProtectionStopped", lastBackupStatus="Completed")
    assert verdicts("BK-001", [vm, stopped]) == {"vm1": "pass"}


def test_bk_001_unknown_when_the_only_item_has_no_protection_state():
    vm = classic_vm("vm1")
    item = backup_item("vm1", vm["id"])
    del item["properties"]["protectionState"]
    assert verdicts("BK-001", [vm, item]) == {"vm1": "unknown"}


def test_bk_001_unknown_when_recovery_services_not_collected():
    vm = classic_vm("vm1")
    assert verdicts("BK-001", [vm], collected=("resources",)) == {"vm1": "unknown"}
    assert verdicts("BK-001", [vm], collected=("resources", "authorizationresources")) == {"vm1": "unknown"}
    assert verdicts("BK-001", [vm]) == {"vm1": "pass"}


def test_bk_001_message_names_the_item():
    vm = classic_vm(
        "web01",
        cs="shop",
        extensions=[{"extension": "VMSnapshot", "publisher": "Microsoft.Azure.RecoveryServices"}],
    )
    item = backup_item("web01", vm["id"])
    f = finding("BK-001", [vm, item], "web01")
    assert f["severity"] == "high"
    assert "web01" in f["message"] and "shop" in f["message"] and item["id"] in f["message"]
    assert f["evidence"]["backup_item_ids"] == [item["id"]]
    assert f["evidence"]["extension_names"] == ["VMSnapshot"]


# --- BK-002 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["sourceResourceId", "virtualMachineId"])
def test_bk_002_item_for_vm_not_in_scan(via):
    gone = rid("Microsoft.ClassicCompute/virtualMachines", "retired01", "cs9")
    item = backup_item("retired01", gone, via=via, protectionState="ProtectionStopped")
    assert verdicts("BK-002", [classic_vm("vm1"), item]) == {item["name"]: "fail"}


@pytest.mark.parametrize("how", ["same", "upper", "other-group", "empty-group"])
def test_bk_002_item_for_vm_in_scan_passes(how):
    vm = classic_vm("vm1")
    item = backup_item("vm1", vm_id_variant(vm, how), via="virtualMachineId")
    assert verdicts("BK-002", [vm, item]) == {item["name"]: "pass"}


def test_bk_002_items_of_arm_vms_get_no_finding():
    arm_item = backup_item(
        "armvm1",
        rid("Microsoft.Compute/virtualMachines", "armvm1", "app"),
        protectedItemType="Microsoft.Compute/virtualMachines",
    )
    assert verdicts("BK-002", [classic_vm("vm1"), arm_item]) == {}


def test_bk_002_classic_item_recognised_by_source_id_alone():
    gone = rid("Microsoft.ClassicCompute/virtualMachines", "retired01", "cs9")
    item = backup_item("retired01", gone)
    del item["properties"]["protectedItemType"]
    assert verdicts("BK-002", [item]) == {item["name"]: "fail"}


def test_bk_002_message_and_evidence():
    gone = rid("Microsoft.ClassicCompute/virtualMachines", "retired01", "cs9")
    item = backup_item(
        "retired01", gone, protectionState="ProtectionStopped", lastBackupTime="2024-06-01T02:00:00Z"
    )
    f = finding("BK-002", [item], item["name"])
    assert f["severity"] == "low"
    assert (
        "retired01" in f["message"] and "ProtectionStopped" in f["message"] and "2024-06-01" in f["message"]
    )
    assert f["evidence"]["source_resource_id"] == gone
    assert f["evidence"]["source_in_scan"] is False
    assert f["evidence"]["protected_item_type"] == "Microsoft.ClassicCompute/virtualMachines"
