"""Columns of the ARM tables read around the classic estate from one raw row (see tables_arm.py;
Cloud Services (extended support) are in extract_cses.py)."""

from __future__ import annotations

import re
from typing import Any

from scanner.inventory.ids import ParsedId, parse_id, resource_key
from scanner.inventory.raw_values import Props, Row, dig, flag, items, text, text_or_empty
from scanner.sizes import arm_size, resize_target

_NO_ID = ParsedId("", "", "", "", "", "")


def er_circuit(row: Row, p: Props) -> dict[str, Any]:
    auths = items(p, "authorizations")
    in_use = None
    if auths is not None:
        in_use = [
            text(a, "name") or ""
            for a in auths
            if isinstance(a, dict)
            and (
                text(a, "properties.authorizationUseStatus") or text(a, "authorizationUseStatus") or ""
            ).lower()
            == "inuse"
        ]
    return {
        "allow_classic_operations": flag(p, "allowClassicOperations"),
        "authorizations_in_use": in_use,
        "authorization_count": len(auths) if auths is not None else None,
        "service_provider": text(p, "serviceProviderProperties.serviceProviderName"),
        "sku_tier": text(row, "sku.tier"),
    }


def er_connection(row: Row, p: Props) -> dict[str, Any]:
    circuit = text(p, "peer.id")
    parsed = parse_id(circuit) if circuit else None
    sub = str(row.get("subscriptionId") or "").lower() or (parse_id(str(row["id"])) or _NO_ID).subscription_id
    circuit_sub = parsed.subscription_id if parsed else None
    return {
        "connection_type": text(p, "connectionType"),
        "circuit_id": circuit,
        "circuit_subscription_id": circuit_sub,
        "cross_subscription": circuit_sub != sub if circuit_sub and sub else None,
    }


def backup_item(row: Row, p: Props) -> dict[str, Any]:
    source = text(p, "sourceResourceId") or text(p, "virtualMachineId")
    item_type = text(p, "protectedItemType")
    classic = "microsoft.classiccompute/virtualmachines" in f"{item_type or ''} {source or ''}".lower()
    return {
        "protected_item_type": item_type,
        "source_resource_id": source,
        "is_classic_vm": classic,
        "friendly_name": text(p, "friendlyName"),
        "protection_state": text(p, "protectionState"),
        "last_backup_time": text(p, "lastBackupTime"),
    }


def role_assignment(row: Row, p: Props) -> dict[str, Any]:
    role = (text(p, "roleDefinitionId") or "").lower() or None
    return {
        "scope": text(p, "scope"),
        "role_definition_id": role,
        "role_definition_guid": role.rstrip("/").rsplit("/", 1)[-1] if role else None,
        "principal_id": text(p, "principalId"),
        "created_by": text_or_empty(p, "createdBy") if p else None,
        "description": text_or_empty(p, "description") if p else None,
    }


def classic_admin(row: Row, p: Props) -> dict[str, Any]:
    raw = dig(p, "role")
    roles: list[str] | None
    if isinstance(raw, list):
        roles = [str(r).strip() for r in raw if str(r).strip()]
    elif isinstance(raw, str):
        roles = [r.strip() for r in re.split(r"[;,]", raw) if r.strip()]
    else:
        roles = None
    return {"roles": roles, "admin_state": text(p, "adminState"), "email": text(p, "emailAddress")}


def arm_vm(row: Row, p: Props) -> dict[str, Any]:
    size = text(p, "hardwareProfile.vmSize")
    landing = arm_size(size)
    target = resize_target(landing) if landing else None
    sizing = {"size": size, "resize_to": (target.arm_size if target else "") if size else None}
    profile = dig(p, "storageProfile")
    if not isinstance(profile, dict):
        return {"unmanaged_disks": None, **sizing}
    disks = [dig(profile, "osDisk"), *(items(profile, "dataDisks") or [])]
    unmanaged = [
        text(d, "name") or text(d, "vhd.uri") or "disk"
        for d in disks
        if isinstance(d, dict) and text(d, "vhd.uri") and not text(d, "managedDisk.id")
    ]
    return {"unmanaged_disks": unmanaged, **sizing}


def vm_extension(row: Row, p: Props) -> dict[str, Any]:
    vm_id, _, _ = str(row["id"]).rpartition("/extensions/")
    return {
        "vm_key": resource_key(vm_id) if vm_id else None,
        "publisher": text(p, "publisher"),
        "extension_type": text(p, "type"),
        "type_handler_version": text(p, "typeHandlerVersion"),
        "provisioning_state": text(p, "provisioningState"),
    }


