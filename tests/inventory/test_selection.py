"""One selection predicate per table: a live scan and an offline scan of the same rows agree row for row."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import pytest
from arg_rows import AS_OF, SUB, SUB2, pack, rid, row
from emulator import ArgEmulator, StaticTokenCredential, load_estate

from scanner.auth import CLOUDS
from scanner.engine.evaluate import evaluate
from scanner.inventory import build_inventory
from scanner.inventory.columns import TYPE_TO_TABLE
from scanner.inventory.extract import common
from scanner.inventory.selection import selected
from scanner.sources import DEMO_ESTATE
from scanner.sources.files import FilesSource
from scanner.sources.graph import ArgClient, GraphSource, LiveScope
from scanner.sources.pacing import QuotaPacer, RetryPolicy

CLASSIC_STORAGE_SCOPE = rid("Microsoft.ClassicStorage/storageAccounts", "stor1", "storage")
CLASSIC_VNET_ID = rid("Microsoft.ClassicNetwork/virtualNetworks", "vnet1", "net")
FAST = RetryPolicy(backoff_base=0.01, backoff_max=0.05, default_window=0.2, max_wait=2.0)
OWNER_GUID = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR_GUID = "b24988ac-6180-42a0-ab88-20f7382dd24c"


def role_definition_id(guid: str) -> str:
    return f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


def role_assignment(name: str, props: dict) -> dict:
    body = {"principalId": "5f1c3e2a-0000-4000-8000-000000000001", "scope": f"/subscriptions/{SUB}", **props}
    out = row("Microsoft.Authorization/roleAssignments", name, body, rg="", location="")
    out["id"] = f"{body['scope']}/providers/Microsoft.Authorization/roleAssignments/{name}"
    return out


def backup_item(name: str, vm_id: str, item_type: str) -> dict:
    body = {"protectedItemType": item_type, "sourceResourceId": vm_id, "protectionState": "Protected"}
    item = f"VM;iaasvmcontainer;{name};{name}"
    out = row(
        "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems", item, body
    )
    out["id"] = (
        rid("Microsoft.RecoveryServices/vaults", "rsv1", "ops")
        + f"/backupFabrics/Azure/protectionContainers/iaasvmcontainer;{name}/protectedItems/{item}"
    )
    return out


def resource_group(name: str, sub: str = SUB) -> dict:
    out = row("Microsoft.Resources/subscriptions/resourceGroups", name, {}, rg=name, sub=sub)
    out["id"] = f"/subscriptions/{sub}/resourceGroups/{name}"
    return out


def connection(name: str, kind: str) -> dict:
    props = {
        "connectionType": kind,
        "peer": {"id": rid("Microsoft.Network/expressRouteCircuits", "er1", "connectivity", SUB2)},
    }
    return row("Microsoft.Network/connections", name, props, rg="hub")


def arm_vnet(name: str, remote: str | None) -> dict:
    peerings = [{"name": "p", "properties": {"remoteVirtualNetwork": {"id": remote}}}] if remote else []
    return row("Microsoft.Network/virtualNetworks", name, {"virtualNetworkPeerings": peerings}, rg="hub")


def apim(name: str, subnet: str) -> dict:
    props = {"virtualNetworkConfiguration": {"subnetResourceId": subnet}, "virtualNetworkType": "External"}
    return row("Microsoft.ApiManagement/service", name, props, rg="apis")


#: (row, whether the live query returns it): each narrowed table both ways.
CASES: list[tuple[dict, bool]] = [
    (resource_group("shop-Migrated"), True),
    (resource_group("SHOP2-MIGRATED"), True),
    (resource_group("shop"), False),
    (resource_group("migrated-shop"), False),
    (role_assignment("owner-sub", {"roleDefinitionId": role_definition_id(OWNER_GUID)}), True),
    (
        role_assignment(
            "contrib-classic",
            {"scope": CLASSIC_STORAGE_SCOPE, "roleDefinitionId": role_definition_id(CONTRIBUTOR_GUID)},
        ),
        True,
    ),
    (role_assignment("contrib-sub", {"roleDefinitionId": role_definition_id(CONTRIBUTOR_GUID)}), False),
    (
        role_assignment(
            "contrib-arm",
            {
                "scope": rid("Microsoft.Compute/virtualMachines", "vm9"),
                "roleDefinitionId": role_definition_id(CONTRIBUTOR_GUID),
            },
        ),
        False,
    ),
    (row("Microsoft.KeyVault/vaults", "kv-migrated", {}, rg="shop-Migrated"), True),
    (row("Microsoft.KeyVault/vaults", "kv-plain", {}, rg="shop"), False),
    (connection("er-conn", "ExpressRoute"), True),
    (connection("vpn-conn", "IPsec"), False),
    (arm_vnet("hub-classic", CLASSIC_VNET_ID), True),
    (arm_vnet("hub-plain", rid("Microsoft.Network/virtualNetworks", "spoke", "hub")), False),
    (apim("apim-classic", CLASSIC_VNET_ID + "/subnets/apim"), True),
    (apim("apim-plain", rid("Microsoft.Network/virtualNetworks", "spoke", "hub") + "/subnets/a"), False),
    (
        backup_item(
            "vm1",
            rid("Microsoft.ClassicCompute/virtualMachines", "vm1", "cs1"),
            "Microsoft.ClassicCompute/virtualMachines",
        ),
        True,
    ),
    (
        backup_item(
            "armvm", rid("Microsoft.Compute/virtualMachines", "armvm"), "Microsoft.Compute/virtualMachines"
        ),
        False,
    ),
]


def _props(r: dict) -> dict:
    return r["properties"] if isinstance(r["properties"], dict) else {}


@pytest.mark.parametrize(("arg_row", "expected"), CASES, ids=[r["name"] for r, _ in CASES])
def test_predicate_of_each_narrowed_table(arg_row, expected):
    assert selected(TYPE_TO_TABLE[arg_row["type"]], arg_row, _props(arg_row)) is expected


def test_key_vault_group_comes_from_the_id_when_the_row_has_none():
    vault = row("Microsoft.KeyVault/vaults", "kv", {}, rg="shop-Migrated")
    vault["resourceGroup"] = ""
    assert common(vault)["resource_group"] == "shop-Migrated"
    assert selected("key_vault", vault, {})


def test_tables_without_a_narrowing_keep_every_row():
    assert selected("classic_vm", row("Microsoft.ClassicCompute/virtualMachines", "vm1", {}), {})


def _estate() -> dict[str, list[dict]]:
    rows = load_estate(Path(DEMO_ESTATE))
    extra = [r for r, _ in CASES]
    for r in extra:
        table = (
            "resourcecontainers"
            if r["type"].startswith("microsoft.resources/")
            else "authorizationresources"
            if r["type"].startswith("microsoft.authorization/")
            else "recoveryservicesresources"
            if "/backupfabrics/" in r["type"]
            else "resources"
        )
        rows[table] = [*rows[table], r]
    return rows


def _records(findings: pd.DataFrame) -> list[dict]:
    return json.loads(findings.to_json(orient="records"))


def test_live_and_offline_scans_of_one_estate_give_the_same_findings(monkeypatch, tmp_path):
    """The demo estate plus rows on both sides of every narrowing, served by the ARG emulator and
    written as one export file: the same inventory and the same findings, row for row."""
    estate = _estate()
    export = tmp_path / "export.json"
    export.write_text(json.dumps([r for rows in estate.values() for r in rows]), encoding="utf-8")
    with ArgEmulator(estate, quota=10_000) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_bundle)
        client = ArgClient(StaticTokenCredential(), server.base_url, CLOUDS["public"].token_scope, timeout=10)
        live = GraphSource(client, LiveScope(), pacer=QuotaPacer(FAST, rng=random.Random(7))).read()
    offline = FilesSource((export,)).read()

    # The predicates mirror the queries: every row the queries return is selected, every routed row
    # they leave out is not.
    returned = {r["id"].lower() for rows in live.rows.values() for r in rows}
    for rows in offline.rows.values():
        for r in rows:
            table = TYPE_TO_TABLE.get(r["type"])
            if table is not None:
                assert selected(table, r, _props(r)) is (r["id"].lower() in returned), r["id"]
    assert {r["name"] for r, keep in CASES if not keep}.isdisjoint(
        {r["name"] for rows in live.rows.values() for r in rows}
    )

    live_inv, offline_inv = build_inventory(live), build_inventory(offline)
    for name, table in offline_inv.tables.items():
        assert list(live_inv.table(name)["key"]) == list(table["key"]), name
    live_findings = evaluate(pack(), live_inv, AS_OF, "public").findings
    offline_findings = evaluate(pack(), offline_inv, AS_OF, "public").findings
    assert len(offline_findings) > 500
    assert _records(live_findings) == _records(offline_findings)
