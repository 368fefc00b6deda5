"""Builders of classic rows: storage accounts, virtual networks, reserved IPs, NSGs, cloud services
and classic VMs (with their extensions, disks and NICs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from tests.rowfactory import Row, resource_id
from tools.demo.company import (
    IMG_WIN2012R2,
    NET_RG,
    NEU,
    SUB_NET,
    SUB_NONPROD,
    SUB_PROD,
    WEU,
    arg_row,
    guid,
    resource,
)

# Classic storage

_REGION_NAMES = {WEU: "West Europe", NEU: "North Europe"}
_PAIRED = {WEU: NEU, NEU: WEU}


@dataclass(frozen=True)
class ClassicAccount:
    """Where a classic storage account lives (also used for accounts referenced but not in the estate)."""

    sub: str
    rg: str
    location: str
    account_type: str

    def id(self, name: str) -> str:
        return resource_id(self.sub, self.rg, "Microsoft.ClassicStorage/storageAccounts", name)


#: Classic storage accounts in the estate. accountType spellings vary ('-' and '_') as in real data.
STORAGE: dict[str, ClassicAccount] = {
    "fabprodvhds01": ClassicAccount(SUB_PROD, "Default-Storage-WestEurope", WEU, "Standard-LRS"),
    "fabprodvhds02": ClassicAccount(SUB_PROD, "Default-Storage-WestEurope", WEU, "Standard_GRS"),
    "fabprodpremium01": ClassicAccount(SUB_PROD, "Default-Storage-WestEurope", WEU, "Premium-LRS"),
    "fabprodpremium02": ClassicAccount(SUB_PROD, "Default-Storage-WestEurope", WEU, "Premium_LRS"),
    "fabproddiag01": ClassicAccount(SUB_PROD, "Default-Storage-WestEurope", WEU, "Standard-LRS"),
    "fabprodnevhds01": ClassicAccount(SUB_PROD, "Default-Storage-NorthEurope", NEU, "Standard-RAGRS"),
    "fabprodarchive01": ClassicAccount(SUB_PROD, "Default-Storage-NorthEurope", NEU, "Standard_ZRS"),
    "fabdevvhds01": ClassicAccount(SUB_NONPROD, "Default-Storage-NorthEurope", NEU, "Standard-LRS"),
    "fabdevlogs01": ClassicAccount(SUB_NONPROD, "Default-Storage-NorthEurope", NEU, "Standard_LRS"),
    "fabnetvhds01": ClassicAccount(SUB_NET, "Default-Storage-WestEurope", WEU, "Standard-GRS"),
}

#: Accounts that VMs reference but that are not in the estate (deleted or outside the scope).
ABSENT_STORAGE: dict[str, ClassicAccount] = {
    "fabftpvhds01": ClassicAccount(SUB_PROD, "Default-Storage-NorthEurope", NEU, "Standard-LRS"),
    "fabextdiag01": ClassicAccount(SUB_PROD, "Default-Storage-WestEurope", WEU, "Standard-LRS"),
}


def _account(name: str) -> ClassicAccount:
    return STORAGE.get(name) or ABSENT_STORAGE[name]


def classic_storage(name: str, created: str, *, rg_field: str | None = None) -> Row:
    """A classic storage account row (`rg_field` overrides the resourceGroup column, e.g. lower-cased)."""
    acct = STORAGE[name]
    geo = acct.account_type.replace("-", "_").upper() in ("STANDARD_GRS", "STANDARD_RAGRS")
    props = {
        "provisioningState": "Succeeded",
        "status": "Created",
        "endpoints": [
            f"https://{name}.{svc}.core.windows.net/" for svc in ("blob", "queue", "table", "file")
        ],
        "accountType": acct.account_type,
        "geoPrimaryRegion": _REGION_NAMES[acct.location],
        "statusOfPrimaryRegion": "Available",
        "geoSecondaryRegion": _REGION_NAMES[_PAIRED[acct.location]] if geo else "",
        "statusOfSecondaryRegion": "Available" if geo else "",
        "creationTime": created,
    }
    rg = acct.rg if rg_field is None else rg_field
    return arg_row(
        acct.id(name), name, "Microsoft.ClassicStorage/storageAccounts", acct.sub, rg, acct.location, props
    )


# Classic networking


def classic_vnet_id(sub: str, name: str) -> str:
    return resource_id(sub, NET_RG, "Microsoft.ClassicNetwork/virtualNetworks", name)


def classic_vnet(
    sub: str,
    name: str,
    location: str,
    prefixes: Sequence[str],
    subnets: Sequence[tuple[str, str]] | None,
    dns: Sequence[str] = (),
    *,
    in_use: bool = True,
) -> Row:
    """A classic VNet; `subnets=None` leaves the subnets key out (partial row)."""
    props: dict[str, Any] = {
        "provisioningState": "Succeeded",
        "status": "Created",
        "siteId": guid(f"site:{name}"),
        "inUse": in_use,
        "addressSpace": {"addressPrefixes": list(prefixes)},
        "dhcpOptions": {"dnsServers": list(dns)},
    }
    if subnets is not None:
        props["subnets"] = [{"name": n, "addressPrefix": p} for n, p in subnets]
    return resource(sub, NET_RG, "Microsoft.ClassicNetwork/virtualNetworks", name, location, props)


def reserved_ip(sub: str, name: str, location: str, properties: dict[str, Any] | None) -> Row:
    """A classic reserved IP (`properties=None` gives a row without properties)."""
    return resource(sub, NET_RG, "Microsoft.ClassicNetwork/reservedIps", name, location, properties)


def classic_nsg(sub: str, name: str, location: str) -> Row:
    props = {"networkSecurityGroupId": guid(f"nsg:{name}"), "state": "Created", "label": name}
    return resource(sub, NET_RG, "Microsoft.ClassicNetwork/networkSecurityGroups", name, location, props)


# Cloud services and classic VMs


def cloud_service_id(sub: str, rg: str, name: str) -> str:
    return resource_id(sub, rg, "Microsoft.ClassicCompute/domainNames", name)


def cloud_service(
    sub: str, rg: str, name: str, location: str, label: str, created: str, *, vnet: str | None = None
) -> Row:
    """A cloud service; `vnet` names the classic VNet its (web/worker-role) deployment is placed in."""
    props = {
        "provisioningState": "Succeeded",
        "status": "Created",
        "label": label,
        "hostName": f"{name}.cloudapp.net",
        "dateCreated": created,
    }
    if vnet is not None:
        props["virtualNetworkName"] = vnet
    return resource(sub, rg, "Microsoft.ClassicCompute/domainNames", name, location, props)


@dataclass(frozen=True)
class Ext:
    """A classic VM extension; `status=None` means it reports no handler status."""

    name: str
    publisher: str
    version: str
    status: str | None = "Ready"


@dataclass(frozen=True)
class Disk:
    """A classic VM disk: its VHD is https://<account>.blob.core.windows.net/<container>/<blob>."""

    account: str
    blob: str
    size_gb: int = 127
    container: str = "vhds"
    has_uri: bool = True

    def uri(self) -> str:
        return f"https://{self.account}.blob.core.windows.net/{self.container}/{self.blob}"

    def body(self, disk_name: str, created: str) -> dict[str, Any]:
        acct = _account(self.account)
        out: dict[str, Any] = {
            "diskName": disk_name,
            "caching": "ReadWrite",
            "ioType": "Provisioned" if acct.account_type.lower().startswith("premium") else "Standard",
            "createdTime": created,
            "storageAccount": {
                "id": acct.id(self.account),
                "name": self.account,
                "type": "Microsoft.ClassicStorage/storageAccounts",
            },
        }
        if self.has_uri:
            out["vhdUri"] = self.uri()
        return out


