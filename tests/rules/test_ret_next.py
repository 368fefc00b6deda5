"""RET-013..RET-019: the retirements the classic lineage meets next (GPv1 storage, VPN gateway SKUs,
monitoring agents, classic Application Insights, A-series v1 sizes)."""

from __future__ import annotations

from datetime import date

import pytest
from arg_rows import AS_OF, app_insights, arm_vm, rid, row, verdicts, vm_extension, vnet_gateway
from rule_helpers import finding

DATES = {
    "RET-013": date(2026, 10, 1),
    "RET-014": date(2026, 2, 28),
    "RET-015": date(2026, 9, 30),
    "RET-016": date(2026, 3, 31),
    "RET-017": date(2024, 8, 31),
    "RET-018": date(2024, 2, 29),
    "RET-019": date(2024, 8, 31),
}


def arm_storage(name="stor1", kind="Storage", sku="Standard_LRS"):
    out = row(
        "Microsoft.Storage/storageAccounts",
        name,
        {"provisioningState": "Succeeded"},
        rg="storage-Migrated",
        sku={"name": sku, "tier": sku.split("_")[0]} if sku else None,
    )
    if kind is None:
        del out["kind"]
    else:
        out["kind"] = kind
    return out


def with_extensions(name, *extensions, size="Standard_D2s_v3"):
    vm = arm_vm(name, size)
    return [
        vm,
        *(vm_extension(vm, ext_type.lower(), publisher, ext_type) for publisher, ext_type in extensions),
    ]


DIAGNOSTICS = ("Microsoft.Azure.Diagnostics", "IaaSDiagnostics")
LAD = ("Microsoft.Azure.Diagnostics", "LinuxDiagnostic")
MMA = ("Microsoft.EnterpriseCloud.Monitoring", "MicrosoftMonitoringAgent")
OMS = ("Microsoft.EnterpriseCloud.Monitoring", "OmsAgentForLinux")
AMA = ("Microsoft.Azure.Monitor", "AzureMonitorWindowsAgent")
WORKSPACE = rid("Microsoft.OperationalInsights/workspaces", "law1", "monitoring")


def failing_rows():
    """rule id -> (rows, name of the resource that must fail)."""
    return {
        "RET-013": ([arm_storage("stor1")], "stor1"),
        "RET-014": ([vnet_gateway("gw1", "Vpn", "Standard")], "gw1"),
        "RET-015": ([vnet_gateway("gw1", "Vpn", "VpnGw2")], "gw1"),
        "RET-016": (with_extensions("vm1", DIAGNOSTICS), "vm1"),
        "RET-017": (with_extensions("vm1", MMA), "vm1"),
        "RET-018": ([app_insights("ai1")], "ai1"),
        "RET-019": ([arm_vm("vm1", "Standard_A2")], "vm1"),
    }


@pytest.mark.parametrize("rule_id", sorted(DATES))
def test_each_new_retirement_fails_with_calendar_severity(rule_id):
    rows, name = failing_rows()[rule_id]
    f = finding(rule_id, rows, name)
    assert f["status"] == "fail"
    retire = DATES[rule_id]
    assert f["evidence"]["retirement_date"] == retire.isoformat()
    assert retire.isoformat() in f["message"] and name in f["message"]
    days = (retire - AS_OF).days
    assert f["severity"] == ("critical" if days <= 0 else "high" if days <= 180 else "medium")


# --- RET-013 general-purpose v1 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "sku", "expected"),
    [
        ("Storage", "Standard_LRS", "fail"),
        ("storage", "Standard_RAGRS", "fail"),
        ("Storage", "Premium_LRS", "pass"),  # outside Microsoft's identification query (unconfirmed)
        ("StorageV2", "Standard_LRS", "pass"),
        ("BlobStorage", "Standard_LRS", "pass"),
        (None, "Standard_LRS", "unknown"),
        ("Storage", None, "unknown"),
        ("StorageV2", None, "pass"),  # the kind decides
    ],
)
def test_ret_013_general_purpose_v1(kind, sku, expected):
    assert verdicts("RET-013", [arm_storage("stor1", kind, sku)]) == {"stor1": expected}


# --- RET-014 / RET-015 VPN gateway SKUs -----------------------------------------------------------


@pytest.mark.parametrize(
    ("gateway_type", "sku", "expected"),
    [
        ("Vpn", "Basic", "fail"),
        ("Vpn", "Standard", "fail"),
        ("Vpn", "HighPerformance", "fail"),
        ("vpn", "highperformance", "fail"),
        ("Vpn", "VpnGw1", "pass"),
        ("Vpn", "VpnGw2AZ", "pass"),
        ("ExpressRoute", "Standard", "pass"),  # ER gateways share the SKU names
        ("ExpressRoute", "HighPerformance", "pass"),
        ("Vpn", None, "unknown"),
        (None, "Standard", "unknown"),
        ("ExpressRoute", None, "pass"),  # the type decides
    ],
)
def test_ret_014_vpn_gateway_on_a_legacy_sku(gateway_type, sku, expected):
    assert verdicts("RET-014", [vnet_gateway("gw1", gateway_type, sku)]) == {"gw1": expected}


