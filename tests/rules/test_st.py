"""ST-001 / ST-002: classic storage accounts with and without classic VM disks."""

from __future__ import annotations

import pytest
from arg_rows import SUB, classic_storage, classic_vm, rid, verdicts
from rule_helpers import finding


def vm_on(name, os_account, data_accounts=()):
    vm = classic_vm(name)
    os_disk = vm["properties"]["storageProfile"]["operatingSystemDisk"]
    os_disk["vhdUri"] = f"https://{os_account}.blob.core.windows.net/vhds/{name}-os.vhd"
    os_disk["storageAccount"] = {"name": os_account}
    vm["properties"]["storageProfile"]["dataDisks"] = [
        {
            "lun": i,
            "diskName": f"{name}-d{i}",
            "vhdUri": f"https://{acct}.blob.core.windows.net/vhds/{name}-d{i}.vhd",
        }
        for i, acct in enumerate(data_accounts)
    ]
    return vm


@pytest.mark.parametrize(
    ("vms", "st_001", "st_002"),
    [
        ([vm_on("vm1", "stor1")], "fail", "pass"),
        ([vm_on("vm1", "other", ["stor1"])], "fail", "pass"),  # data disk only
        ([vm_on("vm1", "STOR1")], "fail", "pass"),  # name case differs
        ([vm_on("vm1", "other")], "pass", "fail"),
        ([], "pass", "fail"),
    ],
)
def test_st_001_and_002_disk_holders(vms, st_001, st_002):
    rows = [classic_storage("stor1"), classic_storage("other"), *vms]
    assert verdicts("ST-001", rows)["stor1"] == st_001
    assert verdicts("ST-002", rows)["stor1"] == st_002


def test_st_001_account_referenced_by_id_in_another_case():
    vm = classic_vm("vm1")
    os_disk = vm["properties"]["storageProfile"]["operatingSystemDisk"]
    os_disk["storageAccount"] = {
        "id": rid(
            "Microsoft.ClassicStorage/storageAccounts", "Stor1", "Default-Storage-WestEurope", SUB.upper()
        )
    }
    os_disk["vhdUri"] = None
    assert verdicts("ST-001", [classic_storage("stor1"), vm]) == {"stor1": "fail"}


@pytest.mark.parametrize("rule_id", ["ST-001", "ST-002"])
def test_st_001_and_002_unknown_when_some_vm_disks_are_unknown(rule_id):
    bare = classic_vm("bare")
    del bare["properties"]["storageProfile"]
    rows = [classic_storage("stor1"), classic_storage("idle"), vm_on("vm1", "stor1"), bare]
    got = verdicts(rule_id, rows)
    assert got["idle"] == "unknown"
    assert got["stor1"] == ("fail" if rule_id == "ST-001" else "pass")  # a known disk decides


def test_st_001_message_names_the_vms():
    rows = [classic_storage("stor1", "Premium-LRS"), vm_on("web01", "stor1"), vm_on("web02", "x", ["stor1"])]
    f = finding("ST-001", rows, "stor1")
    assert f["severity"] == "medium"
    assert "web01, web02" in f["message"]
    assert f["evidence"]["disk_vm_names"] == ["web01", "web02"]
    assert f["evidence"]["account_type"] == "Premium_LRS"


def test_st_002_message_names_the_account():
    f = finding("ST-002", [classic_storage("archive01", "Standard-GRS")], "archive01")
    assert (f["status"], f["severity"]) == ("fail", "low")
    assert "archive01" in f["message"] and "Standard_GRS" in f["message"]
    assert f["evidence"]["disk_vm_names"] == []
