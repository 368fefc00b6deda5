"""The cloud_service_es table: roles, Guest OS, slots, load balancers and IP SKUs, certificates,
extensions and zones, unknown where the row lacks them, and no .cscfg setting value anywhere."""

from __future__ import annotations

import json

import pandas as pd
from arg_rows import CSCFG, CSES, PLANTED_SECRETS, cses_public_ip, full_cses, inventory, rid, row, secret_rows

from scanner.redact import SUMMARY_KEY, redact


def test_every_cses_column_from_a_full_row():
    ip = cses_public_ip("web-ip", "Basic")
    cs = inventory([full_cses(ip_id=ip["id"]), ip]).table("cloud_service_es").iloc[0]
    assert cs["role_names"] == ["WebRole1", "Worker"]
    assert cs["role_sizes"] == ["Standard_D1_v2", "Standard_G2"]
    assert cs["role_tiers"] == ["Standard", "Standard"]
    assert cs["instance_count"] == 5
    assert (cs["os_family"], cs["os_version"]) == ("6", "*")
    assert cs["config_roles"] == ["WebRole1 x3"]
    assert cs["setting_names"] == ["AdminPassword", "StorageConnection"]
    assert cs["upgrade_mode"] == "Auto"
    assert (cs["slot_type"], cs["swap_partner_id"]) == ("Staging", rid(CSES, "web-prod", "web-Migrated"))
    assert cs["load_balancer_kinds"] == ["public"]
    assert cs["public_ip_skus"] == ["Basic"]
    assert cs["certificate_count"] == 2
    assert cs["key_vault_ids"] == [rid("Microsoft.KeyVault/vaults", "kv-web", "web-Migrated")]
    assert cs["extension_types"] == ["PaaSDiagnostics", "RDP"]
    assert cs["extension_publishers"] == ["Microsoft.Azure.Diagnostics", "Microsoft.Windows.Azure.Extensions"]
    assert cs["extension_roles"] == ["diag: WebRole1", "rdp: *"]
    assert cs["zones"] == ["1"]


def test_internal_load_balancer_and_an_empty_os_family_defaults_to_five():
    cses = full_cses()
    cses["properties"]["configuration"] = CSCFG.replace('osFamily="6"', 'osFamily=""')
    cs = inventory([cses]).table("cloud_service_es").iloc[0]
    assert cs["load_balancer_kinds"] == ["internal"]
    assert cs["public_ip_skus"] == []
    assert cs["os_family"] == "5"


def test_absent_objects_are_unknown_not_empty():
    bare = row(CSES, "bare", {"provisioningState": "Succeeded"}, rg="web-Migrated")
    cs = inventory([bare]).table("cloud_service_es").iloc[0]
    for column in (
        "role_names",
        "role_sizes",
        "instance_count",
        "os_family",
        "setting_names",
        "slot_type",
        "swap_partner_id",
        "load_balancer_kinds",
        "certificate_count",
        "key_vault_ids",
        "extension_types",
        "upgrade_mode",
    ):
        assert cs[column] is None or pd.isna(cs[column]), column


def test_public_ip_sku_is_unknown_when_the_ip_is_not_in_the_scan():
    cs = inventory([full_cses(ip_id=rid("Microsoft.Network/publicIPAddresses", "gone"))])
    value = cs.table("cloud_service_es").iloc[0]["public_ip_skus"]
    assert value is None or pd.isna(value)


def test_unparsable_configuration_is_unknown():
    cses = full_cses()
    cses["properties"]["configuration"] = "<not xml"
    cs = inventory([cses]).table("cloud_service_es").iloc[0]
    assert cs["os_family"] is None or pd.isna(cs["os_family"])


def test_no_configuration_setting_value_reaches_the_inventory():
    inv = inventory([*secret_rows(), full_cses()])
    table = inv.table("cloud_service_es")
    text = json.dumps(table.astype(object).where(table.notna(), None).to_dict("records"), default=str)
    assert "StorageConnection" in text
    assert [s for s in PLANTED_SECRETS if s in text] == []


def test_a_row_that_keeps_only_the_configuration_summary_reads_the_same():
    """A snapshot keeps `configurationSummary` instead of the .cscfg: the columns come out the same."""
    raw = full_cses()
    kept = redact(raw)
    assert "configuration" not in kept["properties"] and SUMMARY_KEY in kept["properties"]
    columns = ("os_family", "os_version", "config_roles", "setting_names")
    from_xml = inventory([raw]).table("cloud_service_es").iloc[0]
    from_summary = inventory([kept]).table("cloud_service_es").iloc[0]
    assert [from_summary[c] for c in columns] == [from_xml[c] for c in columns]
    assert from_summary["os_family"] == "6" and from_summary["config_roles"] == ["WebRole1 x3"]