# Common extension sets.
BGINFO_2 = Ext("BGInfo", "Microsoft.Compute", "2.1")
VMACCESS = Ext("VMAccessAgent", "Microsoft.Compute", "2.4")

StatusSource = Literal["instance_view", "extension", "none"]


@dataclass(frozen=True)
class Nic:
    """An extra NIC of a multi-NIC classic VM."""

    name: str
    subnet: str
    address: str


def _extension_rows(exts: Sequence[Ext], source: StatusSource) -> list[dict[str, Any]]:
    rows = []
    for e in exts:
        row: dict[str, Any] = {
            "extension": e.name,
            "publisher": e.publisher,
            "referenceName": e.name,
            "version": e.version,
            "state": "Enable",
        }
        if source == "extension" and e.status is not None:
            row["status"] = e.status
        rows.append(row)
    return rows


def _instance_view_extensions(exts: Sequence[Ext]) -> list[dict[str, Any]]:
    messages = {
        "Ready": "Plugin enabled",
        "Success": "Enable succeeded",
        "NotReady": "Plugin not ready",
        "Unresponsive": "Handler did not respond within the timeout",
    }
    return [
        {
            "name": e.name,
            "status": e.status,
            "formattedMessage": {"language": "en-US", "message": messages.get(e.status, e.status)},
        }
        for e in exts
        if e.status is not None
    ]


