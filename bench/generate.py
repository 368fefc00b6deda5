"""A deterministic, seeded estate generator for the benchmarks: 1k to 1M ARG rows, shaped like real rows.

    python bench/generate.py --resources 100000 --seed 1 --out /tmp/estate-100k

writes a snapshot directory exactly as `scanner.snapshot.write_snapshot` writes one (manifest.json
plus one `<table>.jsonl` per ARG table, rows sorted by lower-cased id, `json.dumps(sort_keys=True)`
per line, SHA-256 in the manifest), but streams it: rows become JSON text as they are generated, so
1M rows fit in a few GB. `--format jsonl` writes one JSON Lines export instead.

Every row carries exactly the columns the scanner's KQL projects for its table, and every row passes
that table's `where`: a live collection of the generated estate (on the ARG emulator) returns the same
rows the snapshot holds.

The mix (shares of all rows, see MIX): classic VMs with extensions and disks, cloud services (1-50 VMs,
plus PaaS-only ones), classic storage, classic VNets (a few to a few hundred VMs), reserved IPs, classic
NSGs, ExpressRoute circuits and connections, backup items, role assignments, classic administrators,
and the ARM-side rows the residue rules read: ARM VMs (VHD or managed disks), Basic/Standard public IPs
and load balancers, -Migrated resource groups with key vaults, GPv1/GPv2 storage, classic alert rules,
autoscale settings, ARM VNets peered to classic ones, ASE/HDInsight/APIM in classic VNets, and
subscriptions. Failure, unknown and edge cases come at fixed rates (RATES) so every rule sees fail,
pass and (where the data allows) unknown verdicts.

Same seed and size: the same bytes. Rows are built by the project's one ARG row factory
(tests/rowfactory, which also serves the tests and the demo generator); besides it only the standard
library and `scanner` are imported.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/generate.py`: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scanner
from scanner.queries import all_queries
from scanner.snapshot import DATASETS, FORMAT, FORMAT_VERSION, MANIFEST, dataset_for_type
from tests.rowfactory import (
    Row,
    authorization_row,
    backup_item_row,
    container_row,
    project,
    resource_id,
    resource_row,
)

COLLECTED_AT = "2026-11-02T08:00:00Z"

#: Share of all rows per kind. Cloud services and classic VNets follow from the VMs (sizes below).
MIX: dict[str, float] = {
    "classic_vm": 0.22,
    "classic_storage": 0.02,
    "reserved_ip": 0.01,
    "classic_nsg": 0.005,
    "er_circuit": 0.0005,
    "er_connection": 0.001,
    "backup_item": 0.06,
    "role_assignment": 0.114,
    "arm_vm": 0.18,
    "public_ip": 0.10,
    "load_balancer": 0.04,
    "cloud_service_es": 0.003,
    "alert_rule": 0.03,
    "autoscale_setting": 0.01,
    "key_vault": 0.01,
    "arm_storage": 0.084,
    "arm_vnet": 0.005,
    "app_service_env": 0.0005,
    "hdinsight": 0.0005,
    "apim": 0.0005,
    "resource_group": 0.02,
    "vm_extension": 0.03,
    "vnet_gateway": 0.001,
    "app_insights": 0.005,
}
#: ARM VM extensions (publisher, type): current agents and the retiring ones RET-016/017 look for.
VM_EXTENSIONS: tuple[tuple[str, str], ...] = (
    ("Microsoft.Azure.Monitor", "AzureMonitorWindowsAgent"),
    ("Microsoft.Azure.Diagnostics", "IaaSDiagnostics"),
    ("Microsoft.EnterpriseCloud.Monitoring", "MicrosoftMonitoringAgent"),
    ("Microsoft.Compute", "BGInfo"),
)
VPN_SKUS: tuple[str, ...] = (
    "Basic",
    "Standard",
    "HighPerformance",
    "VpnGw1",
    "VpnGw2",
    "VpnGw1AZ",
    "VpnGw2AZ",
)
#: Classic VMs per cloud service (1..50, most small) and VNet capacity in VMs (a few hundred at most).
CS_SIZES: tuple[tuple[int, int, float], ...] = ((1, 4, 0.55), (5, 12, 0.30), (13, 30, 0.12), (31, 50, 0.03))
VNET_SIZES: tuple[tuple[int, int, float], ...] = (
    (5, 60, 0.55),
    (61, 200, 0.35),
    (201, 399, 0.09),
    (401, 420, 0.01),
)
#: Cloud services without VMs (PaaS web/worker roles), per cloud service with VMs.
PAAS_PER_CS = 0.2
#: Cloud services whose VMs are in no VNet.
NO_VNET = 0.08
#: Resources per subscription (at least 2 subscriptions).
RESOURCES_PER_SUBSCRIPTION = 2500
#: Rates of the cases that make rules fail or become unknown.
RATES: dict[str, float] = {
    "agent_not_ready": 0.05,
    "agent_missing": 0.06,
    "no_instance_view": 0.01,
    "ext_bad_status": 0.03,
    "ext_status_inline": 0.30,
    "ext_status_view": 0.55,  # the rest: no status source
    "no_extensions_key": 0.02,
    "bginfo_v1": 0.03,
    "remote_debugger": 0.01,
    "security_agent": 0.02,
    "site_recovery": 0.015,
    "two_subnets": 0.03,
    "no_subnet": 0.01,
    "static_ip": 0.2,
    "deallocated": 0.1,
    "bad_state": 0.02,
    "slash_blob": 0.01,
    "missing_account": 0.005,
    "boot_diag": 0.3,
    "premium_account": 0.1,
    "backed_up": 0.27,
    "backup_stopped": 0.15,
    "backup_orphan": 0.02,
    "backup_no_state": 0.01,
    "nsg_user": 0.3,
    "avset": 0.6,
    "mixed_avset": 0.05,
    "multi_nic": 0.03,
}
LOCATIONS = ("westeurope", "northeurope", "eastus", "eastus2", "westus", "southeastasia")
CLASSIC_SIZES = (
    "Small",
    "Medium",
    "Large",
    "ExtraLarge",
    "Standard_D1",
    "Standard_D2",
    "Standard_D3",
    "Standard_D2_v2",
    "Standard_DS3_v2",
    "A6",
    "Basic_A2",
)
ROLE_OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONVERSION_PRINCIPAL = "0469d4cd-df37-4d93-8a61-f8c75b809164"
WINDOWS_IMAGE = "a699494373c04fc0bc8f2bb1389d6106__Windows-Server-2012-R2-20160812-en.us-127GB.vhd"
LINUX_IMAGE = "b39f27a8b8c64d52b05eac6a62ebad85__Ubuntu-16_04-LTS-amd64-server-20180112-en-us-30GB"


def split(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders; sums to total)."""
    scale = sum(weights)
    raw = [total * w / scale for w in weights]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def counts(resources: int) -> dict[str, int]:
    """Rows per kind for an estate of about `resources` rows."""
    out = {kind: max(1, round(resources * share)) for kind, share in MIX.items()}
    out["subscription"] = max(2, round(resources / RESOURCES_PER_SUBSCRIPTION))
    return out


