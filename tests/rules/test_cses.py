"""CSES-001..CSES-006: Cloud Services (extended support) readiness, each with a fail, a pass and an
unknown (the profile the rule reads is not in the data)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from arg_rows import CSCFG, CSES, cses_public_ip, full_cses, rid, row
from rule_helpers import finding


def bare() -> dict[str, Any]:
    """A cloud service as ARG may list it: no configuration, profiles or network data."""
    return row(CSES, "web", {"provisioningState": "Succeeded"}, rg="web-Migrated")


def with_family(family: str) -> dict[str, Any]:
    cses = full_cses()
    cses["properties"]["configuration"] = CSCFG.replace('osFamily="6"', f'osFamily="{family}"')
    return cses


@pytest.mark.parametrize(
    ("family", "status"),
    [("2", "fail"), ("3", "fail"), ("4", "fail"), ("5", "pass"), ("7", "pass"), ("", "pass")],
)
def test_cses_001_retired_guest_os_families(family, status):
    f = finding("CSES-001", [with_family(family)], "web")
    assert f["status"] == status
    if status == "fail":
        assert f["severity"] == "critical"
        assert f"family {family}" in f["message"] and "WebRole1 x3" in f["message"]


def test_cses_001_unknown_without_the_configuration():
    cses = full_cses()
    del cses["properties"]["configuration"]
    assert finding("CSES-001", [cses], "web")["status"] == "unknown"


def with_sizes(*sizes: str) -> dict[str, Any]:
    cses = full_cses()
    cses["properties"]["roleProfile"]["roles"] = [
        {"name": f"Role{i}", "sku": {"name": s, "tier": "Standard", "capacity": 2}}
        for i, s in enumerate(sizes)
    ]
    return cses


@pytest.mark.parametrize(
    "size",
    [
        "Standard_G2",
        "Standard_GS3",
        "Standard_H8",
        "Standard_HB120rs_v2",
        "Standard_L8s_v2",
        "Standard_M64s",
        "Standard_NC6",
        "Standard_NV12s_v3",
        "ExtraSmall",
        "Small",
        "A5",
        "A11",
        "Standard_A2",
        "Basic_A1",
    ],
)
def test_cses_002_sizes_without_a_flexible_scale_set_equivalent(size):
    f = finding("CSES-002", [with_sizes("Standard_D2_v3", size)], "web")
    assert (f["status"], f["severity"]) == ("fail", "medium")
    assert size in f["message"]


@pytest.mark.parametrize(
    "size", ["Standard_D1_v2", "Standard_A2_v2", "Standard_D4s_v5", "Standard_E8_v5", "Standard_F4s_v2"]
)
def test_cses_002_current_sizes_pass(size):
    assert finding("CSES-002", [with_sizes(size)], "web")["status"] == "pass"


def test_cses_002_unknown_without_the_role_profile():
    assert finding("CSES-002", [bare()], "web")["status"] == "unknown"


def test_cses_003_swap_partner_is_a_manual_check():
    f = finding("CSES-003", [full_cses()], "web")
    assert (f["status"], f["severity"]) == ("manual", "medium")
    assert "web-prod" in f["message"] and "Staging" in f["message"]


def test_cses_003_no_partner_passes_and_no_network_profile_is_unknown():
    alone = full_cses()
    del alone["properties"]["networkProfile"]["swappableCloudService"]
    assert finding("CSES-003", [alone], "web")["status"] == "pass"
    assert finding("CSES-003", [bare()], "web")["status"] == "unknown"


def test_cses_004_key_vault_certificates_are_preparation():
    f = finding("CSES-004", [full_cses()], "web")
    assert (f["status"], f["severity"]) == ("fail", "low")
    assert "2 Key Vault certificate" in f["message"] and "kv-web" in f["message"]


def test_cses_004_pass_without_certificates_unknown_without_os_profile():
    none = full_cses()
    none["properties"]["osProfile"] = {"secrets": []}
    assert finding("CSES-004", [none], "web")["status"] == "pass"
    assert finding("CSES-004", [bare()], "web")["status"] == "unknown"


@pytest.mark.parametrize(
    ("as_of", "severity"),
    [(date(2026, 11, 26), "critical"), (date(2025, 12, 1), "high"), (date(2025, 1, 1), "low")],
)
def test_cses_005_diagnostics_extension_severity_from_the_calendar(as_of, severity):
    f = finding("CSES-005", [full_cses()], "web", as_of=as_of)
    assert (f["status"], f["severity"]) == ("fail", severity)
    assert "2026-03-31" in f["message"] and "diag: WebRole1" in f["message"]


def test_cses_005_pass_without_diagnostics_unknown_without_extension_profile():
    other = full_cses()
    other["properties"]["extensionProfile"]["extensions"].pop(0)
    assert finding("CSES-005", [other], "web")["status"] == "pass"
    assert finding("CSES-005", [bare()], "web")["status"] == "unknown"


@pytest.mark.parametrize(("sku", "status"), [("Basic", "fail"), ("Standard", "pass")])
def test_cses_006_basic_public_ip(sku, status):
    ip = cses_public_ip("web-ip", sku)
    f = finding("CSES-006", [full_cses(ip_id=ip["id"]), ip], "web")
    assert f["status"] == status
    if status == "fail":
        assert f["severity"] == "medium" and "web-ip" in f["message"]


def test_cses_006_unknown_when_the_ip_is_not_in_the_scan():
    cses = full_cses(ip_id=rid("Microsoft.Network/publicIPAddresses", "elsewhere"))
    assert finding("CSES-006", [cses], "web")["status"] == "unknown"


def test_cses_006_internal_only_passes():
    assert finding("CSES-006", [full_cses()], "web")["status"] == "pass"