def vnet_gateway(row: Row, p: Props) -> dict[str, Any]:
    sku = text(p, "sku.name")
    configs = items(p, "ipConfigurations") or []
    ips = [text(c, "properties.publicIPAddress.id") or text(c, "publicIPAddress.id") for c in configs]
    return {
        "gateway_type": text(p, "gatewayType"),
        "vpn_type": text(p, "vpnType"),
        "sku_name": sku,
        "sku_tier": text(p, "sku.tier"),
        "zone_redundant": sku.strip().lower().endswith("az") if sku else None,
        "generation": text(p, "vpnGatewayGeneration"),
        "public_ip_ids": [i for i in ips if i],
    }


def public_ip(row: Row, p: Props) -> dict[str, Any]:
    return {
        "sku_name": text(row, "sku.name"),
        "allocation_method": text(p, "publicIPAllocationMethod"),
        "attached_resource_type": provider_type(text(p, "ipConfiguration.id") or "") if p else None,
    }


def provider_type(resource_id: str) -> str:
    """'namespace/type' (lower-cased) of the top-level resource an id points into; '' for no id."""
    parts = resource_id.strip("/").split("/")
    lowered = [x.lower() for x in parts]
    if "providers" not in lowered:
        return ""
    at = len(lowered) - 1 - lowered[::-1].index("providers")  # the last provider segment
    return "/".join(lowered[at + 1 : at + 3])


def load_balancer(row: Row, p: Props) -> dict[str, Any]:
    frontends = items(p, "frontendIPConfigurations")
    kind = None
    if frontends:
        public = any(
            text(f, "properties.publicIPAddress.id") or text(f, "publicIPAddress.id") for f in frontends
        )
        kind = "public" if public else "internal"
    return {"sku_name": text(row, "sku.name"), "frontend_kind": kind}


def alert_rule(row: Row, p: Props) -> dict[str, Any]:
    # The key itself holds a dot ("odata.type"), so it is read from the condition object directly.
    condition = dig(p, "condition")
    kind = None
    if isinstance(condition, dict):
        raw = next((v for k, v in condition.items() if str(k).lower() == "odata.type"), None)
        kind = str(raw).rsplit(".", 1)[-1] if raw else None
    return {
        "target_resource_id": text(p, "condition.dataSource.resourceUri"),
        "enabled": flag(p, "isEnabled"),
        "condition_type": kind,
    }


def app_insights(row: Row, p: Props) -> dict[str, Any]:
    return {
        "workspace_id": text_or_empty(p, "WorkspaceResourceId") if p else None,
        "ingestion_mode": text(p, "IngestionMode"),
        "application_type": text(p, "Application_Type"),
    }


def autoscale_setting(row: Row, p: Props) -> dict[str, Any]:
    return {"target_resource_id": text(p, "targetResourceUri"), "enabled": flag(p, "enabled")}


def key_vault(row: Row, p: Props) -> dict[str, Any]:
    rg = str(row.get("resourceGroup") or "")
    if not rg:
        parsed = parse_id(str(row["id"]))
        rg = parsed.resource_group if parsed else ""
    return {"in_migrated_group": rg.lower().endswith("-migrated")}


def arm_storage(row: Row, p: Props) -> dict[str, Any]:
    return {"kind": text(row, "kind"), "sku_name": text(row, "sku.name")}


def arm_vnet(row: Row, p: Props) -> dict[str, Any]:
    peerings = items(p, "virtualNetworkPeerings") or []
    remote = [
        text(x, "properties.remoteVirtualNetwork.id") or text(x, "remoteVirtualNetwork.id") for x in peerings
    ]
    return {"peered_vnet_ids": [r for r in remote if r]}


def app_service_env(row: Row, p: Props) -> dict[str, Any]:
    return {"vnet_id": text(p, "virtualNetwork.id")}


def hdinsight(row: Row, p: Props) -> dict[str, Any]:
    roles = items(p, "computeProfile.roles") or []
    ids = [text(r, "virtualNetworkProfile.id") for r in roles]
    return {"vnet_ids": sorted({i for i in ids if i})}


def apim(row: Row, p: Props) -> dict[str, Any]:
    return {"subnet_id": text(p, "virtualNetworkConfiguration.subnetResourceId")}


def nothing(row: Row, p: Props) -> dict[str, Any]:
    return {}
