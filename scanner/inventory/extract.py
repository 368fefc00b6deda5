"""Per-row extraction: one raw ARG row -> the flat columns of its table (see columns.py).

Missing data is None (NA). `dig` tells an absent key (MISSING) from an explicit null, because for
some columns an absent key inside a present parent object means "none" (documented per column).
Relations between tables are derived later, in relations.py.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from scanner.inventory.ids import ParsedId, name_key, parse_id, resource_key
from scanner.redact import parse_configuration
from scanner.sizes import arm_size, resize_target

MISSING: Any = object()
_NO_ID = ParsedId("", "", "", "", "", "")

Row = dict[str, Any]
Props = dict[str, Any]


def dig(obj: Any, path: str) -> Any:
    """The value at a dotted path, MISSING when a key is absent; keys match case-insensitively."""
    for part in path.split("."):
        if not isinstance(obj, dict):
            return MISSING
        if part in obj:
            obj = obj[part]
            continue
        lowered = part.lower()
        for key, value in obj.items():
            if str(key).lower() == lowered:
                obj = value
                break
        else:
            return MISSING
    return obj


def text(obj: Any, path: str) -> str | None:
    """A string value, or None when absent or null."""
    value = dig(obj, path)
    if value is MISSING or value is None or isinstance(value, dict | list):
        return None
    return str(value)


def text_or_empty(obj: Any, path: str) -> str | None:
    """Like `text`, but '' when the key is absent or null inside a present parent (None if no parent)."""
    parent_path, _, _ = path.rpartition(".")
    parent = dig(obj, parent_path) if parent_path else obj
    if not isinstance(parent, dict):
        return None
    value = text(parent, path.rpartition(".")[2])
    return value if value is not None else ""


def flag(obj: Any, path: str) -> bool | None:
    """A boolean; accepts JSON booleans and 'true'/'false' text (CSV exports)."""
    value = dig(obj, path)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def items(obj: Any, path: str) -> list[Any] | None:
    """A list value; [] for explicit null; None when absent."""
    value = dig(obj, path)
    if value is MISSING:
        return None
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def account_of_uri(uri: str | None) -> str | None:
    """Storage account name (lower) from a blob URI such as https://acct.blob.core.windows.net/c/b.vhd."""
    if not uri:
        return None
    host = urlsplit(uri.strip()).hostname
    return host.split(".")[0].lower() if host else None


def blob_name_of_uri(uri: str | None) -> str | None:
    """The blob name: the URI path after the container."""
    if not uri:
        return None
    path = urlsplit(uri.strip()).path.lstrip("/")
    _, _, blob = path.partition("/")
    return blob


def canonical_cidr_problem(prefix: Any) -> bool:
    """True when the prefix is not canonical CIDR (bad syntax or host bits set)."""
    if not isinstance(prefix, str):
        return True
    try:
        net = ipaddress.ip_network(prefix.strip(), strict=False)
    except ValueError:
        return True
    return "/" not in prefix or str(net) != prefix.strip().lower()


def normalise_account_type(value: str | None) -> str | None:
    """Standard-LRS, standard_lrs, Standard_LRS -> Standard_LRS."""
    if not value:
        return value
    tier, _, redundancy = value.replace("-", "_").partition("_")
    return f"{tier.capitalize()}_{redundancy.upper()}" if redundancy else tier.capitalize()


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


# --- classic -------------------------------------------------------------------------------------

_OK_STATUSES = {"ready", "success", "succeeded"}


