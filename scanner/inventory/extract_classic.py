"""Columns of the classic (ASM) tables from one raw row (see tables_classic.py)."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from scanner.inventory.ids import name_key, parse_id, resource_key
from scanner.inventory.raw_values import MISSING, Props, Row, dig, flag, items, text


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
