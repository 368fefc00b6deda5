"""Inventory extraction and relations on the variants real ARG rows show."""

from __future__ import annotations

import json

import pandas as pd
from arg_rows import SUB, classic_storage, classic_vm, classic_vnet, cloud_service, inventory, rid, row

from scanner.inventory.columns import TABLES
from scanner.inventory.extract import canonical_cidr_problem, normalise_account_type
from scanner.inventory.ids import name_key_of_id, parse_id, resource_key
from scanner.snapshot import DATASETS


def vm_table(rows):
    return inventory(rows).table("classic_vm").set_index("name")


def test_every_table_has_exactly_its_documented_columns():
    inv = inventory([classic_vm(), cloud_service(), classic_storage(), classic_vnet()])
    for name, spec in TABLES.items():
        assert list(inv.table(name).columns) == [c.name for c in spec.all_columns], name


def test_ids_parse_with_empty_or_missing_resource_group():
    for text in (
        f"/subscriptions/{SUB}/resourceGroups//providers/Microsoft.ClassicCompute/virtualMachines/v",
        f"/subscriptions/{SUB}/resourceGroups/providers/Microsoft.ClassicCompute/virtualMachines/v",
    ):
        parsed = parse_id(text)
        assert parsed is not None
        assert (parsed.resource_group, parsed.name) == ("", "v")
        assert resource_key(text).endswith(
            "/resourcegroups//providers/microsoft.classiccompute/virtualmachines/v"
        )
    assert name_key_of_id(rid("Microsoft.ClassicNetwork/virtualNetworks", "V1/subnets/S1")) == (
        f"{SUB}|microsoft.classicnetwork/virtualnetworks|v1"
    )
    assert parse_id("not-an-id") is None


def test_resource_group_and_subscription_fall_back_to_the_id():
    vm = classic_vm("vm1")
    vm["resourceGroup"] = ""
    vm["subscriptionId"] = None
    table = vm_table([vm])
    assert table.loc["vm1", "resource_group"] == "cs1"
    assert table.loc["vm1", "subscription_id"] == SUB


def test_account_type_variants_normalise():
    assert {normalise_account_type(v) for v in ("Standard-LRS", "standard_lrs", "Standard_LRS")} == {
        "Standard_LRS"
    }
    assert normalise_account_type("Premium-LRS") == "Premium_LRS"
    assert normalise_account_type("Standard_RAGRS") == "Standard_RAGRS"


def test_cidr_canonical_check():
    assert not canonical_cidr_problem("10.0.0.0/16")
    assert canonical_cidr_problem("10.1.0.5/16")
    assert canonical_cidr_problem("10.0.0.0")
    assert canonical_cidr_problem("300.0.0.0/8")
    assert canonical_cidr_problem(None)


def test_absent_data_stays_na():
    vm = classic_vm("bare")
    vm["properties"] = {}
    table = vm_table([vm])
    for column in (
        "agent_status",
        "state",
        "extension_names",
        "disk_accounts",
        "boot_diagnostics",
        "extension_bad_statuses",
    ):
        value = table.loc["bare", column]
        assert value is None or (not isinstance(value, list) and pd.isna(value)), column
    # as AOE reads them, and as RULES.md wants (VM-009/010/011, CS-001/002 are never unknown):
    assert table.loc["bare", "vnet_key"] == "" and table.loc["bare", "subnet_names"] == []
    assert table.loc["bare", "availability_set"] == "" and table.loc["bare", "nic_count"] == 1


def test_vm_relations_resolve_across_id_variants():
    vm = classic_vm("vm1", cs="CS1", vnet="VNet1")
    # the VM references its cloud service by name only, with a different resource group in the id
    vm["properties"]["domainName"] = {"name": "cs1"}
    vm["properties"]["networkProfile"]["virtualNetwork"]["id"] = (
        f"/subscriptions/{SUB.upper()}/resourceGroups/Other/providers/Microsoft.ClassicNetwork/virtualNetworks/vnet1"
    )
    rows = [vm, cloud_service("cs1"), classic_vnet("vnet1")]
    inv = inventory(rows)
    cs = inv.table("cloud_service").iloc[0]
    vnet = inv.table("classic_vnet").iloc[0]
    assert cs["vm_names"] == ["vm1"]
    assert vnet["vm_names"] == ["vm1"]