def classic_vm(row: Row, p: Props) -> dict[str, Any]:
    sub = str(row.get("subscriptionId") or "").lower() or None
    domain_id = text(p, "domainName.id")
    domain_name = text(p, "domainName.name")
    if domain_id and not domain_name:
        parsed = parse_id(domain_id)
        domain_name = parsed.top_name if parsed else None
    fqdn = text(p, "instanceView.fullyQualifiedDomainName")
    if not domain_name and fqdn and fqdn.lower().endswith(".cloudapp.net"):
        domain_name = fqdn.split(".")[0]
    if domain_id:
        cs_key = resource_key(domain_id)
    else:
        cs_key = name_key(sub, "microsoft.classiccompute/domainnames", domain_name)

    # As in AOE's production query, an absent virtualNetwork (or networkProfile) means "in no VNet"
    # and an absent networkInterfaces list means one NIC: RULES.md never makes these unknown.
    vnet = dig(p, "networkProfile.virtualNetwork")
    if not isinstance(vnet, dict) or not (text(vnet, "id") or text(vnet, "name")):
        vnet_key: str | None = ""
        vnet_name, static_ip = "", ""
        subnets: list[str] = []
        nic_subnets: list[str] | None = []
        nic_count = 1
    else:
        vnet_id = text(vnet, "id")
        parsed_vnet = parse_id(vnet_id) if vnet_id else None
        vnet_name = text(vnet, "name") or (parsed_vnet.name if parsed_vnet else "")
        vnet_key = resource_key(vnet_id) or name_key(
            sub, "microsoft.classicnetwork/virtualnetworks", vnet_name
        )
        subnets = [str(s) for s in items(vnet, "subnetNames") or []]
        static_ip = text(vnet, "staticIpAddress") or ""
        secondary = items(vnet, "networkInterfaces") or []
        nic_count = 1 + len(secondary)
        nic_subnets = _nic_subnets(subnets, secondary)
    avset = text(p, "hardwareProfile.availabilitySet") or ""

    ext = _extensions(p)
    disks = _classic_disks(p)
    return {
        "cloud_service_key": cs_key,
        "cloud_service_name": domain_name,
        "size": text(p, "hardwareProfile.size"),
        "availability_set": avset,
        "os_type": text(p, "storageProfile.operatingSystemDisk.operatingSystem"),
        "state": text(p, "instanceView.status"),
        "agent_status": text(p, "instanceView.guestAgentStatus.status"),
        "agent_version": text(p, "instanceView.guestAgentStatus.guestAgentVersion"),
        "vnet_key": vnet_key,
        "vnet_name": vnet_name,
        "subnet_names": subnets,
        "nic_subnet_names": nic_subnets,
        "static_ip": static_ip,
        "nic_count": nic_count,
        "endpoint_count": len(items(p, "networkProfile.inputEndpoints") or []),
        "nsg_key": resource_key(text(p, "networkProfile.networkSecurityGroup.id")) or "",
        **ext,
        "boot_diagnostics": flag(p, "debugProfile.bootDiagnosticsEnabled"),
        "boot_diagnostics_account": account_of_uri(text(p, "debugProfile.serialOutputBlobUri")) or "",
        **disks,
    }


def _nic_subnets(primary: list[str], secondary: list[Any]) -> list[str] | None:
    """Distinct subnets of the primary and secondary NICs; None when a secondary NIC names none."""
    names = list(primary)
    for nic in secondary:
        configs = [c for c in items(nic, "ipConfigurations") or [] if isinstance(c, dict)]
        found = [text(c, "subnetName") for c in configs] or [text(nic, "subnetName")]
        if not all(found):
            return None
        names.extend(str(n) for n in found)
    distinct: dict[str, str] = {}
    for name in names:
        distinct.setdefault(name.lower(), name)
    return list(distinct.values())


def _extensions(p: Props) -> dict[str, Any]:
    exts = items(p, "extensions")
    if exts is None:
        return dict.fromkeys(
            (
                "extension_names",
                "extension_publishers",
                "extension_versions",
                "extension_ids",
                "extension_name_versions",
                "extension_bad_statuses",
                "extensions_without_status",
            ),
        )
    exts = [e for e in exts if isinstance(e, dict)]
    names = [text(e, "extension") or text(e, "name") or text(e, "referenceName") or "" for e in exts]
    publishers = [text(e, "publisher") or "" for e in exts]
    view = items(p, "instanceView.extensions") or items(p, "instanceView.resourceExtensionStatusList")
    view_status = {
        (text(v, "name") or text(v, "handlerName") or text(v, "extension") or "").lower(): text(v, "status")
        or text(v, "handlerStatus")
        or text(v, "status.status")
        for v in (view or [])
        if isinstance(v, dict)
    }
    has_source = view is not None or any(dig(e, "status") is not MISSING for e in exts)
    bad: list[str] = []
    silent: list[str] = []
    for ext, name, publisher in zip(exts, names, publishers, strict=True):
        status = _status_of(ext)
        if status is None:
            status = view_status.get(name.lower()) or view_status.get(f"{publisher}.{name}".lower())
        if status is None:
            silent.append(name)
        elif status.lower() not in _OK_STATUSES:
            bad.append(f"{name}: {status}")
    known = has_source or not exts
    return {
        "extension_names": names,
        "extension_publishers": publishers,
        "extension_versions": [text(e, "version") or "" for e in exts],
        "extension_ids": [
            f"{pub}.{name}" if pub else name for pub, name in zip(publishers, names, strict=True)
        ],
        "extension_name_versions": [
            f"{name} {text(e, 'version') or ''}".strip() for e, name in zip(exts, names, strict=True)
        ],
        "extension_bad_statuses": bad if known else None,
        "extensions_without_status": silent if known else None,
    }


