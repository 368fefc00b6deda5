"""plan.cses: the recommended target and its reasons, the work from the CSES rules, what to create, and
the order (swap pairs together, non-production first)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from arg_rows import CSCFG, CSES, SUB, cses_public_ip, full_cses, inventory, pack, rid

from scanner.engine.evaluate import evaluate
from scanner.plan_cses import APP_SERVICE, SCALE_SET, SERVICE_FABRIC, cses_plan


def environment(tags: dict[str, Any], subscription_id: str) -> str:
    return {"dev": "non-production", "prod": "production"}.get(str(tags.get("env")), "unknown")


def plan_of(rows: list[dict[str, Any]], as_of: date = date(2026, 11, 26)) -> dict[str, Any]:
    inv = inventory(rows)
    result = evaluate(pack(), inv, as_of, "public")
    return cses_plan(inv, result.findings, as_of, environment)


def deployment(rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(d for d in plan_of(rows)["deployments"] if d["name"] == name)


def with_roles(name: str, roles: dict[str, str], **tags: str) -> dict[str, Any]:
    cses = full_cses(name)
    cses["properties"]["roleProfile"]["roles"] = [
        {"name": r, "sku": {"name": size, "tier": "Standard", "capacity": 2}} for r, size in roles.items()
    ]
    del cses["properties"]["networkProfile"]["swappableCloudService"]
    cses["tags"] = tags
    return cses


def test_days_left_until_the_retirement_from_as_of():
    plan = plan_of([full_cses()], date(2026, 11, 26))
    assert (plan["retire_date"], plan["days_left"]) == ("2027-03-31", 125)
    assert plan_of([full_cses()], date(2027, 4, 2))["days_left"] == -2


def test_web_roles_only_go_to_app_service():
    d = deployment([with_roles("shop", {"WebRole1": "Standard_D1_v2"})], "shop")
    assert d["target"]["service"] == APP_SERVICE
    assert "WebRole1" in d["target"]["reasons"][0]
    assert any("App Service plan" in c for c in d["create"])


def test_mixed_roles_on_current_sizes_lift_and_shift_to_flexible_scale_sets():
    d = deployment(
        [with_roles("api", {"WebRole1": "Standard_D2_v2", "QueueWorker": "Standard_D1_v2"})], "api"
    )
    assert d["target"]["service"] == SCALE_SET
    assert "CSES-002" in d["target"]["reasons"][0]
    assert any("explicit outbound" in c for c in d["create"])
    assert d["blockers"] == []


def test_a_size_without_a_flexible_equivalent_rules_out_scale_sets():
    d = deployment([with_roles("render", {"RenderWorker": "Standard_G2"})], "render")
    assert d["target"]["service"] == SERVICE_FABRIC
    assert SCALE_SET not in d["target"]["alternatives"]
    assert any("Standard_G2" in r for r in d["target"]["reasons"])
    assert [b["rule_id"] for b in d["blockers"]] == ["CSES-002"]


def test_service_fabric_warns_about_iis_bound_web_roles():
    d = deployment([with_roles("mixed", {"WebRole1": "Standard_G2", "Worker": "Standard_D1_v2"})], "mixed")
    assert d["target"]["service"] == SERVICE_FABRIC
    assert any("IIS-bound" in r and "WebRole1" in r for r in d["target"]["reasons"])


def test_unread_roles_cannot_confirm_scale_sets():
    cses = full_cses("bare")
    del cses["properties"]["roleProfile"]
    d = deployment([cses], "bare")
    assert d["target"]["service"] == SERVICE_FABRIC
    assert any("--arm-details" in r for r in d["target"]["reasons"])


def test_preparation_unknowns_and_creates_from_the_rules():
    ip = cses_public_ip("web-ip", "Basic")
    cses = full_cses("web", ip_id=ip["id"])
    cses["properties"]["configuration"] = CSCFG.replace('osFamily="6"', 'osFamily="4"')
    d = deployment([cses, ip], "web")
    assert {f["rule_id"] for f in d["preparation"]} == {
        "CSES-001",
        "CSES-003",
        "CSES-004",
        "CSES-005",
        "CSES-006",
    }
    assert any("Standard SKU public IP" in c and "Basic" in c for c in d["create"])
    assert any("2 Key Vault certificate(s) from kv-web" in c for c in d["create"])
    assert any("Azure Monitor Agent" in c for c in d["create"])
    assert d["unknowns"] == []


@pytest.mark.parametrize("first_env", ["dev", "prod"])
def test_swap_pairs_move_together_and_non_production_goes_first(first_env):
    blue = with_roles("blue", {"Worker": "Standard_D1_v2"}, env="prod")
    green = with_roles("green", {"Worker": "Standard_D1_v2"}, env="prod")
    blue["properties"]["networkProfile"]["swappableCloudService"] = {"id": green["id"]}
    green["properties"]["networkProfile"]["swappableCloudService"] = {"id": blue["id"]}
    blue["properties"]["networkProfile"]["slotType"] = "Production"
    dev = with_roles("zz-dev", {"Worker": "Standard_D1_v2"}, env="dev")
    order = [(d["name"], d["step"], d["moves_with"]) for d in plan_of([blue, dev, green])["deployments"]]
    assert order == [("zz-dev", 1, []), ("green", 2, ["blue"]), ("blue", 2, ["green"])]


def test_a_partner_outside_the_scan_is_its_own_step():
    cses = full_cses("web")  # partner web-prod is not in the rows
    d = plan_of([cses])["deployments"][0]
    assert (d["step"], d["moves_with"], d["swap_partner_id"]) == (
        1,
        [],
        rid(CSES, "web-prod", "web-Migrated"),
    )
    assert d["subscription_id"] == SUB


def test_demo_findings_json_has_plan_cses_with_every_target(tmp_path):
    from typer.testing import CliRunner

    from scanner.cli import app

    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["scan", "--demo", "--out", str(out), "--format", "json", "--as-of", "2026-11-26"]
    )
    assert result.exit_code == 0, result.output
    cses = json.loads((out / "findings.json").read_text())["plan"]["cses"]
    assert cses["days_left"] == 125
    targets = {d["name"]: d["target"]["service"] for d in cses["deployments"]}
    assert targets == {
        "fab-dev-web": APP_SERVICE,
        "fab-shop": APP_SERVICE,
        "fab-render-svc": SERVICE_FABRIC,
        "fab-api-blue": SCALE_SET,
        "fab-api-green": SCALE_SET,
        "fab-tracking": SCALE_SET,
    }
    steps = {d["name"]: d["step"] for d in cses["deployments"]}
    assert steps["fab-dev-web"] == 1  # non-production first
    assert steps["fab-api-blue"] == steps["fab-api-green"]
