"""The inventory tables and columns added by the December 2026 review: virtual network gateways,
Application Insights, ARM VM extensions joined to their VM, migration units, and the relation columns
that corrected rules read."""

from __future__ import annotations

import pandas as pd
import pytest
from arg_rows import (
    SUB,
    app_insights,
    arm_vm,
    classic_vm,
    classic_vnet,
    cloud_service,
    inventory,
    rid,
    row,
    vm_extension,
    vnet_gateway,
)

from scanner.inventory.extract import provider_type
from scanner.queries import query_text


def test_vm_extensions_join_their_vm_as_list_columns():
    vm, other = arm_vm("vm1"), arm_vm("vm2", rg="other")
    rows = [
        vm,
        other,
        vm_extension(vm, "diag", "Microsoft.Azure.Diagnostics", "IaaSDiagnostics"),
        vm_extension(vm, "mma", "Microsoft.EnterpriseCloud.Monitoring", "MicrosoftMonitoringAgent"),
    ]
    inv = inventory(rows)
    vms = inv.table("arm_vm").set_index("name")
    assert vms.loc["vm1", "extension_types"] == ["IaaSDiagnostics", "MicrosoftMonitoringAgent"]
    assert vms.loc["vm1", "extension_ids"][0] == "Microsoft.Azure.Diagnostics.IaaSDiagnostics"
    assert vms.loc["vm2", "extension_types"] == []
    assert len(inv.table("vm_extension")) == 2
    assert "microsoft.compute/virtualmachines/extensions" not in inv.unrouted_types


def test_vm_extension_columns_are_na_when_no_extension_rows_were_collected():
    vms = inventory([arm_vm("vm1")]).table("arm_vm")
    assert vms["extension_types"].isna().all() and vms["extension_publishers"].isna().all()


def test_vnet_gateway_columns():
    pip = rid("Microsoft.Network/publicIPAddresses", "gw-pip")
    gws = inventory([vnet_gateway("a", "Vpn", "VpnGw2AZ", [pip]), vnet_gateway("b", "Vpn", None)])
    table = gws.table("vnet_gateway").set_index("name")
    assert bool(table.loc["a", "zone_redundant"])
    assert table.loc["a", "public_ip_ids"] == [pip]
    assert table.loc["a", "generation"] == "Generation1"
    assert pd_na(table.loc["b", "zone_redundant"]) and pd_na(table.loc["b", "sku_name"])


def pd_na(value) -> bool:
    return value is None or value is pd.NA


def test_app_insights_workspace_column():
    ws = rid("Microsoft.OperationalInsights/workspaces", "law")
    bare = app_insights("bare")
    bare["properties"] = None
    table = inventory([app_insights("classic"), app_insights("modern", ws), bare]).table("app_insights")
    values = dict(zip(table["name"], table["workspace_id"], strict=True))
    assert values["classic"] == "" and values["modern"] == ws and pd_na(values["bare"])


@pytest.mark.parametrize(
    ("config_id", "kind"),
    [
        (
            rid("Microsoft.Network/networkInterfaces", "nic1") + "/ipConfigurations/ipconfig1",
            "microsoft.network/networkinterfaces",
        ),
        (
            rid("Microsoft.Network/loadBalancers", "lb") + "/frontendIPConfigurations/fe",
            "microsoft.network/loadbalancers",
        ),
        (
            rid("Microsoft.Compute/virtualMachineScaleSets", "ss")
            + "/virtualMachines/0/networkInterfaces/n/ipConfigurations/i",
            "microsoft.compute/virtualmachinescalesets",
        ),
        ("", ""),
    ],
)
def test_provider_type_of_an_ip_configuration(config_id, kind):
    assert provider_type(config_id) == kind


def test_alert_rule_condition_type_reads_the_dotted_key():
    rule = row(
        "Microsoft.Insights/alertRules",
        "r1",
        {
            "condition": {
                "odata.type": "Microsoft.Azure.Management.Insights.Models.LocationThresholdRuleCondition"
            }
        },
    )
    assert inventory([rule]).table("alert_rule")["condition_type"].tolist() == [
        "LocationThresholdRuleCondition"
    ]


def test_load_balancer_frontend_kind():
    public = row(
        "Microsoft.Network/loadBalancers",
        "pub",
        {"frontendIPConfigurations": [{"properties": {"publicIPAddress": {"id": "x"}}}]},
    )
    internal = row(
        "Microsoft.Network/loadBalancers",
        "int",
        {"frontendIPConfigurations": [{"properties": {"privateIPAddress": "10.0.0.4"}}]},
    )
    table = inventory([public, internal]).table("load_balancer")
    assert dict(zip(table["name"], table["frontend_kind"], strict=True)) == {
        "pub": "public",
        "int": "internal",
    }


def test_migration_units_are_vnets_and_vnet_less_cloud_services():
    rows = [
        classic_vnet("vnet1"),
        cloud_service("cs1"),
        cloud_service("loose", rg="loose"),
        classic_vm("a", cs="cs1"),
        classic_vm("b", cs="loose", vnet=None, rg="loose"),
    ]
    units = inventory(rows).table("migration_unit").set_index("name")
    assert sorted(units.index) == ["loose", "vnet1"]  # cs1 migrates with vnet1
    assert units.loc["vnet1", "unit_kind"] == "vnet" and units.loc["vnet1", "load_balancer_count"] == 1
    assert units.loc["loose", "cloud_service_names"] == ["loose"]
    assert units.loc["vnet1", "id"] == rid("Microsoft.ClassicNetwork/virtualNetworks", "vnet1", "net")


def test_live_query_fetches_the_new_types():
    """The shipped KQL, run by the test emulator over rows of every new type, returns them all."""
    from emulator.estate import EstateDatabase

    vm = arm_vm("vm1")
    rows = [
        vm,
        vm_extension(vm, "diag", "Microsoft.Azure.Diagnostics", "IaaSDiagnostics"),
        vnet_gateway("gw1"),
        app_insights("ai1"),
    ]
    database = EstateDatabase(rows)
    try:
        result = database.run(query_text("resources"), [SUB])
        types = {r[result.columns.index("type")] for r in result.rows}
    finally:
        database.close()
    assert types == {
        "microsoft.compute/virtualmachines",
        "microsoft.compute/virtualmachines/extensions",
        "microsoft.network/virtualnetworkgateways",
        "microsoft.insights/components",
    }
