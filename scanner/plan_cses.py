"""plan.cses: per Cloud Service (extended support) deployment, the days left, a recommended target with
the reasons the data gives, the work the CSES rules found, what to create on the target, and the order.

Targets follow Microsoft's guidance: Service Fabric managed clusters are the named successor (not for
container- or IIS-bound roles), App Service suits web roles with minimal rework, and VM Scale Sets
(Flexible) is the lift-and-shift path unless a role size has no Flexible equivalent (CSES-002).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd

from scanner.inventory import Inventory
from scanner.inventory.ids import resource_key
from scanner.readiness import OPEN_STATUSES

RETIRE_DATE = date(2027, 3, 31)
APP_SERVICE = "App Service"
SCALE_SET = "Virtual Machine Scale Sets (Flexible)"
SERVICE_FABRIC = "Service Fabric managed cluster"
#: Rule whose failure rules out the lift-and-shift target.
SIZE_RULE = "CSES-002"
_WEB_NAME = re.compile(r"web|site|portal|api|frontend", re.IGNORECASE)
_ENV_RANK = {"non-production": 0, "unknown": 1, "production": 2}

#: environment(tags, subscription_id) -> "production" / "non-production" / "unknown"
Environment = Callable[[dict[str, Any], str], str]


def cses_plan(
    inventory: Inventory, findings: pd.DataFrame, as_of: date | None, environment: Environment
) -> dict[str, Any]:
    """The CSES section of the plan (see the module doc)."""
    open_by_id: dict[str, list[dict[str, Any]]] = {}
    cses_findings = findings[
        findings["rule_id"].str.startswith("CSES-") & findings["status"].isin(OPEN_STATUSES)
    ]
    for row in cses_findings[["rule_id", "title", "status", "severity", "resource_id"]].itertuples(
        index=False
    ):
        open_by_id.setdefault(str(row.resource_id).lower(), []).append(
            {"rule_id": row.rule_id, "title": row.title, "status": row.status, "severity": row.severity}
        )
    table = inventory.table("cloud_service_es")
    deployments = [
        _deployment(
            {str(k): v for k, v in record.items()}, open_by_id.get(str(record["id"]).lower(), []), environment
        )
        for record in table.astype(object).where(table.notna(), None).to_dict("records")
    ]
    _order(deployments)
    return {
        "retire_date": RETIRE_DATE.isoformat(),
        "days_left": (RETIRE_DATE - as_of).days if as_of else None,
        "deployments": deployments,
    }


def _deployment(cs: dict[str, Any], found: list[dict[str, Any]], environment: Environment) -> dict[str, Any]:
    target, reasons, alternatives = recommend(cs, found)
    roles = [
        {"name": n, "size": s, "tier": t}
        for n, s, t in zip(
            cs["role_names"] or [], cs["role_sizes"] or [], cs["role_tiers"] or [], strict=False
        )
    ]
    return {
        "id": cs["id"],
        "name": cs["name"],
        "subscription_id": cs["subscription_id"],
        "resource_group": cs["resource_group"],
        "location": cs["location"],
        "environment": environment(cs["tags"] or {}, str(cs["subscription_id"])),
        "slot_type": cs["slot_type"],
        "swap_partner_id": cs["swap_partner_id"] or None,
        "roles": roles,
        "instance_count": cs["instance_count"],
        "os_family": cs["os_family"],
        "target": {"service": target, "reasons": reasons, "alternatives": alternatives},
        "blockers": [f for f in found if f["rule_id"] == SIZE_RULE and f["status"] == "fail"],
        "preparation": [f for f in found if f["rule_id"] != SIZE_RULE and f["status"] in ("fail", "manual")],
        "unknowns": [f for f in found if f["status"] == "unknown"],
        "create": creates(cs, target),
    }


def recommend(cs: dict[str, Any], found: list[dict[str, Any]]) -> tuple[str, list[str], list[str]]:
    """(target, reasons, alternatives) for one deployment row of cloud_service_es."""
    names = [str(n) for n in cs["role_names"] or []]
    web = [n for n in names if _WEB_NAME.search(n)]
    size_fail = any(f["rule_id"] == SIZE_RULE and f["status"] == "fail" for f in found)
    sizes_unread = cs["role_sizes"] is None
    reasons: list[str] = []
    if names and len(web) == len(names):
        target = APP_SERVICE
        reasons.append(
            f"every role is named like a web role ({', '.join(names)}): Web Apps keep the web role's "
            "structure with minimal rework; confirm in the .csdef that no role needs startup tasks with "
            "administrator rights or a custom IIS setup"
        )
    elif names and not size_fail and not sizes_unread:
        target = SCALE_SET
        reasons.append(
            "closest to the Cloud Services model: each role becomes a scale set of VMs (lift-and-shift); "
            "every role size has a Flexible equivalent (CSES-002 passes)"
        )
    else:
        target = SERVICE_FABRIC
        reasons.append(
            "Microsoft's named successor: a worker role becomes a stateless service (RunAsync), a web role "
            "an ASP.NET Core stateless service"
        )
        if size_fail:
            reasons.append(
                f"CSES-002: sizes {', '.join(str(s) for s in cs['role_sizes'] or [])} have no VM Scale Sets "
                "(Flexible) equivalent, which rules out the lift-and-shift path without a size change"
            )
        if sizes_unread or not names:
            reasons.append(
                "the roles or their sizes were not read (scan with --arm-details): VM Scale Sets (Flexible) "
                "cannot be confirmed"
            )
    if web and target == SERVICE_FABRIC:
        reasons.append(
            f"roles {', '.join(web)} look like web roles: managed clusters run no containers, so an "
            "IIS-bound role needs App Service or a traditional cluster with Windows containers"
        )
    alternatives = [t for t in (APP_SERVICE, SCALE_SET, SERVICE_FABRIC) if t != target]
    if size_fail:
        alternatives.remove(SCALE_SET)
    return target, reasons, alternatives


def creates(cs: dict[str, Any], target: str) -> list[str]:
    """What has to exist on the target before cut-over."""
    out: list[str] = []
    kinds = cs["load_balancer_kinds"] or []
    if cs["public_ip_ids"]:
        skus = ", ".join(str(s) for s in cs["public_ip_skus"] or []) or "SKU unknown"
        out.append(f"Standard SKU public IP replacing {len(cs['public_ip_ids'])} current IP(s) ({skus})")
    if target == APP_SERVICE:
        out.append("App Service plan and a web app per web role (deployment slot for staging)")
    else:
        if "public" in kinds:
            out.append("Standard public load balancer (or Application Gateway) for the public endpoints")
        if "internal" in kinds:
            out.append("Standard internal load balancer for the internal endpoints")
        out.append(
            "explicit outbound path (NAT gateway or load-balancer outbound rules): no default outbound access"
        )
    if cs["certificate_count"]:
        vaults = ", ".join(sorted({_name(v) for v in cs["key_vault_ids"] or []}))
        out.append(
            f"certificate bindings for {cs['certificate_count']} Key Vault certificate(s) from {vaults}"
        )
    if any(t in ("PaaSDiagnostics", "IaaSDiagnostics") for t in cs["extension_types"] or []):
        out.append("Azure Monitor Agent with data collection rules in place of the Diagnostics extension")
    return out


def _name(resource_id: str) -> str:
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


def _key(resource_id: str) -> str:
    return resource_key(resource_id) or resource_id.lower()


def _order(deployments: list[dict[str, Any]]) -> None:
    """Swap pairs move together (staging side first); non-production first, production last, then by
    name."""
    keys = {_key(d["id"]) for d in deployments}
    groups: dict[str, list[dict[str, Any]]] = {}
    for d in deployments:
        own = _key(d["id"])
        partner = _key(d["swap_partner_id"]) if d["swap_partner_id"] else None
        groups.setdefault(min(own, partner) if partner in keys and partner else own, []).append(d)
    ranked = sorted(
        groups.values(),
        key=lambda g: (max(_ENV_RANK[d["environment"]] for d in g), min(str(d["name"]).lower() for d in g)),
    )
    deployments.clear()
    for step, members in enumerate(ranked, start=1):
        for d in sorted(members, key=lambda d: (d["slot_type"] != "Staging", str(d["name"]).lower())):
            d["step"] = step
            d["moves_with"] = [o["name"] for o in members if o is not d]
            deployments.append(d)
