"""The migration plan: units the platform migrates together, their state, order, downtime, quota,
what Azure will create, and a runbook per unit. The result is a scanner.model.plan.Plan (ScanResult.plan).

Units (migration overview and deep dive): a classic VNet with everything in it; a cloud service
whose VMs are in no VNet (migrated per deployment); a storage account; an unattached reserved IP;
an NSG no VM uses. Cloud services without VMs host web/worker roles, which the IaaS migration does
not move: they are listed as PaaS units with their own path.

State per unit, from the findings on its resources and its container, as scanner.readiness
defines it from each rule's `migration` role: `blocked` (a blocking rule fails), `unknown` (a
blocking rule could not be evaluated, or the container is not in the scan), `needs-preparation`
(a preparation rule fails or needs a manual check), else `ready`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from scanner.inventory import Inventory
from scanner.inventory.arm_merge import quota_usage
from scanner.model import plain_values
from scanner.model.plan import Plan
from scanner.model.runbook import runbook
from scanner.plan_cses import Environment, cses_plan
from scanner.plan_types import typed_plan
from scanner.readiness import OPEN_STATUSES, STATES, unit_readiness

__all__ = ["STATES", "build_plan"]


ASSUMPTIONS = (
    "Management-plane lock = prepare to commit. Model: 20 minutes plus 1 minute per VM for a VNet or cloud "
    "service, 15 minutes for a storage account, 10 for a reserved IP or NSG; the range is half to twice "
    "that. It is anchored on the migration FAQ: a few tens of VMs take under an hour, hundreds take a few "
    "hours. A validate/prepare/abort dry run measures the real figure.",
    "Remediating VM extensions (agent not ready, backup, XML extensions) can add one to two days before "
    "prepare (migration plan guidance); it is not part of the lock.",
    "VMs in a VNet keep running and keep their IPs. VMs in no VNet are stopped, deallocated and restarted, "
    "get new internal IPs, and lose their public VIP unless it is reserved first.",
    "Production and non-production come from resource tags (env/environment/stage/tier), else from the "
    "subscription's name; units that say neither are ordered between the two, smallest first.",
    "Names: the platform creates <name>-Migrated resource groups and keeps VNet, VM and storage names; "
    "names of NICs, load balancers and public IPs are chosen by the platform and cannot be set.",
)
_PROD = re.compile(r"^(prod|production|prd|live)$", re.IGNORECASE)
_NONPROD = re.compile(
    r"^(dev|development|test|testing|qa|uat|stage|staging|nonprod|non-prod|sandbox|poc)$", re.IGNORECASE
)
_ENV_KEYS = {"env", "environment", "stage", "tier", "lifecycle"}


def build_plan(
    inventory: Inventory, findings: pd.DataFrame, roles: Mapping[str, str], as_of: date | None = None
) -> Plan:
    """The plan of an inventory from its findings (before waivers) and each rule's migration role;
    `as_of` dates the Cloud Services (extended support) countdown (None: no countdown)."""
    return typed_plan(plan_dict(inventory, findings, roles, as_of))


def plan_dict(
    inventory: Inventory, findings: pd.DataFrame, roles: Mapping[str, str], as_of: date | None = None
) -> dict[str, Any]:
    """build_plan's working form: the same plan as nested dicts, in findings.json's key order."""
    by_resource = _findings_by_resource(findings, roles)
    vms = inventory.table("classic_vm")
    units = _network_units(inventory, vms) + _storage_units(inventory) + _loose_units(inventory)
    for unit in units:
        _assess(unit, by_resource)
    _order(units, inventory)
    circuits = _circuits(inventory, by_resource)
    classic = (
        int(inventory.table("subscription")["classic_resources"].sum())
        if len(inventory.table("subscription"))
        else 0
    )
    by_state = {s: sum(1 for u in units if u["state"] == s) for s in STATES}
    message = (
        "No classic resources remain: there is nothing to migrate."
        if classic == 0
        else f"{len(units)} migration units: "
        + ", ".join(f"{n} {state.replace('-', ' ')}" for state, n in by_state.items() if n)
    )
    return {
        "summary": {
            "classic_resources": classic,
            "units": len(units),
            "by_state": by_state,
            "vms": len(vms),
            "lock_hours_expected": round(
                sum(u["downtime"]["lock_minutes"]["expected"] for u in units) / 60, 1
            ),
            "message": message,
        },
        "assumptions": list(ASSUMPTIONS),
        "waves": _waves(units, circuits),
        "expressroute": circuits,
        "units": units,
        "quota": _quota(inventory),
        "cses": cses_plan(inventory, findings, as_of, _environment_from(inventory)),
    }


def _environment_from(inventory: Inventory) -> Environment:
    """The CSES plan's environment test: env tags, else the subscription's name (as for units)."""
    subs = inventory.table("subscription")
    names = {str(s): str(n or "") for s, n in zip(subs["subscription_id"], subs["display_name"], strict=True)}

    def environment(tags: dict[str, Any], subscription_id: str) -> str:
        unit = {"resources": [{"id": "x"}], "subscription_id": subscription_id}
        rank = _environment(unit, {"x": tags}, names)
        return ("non-production", "unknown", "production")[rank]

    return environment


# -- units ----------------------------------------------------------------------------------------------


def _resource(row: Any) -> dict[str, str]:
    return {"id": str(row["id"]), "name": str(row["name"]), "type": str(row["type"])}


def _unit(kind: str, anchor: Any, resources: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{kind}:{anchor['key']}",
        "kind": kind,
        "name": str(anchor["name"]),
        "subscription_id": anchor["subscription_id"],
        "location": anchor["location"],
        "resources": resources,
        **extra,
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts (NA as None): iterrows is far too slow for estates of 100k resources."""
    names = [str(c) for c in frame.columns]
    columns = [plain_values(frame[name]) for name in frame.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _network_units(inventory: Inventory, vms: pd.DataFrame) -> list[dict[str, Any]]:
    services = {r["key"]: r for r in _records(inventory.table("cloud_service"))}
    nsgs = {r["key"]: r for r in _records(inventory.table("classic_nsg"))}
    ips_by_service: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ip in _records(inventory.table("reserved_ip")):
        if ip["attached_to"]:
            ips_by_service[str(ip["attached_to"]).rstrip("/").split("/")[-1].lower()].append(ip)
    units = []
    vnet_rows = {r["key"]: r for r in _records(inventory.table("classic_vnet"))}
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for vm in _records(vms):
        if vm["vnet_key"]:
            groups[("vnet", vm["vnet_key"])].append(vm)
        elif vm["cloud_service_key"]:
            groups[("cloud_service", vm["cloud_service_key"])].append(vm)
    for key in vnet_rows:
        groups.setdefault(("vnet", key), [])
    for (kind, key), members in sorted(groups.items()):
        cs_keys = sorted({m["cloud_service_key"] for m in members if m["cloud_service_key"]})
        cs_rows = [services[k] for k in cs_keys if k in services]
        ips = [ip for r in cs_rows for ip in ips_by_service.get(str(r["name"]).lower(), [])]
        used_nsgs = sorted({m["nsg_key"] for m in members if m["nsg_key"]})
        nsg_rows = [nsgs[k] for k in used_nsgs if k in nsgs]
        anchor: Any
        if kind == "vnet" and key in vnet_rows:
            anchor, in_scan = vnet_rows[key], True
        elif kind == "vnet":
            anchor = {
                "key": key,
                "name": members[0]["vnet_name"] or key,
                "subscription_id": members[0]["subscription_id"],
                "location": members[0]["location"],
            }
            in_scan = False
        else:
            anchor = (
                services[key]
                if key in services
                else {
                    "key": key,
                    "name": members[0]["cloud_service_name"] or key,
                    "subscription_id": members[0]["subscription_id"],
                    "location": members[0]["location"],
                }
            )
            in_scan = key in services
        resources = ([_resource(anchor)] if in_scan else []) + [
            _resource(r) for r in cs_rows if kind == "vnet"
        ]
        resources += [_resource(m) for m in sorted(members, key=lambda m: str(m["name"]))]
        resources += [_resource(r) for r in ips] + [_resource(r) for r in nsg_rows]
        units.append(
            _unit(
                kind,
                anchor,
                resources,
                vm_count=len(members),
                anchor_in_scan=in_scan,
                creates=_creates(kind, str(anchor["name"]), members, cs_rows, ips, nsg_rows),
            )
        )
    for cs in services.values():
        if cs["vm_count"] == 0:
            units.append(
                _unit("paas_cloud_service", cs, [_resource(cs)], vm_count=0, anchor_in_scan=True, creates=[])
            )
    return units


def _storage_units(inventory: Inventory) -> list[dict[str, Any]]:
    units = []
    for acct in _records(inventory.table("classic_storage")):
        holders = acct["disk_vm_names"]
        units.append(
            _unit(
                "storage",
                acct,
                [_resource(acct)],
                vm_count=0,
                anchor_in_scan=True,
                disk_vms=list(holders) if holders is not None else None,
                creates=[
                    _create("resource group", f"{acct['name']}-Migrated", 1, True),
                    _create("storage account (general-purpose v1)", str(acct["name"]), 1, True),
                ],
            )
        )
    return units


def _loose_units(inventory: Inventory) -> list[dict[str, Any]]:
    units = []
    for ip in _records(inventory.table("reserved_ip")):
        if ip["attached_to"] == "":
            units.append(
                _unit(
                    "reserved_ip",
                    ip,
                    [_resource(ip)],
                    vm_count=0,
                    anchor_in_scan=True,
                    creates=[
                        _create("resource group", f"{ip['name']}-Migrated", 1, True),
                        _create("public IP (Basic, static)", None, 1),
                    ],
                )
            )
    for nsg in _records(inventory.table("classic_nsg")):
        if not nsg["vm_names"]:
            units.append(
                _unit(
                    "nsg",
                    nsg,
                    [_resource(nsg)],
                    vm_count=0,
                    anchor_in_scan=True,
                    note="No VM uses it; subnet associations are not visible in Resource Graph.",
                    creates=[_create("network security group", str(nsg["name"]), 1)],
                )
            )
    return units


def _create(kind: str, name: str | None, count: int, documented: bool = False) -> dict[str, Any]:
    return {
        "type": kind,
        "name": name or "chosen by the platform",
        "count": count,
        "name_documented": documented and name is not None,
    }


def _creates(
    kind: str, name: str, members: list[Any], cs_rows: list[Any], ips: list[Any], nsgs: list[Any]
) -> list[dict[str, Any]]:
    services = {str(m["cloud_service_name"] or m["cloud_service_key"]) for m in members}
    with_endpoints = {
        str(m["cloud_service_name"] or m["cloud_service_key"])
        for m in members
        if (m["endpoint_count"] or 0) > 0
    }
    sets = {
        (str(m["cloud_service_key"]), str(m["availability_set"]).lower())
        for m in members
        if m["availability_set"]
    }
    out = []
    if kind == "vnet":
        out += [
            _create("resource group", f"{name}-Migrated", 1, True),
            _create("virtual network", name, 1, True),
        ]
    else:
        out.append(_create("virtual network (new, or an existing one you choose)", None, 1))
    out += [_create("resource group", f"{s}-Migrated", 1, True) for s in sorted(services)]
    out.append(
        _create("network interface (one per VM NIC)", None, sum(int(m["nic_count"] or 1) for m in members))
    )
    out.append(
        _create("load balancer (Basic, one per cloud service with endpoints)", None, len(with_endpoints))
    )
    out.append(
        _create(
            "public IP (Basic: one per VIP, static for reserved IPs)", None, len(with_endpoints) + len(ips)
        )
    )
    if sets:
        out.append(_create("availability set", None, len(sets)))
    if nsgs:
        out.append(_create("network security group (cloned)", None, len(nsgs)))
    out.append(
        _create(
            "key vault for service certificates (only for cloud services that have them)", None, len(services)
        )
    )
    return [c for c in out if c["count"]]


# -- assessment and order -----------------------------------------------------------------------------


def _findings_by_resource(
    findings: pd.DataFrame, roles: Mapping[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Lower-cased resource id -> its open findings of rules that matter to the migration."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    role = findings["rule_id"].map(roles).fillna("none")
    relevant = findings.assign(migration=role)[(role != "none") & findings["status"].isin(OPEN_STATUSES)]
    for row in relevant[
        ["rule_id", "title", "status", "severity", "migration", "resource_id", "resource_name"]
    ].itertuples(index=False):
        out[str(row.resource_id).lower()].append(
            {
                "rule_id": row.rule_id,
                "title": row.title,
                "status": row.status,
                "severity": row.severity,
                "migration": row.migration,
                "resource_id": row.resource_id,
                "resource_name": row.resource_name,
            }
        )
    return out


def _assess(unit: dict[str, Any], by_resource: dict[str, list[dict[str, Any]]]) -> None:
    found = [f for r in unit["resources"] for f in by_resource.get(r["id"].lower(), [])]
    readiness = unit_readiness(found, unit["anchor_in_scan"])
    unit.update(
        state=readiness.state,
        blockers=readiness.blockers,
        unknowns=readiness.unknowns,
        preparation=readiness.preparation,
    )
    unit["downtime"] = _downtime(unit)
    unit["runbook"] = runbook(unit["kind"], unit["name"])


def _downtime(unit: dict[str, Any]) -> dict[str, Any]:
    kind = unit["kind"]
    expected = {
        "vnet": 20 + unit["vm_count"],
        "cloud_service": 20 + unit["vm_count"],
        "storage": 15,
        "reserved_ip": 10,
        "nsg": 10,
    }.get(kind, 0)
    data_plane = {
        "vnet": "none: VMs keep running and keep their IP addresses",
        "cloud_service": "VMs are stopped, deallocated and restarted; internal IPs change; the public VIP is "
        "lost unless reserved first",
        "storage": "none: data stays readable and writable; only management is locked",
        "reserved_ip": "none (the IP must stay detached)",
        "nsg": "none",
        "paas_cloud_service": "not covered by the IaaS migration",
    }[kind]
    return {
        "lock_minutes": {"low": expected // 2, "expected": expected, "high": expected * 2},
        "data_plane": data_plane,
    }


def _environment_of(text: str) -> int | None:
    """0 non-production, 2 production, None when the text says neither."""
    lowered = text.strip().lower()
    if re.search(r"non[-_ ]?(prod|production)\b", lowered):
        return 0
    tokens = set(re.split(r"[^a-z0-9]+", lowered))
    if any(_NONPROD.match(t) for t in tokens):
        return 0
    if any(_PROD.match(t) for t in tokens):
        return 2
    return None


def _environment(
    unit: dict[str, Any], tags_by_id: dict[str, dict[str, Any]], sub_names: dict[str, str]
) -> int:
    """0 non-production, 1 unknown, 2 production: from env tags on the unit's resources, else from the
    subscription's display name (e.g. "Contoso Non-Production")."""
    seen = set()
    for r in unit["resources"]:
        for key, value in (tags_by_id.get(r["id"].lower()) or {}).items():
            if str(key).lower() in _ENV_KEYS:
                found = _environment_of(str(value))
                seen.add(1 if found is None else found)
    if seen:
        return max(seen)
    found = _environment_of(sub_names.get(str(unit["subscription_id"]), ""))
    return 1 if found is None else found


def _order(units: list[dict[str, Any]], inventory: Inventory) -> None:
    tags_by_id = {
        str(i).lower(): t
        for name in ("classic_vm", "cloud_service", "classic_vnet")
        for i, t in zip(inventory.table(name)["id"], inventory.table(name)["tags"], strict=True)
    }
    subs = inventory.table("subscription")
    sub_names = {
        str(s): str(n or "") for s, n in zip(subs["subscription_id"], subs["display_name"], strict=True)
    }
    vm_unit = {
        r["name"].lower(): u["id"]
        for u in units
        if u["kind"] in ("vnet", "cloud_service")
        for r in u["resources"]
        if r["type"] == "microsoft.classiccompute/virtualmachines"
    }
    for unit in units:
        unit["environment"] = ("non-production", "unknown", "production")[
            _environment(unit, tags_by_id, sub_names)
        ]
        unit["depends_on"] = []
        if unit["kind"] == "storage":
            unit["depends_on"] = sorted(
                {vm_unit[v.lower()] for v in unit["disk_vms"] or [] if v.lower() in vm_unit}
            )
        unit["wave"] = _wave_of(unit)
    env_rank = {"non-production": 0, "unknown": 1, "production": 2}
    units.sort(key=lambda u: (u["wave"], env_rank[u["environment"]], u["vm_count"], u["name"].lower()))
    for number, unit in enumerate(units, start=1):
        unit["order"] = number


def _wave_of(unit: dict[str, Any]) -> int:
    if unit["kind"] in ("reserved_ip", "nsg") or (
        unit["kind"] == "storage" and not unit["depends_on"] and unit["disk_vms"] is not None
    ):
        return 1
    if unit["kind"] in ("vnet", "cloud_service"):
        return 2
    if unit["kind"] == "storage":
        return 3
    return 4


WAVE_TITLES = {
    0: "ExpressRoute circuits that may serve classic VNets: in ARM with classic operations allowed, first",
    1: "Independent now: storage accounts without VM disks, unattached reserved IPs and NSGs (no downtime)",
    2: "Virtual networks and cloud services: non-production and small first, production last",
    3: "Storage accounts that held VM disks: after every unit whose VMs use them",
    4: "Web/worker role cloud services: not moved by the IaaS migration (extended support or redeploy)",
}


def _waves(units: list[dict[str, Any]], circuits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    waves = [
        {
            "wave": number,
            "title": title,
            "units": [c["id"] for c in circuits]
            if number == 0
            else [u["id"] for u in units if u["wave"] == number],
        }
        for number, title in WAVE_TITLES.items()
    ]
    return [w for w in waves if w["units"]]


def _circuits(inventory: Inventory, by_resource: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    out = []
    for _, c in inventory.table("er_circuit").iterrows():
        if c["allow_classic_operations"] is pd.NA or not bool(c["allow_classic_operations"]):
            continue
        found = by_resource.get(str(c["id"]).lower(), [])
        out.append(
            {
                "id": c["id"],
                "name": c["name"],
                "subscription_id": c["subscription_id"],
                "authorizations_in_use": list(c["authorizations_in_use"] or []),
                "findings": found,
                "state": unit_readiness(found).state,
            }
        )
    return out


def _quota(inventory: Inventory) -> list[dict[str, Any]]:
    nsgs: dict[tuple[str, str], int] = defaultdict(int)
    for n in _records(inventory.table("classic_nsg")):
        nsgs[(str(n["subscription_id"]), str(n["location"]))] += 1
    out = []
    for _, r in inventory.table("region").iterrows():
        out.append(
            {
                "subscription_id": r["subscription_id"],
                "location": r["location"],
                "vms": int(r["vm_count"]),
                "cores_by_family": dict(r["cores_by_family"]),
                "unsized_vms": list(r["unsized_vms"]),
                # Landing sizes of the retired A-series v1: their cores count in the Av2 family above.
                "resize_needed": list(r["resize_needed"]),
                "network_interfaces": int(r["nic_count"]),
                "public_ips": int(r["public_ip_count"]),
                "load_balancers": int(r["load_balancer_count"]),
                "network_security_groups": nsgs.get((str(r["subscription_id"]), str(r["location"])), 0),
                **quota_usage(r.to_dict()),
                "check_with": [
                    f"az vm list-usage --location {r['location']} --subscription {r['subscription_id']}",
                    f"az network list-usages --location {r['location']} --subscription "
                    f"{r['subscription_id']}",
                ],
            }
        )
    return out
