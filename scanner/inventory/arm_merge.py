"""ARM details in the inventory: ARM fields over ARG fields, provider registration and quota headroom.

The ARM datasets (scanner/sources/arm.py) never add resources: the ARM properties of a classic VM or a
Cloud Service (extended support) are merged over its ARG properties only when ARG listed it (ids
compared case-insensitively); one ARM could not read keeps what ARG returned, and a column neither
carries stays NA (its rules `unknown`). Provider
registration fills the subscription table, usages and limits the region table. A snapshot without the
ARM datasets leaves these columns as "not read" (`migrate_provider_read` / `quota_read` false: the
rules stay `manual`); a snapshot with them but without a subscription's or region's answer (denied,
failed) leaves them NA (the rules are `unknown`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scanner.snapshot import Snapshot
from scanner.sources.arm import ARM_DATASETS, CLASSIC_VM_TYPE, CLOUD_SERVICE_ES_TYPE

__all__ = ["ARM_DATASETS", "ArmDetails", "merge_properties", "quota_usage"]

Record = dict[str, Any]
#: Network usage names (as Microsoft.Network reports them) per region demand column.
NETWORK_DEMAND = {
    "NetworkInterfaces": "nic_count",
    "PublicIPAddresses": "public_ip_count",
    "LoadBalancers": "load_balancer_count",
}
#: Compute usage name of the regional vCPU total.
REGIONAL_CORES = "cores"
#: Inventory table -> the ARM dataset whose rows' properties are merged over ARG's, and their type.
MERGED: dict[str, tuple[str, str]] = {
    "classic_vm": ("arm_classic_vms", CLASSIC_VM_TYPE),
    "cloud_service_es": ("arm_cloud_services", CLOUD_SERVICE_ES_TYPE),
}


def merge_properties(arg: Any, arm: Any) -> Any:
    """ARM's value wherever it has one; objects merge key by key (keys compared case-insensitively)."""
    if not isinstance(arg, dict) or not isinstance(arm, dict):
        return arm
    out = dict(arg)
    lowered = {str(k).lower(): k for k in out}
    for key, value in arm.items():
        existing = lowered.get(str(key).lower())
        if existing is not None:
            out[existing] = merge_properties(out[existing], value)
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class ArmDetails:
    """What the ARM datasets of a snapshot say, indexed for the inventory."""

    properties: dict[str, dict[str, dict[str, Any]]]
    """Inventory table (a key of MERGED) -> lower-cased resource id -> its ARM `properties`."""
    providers: dict[str, str] | None
    """Subscription -> Microsoft.ClassicInfrastructureMigrate registration state (None: not collected)."""
    usages: dict[tuple[str, str], dict[str, tuple[str, int | None, int | None]]] | None
    """(subscription, region) -> lower-cased usage name -> (name, current, limit) (None: not collected)."""

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> ArmDetails:
        merged: dict[str, dict[str, dict[str, Any]]] = {}
        for table, (dataset, arm_type) in MERGED.items():
            by_id = merged[table] = {}
            for row in snapshot.rows.get(dataset, []):
                props = row.get("properties")
                if str(row.get("type") or "").lower() == arm_type and isinstance(props, dict):
                    by_id[str(row["id"]).lower()] = props
        providers: dict[str, str] | None = None
        if "arm_providers" in snapshot.collected:
            providers = {}
            for row in snapshot.rows.get("arm_providers", []):
                sub, state = str(row.get("subscriptionId") or "").lower(), row.get("registrationState")
                if sub and isinstance(state, str):
                    providers[sub] = state
        usages: dict[tuple[str, str], dict[str, tuple[str, int | None, int | None]]] | None = None
        if "arm_usages" in snapshot.collected:
            usages = defaultdict(dict)
            for row in snapshot.rows.get("arm_usages", []):
                sub = str(row.get("subscriptionId") or "").lower()
                region = str(row.get("location") or "").lower()
                name = row.get("name")
                if sub and region and isinstance(name, str):
                    usages[(sub, region)][name.lower()] = (
                        name,
                        _count(row.get("currentValue")),
                        _count(row.get("limit")),
                    )
            usages = dict(usages)
        return cls(merged, providers, usages)

    def merged_properties(self, table: str, row: Record, props: dict[str, Any]) -> dict[str, Any]:
        """The row's properties with what ARM returned for the same id merged over them (the row's own
        when its table takes no ARM details or ARM did not return it)."""
        arm = self.properties.get(table, {}).get(str(row["id"]).lower())
        return merge_properties(props, arm) if arm is not None else props

    def annotate(self, records: dict[str, list[Record]]) -> None:
        """Fill the subscription and region columns that come from ARM (in place)."""
        for sub in records["subscription"]:
            sid = str(sub["subscription_id"] or "").lower()
            if self.providers is None:
                sub["migrate_provider_read"] = False
                sub["migrate_provider_state"] = None
            else:
                state = self.providers.get(sid)
                sub["migrate_provider_read"] = True if state is not None else None
                sub["migrate_provider_state"] = state
        nsgs: dict[tuple[str, str], int] = defaultdict(int)
        for nsg in records.get("classic_nsg", []):
            nsgs[(str(nsg["subscription_id"] or ""), str(nsg["location"] or ""))] += 1
        for region in records["region"]:
            key = (str(region["subscription_id"] or ""), str(region["location"] or ""))
            if self.usages is None:
                region.update(quota_read=False, quota=None, quota_shortfalls=None)
                continue
            found = self.usages.get(key)
            if not found:
                region.update(quota_read=None, quota=None, quota_shortfalls=None)
                continue
            quota, shortfalls = _compare(_demand(region, nsgs.get(key, 0)), found)
            if shortfalls == [] and region["unsized_vms"]:
                shortfalls = None  # VMs of unknown size are not in the demand: a fit is not shown
            region["quota_read"] = True
            region["quota"] = quota
            region["quota_shortfalls"] = shortfalls