def classic_vm(
    sub: str,
    rg: str,
    cs: str,
    name: str,
    location: str,
    *,
    size: str | None,
    os_disk: Disk,
    data_disks: Sequence[Disk] = (),
    os_type: str = "Windows",
    image: str = IMG_WIN2012R2,
    created: str = "2016-05-10T09:00:00Z",
    availability_set: str | None = None,
    state: str | None = "ReadyRole",
    agent: str | None = "Ready",
    extensions: Sequence[Ext] | None = (),
    status_source: StatusSource = "instance_view",
    network_profile: bool = True,
    input_endpoints: bool = True,
    vnet: str | None = None,
    subnets: Sequence[str] | None = None,
    static_ip: str | None = None,
    private_ip: str = "",
    extra_nics: Sequence[Nic] | None = None,
    vip: str | None = None,
    reserved_ip_name: str | None = None,
    nsg: str | None = None,
    boot_diag: str | None = None,
    debug_profile: bool = True,
    update_domain: int = 0,
    rg_field: str | None = None,
) -> Row:
    """A classic VM row shaped like ARG's ARM GET projection.

    Omissions model partial rows: `size=None` drops hardwareProfile, `state=None` instanceView,
    `agent=None` guestAgentStatus, `extensions=None` the extensions key, `network_profile=False`
    networkProfile, `vnet=None` the virtualNetwork object, `subnets=None` its subnetNames key,
    `debug_profile=False` debugProfile. `input_endpoints=False` gives a VM reachable only inside its VNet
    (no RDP/SSH endpoint on the cloud service VIP).
    """
    cs_id = cloud_service_id(sub, rg, cs)
    props: dict[str, Any] = {
        "provisioningState": "Succeeded",
        "domainName": {"id": cs_id, "name": cs, "type": "Microsoft.ClassicCompute/domainNames"},
    }
    if size is not None:
        hw: dict[str, Any] = {
            "platformGuestAgent": True,
            "size": size,
            "deploymentName": cs,
            "deploymentId": guid(f"deployment:{cs}").replace("-", ""),
            "deploymentLabel": cs,
            "deploymentLocked": False,
        }
        if availability_set is not None:
            hw["availabilitySet"] = availability_set
        props["hardwareProfile"] = hw
    if state is not None:
        running = state == "ReadyRole"
        iv: dict[str, Any] = {
            "status": state,
            "powerState": "Started" if running else "Stopped",
            "computerName": name,
            "fullyQualifiedDomainName": f"{cs}.cloudapp.net",
            "updateDomain": update_domain,
            "faultDomain": update_domain % 2,
        }
        if private_ip and state != "StoppedDeallocated":
            iv["privateIpAddress"] = private_ip
        if vip and state != "StoppedDeallocated":
            iv["publicIpAddresses"] = [vip]
        if agent is not None:
            iv["guestAgentStatus"] = {
                "protocolVersion": "1.0",
                "timestamp": "2026-11-02T07:41:12Z",
                "guestAgentVersion": "2.7.41491.1010" if os_type == "Windows" else "WALinuxAgent-2.2.45",
                "status": agent,
                "formattedMessage": {
                    "language": "en-US",
                    "message": "GuestAgent is running and accepting new configurations."
                    if agent == "Ready"
                    else "VM Agent is unresponsive.",
                },
            }
        if extensions and status_source == "instance_view":
            iv["extensions"] = _instance_view_extensions(extensions)
        props["instanceView"] = iv
    if network_profile:
        endpoints: list[dict[str, Any]] = []
        if input_endpoints and os_type == "Linux":
            endpoints = [{"endpointName": "SSH", "privatePort": 22, "publicPort": 22, "protocol": "tcp"}]
        elif input_endpoints:
            endpoints = [
                {
                    "endpointName": "RemoteDesktop",
                    "privatePort": 3389,
                    "publicPort": 50000 + update_domain,
                    "protocol": "tcp",
                },
                {"endpointName": "PowerShell", "privatePort": 5986, "publicPort": 5986, "protocol": "tcp"},
            ]
        for ep in endpoints:
            ep["enableDirectServerReturn"] = False
            if vip:
                ep["publicIpAddress"] = vip
        net: dict[str, Any] = {"inputEndpoints": endpoints}
        if vnet is not None:
            vn: dict[str, Any] = {
                "id": classic_vnet_id(sub, vnet),
                "name": vnet,
                "type": "Microsoft.ClassicNetwork/virtualNetworks",
            }
            if subnets is not None:
                vn["subnetNames"] = list(subnets)
            if static_ip is not None:
                vn["staticIpAddress"] = static_ip
            if extra_nics is not None:
                vn["networkInterfaces"] = [
                    {"name": n.name, "ipConfigurations": [{"subnetName": n.subnet, "address": n.address}]}
                    for n in extra_nics
                ]
            net["virtualNetwork"] = vn
        if reserved_ip_name is not None:
            net["reservedIps"] = [
                {
                    "id": resource_id(sub, NET_RG, "Microsoft.ClassicNetwork/reservedIps", reserved_ip_name),
                    "name": reserved_ip_name,
                    "type": "Microsoft.ClassicNetwork/reservedIps",
                }
            ]
        if nsg is not None:
            net["networkSecurityGroup"] = {
                "id": resource_id(sub, NET_RG, "Microsoft.ClassicNetwork/networkSecurityGroups", nsg),
                "name": nsg,
                "type": "Microsoft.ClassicNetwork/networkSecurityGroups",
            }
        props["networkProfile"] = net
    os_body = os_disk.body(f"{cs}-{name}-0-{created[:10].replace('-', '')}", created)
    os_body.update({"operatingSystem": os_type, "sourceImageName": image})
    props["storageProfile"] = {
        "operatingSystemDisk": os_body,
        "dataDisks": [
            {
                "lun": lun,
                "diskSize": d.size_gb,
                **d.body(f"{cs}-{name}-{lun + 1}-{created[:10].replace('-', '')}", created),
            }
            for lun, d in enumerate(data_disks)
        ],
    }
    if debug_profile:
        dbg: dict[str, Any] = {"bootDiagnosticsEnabled": boot_diag is not None}
        if boot_diag is not None:
            tag = guid(f"bootdiag:{name}")
            dbg["serialOutputBlobUri"] = (
                f"https://{boot_diag}.blob.core.windows.net/bootdiagnostics-{cs.replace('-', '')}-{tag}/"
                f"{cs}.{name}.{tag}.serialconsole.log"
            )
        props["debugProfile"] = dbg
    if extensions is not None:
        props["extensions"] = _extension_rows(extensions, status_source)
    vm_rg = rg if rg_field is None else rg_field
    return arg_row(
        resource_id(sub, rg, "Microsoft.ClassicCompute/virtualMachines", name),
        name,
        "Microsoft.ClassicCompute/virtualMachines",
        sub,
        vm_rg,
        location,
        props,
    )