def test_cloud_service_found_from_fqdn():
    vm = classic_vm("vm1")
    del vm["properties"]["domainName"]
    vm["properties"]["instanceView"]["fullyQualifiedDomainName"] = "cs1.cloudapp.net"
    inv = inventory([vm, cloud_service("cs1")])
    assert inv.table("cloud_service").iloc[0]["vm_count"] == 1


def test_properties_as_json_text_are_parsed():
    vm = classic_vm("vm1")
    vm["properties"] = json.dumps(vm["properties"])
    assert vm_table([vm]).loc["vm1", "agent_status"] == "Ready"


def test_backup_items_match_case_insensitively_and_need_their_table():
    vm = classic_vm("vm1")
    item = row(
        "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems",
        "i1",
        {
            "protectedItemType": "Microsoft.ClassicCompute/virtualMachines",
            "protectionState": "Protected",
            "sourceResourceId": vm["id"].upper().replace("/RESOURCEGROUPS/", "/resourceGroups/"),
        },
        rg="vaults",
    )
    inv = inventory([vm, item])
    assert inv.table("classic_vm").iloc[0]["backup_item_ids"] == [item["id"]]
    assert bool(inv.table("backup_item").iloc[0]["source_in_scan"]) is True
    without = inventory([vm], collected=("resources",))
    assert without.table("classic_vm").iloc[0]["backup_item_ids"] is None


def test_storage_disk_holders_and_missing_accounts():
    vm1 = classic_vm("vm1")
    vm1["properties"]["storageProfile"]["dataDisks"] = [
        {"lun": 0, "vhdUri": "https://STOR2.blob.core.windows.net/vhds/d1.vhd"}  # account only in the URI
    ]
    inv = inventory([vm1, classic_storage("stor1"), classic_storage("stor3")])
    vm = inv.table("classic_vm").iloc[0]
    assert vm["disk_accounts"] == ["stor1", "stor2"]
    assert vm["disk_accounts_missing"] == ["stor2"]
    holders = inv.table("classic_storage").set_index("name")["disk_vm_names"]
    assert holders["stor1"] == ["vm1"] and holders["stor3"] == []
    # one VM whose disks are unknown: an account holding no known disk becomes unknown
    bare = classic_vm("vm2")
    del bare["properties"]["storageProfile"]
    inv = inventory([vm1, bare, classic_storage("stor1"), classic_storage("stor3")])
    holders = inv.table("classic_storage").set_index("name")["disk_vm_names"]
    assert holders["stor1"] == ["vm1"] and holders["stor3"] is None


def test_classic_admin_role_strings_split():
    admin = row(
        "Microsoft.Authorization/classicAdministrators",
        "a1",
        {"role": "ServiceAdministrator;AccountAdministrator", "adminState": "Enabled"},
    )
    roles = inventory([admin]).table("classic_admin").iloc[0]["roles"]
    assert roles == ["ServiceAdministrator", "AccountAdministrator"]


def test_derived_subscription_and_region_rows():
    rows = [
        classic_vm("vm1"),
        classic_vm("vm2", hardwareProfile={"size": "Mystery"}),
        cloud_service("cs1"),
        row("Microsoft.Resources/subscriptions", SUB, {"displayName": "Prod"}, rg=""),
    ]
    rows[-1]["id"] = f"/subscriptions/{SUB}"
    inv = inventory(rows)
    sub = inv.table("subscription").iloc[0]
    assert (sub["id"], sub["name"], sub["classic_resources"]) == (f"/subscriptions/{SUB}", "Prod", 3)
    region = inv.table("region").iloc[0]
    assert region["cores_by_family"] == {"standardDFamily": 2}
    assert region["unsized_vms"] == ["vm2"]
    assert (region["load_balancer_count"], region["public_ip_count"], region["nic_count"]) == (1, 1, 2)


def test_unrouted_types_are_counted():
    inv = inventory([row("Microsoft.Web/sites", "app1", {})])
    assert inv.unrouted_types == {"microsoft.web/sites": 1}
    assert inv.collected == frozenset(DATASETS)
