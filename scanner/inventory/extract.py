"""Per-row extraction: one raw ARG row -> the flat columns of its table (see columns.py).

The columns every table shares are read here; each table's own columns by its extractor, one module
per family (extract_classic.py, extract_arm.py, extract_cses.py), over the path readers of
raw_values.py. Relations between tables are derived later, in relations.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scanner.inventory.extract_arm import (
    alert_rule,
    apim,
    app_insights,
    app_service_env,
    arm_storage,
    arm_vm,
    arm_vnet,
    autoscale_setting,
    backup_item,
    classic_admin,
    er_circuit,
    er_connection,
    hdinsight,
    key_vault,
    load_balancer,
    nothing,
    provider_type,
    public_ip,
    role_assignment,
    vm_extension,
    vnet_gateway,
)
from scanner.inventory.extract_classic import (
    canonical_cidr_problem,
    classic_nsg,
    classic_storage,
    classic_vm,
    classic_vnet,
    cloud_service,
    normalise_account_type,
    reserved_ip,
)
from scanner.inventory.extract_cses import cloud_service_es
from scanner.inventory.ids import parse_id, resource_key
from scanner.inventory.raw_values import MISSING, Props, Row, dig, text

__all__ = [
    "EXTRACTORS",
    "MISSING",
    "canonical_cidr_problem",
    "common",
    "dig",
    "normalise_account_type",
    "provider_type",
    "text",
]


def common(row: Row) -> dict[str, Any]:
    rid = str(row["id"])
    sub, rg, name = row.get("subscriptionId"), row.get("resourceGroup"), row.get("name")
    parsed = None if sub and rg and name else parse_id(rid)  # ARG rows normally carry all three
    sub = sub or (parsed.subscription_id if parsed else None)
    if not rg and parsed:
        rg = parsed.resource_group
    name = name or (parsed.name if parsed else rid.rsplit("/", 1)[-1])
    tags = row.get("tags")
    return {
        "id": rid,
        "key": resource_key(rid),
        "name": str(name),
        "type": row["type"],
        "subscription_id": str(sub).lower() if sub else None,
        "resource_group": str(rg or ""),
        "location": str(row["location"]).lower() if row.get("location") else None,
        "tags": tags if isinstance(tags, dict) else {},
    }


EXTRACTORS: dict[str, Callable[[Row, Props], dict[str, Any]]] = {
    "classic_vm": classic_vm,
    "cloud_service": cloud_service,
    "classic_storage": classic_storage,
    "classic_vnet": classic_vnet,
    "reserved_ip": reserved_ip,
    "classic_nsg": classic_nsg,
    "er_circuit": er_circuit,
    "er_connection": er_connection,
    "backup_item": backup_item,
    "role_assignment": role_assignment,
    "classic_admin": classic_admin,
    "arm_vm": arm_vm,
    "public_ip": public_ip,
    "load_balancer": load_balancer,
    "cloud_service_es": cloud_service_es,
    "vm_extension": vm_extension,
    "vnet_gateway": vnet_gateway,
    "app_insights": app_insights,
    "alert_rule": alert_rule,
    "autoscale_setting": autoscale_setting,
    "resource_group": nothing,
    "key_vault": key_vault,
    "arm_storage": arm_storage,
    "arm_vnet": arm_vnet,
    "app_service_env": app_service_env,
    "hdinsight": hdinsight,
    "apim": apim,
}
