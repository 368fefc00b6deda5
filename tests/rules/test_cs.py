"""CS-001..CS-004: checks on each Cloud Service (classic)."""

from __future__ import annotations

import pytest
from arg_rows import SUB, classic_vm, cloud_service, verdicts
from rule_helpers import finding


def vm(name, avset=None, *, cs="cs1", nics=0):
    hardware = {"size": "Standard_D2", "platformGuestAgent": True}
    if avset is not None:
        hardware["availabilitySet"] = avset
    out = classic_vm(name, cs=cs, hardwareProfile=hardware)
    if nics:
        out["properties"]["networkProfile"]["virtualNetwork"]["networkInterfaces"] = [
            {"name": f"NIC{i + 2}", "ipConfigurations": [{"subnetName": "Subnet-1"}]} for i in range(nics)
        ]
    return out


# --- CS-001 / CS-002 availability sets ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sets", "cs_001", "cs_002"),
    [
        (["web-as", "sql-as"], "fail", "pass"),
        (["web-as", "sql-as", None], "fail", "fail"),
        (["web-as", "web-as"], "pass", "pass"),
        (["web-as", None], "pass", "fail"),
        (["web-as", ""], "pass", "fail"),  # empty string is no set, as AOE reads it
        ([None, None], "pass", "pass"),
        (["web-as"], "pass", "pass"),
    ],
)
def test_cs_001_and_002_availability_sets(sets, cs_001, cs_002):
    rows = [cloud_service("cs1")] + [vm(f"vm{i}", s) for i, s in enumerate(sets)]
    assert verdicts("CS-001", rows) == {"cs1": cs_001}
    assert verdicts("CS-002", rows) == {"cs1": cs_002}


def test_cs_001_vm_without_hardware_profile_counts_as_in_no_set():
    bare = vm("vm2")
    del bare["properties"]["hardwareProfile"]
    rows = [cloud_service("cs1"), vm("vm1", "web-as"), bare]
    assert verdicts("CS-001", rows) == {"cs1": "pass"}
    assert verdicts("CS-002", rows) == {"cs1": "fail"}


def test_cs_001_counts_only_the_vms_of_each_cloud_service():
    rows = [
        cloud_service("cs1"),
        cloud_service("cs2"),
        vm("a", "set-a", cs="cs1"),
        vm("b", "set-b", cs="cs2"),
    ]
    assert verdicts("CS-001", rows) == {"cs1": "pass", "cs2": "pass"}


def test_cs_001_message_lists_the_sets():
    rows = [cloud_service("shop"), vm("a", "web-as", cs="shop"), vm("b", "sql-as", cs="shop")]
    f = finding("CS-001", rows, "shop")
    assert f["severity"] == "high"
    assert "shop" in f["message"] and "sql-as" in f["message"] and "web-as" in f["message"]
    assert sorted(f["evidence"]["availability_sets"]) == ["sql-as", "web-as"]
    assert f["evidence"]["vm_names"] == ["a", "b"]


def test_cs_002_message_counts_vms_in_and_out_of_the_set():
    rows = [cloud_service("shop"), vm("a", "web-as", cs="shop"), vm("b", cs="shop"), vm("c", cs="shop")]
    f = finding("CS-002", rows, "shop")
    assert "1 VMs in availability set(s) web-as and 2 VMs in none" in f["message"]
    assert (f["evidence"]["vms_in_set"], f["evidence"]["vms_not_in_set"]) == (1, 2)


# --- CS-003 cloud service without classic VM ----------------------------------------------------


def test_cs_003_cloud_service_without_vms_fails():
    f = finding("CS-003", [cloud_service("webrole")], "webrole")
    assert (f["status"], f["severity"]) == ("fail", "high")
    assert "webrole.cloudapp.net" in f["message"]
    assert f["evidence"]["host_name"] == "webrole.cloudapp.net"


def by_domain_id_other_case():
    out = classic_vm("vm1", cs="cs1")
    out["properties"]["domainName"]["id"] = (
        f"/subscriptions/{SUB.upper()}/resourceGroups/Default-CS1/providers/Microsoft.ClassicCompute/domainNames/CS1"
    )
    return out


def by_name_only():
    out = classic_vm("vm1", cs="cs1")
    out["properties"]["domainName"] = {"name": "CS1"}
    return out


def by_fqdn_only():
    out = classic_vm("vm1", cs="cs1")
    del out["properties"]["domainName"]
    out["properties"]["instanceView"]["fullyQualifiedDomainName"] = "cs1.cloudapp.net"
    return out


def by_id_with_empty_group():
    out = classic_vm("vm1", cs="cs1")
    out["properties"]["domainName"]["id"] = (
        f"/subscriptions/{SUB}/resourceGroups/providers/Microsoft.ClassicCompute/domainNames/cs1"
    )
    return out


@pytest.mark.parametrize(
    "member",
    [
        lambda: classic_vm("vm1", cs="cs1"),
        by_domain_id_other_case,
        by_name_only,
        by_fqdn_only,
        by_id_with_empty_group,
    ],
    ids=["same-id", "id-other-case-and-group", "name-only", "fqdn-only", "empty-group"],
)
def test_cs_003_cloud_service_with_a_vm_passes(member):
    assert verdicts("CS-003", [cloud_service("cs1"), member()]) == {"cs1": "pass"}


def test_cs_003_cloud_service_empty_resource_group_row():
    cs = cloud_service("cs1")
    cs["resourceGroup"] = ""
    cs["id"] = f"/subscriptions/{SUB}/resourceGroups//providers/Microsoft.ClassicCompute/domainNames/cs1"
    assert verdicts("CS-003", [cs, classic_vm("vm1", cs="cs1")]) == {"cs1": "pass"}
    assert verdicts("CS-003", [cs]) == {"cs1": "fail"}


def test_cs_003_vm_of_another_subscription_does_not_count():
    other = classic_vm("vm1", cs="cs1", sub="22222222-2222-2222-2222-222222222222")
    other["properties"]["domainName"] = {"name": "cs1"}
    assert verdicts("CS-003", [cloud_service("cs1"), other]) == {"cs1": "fail"}


# --- CS-004 mixed NIC counts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nics", "expected"),
    [([0, 1], "manual"), ([0, 2, 0], "manual"), ([0, 0], "pass"), ([1, 1], "pass"), ([2], "pass")],
)
def test_cs_004_mixed_single_and_multi_nic(nics, expected):
    rows = [cloud_service("cs1")] + [vm(f"vm{i}", nics=n) for i, n in enumerate(nics)]
    assert verdicts("CS-004", rows) == {"cs1": expected}


def test_cs_004_vm_outside_a_vnet_counts_as_single_nic():
    rows = [cloud_service("cs1"), classic_vm("a", cs="cs1", vnet=None), vm("b", nics=1)]
    f = finding("CS-004", rows, "cs1")
    # only a community toolset flags the mix: a manual check at info, not a failure
    assert (f["status"], f["severity"]) == ("manual", "info")
    assert f["remediation"].startswith("Verify by hand:")
    assert "https://github.com/Azure/classic-iaas-resourcemanager-migration" in f["references"]
    assert "a, b" in f["message"]
