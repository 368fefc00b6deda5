"""POST-001..POST-003: residue of a completed migration."""

from __future__ import annotations

import pytest
from arg_rows import resource_group, row, verdicts
from rule_helpers import finding


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("shop-Migrated", "fail"),
        ("shop-migrated", "fail"),
        ("Default-Networking-WestEurope-Migrated", "fail"),
        # Other groups are outside what the live query reads, so no scan evaluates them.
        ("shop", None),
        ("migrated-shop", None),
        ("shop-Migrated-old", None),
    ],
)
def test_post_001_migrated_resource_group(name, expected):
    assert verdicts("POST-001", [resource_group(name)]) == ({name: expected} if expected else {})


def test_post_001_message():
    f = finding("POST-001", [resource_group("shop-Migrated", location="northeurope")], "shop-Migrated")
    assert f["severity"] == "info"
    assert "shop-Migrated" in f["message"] and "northeurope" in f["message"]


def key_vault(name, rg, *, empty_group=False):
    out = row(
        "Microsoft.KeyVault/vaults",
        name,
        {"sku": {"family": "A", "name": "standard"}, "tenantId": "t", "enabledForDeployment": True},
        rg=rg,
    )
    if empty_group:
        out["resourceGroup"] = ""
    return out


@pytest.mark.parametrize(
    ("vault", "expected"),
    [
        (key_vault("shop-kv", "shop-Migrated"), {"shop-kv": "fail"}),
        (key_vault("shop-kv", "SHOP-MIGRATED"), {"shop-kv": "fail"}),
        (key_vault("shop-kv", "shop-Migrated", empty_group=True), {"shop-kv": "fail"}),  # group from the id
        (key_vault("app-kv", "app"), {}),  # not in a -Migrated group: no finding
    ],
)
def test_post_002_key_vault_in_migrated_group(vault, expected):
    assert verdicts("POST-002", [vault]) == expected


def test_post_002_message():
    f = finding("POST-002", [key_vault("shop-kv", "shop-Migrated")], "shop-kv")
    assert f["severity"] == "info"
    assert "shop-kv" in f["message"] and "shop-Migrated" in f["message"]


def arm_storage(name, kind, sku="Standard_LRS"):
    out = row(
        "Microsoft.Storage/storageAccounts",
        name,
        {
            "provisioningState": "Succeeded",
            "primaryEndpoints": {"blob": f"https://{name}.blob.core.windows.net/"},
        },
        rg="storage-Migrated",
        sku={"name": sku, "tier": "Standard"},
    )
    if kind is None:
        del out["kind"]
    else:
        out["kind"] = kind
    return out


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("Storage", "fail"),
        ("storage", "fail"),
        ("StorageV2", "pass"),
        ("BlobStorage", "pass"),
        ("FileStorage", "pass"),
        (None, "unknown"),
    ],
)
def test_post_003_general_purpose_v1(kind, expected):
    assert verdicts("POST-003", [arm_storage("stor1", kind)]) == {"stor1": expected}


@pytest.mark.parametrize(
    ("sku", "expected"),
    [("Standard_GRS", "fail"), ("standard_lrs", "fail"), ("Premium_LRS", "pass"), (None, "unknown")],
)
def test_post_003_only_standard_skus(sku, expected):
    account = arm_storage("stor1", "Storage", sku)
    if sku is None:
        account["sku"] = None
    assert verdicts("POST-003", [account]) == {"stor1": expected}


def test_post_003_message_and_evidence():
    f = finding("POST-003", [arm_storage("stor1", "Storage", "Standard_RAGRS")], "stor1")
    assert f["severity"] == "low"
    assert "stor1" in f["message"] and "Standard_RAGRS" in f["message"] and "storage-Migrated" in f["message"]
    assert f["evidence"]["kind"] == "Storage"
    assert f["evidence"]["sku_name"] == "Standard_RAGRS"
    assert "RET-013" in f["message"]