def quota_usage(region: Mapping[Any, Any]) -> dict[str, Any]:
    """What the plan's quota entry says of ARM usage for one region row: whether it was read
    (`read`, `not read` without --arm-details, `failed`), per usage its demand, usage, limit and
    headroom, and the shortfalls (None when the fit could not be decided)."""
    read = region.get("quota_read")
    try:
        state = "failed" if read is None else "read" if bool(read) else "not read"
    except TypeError:  # pd.NA: asked for, not read
        state = "failed"
    usage = region.get("quota")
    shortfalls = region.get("quota_shortfalls")
    return {
        "usage_read": state,
        "usage": {str(k): dict(v) for k, v in usage.items()} if isinstance(usage, dict) else {},
        "shortfalls": [str(s) for s in shortfalls] if isinstance(shortfalls, list) else None,
    }


def _demand(region: Record, nsgs: int) -> dict[str, int]:
    """Usage name -> what the migration adds to it in this subscription and region."""
    cores = {str(k): int(v) for k, v in (region["cores_by_family"] or {}).items()}
    demand: dict[str, int] = {**cores, REGIONAL_CORES: sum(cores.values())}
    for name, column in NETWORK_DEMAND.items():
        demand[name] = int(region[column] or 0)
    demand["NetworkSecurityGroups"] = nsgs
    return {k: v for k, v in demand.items() if v > 0}


def _compare(
    demand: dict[str, int], usages: dict[str, tuple[str, int | None, int | None]]
) -> tuple[dict[str, Any], list[str] | None]:
    """Per needed usage: demand, current usage, limit, headroom; and the shortfalls (None when one
    needed usage is missing from the answer and nothing else is short: the fit cannot be shown)."""
    quota: dict[str, Any] = {}
    shortfalls: list[str] = []
    unknown = False
    for name, needed in sorted(demand.items()):
        _, current, limit = usages.get(name.lower(), (name, None, None))
        headroom = limit - current if current is not None and limit is not None else None
        quota[name] = {"demand": needed, "usage": current, "limit": limit, "headroom": headroom}
        if headroom is None:
            unknown = True
        elif needed > headroom:
            shortfalls.append(f"{name}: needs {needed}, {current} of {limit} in use (headroom {headroom})")
    return quota, (shortfalls if shortfalls or not unknown else None)


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None