@pytest.mark.parametrize(
    ("gateway_type", "sku", "expected"),
    [
        ("Vpn", "VpnGw1", "fail"),
        ("Vpn", "VpnGw5", "fail"),
        ("Vpn", "vpngw3", "fail"),
        ("Vpn", "VpnGw1AZ", "pass"),
        ("Vpn", "VpnGw5AZ", "pass"),
        ("Vpn", "Standard", "pass"),  # RET-014's business
        ("ExpressRoute", "ErGw1AZ", "pass"),
        ("Vpn", None, "unknown"),
    ],
)
def test_ret_015_vpn_gateway_on_a_non_zone_redundant_sku(gateway_type, sku, expected):
    assert verdicts("RET-015", [vnet_gateway("gw1", gateway_type, sku)]) == {"gw1": expected}


def test_ret_015_evidence_says_whether_the_sku_is_zone_redundant():
    f = finding("RET-015", [vnet_gateway("gw1", "Vpn", "VpnGw2")], "gw1")
    assert f["evidence"]["zone_redundant"] is False
    assert f["evidence"]["sku_name"] == "VpnGw2"


# --- RET-016 / RET-017 monitoring agents ----------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_id", "extensions", "expected"),
    [
        ("RET-016", [DIAGNOSTICS], "fail"),
        ("RET-016", [LAD, AMA], "fail"),
        ("RET-016", [("Microsoft.OSTCExtensions", "LinuxDiagnostic")], "fail"),
        ("RET-016", [AMA], "pass"),
        ("RET-016", [MMA], "pass"),
        ("RET-016", [], "pass"),  # other VMs have extension rows: this one has none
        ("RET-017", [MMA], "fail"),
        ("RET-017", [OMS, DIAGNOSTICS], "fail"),
        ("RET-017", [AMA], "pass"),
        ("RET-017", [DIAGNOSTICS], "pass"),
        ("RET-017", [], "pass"),
    ],
)
def test_ret_016_017_agent_extensions(rule_id, extensions, expected):
    other = with_extensions("other", AMA)
    rows = with_extensions("vm1", *extensions) + other
    assert verdicts(rule_id, rows)["vm1"] == expected


@pytest.mark.parametrize("rule_id", ["RET-016", "RET-017"])
def test_ret_016_017_unknown_when_no_extension_rows_were_collected(rule_id):
    f = finding(rule_id, [arm_vm("vm1")], "vm1")
    assert f["status"] == "unknown"
    assert "extension_types" in f["message"]


def test_ret_016_extensions_join_only_their_own_vm():
    rows = with_extensions("vm1", DIAGNOSTICS) + with_extensions("vm10", AMA)
    assert verdicts("RET-016", rows) == {"vm1": "fail", "vm10": "pass"}


def test_ret_017_message_names_the_extension():
    rows, _ = failing_rows()["RET-017"]
    f = finding("RET-017", rows, "vm1")
    assert "Microsoft.EnterpriseCloud.Monitoring.MicrosoftMonitoringAgent" in f["message"]


# --- RET-018 classic Application Insights ---------------------------------------------------------


def test_ret_018_classic_and_workspace_based_components():
    rows = [app_insights("classic"), app_insights("modern", WORKSPACE)]
    assert verdicts("RET-018", rows) == {"classic": "fail", "modern": "pass"}


def test_ret_018_unknown_without_properties():
    bare = app_insights("ai1")
    bare["properties"] = None
    assert verdicts("RET-018", [bare]) == {"ai1": "unknown"}


def test_ret_018_empty_workspace_id_is_classic():
    component = app_insights("ai1")
    component["properties"]["WorkspaceResourceId"] = ""
    assert verdicts("RET-018", [component]) == {"ai1": "fail"}


# --- RET-019 A-series v1 sizes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "expected", "resize_to"),
    [
        ("Standard_A0", "fail", "Standard_A1_v2"),
        ("Standard_A3", "fail", "Standard_A4_v2"),
        ("standard_a7", "fail", "Standard_A8m_v2"),
        ("Basic_A4", "fail", "Standard_A8_v2"),
        ("Standard_A8", "pass", ""),  # compute-intensive A8-A11 are not A-series v1
        ("Standard_A2_v2", "pass", ""),
        ("Standard_D2s_v3", "pass", ""),
        (None, "unknown", None),
    ],
)
def test_ret_019_a_series_v1(size, expected, resize_to):
    f = finding("RET-019", [arm_vm("vm1", size)], "vm1")
    assert f["status"] == expected
    assert f["evidence"]["resize_to"] == resize_to


def test_ret_019_message_names_the_size_to_resize_to():
    f = finding("RET-019", [arm_vm("vm1", "Standard_A5")], "vm1")
    assert "Standard_A5" in f["message"] and "Standard_A2m_v2" in f["message"]