class Estate:
    """Generates rows; `rows()` yields every row once, in a fixed order."""

    def __init__(self, resources: int, seed: int) -> None:
        if resources < 100:
            raise ValueError("--resources must be at least 100")
        self.resources = resources
        self.seed = seed
        self.rng = random.Random(seed)
        self.counts = counts(resources)
        self.tenant = self.guid()
        n = self.counts["subscription"]
        self.subs = [self.guid() for _ in range(n)]
        self.sub_names = [
            f"Contoso {('Production', 'Non-Production', 'Shared Services', 'Sandbox')[i % 4]} {i + 1:03d}"
            for i in range(n)
        ]
        self.sub_weights = [self.rng.uniform(0.3, 3.0) for _ in range(n)]

    # -- primitives -------------------------------------------------------------------------------
    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def chance(self, rate: str) -> bool:
        return self.rng.random() < RATES[rate]

    def pick(self, options: Sequence[Any]) -> Any:
        return options[self.rng.randrange(len(options))]

    def ranged(self, table: Sequence[tuple[int, int, float]]) -> int:
        x = self.rng.random()
        for low, high, weight in table:
            if x < weight:
                return self.rng.randint(low, high)
            x -= weight
        low, high, _ = table[-1]
        return self.rng.randint(low, high)

    def row(
        self,
        sub: str,
        rg: str,
        provider_type: str,
        name: str,
        props: Any,
        *,
        location: str,
        kind: str = "",
        sku: Any = None,
        tags: dict[str, str] | None = None,
    ) -> Row:
        return project(
            resource_row(
                sub,
                rg,
                provider_type,
                name,
                location,
                props,
                tenant=self.tenant,
                kind=kind,
                sku=sku,
                tags=tags,
            )
        )

    def tags(self, i: int) -> dict[str, str]:
        env = ("prod", "dev", "test", "prod", "uat")[i % 5]
        return {"environment": env, "costCenter": f"CC-{1000 + i % 97}", "owner": f"team-{i % 13}"}

    # -- the estate -----------------------------------------------------------------------------
    def rows(self) -> Iterator[Row]:
        c = self.counts
        per_sub: dict[str, list[int]] = {
            kind: split(c[kind], self.sub_weights)
            for kind in MIX
            if kind not in ("er_circuit", "er_connection")
        }
        circuits: list[str] = []
        for s, sub in enumerate(self.subs):
            location = LOCATIONS[s % len(LOCATIONS)]
            yield self.subscription_row(s, sub)
            state = _SubState(s, sub, location)
            state.nsg_names = [f"nsg{s:04d}-{i:04d}" for i in range(per_sub["classic_nsg"][s])]
            yield from self.classic(state, per_sub["classic_vm"][s], per_sub["classic_storage"][s])
            yield from self.reserved_ips(state, per_sub["reserved_ip"][s])
            yield from self.nsgs(state)
            yield from self.backup_items(state, per_sub["backup_item"][s])
            yield from self.admins(state)
            yield from self.role_assignments(state, per_sub["role_assignment"][s])
            yield from self.arm(state, {k: per_sub[k][s] for k in per_sub})
        yield from self.expressroute(c["er_circuit"], c["er_connection"], circuits)

    def subscription_row(self, s: int, sub: str) -> Row:
        props = {
            "displayName": self.sub_names[s],
            "state": "Enabled",
            "subscriptionPolicies": {
                "locationPlacementId": "Public_2014-09-01",
                "quotaId": "EnterpriseAgreement_2014-09-01",
                "spendingLimit": "Off",
            },
        }
        return project(container_row(sub, self.sub_names[s], props, tenant=self.tenant))

    # -- classic compute, network, storage ------------------------------------------------------
    def classic(self, st: _SubState, vm_total: int, storage_total: int) -> Iterator[Row]:
        rng = self.rng
        # Cloud services (1..50 VMs) and VNets (capacity a few to a few hundred VMs).
        services: list[int] = []
        left = vm_total
        while left > 0:
            n = min(self.ranged(CS_SIZES), left)
            services.append(n)
            left -= n
        vnets: list[dict[str, Any]] = []
        # Storage accounts: disks spread over the accounts that hold disks; a few hold none.
        n_accounts = max(2, storage_total)
        disk_accounts = max(1, n_accounts - max(1, n_accounts // 8))
        accounts = [f"cls{st.index:04d}{j:05d}{self.pick('abcdefghjk')}" for j in range(n_accounts)]
        premium = {a for a in accounts if rng.random() < RATES["premium_account"]}
        for name in accounts:
            st.storage_ids.append(self.storage_id(st, name))
            yield self.classic_storage(st, name, "Premium_LRS" if name in premium else None)
        vm_no = 0
        for cs_no, size in enumerate(services):
            cs_name = f"cs{st.index:04d}-{cs_no:05d}"
            rg = f"{cs_name}-rg"
            vnet = None
            if rng.random() >= NO_VNET:
                open_ = [v for v in vnets[-3:] if v["left"] >= size]
                if open_:
                    vnet = open_[0]
                else:
                    vnet = self.new_vnet(st, len(vnets))
                    vnets.append(vnet)
                vnet["left"] -= size
            cs_id = resource_id(st.sub, rg, "Microsoft.ClassicCompute/domainNames", cs_name)
            st.cs_ids.append(cs_id)
            st.cs_names.append((cs_id, cs_name))
            yield self.cloud_service(st, rg, cs_name)
            avsets = self.avsets(cs_name, size)
            multi_nic_cs = rng.random() < RATES["multi_nic"]
            for k in range(size):
                vm_no += 1
                yield self.classic_vm(
                    st,
                    rg,
                    cs_id,
                    cs_name,
                    f"{cs_name}-vm{k:02d}",
                    vnet,
                    avsets[k],
                    accounts[rng.randrange(disk_accounts)],
                    accounts,
                    premium,
                    2 if multi_nic_cs and k == 0 else 1,
                )
            if rng.random() < PAAS_PER_CS:
                paas = f"{cs_name}-web"
                paas_id = resource_id(st.sub, rg, "Microsoft.ClassicCompute/domainNames", paas)
                st.cs_ids.append(paas_id)
                st.cs_names.append((paas_id, paas))
                yield self.cloud_service(st, rg, paas)
        for vnet in vnets:
            yield vnet["row"]

    def avsets(self, cs_name: str, size: int) -> list[str | None]:
        """Availability set per VM of a cloud service: one set, none, or (rarely) mixed / two sets."""
        rng = self.rng
        if rng.random() >= RATES["avset"]:
            return [None] * size
        sets: list[str | None] = [f"{cs_name}-avset"] * size
        if size > 1 and rng.random() < RATES["mixed_avset"]:
            sets[-1] = None if rng.random() < 0.5 else f"{cs_name}-avset-b"
        return sets

    def storage_id(self, st: _SubState, name: str) -> str:
        rg = f"Default-Storage-{st.location}"
        return resource_id(st.sub, rg, "Microsoft.ClassicStorage/storageAccounts", name)

    def classic_storage(self, st: _SubState, name: str, account_type: str | None) -> Row:
        kind = account_type or self.pick(("Standard-LRS", "Standard_GRS", "Standard-RAGRS", "Standard_LRS"))
        props = {
            "accountType": kind,
            "creationTime": f"201{self.rng.randint(2, 7)}-0{self.rng.randint(1, 9)}-1{self.rng.randint(0, 9)}"
            "T09:00:00Z",
            "endpoints": [
                f"https://{name}.{svc}.core.windows.net/" for svc in ("blob", "queue", "table", "file")
            ],
            "geoPrimaryRegion": st.location,
            "geoSecondaryRegion": "",
            "provisioningState": "Succeeded",
            "status": "Created",
            "statusOfPrimaryRegion": "Available",
            "statusOfSecondaryRegion": "",
        }
        return self.row(
            st.sub,
            f"Default-Storage-{st.location}",
            "Microsoft.ClassicStorage/storageAccounts",
            name,
            props,
            location=st.location,
        )

    def new_vnet(self, st: _SubState, n: int) -> dict[str, Any]:
        rng = self.rng
        name = f"vnet{st.index:04d}-{n:03d}"
        capacity = self.ranged(VNET_SIZES)
        second = n % 250
        subnets = [{"name": f"Subnet-{i + 1}", "addressPrefix": f"10.{second}.{i}.0/24"} for i in range(3)]
        if rng.random() < 0.3:
            subnets.append({"name": "GatewaySubnet", "addressPrefix": f"10.{second}.254.0/27"})
        prefixes = [f"10.{second}.0.0/16"]
        if rng.random() < 0.02:
            prefixes = [f"10.{second}.0.5/16"]  # host bits set: NET-004
        props: dict[str, Any] = {
            "addressSpace": {"addressPrefixes": prefixes},
            "dhcpOptions": {"dnsServers": ["10.0.1.4", "10.0.1.5"]},
            "inUse": True,
            "provisioningState": "Succeeded",
            "siteId": self.guid(),
            "status": "Created",
        }
        if rng.random() > 0.02:  # a few rows without subnets: NET-006 unknown
            props["subnets"] = subnets
        row = self.row(
            st.sub,
            "Default-Networking",
            "Microsoft.ClassicNetwork/virtualNetworks",
            name,
            props,
            location=st.location,
        )
        st.vnet_ids.append(row["id"])
        return {"row": row, "id": row["id"], "name": name, "left": capacity, "subnets": subnets}

    def cloud_service(self, st: _SubState, rg: str, name: str) -> Row:
        props = {
            "dateCreated": "2015-03-02T15:00:00Z",
            "hostName": f"{name}.cloudapp.net",
            "label": name,
            "provisioningState": "Succeeded",
            "status": "Created",
        }
        return self.row(
            st.sub,
            rg,
            "Microsoft.ClassicCompute/domainNames",
            name,
            props,
            location=st.location,
            tags=self.tags(st.index),
        )

    def classic_vm(
        self,
        st: _SubState,
        rg: str,
        cs_id: str,
        cs_name: str,
        name: str,
        vnet: dict[str, Any] | None,
        avset: str | None,
        account: str,
        accounts: list[str],
        premium: set[str],
        nics: int,
    ) -> Row:
        rng = self.rng
        linux = rng.random() < 0.25
        ip = f"10.{rng.randint(0, 250)}.{rng.randint(0, 3)}.{rng.randint(4, 250)}"
        state = "ReadyRole"
        if rng.random() < RATES["deallocated"]:
            state = "StoppedDeallocated"
        elif rng.random() < 0.05:
            state = "StoppedVM"
        elif rng.random() < RATES["bad_state"]:
            state = "RoleStateUnknown"
        hardware: dict[str, Any] = {
            "deploymentId": rng.getrandbits(128).to_bytes(16, "big").hex(),
            "deploymentLabel": cs_name,
            "deploymentLocked": False,
            "deploymentName": cs_name,
            "platformGuestAgent": True,
            "size": self.pick(CLASSIC_SIZES),
        }
        if avset:
            hardware["availabilitySet"] = avset
        props: dict[str, Any] = {
            "domainName": {"id": cs_id, "name": cs_name, "type": "Microsoft.ClassicCompute/domainNames"},
            "hardwareProfile": hardware,
            "provisioningState": "Succeeded",
        }
        # Extensions and where their statuses are.
        exts = self.extensions(linux)
        backed_up = rng.random() < RATES["backed_up"]
        if backed_up and rng.random() < 0.8:
            exts.append(
                {
                    "extension": "VMSnapshotLinux" if linux else "VMSnapshot",
                    "publisher": "Microsoft.Azure.RecoveryServices",
                    "referenceName": "VMSnapshotLinux" if linux else "VMSnapshot",
                    "state": "Enable",
                    "version": "1.0.9114.0" if linux else "1.0.9",
                }
            )
        if backed_up:
            st.backed_up.append(resource_id(st.sub, rg, "Microsoft.ClassicCompute/virtualMachines", name))
        source = rng.random()
        statuses = []
        for ext in exts:
            status = "NotReady" if rng.random() < RATES["ext_bad_status"] else "Ready"
            statuses.append({"name": ext["extension"], "status": status})
            if source < RATES["ext_status_inline"]:
                ext["status"] = status
        if rng.random() >= RATES["no_extensions_key"]:
            props["extensions"] = exts
        if rng.random() >= RATES["no_instance_view"]:
            view: dict[str, Any] = {
                "computerName": name,
                "faultDomain": rng.randint(0, 1),
                "fullyQualifiedDomainName": f"{cs_name}.cloudapp.net",
                "powerState": "Started" if state == "ReadyRole" else "Stopped",
                "privateIpAddress": ip,
                "status": state,
                "updateDomain": rng.randint(0, 4),
            }
            if rng.random() >= RATES["agent_missing"]:
                view["guestAgentStatus"] = {
                    "formattedMessage": {
                        "language": "en-US",
                        "message": "GuestAgent is running and accepting new configurations.",
                    },
                    "guestAgentVersion": "WALinuxAgent-2.2.45" if linux else "2.7.41491.1010",
                    "protocolVersion": "1.0",
                    "status": "NotReady" if rng.random() < RATES["agent_not_ready"] else "Ready",
                    "timestamp": "2026-11-02T07:41:12Z",
                }
            if RATES["ext_status_inline"] <= source < RATES["ext_status_inline"] + RATES["ext_status_view"]:
                view["extensions"] = [
                    {
                        "formattedMessage": {"language": "en-US", "message": "Plugin enabled"},
                        "name": s["name"],
                        "status": s["status"],
                    }
                    for s in statuses
                ]
            props["instanceView"] = view
        # Network.
        network: dict[str, Any] = {
            "inputEndpoints": [
                {
                    "enableDirectServerReturn": False,
                    "endpointName": "SSH" if linux else "RemoteDesktop",
                    "privatePort": 22 if linux else 3389,
                    "protocol": "tcp",
                    "publicIpAddress": f"203.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                    "publicPort": rng.randint(50000, 60000),
                }
            ]
        }
        if vnet is not None:
            subnets = [vnet["subnets"][rng.randrange(3)]["name"]]
            if rng.random() < RATES["two_subnets"]:
                subnets = [vnet["subnets"][0]["name"], vnet["subnets"][1]["name"]]
            virtual: dict[str, Any] = {
                "id": vnet["id"],
                "name": vnet["name"],
                "type": "Microsoft.ClassicNetwork/virtualNetworks",
            }
            if rng.random() >= RATES["no_subnet"]:
                virtual["subnetNames"] = subnets
            if rng.random() < RATES["static_ip"]:
                if state == "StoppedDeallocated" and st.last_static.get(vnet["id"]) and rng.random() < 0.3:
                    virtual["staticIpAddress"] = st.last_static[vnet["id"]]  # VM-014 clash
                else:
                    virtual["staticIpAddress"] = ip
                if state == "StoppedDeallocated":
                    st.last_static[vnet["id"]] = virtual["staticIpAddress"]
            if nics > 1:
                virtual["networkInterfaces"] = [
                    {"ipConfigurations": [{"address": ip, "subnetName": subnets[0]}], "name": f"{name}-nic2"}
                ]
            network["virtualNetwork"] = virtual
        if st.nsg_names and rng.random() < RATES["nsg_user"]:
            nsg = self.pick(st.nsg_names)
            network["networkSecurityGroup"] = {
                "id": resource_id(
                    st.sub, "Default-Networking", "Microsoft.ClassicNetwork/networkSecurityGroups", nsg
                ),
                "name": nsg,
                "type": "Microsoft.ClassicNetwork/networkSecurityGroups",
            }
        props["networkProfile"] = network
        # Disks.
        if rng.random() < RATES["missing_account"]:
            account = f"gone{st.index:04d}{rng.randrange(10**6):06d}"
        data_disks = [
            self.disk(st, account, f"{name}-data{lun}", lun, rng.random() < RATES["slash_blob"])
            for lun in range(self.pick((0, 0, 1, 1, 2, 3)))
        ]
        os_disk = self.disk(st, account, f"{name}-os", None, False)
        os_disk["operatingSystem"] = "Linux" if linux else "Windows"
        os_disk["sourceImageName"] = LINUX_IMAGE if linux else WINDOWS_IMAGE
        props["storageProfile"] = {"dataDisks": data_disks, "operatingSystemDisk": os_disk}
        # Boot diagnostics.
        debug: dict[str, Any] = {"bootDiagnosticsEnabled": False}
        if rng.random() < RATES["boot_diag"]:
            diag = self.pick(accounts)
            debug = {
                "bootDiagnosticsEnabled": True,
                "serialOutputBlobUri": f"https://{diag}.blob.core.windows.net/bootdiagnostics-{cs_name}/{name}.serialconsole.log",
            }
        props["debugProfile"] = debug
        row = self.row(
            st.sub,
            rg,
            "Microsoft.ClassicCompute/virtualMachines",
            name,
            props,
            location=st.location,
            tags=self.tags(st.index) if rng.random() < 0.5 else {},
        )
        st.vm_ids.append(row["id"])
        return row

    def extensions(self, linux: bool) -> list[dict[str, Any]]:
        rng = self.rng
        out: list[dict[str, Any]] = []

        def add(name: str, publisher: str, version: str) -> None:
            out.append(
                {
                    "extension": name,
                    "publisher": publisher,
                    "referenceName": name,
                    "state": "Enable",
                    "version": version,
                }
            )

        if linux:
            add("VMAccessForLinux", "Microsoft.OSTCExtensions", "1.5")
            if rng.random() < 0.4:
                add("CustomScriptForLinux", "Microsoft.OSTCExtensions", "1.5")
        else:
            add("BGInfo", "Microsoft.Compute", "1.1" if rng.random() < RATES["bginfo_v1"] else "2.1")
            if rng.random() < 0.5:
                add("IaaSAntimalware", "Microsoft.Azure.Security", "1.5")
            if rng.random() < 0.3:
                add("MicrosoftMonitoringAgent", "Microsoft.EnterpriseCloud.Monitoring", "1.0")
            if rng.random() < RATES["remote_debugger"]:
                add("VSRemoteDebugger", "Microsoft.VisualStudio.Azure.RemoteDebug", "1.1")
        if rng.random() < RATES["security_agent"]:
            add("AzureSecurityWindowsAgent", "Microsoft.Azure.Security.Monitoring", "2.16")
        if rng.random() < RATES["site_recovery"]:
            add("SiteRecoveryMobilityAgent", "Microsoft.Azure.RecoveryServices.SiteRecovery", "9.30")
        return out

    def disk(self, st: _SubState, account: str, name: str, lun: int | None, slash: bool) -> dict[str, Any]:
        blob = f"vhds/{name.split('-')[0]}/{name}.vhd" if slash else f"vhds/{name}.vhd"
        disk: dict[str, Any] = {
            "caching": "ReadWrite",
            "createdTime": "2016-09-21T13:20:00Z",
            "diskName": name,
            "ioType": "Standard",
            "storageAccount": {
                "id": self.storage_id(st, account),
                "name": account,
                "type": "Microsoft.ClassicStorage/storageAccounts",
            },
            "vhdUri": f"https://{account}.blob.core.windows.net/{blob}",
        }
        if lun is not None:
            disk["lun"] = lun
            disk["diskSize"] = self.pick((128, 256, 512, 1023))
        return disk

    def reserved_ips(self, st: _SubState, n: int) -> Iterator[Row]:
        rng = self.rng
        for i in range(n):
            name = f"rip{st.index:04d}-{i:05d}"
            props: dict[str, Any] = {
                "inUse": False,
                "ipAddress": f"203.{st.index % 250}.{i // 250 % 250}.{i % 250 + 1}",
                "label": name,
                "provisioningState": "Succeeded",
                "status": "Created",
            }
            if st.cs_names and rng.random() < 0.7:
                cs_id, cs_name = self.pick(st.cs_names)
                props["inUse"] = True
                props["attachedTo"] = {
                    "id": cs_id,
                    "name": cs_name,
                    "type": "Microsoft.ClassicCompute/domainNames",
                }
            yield self.row(
                st.sub,
                "Default-Networking",
                "Microsoft.ClassicNetwork/reservedIps",
                name,
                props,
                location=st.location,
            )

    def nsgs(self, st: _SubState) -> Iterator[Row]:
        for name in st.nsg_names:
            props = {"label": name, "networkSecurityGroupId": self.guid(), "state": "Created"}
            yield self.row(
                st.sub,
                "Default-Networking",
                "Microsoft.ClassicNetwork/networkSecurityGroups",
                name,
                props,
                location=st.location,
            )

    def backup_items(self, st: _SubState, n: int) -> Iterator[Row]:
        rng = self.rng
        vault = f"rsv-{st.index:04d}"
        rg = f"backup-{st.location}"
        vault_id = resource_id(st.sub, rg, "Microsoft.RecoveryServices/vaults", vault)
        targets = [(vm_id, vm_id.rsplit("/", 1)[1]) for vm_id in st.backed_up]
        for i in range(n):
            if targets and rng.random() >= RATES["backup_orphan"]:
                vm_id, vm_name = targets[i % len(targets)] if i < len(targets) else self.pick(targets)
                if i >= len(targets):  # more items than backed-up VMs: a second (stopped) item
                    state = "ProtectionStopped"
                else:
                    state = "ProtectionStopped" if rng.random() < RATES["backup_stopped"] else "Protected"
            else:
                vm_name = f"gone-{st.index:04d}-{i:05d}"
                vm_id = resource_id(
                    st.sub, f"old-{vm_name}", "Microsoft.ClassicCompute/virtualMachines", vm_name
                )
                state = "Protected"
            cs = vm_id.split("/resourceGroups/")[1].split("/")[0]
            container = f"iaasvmcontainer;{cs};{vm_name}"
            item = f"VM;{container};{i}"
            props: dict[str, Any] = {
                "backupManagementType": "AzureIaasVM",
                "containerName": container,
                "friendlyName": vm_name,
                "healthStatus": "Passed",
                "lastBackupStatus": "Completed",
                "lastBackupTime": f"2026-10-{rng.randint(10, 31):02d}T02:00:00Z",
                "policyId": f"{vault_id}/backupPolicies/DailyPolicy",
                "policyName": "DailyPolicy",
                "protectedItemDataId": str(rng.getrandbits(60)),
                "protectedItemType": "Microsoft.ClassicCompute/virtualMachines",
                "protectionStatus": "Healthy",
                "sourceResourceId": vm_id
                if rng.random() < 0.7
                else vm_id.upper().replace("/SUBSCRIPTIONS/", "/subscriptions/"),
                "vaultId": vault_id,
                "virtualMachineId": vm_id,
                "workloadType": "VM",
            }
            if rng.random() >= RATES["backup_no_state"]:
                props["protectionState"] = state
            yield project(
                backup_item_row(
                    vault_id,
                    f"IaasVMContainer;{container}",
                    item,
                    props,
                    sub=st.sub,
                    rg=rg,
                    location=st.location,
                    tenant=self.tenant,
                )
            )

    def authorization(self, st: _SubState, kind: str, name: str, props: dict[str, Any]) -> Row:
        return project(
            authorization_row(f"/subscriptions/{st.sub}", kind, name, props, sub=st.sub, tenant=self.tenant)
        )

    def admins(self, st: _SubState) -> Iterator[Row]:
        rng = self.rng
        roles = [
            ("ServiceAdministrator;AccountAdministrator", "Enabled"),
            ("AccountAdministrator", "Enabled"),
        ]
        roles += [
            ("CoAdministrator", self.pick(("Enabled", "Enabled", "Disabled")))
            for _ in range(rng.randint(0, 3))
        ]
        for i, (role, admin_state) in enumerate(roles):
            props: dict[str, Any] = {"emailAddress": f"admin{i}@contoso{st.index}.example", "role": role}
            if rng.random() > 0.05:
                props["adminState"] = admin_state
            yield self.authorization(st, "classicAdministrators", f"{rng.getrandbits(64):016X}", props)

    def role_assignments(self, st: _SubState, n: int) -> Iterator[Row]:
        rng = self.rng
        scopes = st.vm_ids + st.cs_ids + st.storage_ids + st.vnet_ids
        for _ in range(n):
            name = self.guid()
            x = rng.random()
            if x < 0.55 and scopes:
                scope = self.pick(scopes)
                role = self.pick(
                    (
                        ROLE_OWNER,
                        "b24988ac-6180-42a0-ab88-20f7382dd24c",
                        "acdd72a7-3385-48ef-bd42-f606fba81ae7",
                    )
                )
                created_by, description = self.guid(), ""
            else:  # an Owner assignment at subscription or group scope; some converted from classic admins
                scope = f"/subscriptions/{st.sub}" + (
                    f"/resourceGroups/rg-{rng.randrange(50)}" if x > 0.9 else ""
                )
                role = ROLE_OWNER
                converted = rng.random() < 0.1
                created_by = CONVERSION_PRINCIPAL if converted else self.guid()
                description = (
                    "Classic admin role converted to Owner" if converted and rng.random() < 0.5 else ""
                )
            props = {
                "condition": None,
                "conditionVersion": None,
                "createdBy": created_by,
                "createdOn": "2019-01-15T09:00:00Z",
                "description": description,
                "principalId": self.guid(),
                "principalType": "User",
                "roleDefinitionId": f"/subscriptions/{st.sub}/providers/Microsoft.Authorization/"
                f"roleDefinitions/{role}",
                "scope": scope,
                "updatedBy": created_by,
                "updatedOn": "2019-01-15T09:00:00Z",
            }
            yield self.authorization(st, "roleAssignments", name, props)

    # -- ARM side -------------------------------------------------------------------------------
    def arm(self, st: _SubState, n: dict[str, int]) -> Iterator[Row]:
        rng = self.rng
        loc = st.location
        sub = st.sub
        migrated = [f"{name}-Migrated" for _, name in st.cs_names[: max(1, n["resource_group"])]]
        while len(migrated) < n["resource_group"]:
            migrated.append(f"app{len(migrated):05d}-Migrated")
        migrated = migrated[: n["resource_group"]]
        for rg in migrated:
            yield project(
                container_row(
                    sub, rg, {"provisioningState": "Succeeded"}, tenant=self.tenant, rg=rg, location=loc
                )
            )
        groups = migrated or [f"app-{st.index}-Migrated"]
        arm_vm_ids: list[str] = []
        for i in range(n["arm_vm"]):
            rg = self.pick(groups) if rng.random() < 0.3 else f"app-{i % 40:02d}"
            name = f"avm{st.index:04d}-{i:05d}"
            vm = self.arm_vm(st, rg, name, vhd=rng.random() < (0.5 if rg.endswith("-Migrated") else 0.03))
            arm_vm_ids.append(vm["id"])
            yield vm
        for i in range(n["public_ip"]):
            name = f"pip{st.index:04d}-{i:05d}"
            sku = (
                None
                if rng.random() < 0.01
                else {"name": self.pick(("Basic", "Standard", "Standard")), "tier": "Regional"}
            )
            props = {
                "idleTimeoutInMinutes": 4,
                "ipAddress": f"52.{st.index % 250}.{i // 250 % 250}.{i % 250 + 1}",
                "provisioningState": "Succeeded",
                "publicIPAddressVersion": "IPv4",
                "publicIPAllocationMethod": "Static"
                if sku and sku["name"] == "Standard"
                else self.pick(("Static", "Dynamic")),
                "resourceGuid": self.guid(),
            }
            yield self.row(
                sub,
                f"net-{i % 20:02d}",
                "Microsoft.Network/publicIPAddresses",
                name,
                props,
                location=loc,
                sku=sku,
            )
        for i in range(n["load_balancer"]):
            name = f"lb{st.index:04d}-{i:05d}"
            lb_id = resource_id(sub, f"net-{i % 20:02d}", "Microsoft.Network/loadBalancers", name)
            props = {
                "backendAddressPools": [
                    {"id": f"{lb_id}/backendAddressPools/BackendPool", "name": "BackendPool"}
                ],
                "frontendIPConfigurations": [{"id": f"{lb_id}/frontendIPConfigurations/fe", "name": "fe"}],
                "inboundNatRules": [],
                "loadBalancingRules": [],
                "probes": [],
                "provisioningState": "Succeeded",
                "resourceGuid": self.guid(),
            }
            sku = {"name": self.pick(("Basic", "Standard", "Standard")), "tier": "Regional"}
            yield self.row(
                sub,
                f"net-{i % 20:02d}",
                "Microsoft.Network/loadBalancers",
                name,
                props,
                location=loc,
                sku=sku,
            )
        for i in range(n["cloud_service_es"]):
            name = f"cses{st.index:04d}-{i:04d}"
            props = {
                "provisioningState": "Succeeded",
                "roleProfile": {
                    "roles": [{"name": "WebRole1", "sku": {"capacity": 2, "name": "Standard_D1_v2"}}]
                },
                "uniqueId": self.guid(),
                "upgradeMode": "Auto",
            }
            yield self.row(
                sub, self.pick(groups), "Microsoft.Compute/cloudServices", name, props, location=loc
            )
        for i in range(n["alert_rule"]):
            name = f"alert {st.index:04d}-{i:05d} CPU above 80"
            x = rng.random()
            if x < 0.4 and st.vm_ids:
                target: str | None = self.pick(st.vm_ids)
            elif x < 0.95:
                target = resource_id(
                    sub,
                    f"app-{i % 40:02d}",
                    "Microsoft.Compute/virtualMachines",
                    f"avm{st.index:04d}-{i:05d}",
                )
            else:
                target = None  # a management-event rule: MON-001 unknown
            source: dict[str, Any] = {
                "odata.type": "Microsoft.Azure.Management.Insights.Models.RuleMetricDataSource",
                "metricName": "Percentage CPU",
            }
            if target:
                source["resourceUri"] = target
            props = {
                "actions": [],
                "condition": {
                    "dataSource": source,
                    "odata.type": "Microsoft.Azure.Management.Insights.Models.ThresholdRuleCondition",
                    "operator": "GreaterThan",
                    "threshold": 80,
                    "windowSize": "PT15M",
                },
                "description": "",
                "isEnabled": rng.random() < 0.9,
                "name": name,
                "provisioningState": "Succeeded",
            }
            yield self.row(sub, "monitoring", "microsoft.insights/alertrules", name, props, location=loc)
        for i in range(n["autoscale_setting"]):
            name = f"autoscale-{st.index:04d}-{i:04d}"
            if st.cs_ids and rng.random() < 0.4:
                target = f"{self.pick(st.cs_ids)}/slots/Production/roles/WebRole1"
            else:
                target = resource_id(
                    sub, f"app-{i % 40:02d}", "Microsoft.Compute/virtualMachineScaleSets", f"vmss{i:04d}"
                )
            props = {
                "enabled": True,
                "name": name,
                "notifications": [],
                "profiles": [],
                "targetResourceUri": target,
            }
            yield self.row(
                sub, "monitoring", "microsoft.insights/autoscalesettings", name, props, location=loc
            )
        for i in range(n["key_vault"]):
            name = f"kv{st.index:04d}{i:05d}"
            props = {
                "accessPolicies": [],
                "enableSoftDelete": True,
                "provisioningState": "Succeeded",
                "sku": {"family": "A", "name": "standard"},
                "tenantId": self.tenant,
                "vaultUri": f"https://{name}.vault.azure.net/",
            }
            yield self.row(sub, self.pick(groups), "Microsoft.KeyVault/vaults", name, props, location=loc)
        for i in range(n["arm_storage"]):
            name = f"arm{st.index:04d}{i:06d}"
            kind = self.pick(("StorageV2", "StorageV2", "StorageV2", "Storage", "BlobStorage"))
            props = {
                "creationTime": "2021-05-03T09:00:00Z",
                "minimumTlsVersion": "TLS1_2",
                "primaryEndpoints": {"blob": f"https://{name}.blob.core.windows.net/"},
                "primaryLocation": loc,
                "provisioningState": "Succeeded",
                "statusOfPrimary": "available",
                "supportsHttpsTrafficOnly": True,
            }
            sku = {"name": self.pick(("Standard_LRS", "Standard_GRS", "Premium_LRS")), "tier": "Standard"}
            yield self.row(
                sub,
                f"data-{i % 30:02d}",
                "Microsoft.Storage/storageAccounts",
                name,
                props,
                location=loc,
                kind=kind,
                sku=sku,
                tags=self.tags(i),
            )
        yield from self.lineage(st, n, arm_vm_ids)
        for i in range(n["arm_vnet"]):
            if not st.vnet_ids:
                break
            name = f"hub{st.index:04d}-{i:04d}"
            vnet_id = resource_id(sub, "net-hub", "Microsoft.Network/virtualNetworks", name)
            remote = self.pick(st.vnet_ids)
            props = {
                "addressSpace": {"addressPrefixes": [f"10.{200 + i % 50}.0.0/16"]},
                "provisioningState": "Succeeded",
                "resourceGuid": self.guid(),
                "subnets": [],
                "virtualNetworkPeerings": [
                    {
                        "id": f"{vnet_id}/virtualNetworkPeerings/to-classic",
                        "name": "to-classic",
                        "properties": {
                            "allowVirtualNetworkAccess": True,
                            "peeringState": "Connected",
                            "remoteVirtualNetwork": {"id": remote.lower() if rng.random() < 0.5 else remote},
                        },
                    }
                ],
            }
            yield self.row(sub, "net-hub", "Microsoft.Network/virtualNetworks", name, props, location=loc)
        for kind_name, count in (("ase", n["app_service_env"]), ("hdi", n["hdinsight"]), ("apim", n["apim"])):
            for i in range(count):
                if not st.vnet_ids:
                    break
                vnet = self.pick(st.vnet_ids)
                name = f"{kind_name}{st.index:04d}-{i:03d}"
                if kind_name == "ase":
                    props = {
                        "status": "Ready",
                        "virtualNetwork": {
                            "id": vnet,
                            "name": vnet.rsplit("/", 1)[1],
                            "subnet": "Subnet-3",
                            "type": "Microsoft.ClassicNetwork/virtualNetworks",
                        },
                    }
                    yield self.row(
                        sub,
                        "paas",
                        "Microsoft.Web/hostingEnvironments",
                        name,
                        props,
                        location=loc,
                        kind="ASEV1",
                    )
                elif kind_name == "hdi":
                    role = {
                        "name": "headnode",
                        "targetInstanceCount": 2,
                        "virtualNetworkProfile": {"id": vnet, "subnet": f"{vnet}/subnets/Subnet-3"},
                    }
                    props = {
                        "clusterState": "Running",
                        "computeProfile": {"roles": [role]},
                        "tier": "Standard",
                    }
                    yield self.row(
                        sub, "paas", "Microsoft.HDInsight/clusters", name, props, location=loc, kind="HADOOP"
                    )
                else:
                    props = {
                        "gatewayUrl": f"https://{name}.azure-api.net",
                        "virtualNetworkConfiguration": {"subnetResourceId": f"{vnet}/subnets/Subnet-3"},
                        "virtualNetworkType": "External",
                    }
                    yield self.row(
                        sub,
                        "paas",
                        "Microsoft.ApiManagement/service",
                        name,
                        props,
                        location=loc,
                        sku={"capacity": 1, "name": "Premium"},
                    )

    def lineage(self, st: _SubState, n: dict[str, int], vm_ids: list[str]) -> Iterator[Row]:
        """VM extension rows, virtual network gateways and Application Insights components."""
        rng, sub, loc = self.rng, st.sub, st.location
        for i in range(n["vm_extension"] if vm_ids else 0):
            vm_id = self.pick(vm_ids)
            publisher, ext_type = self.pick(VM_EXTENSIONS)
            row = self.row(
                sub,
                vm_id.split("/")[4],
                "Microsoft.Compute/virtualMachines/extensions",
                f"{ext_type}-{i:05d}",
                {
                    "provisioningState": "Succeeded",
                    "publisher": publisher,
                    "type": ext_type,
                    "typeHandlerVersion": "1.0",
                },
                location=loc,
            )
            row["id"] = f"{vm_id}/extensions/{ext_type}-{i:05d}"
            yield row
        for i in range(n["vnet_gateway"]):
            gateway_type = "ExpressRoute" if rng.random() < 0.3 else "Vpn"
            skus = ("Standard", "HighPerformance", "ErGw1AZ") if gateway_type == "ExpressRoute" else VPN_SKUS
            props = {
                "gatewayType": gateway_type,
                "provisioningState": "Succeeded",
                "sku": {"name": (sku := self.pick(skus)), "tier": sku, "capacity": 2},
                "vpnType": "RouteBased",
                "ipConfigurations": [],
            }
            yield self.row(
                sub,
                "net-hub",
                "Microsoft.Network/virtualNetworkGateways",
                f"gw{st.index:04d}-{i:04d}",
                props,
                location=loc,
            )
        for i in range(n["app_insights"]):
            props = {"Application_Type": "web", "provisioningState": "Succeeded"}
            if rng.random() < 0.6:
                props["WorkspaceResourceId"] = resource_id(
                    sub, "monitoring", "Microsoft.OperationalInsights/workspaces", f"law{st.index:04d}"
                )
            yield self.row(
                sub,
                "monitoring",
                "Microsoft.Insights/components",
                f"ai{st.index:04d}-{i:04d}",
                props,
                location=loc,
            )

    def arm_vm(self, st: _SubState, rg: str, name: str, vhd: bool) -> Row:
        rng = self.rng
        sub = st.sub
        if vhd:
            account = f"mig{st.index:04d}{rng.randrange(1000):03d}"
            os_disk: dict[str, Any] = {
                "name": f"{name}-os",
                "vhd": {"uri": f"https://{account}.blob.core.windows.net/vhds/{name}-os.vhd"},
            }
            data = [
                {
                    "lun": 0,
                    "name": f"{name}-data0",
                    "vhd": {"uri": f"https://{account}.blob.core.windows.net/vhds/{name}-data0.vhd"},
                }
            ]
        else:
            disk_id = resource_id(sub, rg, "Microsoft.Compute/disks", f"{name}-os")
            os_disk = {
                "name": f"{name}-os",
                "managedDisk": {"id": disk_id, "storageAccountType": "Premium_LRS"},
            }
            data = []
        os_disk.update(caching="ReadWrite", createOption="FromImage", osType="Windows", diskSizeGB=127)
        props: dict[str, Any] = {
            "hardwareProfile": {"vmSize": self.pick(("Standard_D2s_v3", "Standard_B2ms", "Standard_E4s_v3"))},
            "networkProfile": {
                "networkInterfaces": [
                    {"id": resource_id(sub, rg, "Microsoft.Network/networkInterfaces", f"{name}-nic")}
                ]
            },
            "osProfile": {"adminUsername": "azureuser", "computerName": name[:15]},
            "provisioningState": "Succeeded",
            "vmId": self.guid(),
        }
        if rng.random() > 0.01:  # a few rows without storageProfile: RET-009 unknown
            props["storageProfile"] = {"dataDisks": data, "osDisk": os_disk}
        return self.row(
            sub,
            rg,
            "Microsoft.Compute/virtualMachines",
            name,
            props,
            location=st.location,
            tags=self.tags(rng.randrange(100)),
        )

    def expressroute(self, n_circuits: int, n_connections: int, ids: list[str]) -> Iterator[Row]:
        rng = self.rng
        hub = _SubState(0, self.subs[0], LOCATIONS[0])
        for i in range(n_circuits):
            name = f"er-{i:04d}"
            circuit_id = resource_id(hub.sub, "connectivity", "Microsoft.Network/expressRouteCircuits", name)
            ids.append(circuit_id)
            auths = [
                {
                    "id": f"{circuit_id}/authorizations/auth{k}",
                    "name": f"auth{k}",
                    "properties": {
                        "authorizationUseStatus": self.pick(("InUse", "Available")),
                        "provisioningState": "Succeeded",
                    },
                }
                for k in range(rng.randint(0, 3))
            ]
            props: dict[str, Any] = {
                "authorizations": auths,
                "circuitProvisioningState": "Enabled",
                "globalReachEnabled": False,
                "peerings": [],
                "provisioningState": "Succeeded",
                "serviceProviderProperties": {
                    "bandwidthInMbps": 1000,
                    "peeringLocation": "Amsterdam",
                    "serviceProviderName": "Equinix",
                },
                "serviceProviderProvisioningState": "Provisioned",
            }
            if rng.random() > 0.1:
                props["allowClassicOperations"] = rng.random() < 0.6
            sku = {"family": "MeteredData", "name": "Standard_MeteredData", "tier": "Standard"}
            yield self.row(
                hub.sub,
                "connectivity",
                "Microsoft.Network/expressRouteCircuits",
                name,
                props,
                location=hub.location,
                sku=sku,
            )
        for i in range(n_connections):
            sub = self.subs[i % len(self.subs)]
            name = f"er-conn-{i:04d}"
            gw = resource_id(sub, "network", "Microsoft.Network/virtualNetworkGateways", f"ergw-{i:04d}")
            props = {
                "connectionStatus": "Connected",
                "connectionType": "ExpressRoute",
                "peer": {"id": self.pick(ids)},
                "provisioningState": "Succeeded",
                "routingWeight": 0,
                "virtualNetworkGateway1": {"id": gw},
            }
            yield self.row(
                sub, "network", "Microsoft.Network/connections", name, props, location=hub.location
            )


class _SubState:
    """What one subscription's rows refer to."""

    def __init__(self, index: int, sub: str, location: str) -> None:
        self.index = index
        self.sub = sub
        self.location = location
        self.vm_ids: list[str] = []
        self.cs_ids: list[str] = []
        self.cs_names: list[tuple[str, str]] = []
        self.storage_ids: list[str] = []
        self.vnet_ids: list[str] = []
        self.nsg_names: list[str] = []
        self.backed_up: list[str] = []
        self.last_static: dict[str, str] = {}


def generate(resources: int, seed: int) -> Iterator[Row]:
    """Every row of the estate (about `resources` rows), deterministically for (resources, seed)."""
    return Estate(resources, seed).rows()


def rows_by_dataset(resources: int, seed: int) -> dict[str, list[Row]]:
    """The estate as rows per ARG table (for tests and the emulator; holds every row in memory)."""
    out: dict[str, list[Row]] = {name: [] for name in DATASETS}
    for row in generate(resources, seed):
        out[dataset_for_type(row["type"])].append(row)
    return out


def meta(resources: int, seed: int, subscriptions: Sequence[str], tenant: str) -> dict[str, Any]:
    return {
        "tool_version": scanner.__version__,
        "collected_at": COLLECTED_AT,
        "cloud": "public",
        "scope": {
            "kind": "tenant",
            "tenant_ids": [tenant],
            "subscriptions": sorted(subscriptions),
            "management_groups": [],
        },
        "coverage": {"complete": True, "issues": []},
        "generator": {"tool": "bench/generate.py", "resources": resources, "seed": seed},
    }


def write_snapshot_streaming(
    directory: Path, resources: int, seed: int, log: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Generate and write a snapshot directory, byte for byte as scanner.snapshot.write_snapshot would."""
    estate = Estate(resources, seed)
    lines: dict[str, list[tuple[str, str]]] = {name: [] for name in DATASETS}
    for row in estate.rows():
        lines[dataset_for_type(row["type"])].append(
            (row["id"].lower(), json.dumps(row, sort_keys=True, ensure_ascii=False))
        )
    directory.mkdir(parents=True, exist_ok=True)
    queries = all_queries()
    entries: dict[str, Any] = {}
    for name in DATASETS:
        rows = lines.pop(name)
        rows.sort(key=lambda kv: kv[0])
        digest = hashlib.sha256()
        file_name = f"{name}.jsonl"
        with (directory / file_name).open("wb") as fh:
            for chunk in _chunks(rows, 10_000):
                data = "".join(line + "\n" for _, line in chunk).encode()
                digest.update(data)
                fh.write(data)
        entries[name] = {
            "file": file_name,
            "rows": len(rows),
            "sha256": digest.hexdigest(),
            "query": queries[name],
        }
        if log:
            log(f"{name}: {len(rows)} rows")
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        **meta(resources, seed, estate.subs, estate.tenant),
        "datasets": entries,
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    (directory / MANIFEST).write_text(text, encoding="utf-8")
    return manifest


def write_jsonl(path: Path, resources: int, seed: int) -> int:
    """One JSON Lines export (an ARG export as scripts write it), in generation order; returns the rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for row in generate(resources, seed):
            fh.write(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n")
            n += 1
    return n


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--resources", type=int, required=True, help="about this many ARG rows (100 .. 1,000,000+)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--out", type=Path, required=True, help="snapshot directory (or .jsonl file with --format jsonl)"
    )
    parser.add_argument("--format", choices=("snapshot", "jsonl"), default="snapshot")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.format == "jsonl":
        n = write_jsonl(args.out, args.resources, args.seed)
    else:
        manifest = write_snapshot_streaming(
            args.out, args.resources, args.seed, log=lambda m: print(m, file=sys.stderr)
        )
        n = sum(int(e["rows"]) for e in manifest["datasets"].values())
    print(f"{n} rows -> {args.out} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