#: Where an instance view may list per-extension handler statuses (ASM calls it
#: ResourceExtensionStatusList; matched to properties.extensions[] by name).
_STATUS_LISTS = (
    "instanceView.extensions",
    "instanceView.extensionStatuses",
    "instanceView.resourceExtensionStatusList",
    "instanceView.resourceExtensionStatuses",
)


def _status_of(obj: dict[str, Any]) -> str | None:
    """A handler status from an extension or status entry: status, status.status or handlerStatus."""
    for path in ("status.status", "handlerStatus", "status.code"):
        if value := text(obj, path):
            return value.rsplit("/", 1)[-1]
    return text(obj, "status")


def _classic_disks(p: Props) -> dict[str, Any]:
    profile = dig(p, "storageProfile")
    if not isinstance(profile, dict):
        return {"disk_accounts": None, "disk_blob_names": None, "data_disk_count": None}
    disks: list[Any] = []
    os_disk = dig(profile, "operatingSystemDisk")
    if isinstance(os_disk, dict):
        disks.append(os_disk)
    data = items(profile, "dataDisks") or []
    disks.extend(d for d in data if isinstance(d, dict))
    accounts: list[str | None] = []
    blobs: list[str | None] = []
    for disk in disks:
        uri = text(disk, "vhdUri") or text(disk, "mediaLink")
        account_id = parse_id(text(disk, "storageAccount.id") or "")
        named = text(disk, "storageAccount.name") or (account_id.name if account_id else None)
        account = (named or account_of_uri(uri) or "").lower() or None  # None: the data does not say
        if account not in accounts:
            accounts.append(account)
        blobs.append(blob_name_of_uri(uri) if uri else None)
    return {"disk_accounts": accounts, "disk_blob_names": blobs, "data_disk_count": len(data)}


def cloud_service(row: Row, p: Props) -> dict[str, Any]:
    vnet_id = text(p, "virtualNetwork.id")
    vnet = text(p, "virtualNetwork.name") or (vnet_id.rstrip("/").rsplit("/", 1)[-1] if vnet_id else None)
    return {
        "host_name": text(p, "hostName"),
        "status": text(p, "status"),
        "label": text(p, "label"),
        "vnet_name": vnet or text(p, "virtualNetworkName"),
    }


def classic_storage(row: Row, p: Props) -> dict[str, Any]:
    return {"account_type": normalise_account_type(text(p, "accountType")), "status": text(p, "status")}


def classic_vnet(row: Row, p: Props) -> dict[str, Any]:
    prefixes = items(p, "addressSpace.addressPrefixes")
    subnets = items(p, "subnets")
    subnet_objs = [s for s in subnets or [] if isinstance(s, dict)]
    subnet_names = [text(s, "name") or "" for s in subnet_objs] if subnets is not None else None
    subnet_prefixes = [text(s, "addressPrefix") or "" for s in subnet_objs]
    invalid = None
    if prefixes is not None:
        invalid = [str(x) for x in [*prefixes, *subnet_prefixes] if canonical_cidr_problem(x)]
    return {
        "address_prefixes": [str(x) for x in prefixes] if prefixes is not None else None,
        "subnet_names": subnet_names,
        "subnet_prefixes": subnet_prefixes,
        "invalid_prefixes": invalid,
        "has_gateway_subnet": (
            any(n.lower() == "gatewaysubnet" for n in subnet_names) if subnet_names is not None else None
        ),
    }


def reserved_ip(row: Row, p: Props) -> dict[str, Any]:
    in_use = flag(p, "inUse")
    attached = text(p, "attachedTo.id") or text(p, "attachedTo")
    if not p:
        attached_to = None
    elif attached:
        attached_to = attached
    elif in_use:
        attached_to = None  # in use, but we cannot see by what
    else:
        attached_to = ""
    return {"ip_address": text(p, "ipAddress"), "attached_to": attached_to, "in_use": in_use}


def classic_nsg(row: Row, p: Props) -> dict[str, Any]:
    return {"state": text(p, "state")}


# --- ARM side ------------------------------------------------------------------------------------


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


def cloud_service_es(row: Row, p: Props) -> dict[str, Any]:
    network = dig(p, "networkProfile")
    configs = items(p, "networkProfile.loadBalancerConfigurations")
    ids: list[str] = []
    kinds: list[str] = []
    for config in configs or []:
        frontends = items(config, "properties.frontendIpConfigurations") or items(
            config, "frontendIpConfigurations"
        )
        public = False
        for f in frontends or []:
            if ip := text(f, "properties.publicIPAddress.id") or text(f, "publicIPAddress.id"):
                ids.append(ip)
                public = True
        kinds.append("public" if public else "internal")
    present = isinstance(network, dict)
    return {
        "public_ip_ids": ids,
        "load_balancer_kinds": kinds if configs is not None else None,
        "slot_type": (text(network, "slotType") or "Production") if present else None,
        "swap_partner_id": (text(network, "swappableCloudService.id") or "") if present else None,
        "upgrade_mode": text(p, "upgradeMode"),
        "zones": [str(z) for z in (items(row, "zones") or [])],
        **_cses_roles(p),
        **_cses_configuration(text(p, "configuration")),
        **_cses_certificates(p),
        **_cses_extensions(p),
    }


def _cses_roles(p: Props) -> dict[str, Any]:
    roles = items(p, "roleProfile.roles")
    if roles is None:
        return {"role_names": None, "role_sizes": None, "role_tiers": None, "instance_count": None}
    counts = [dig(r, "sku.capacity") for r in roles]
    known = all(isinstance(c, int | float) and not isinstance(c, bool) for c in counts)
    return {
        "role_names": [text(r, "name") or "" for r in roles],
        "role_sizes": [text(r, "sku.name") or "" for r in roles],
        "role_tiers": [text(r, "sku.tier") or "" for r in roles],
        "instance_count": int(sum(counts)) if known else None,
    }


def _cses_configuration(document: str | None) -> dict[str, Any]:
    """What the rules need from the .cscfg; setting values never leave this function (and redact.py
    has already replaced them before the row got here)."""
    empty = {"os_family": None, "os_version": None, "config_roles": None, "setting_names": None}
    if not document:
        return empty
    root = parse_configuration(document)
    if root is None:
        return empty
    roles: list[str] = []
    names: set[str] = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local == "Role":
            count = next(
                (
                    c.get("count")
                    for c in element
                    if isinstance(c.tag, str) and etree.QName(c).localname == "Instances"
                ),
                None,
            )
            roles.append(f"{element.get('name') or ''} x{count or '?'}")
        elif local == "Setting" and element.get("name"):
            names.add(str(element.get("name")))
    # An empty or absent osFamily means family 5 (the CSES default).
    return {
        "os_family": (root.get("osFamily") or "").strip() or "5",
        "os_version": (root.get("osVersion") or "").strip() or "*",
        "config_roles": roles,
        "setting_names": sorted(names),
    }


def _cses_certificates(p: Props) -> dict[str, Any]:
    profile = dig(p, "osProfile")
    if not isinstance(profile, dict):
        return {"certificate_count": None, "key_vault_ids": None}
    secrets = items(profile, "secrets") or []
    count = sum(len(items(s, "vaultCertificates") or []) for s in secrets)
    vaults = sorted({v for s in secrets if (v := text(s, "sourceVault.id"))})
    return {"certificate_count": count, "key_vault_ids": vaults}


def _cses_extensions(p: Props) -> dict[str, Any]:
    extensions = items(p, "extensionProfile.extensions")
    if extensions is None:
        return {
            "extension_names": None,
            "extension_publishers": None,
            "extension_types": None,
            "extension_roles": None,
        }
    body = [dig(e, "properties") if isinstance(dig(e, "properties"), dict) else e for e in extensions]
    return {
        "extension_names": [text(e, "name") or "" for e in extensions],
        "extension_publishers": [text(b, "publisher") or "" for b in body],
        "extension_types": [text(b, "type") or "" for b in body],
        "extension_roles": [
            f"{text(e, 'name') or ''}: {', '.join(str(r) for r in (items(b, 'rolesAppliedTo') or ['*']))}"
            for e, b in zip(extensions, body, strict=True)
        ],
    }


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
