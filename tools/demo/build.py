# Demo estate checklist: rule -> rows that FAIL / PASS / give UNKNOWN / MANUAL, as verified against
# `classic-scan scan --demo --as-of 2026-11-26` (the engine decides; this records what it decides).
# Names are resource names; [P] Production, [N] Non-Production, [S] Shared Networking subscription.
# The render farm [P] (classic VNet fabrendervnet, cloud services fab-render-01..09, classic VMs
# fab-rnd-001..405) exists for NET-005. It is healthy: each node fails only RET-001 (and passes every VM-*
# rule and BK-001), each cloud service only RET-002, the VNet only RET-004 and NET-005; its disks sit in
# fabprodvhds01/02, which fail ST-001 anyway. "Others" below include these rows.
# No pass is possible for RET-001..006, RET-008 (every resource of the kind fails) and POST-002 (its target
# is only vaults in -Migrated groups); CAP-001, NET-006 and MAN-* give manual verdicts.
#
# RET-001 classic VM: fail all 423 classic VMs (18 + 405 render nodes)
# RET-002 cloud service: fail all 21 cloud services (12 + fab-render-01..09)
# RET-003 classic storage: fail all 10 classic storage accounts
# RET-004 classic VNet: fail all 7 classic VNets
# RET-005 reserved IP: fail all 4 reserved IPs
# RET-006 classic NSG: fail fab-web-nsg [P], fab-dev-nsg [N]
# RET-007 classic admin: fail it-admin ("ServiceAdministrator;AccountAdministrator") [P],
#     ops-lead (CoAdministrator) [P], dev-owner (ServiceAdministrator) [N];
#     pass contractor (CoAdministrator, Disabled) [P], billing (AccountAdministrator only) [N];
#     unknown net-admin (CoAdministrator, no adminState) [S]
# RET-008 CS (extended support): fail fab-tracking, fab-shop, fab-render-svc, fab-api-blue, fab-api-green [P],
#     fab-dev-web [N] (the five CSES deployments come from scanner/demo/cses.py)
# RET-009 ARM VM on VHDs: fail fab-crm-01 (VHD OS + data) [P], fab-qa-01 (managed OS, VHD data disk) [N];
#     pass fab-ops-01 (managed) [P]; unknown fab-build-01 (no storageProfile) [N]
# RET-010 Basic public IP: fail fab-crm-PublicIP (load balancer) [P], fab-hub-vpngw-pip (VPN gateway) [S];
#     pass fab-ops-agw-pip, fab-hub-ergw-pip, fab-prod-vpngw-pip (Standard), fab-tracking-vip (Basic, but on
#     Cloud Service (extended support) fab-tracking: exempt), fab-shop-vip (Basic, on fab-shop: exempt),
#     fab-api-blue-ip, fab-api-green-ip [P], fab-dev-web-ip [N] (Standard);
#     unknown fab-build-pip (sku null) [N]
# RET-011 Basic LB: fail fab-crm-LB (public) [P]; pass fab-ops-ilb (Standard) [P]
# RET-012 classic alert rule: fail the 3 metric rules [P]; pass "fab-prod classic VM deletes"
#     (ManagementEventRuleCondition: activity-log rules are outside the retirement)
# RET-013 GPv1 storage: fail fabcrmvhds01 (Storage, Standard_GRS) [P]; pass fabprodlogs01 (StorageV2)
# RET-014 legacy VPN SKU: fail fab-hub-vpngw (Vpn, Standard) [S]; pass fab-hub-ergw (ExpressRoute, Standard),
#     fab-prod-vpngw (VpnGw1)
# RET-015 non-AZ VpnGw SKU: fail fab-prod-vpngw (VpnGw1) [P]; pass fab-hub-vpngw, fab-hub-ergw
# RET-016 Diagnostics extension: fail fab-crm-01 (IaaSDiagnostics) [P]; pass fab-ops-01 (Azure Monitor
#     Agent), fab-qa-01, fab-build-01 (no extension rows of their own)
# RET-017 Log Analytics agent: fail fab-crm-01 [P], fab-qa-01 [N] (MicrosoftMonitoringAgent); pass fab-ops-01,
#     fab-build-01
# RET-018 classic Application Insights: fail fab-portal-ai [P], fab-dev-ai [N] (no WorkspaceResourceId);
#     pass fab-ops-ai [P], fab-qa-ai [N] (workspace-based)
# RET-019 A-series v1 size: fail fab-crm-01 (Standard_A2, never resized after migration; resize to
#     Standard_A2_v2) [P]; pass fab-ops-01, fab-qa-01, fab-build-01
# CSES-001 retired Guest OS family: fail fab-shop (osFamily 4) [P]; pass fab-render-svc (6), fab-api-blue,
#     fab-api-green [P], fab-dev-web [N] (7); unknown fab-tracking (ARG row without configuration)
# CSES-002 size without a VMSS Flexible equivalent: fail fab-render-svc (RenderWorker Standard_G2) [P];
#     pass the other five (Dv2 sizes)
# CSES-003 swap partner: manual fab-api-blue (Production) and fab-api-green (Staging) [P]; pass the others
# CSES-004 Key Vault certificates: fail fab-api-blue (2 in fab-api-blue-kv) [P]; pass fab-shop,
#     fab-render-svc, fab-api-green, fab-dev-web; unknown fab-tracking (no osProfile)
# CSES-005 Diagnostics extension: fail fab-api-blue (PaaSDiagnostics on ApiWebRole) [P]; pass fab-shop,
#     fab-render-svc, fab-api-green, fab-dev-web; unknown fab-tracking (no extensionProfile)
# CSES-006 Basic public IP: fail fab-shop (fab-shop-vip), fab-tracking (fab-tracking-vip) [P]; pass
#     fab-render-svc (internal load balancer only), fab-api-blue, fab-api-green, fab-dev-web (Standard)
# VM-001 agent not Ready with extensions, not deallocated: fail fab-sql-02 (NotReady, BGInfo); pass the VMs
#     reporting Ready, fab-batch-01/02/03 (StoppedDeallocated, no agent status), fab-rnd-* (no extensions);
#     unknown fab-jump-01, fab-dc-02 (no guestAgentStatus, with extensions), fab-rpt-01 (NotReady, no
#     `extensions` key), fab-legacy-01 (no instanceView)
# VM-002 extension handler status: fail fab-sql-02 (BGInfo NotReady), fab-app-01 (MicrosoftMonitoringAgent
#     Unresponsive), fab-app-02 (SiteRecoveryMobilityAgent reports no status while the agent is Ready);
#     pass fab-web-01, fab-sql-01, fab-dev-02, fab-dc-01/02 (instanceView.extensions), fab-web-02,
#     fab-ftp-01 (extensions[].status), fab-dev-01 ("Success"), fab-batch-*, fab-rnd-* (extensions []);
#     unknown fab-test-01, fab-jump-01 (extensions but no status source at all), fab-rpt-01, fab-legacy-01
#     (no `extensions` key)
# VM-003 backup snapshot extension: fail fab-sql-01, fab-app-01 (VMSnapshot), fab-ftp-01 (VMSnapshotLinux);
#     pass fab-app-02 (publisher Microsoft.Azure.RecoveryServices.SiteRecovery shares the prefix) and others;
#     unknown fab-rpt-01, fab-legacy-01 (no `extensions` key) -- the same two are unknown for VM-004..006
# VM-004 XML extension: fail fab-web-02 (BGInfo 1.1), fab-dev-02 (VSRemoteDebugger 1.1);
#     pass fab-web-01, fab-sql-01 (BGInfo 2.1) and others
# VM-005 Security Center monitoring: fail fab-web-02 (Microsoft.Azure.Security.Monitoring
#     AzureSecurityWindowsAgent), fab-dev-02 (Qualys WindowsAgent.AzureSecurityCenter);
#     pass fab-web-01 (only IaaSAntimalware, publisher Microsoft.Azure.Security) and others
# VM-006 Site Recovery extension: fail fab-app-02; pass the others
# VM-007 boot diagnostics on Premium: fail fab-sql-01 (fabprodpremium01 "Premium-LRS"), fab-sql-02
#     (fabprodpremium02 "Premium_LRS"); pass fab-web-01, fab-app-01 (fabproddiag01),
#     fab-dev-01 (fabdevlogs01), VMs with boot diagnostics off;
#     unknown fab-rpt-01 (fabextdiag01 is not in the estate), fab-legacy-01 (no debugProfile)
# VM-008 bad VM state: fail fab-jump-01 (RoleStateUnknown); pass ReadyRole VMs, fab-rpt-01 (StoppedVM),
#     fab-batch-* (StoppedDeallocated); unknown fab-legacy-01 (no instanceView)
# VM-009 more than one subnet: fail fab-app-02 (BackEnd, FrontEnd), fab-web-02 (FrontEnd; secondary NIC in
#     BackEnd); pass the others
# VM-010 VNet without subnet: fail fab-rpt-01 (subnetNames key absent), fab-test-01 (subnetNames []);
#     pass the others (fab-ftp-01 and fab-legacy-01 are in no VNet)
# VM-011 in no VNet: fail fab-ftp-01 (networkProfile without virtualNetwork), fab-legacy-01 (no
#     networkProfile: an absent virtualNetwork reads as "in no VNet", never unknown); pass the others
# VM-012 "/" in a VHD blob name: fail fab-app-01 (vhds/fab-app-01/fab-app-01-data0.vhd); pass the others;
#     unknown fab-legacy-01 (OS disk without vhdUri)
# VM-013 disk account not scanned: fail fab-ftp-01 (fabftpvhds01 is not in the estate); pass the others
#     (fab-legacy-01's disk has no vhdUri but names its storageAccount fabdevvhds01)
# VM-014 deallocated static IP clash: fail fab-batch-01, fab-batch-02 (StoppedDeallocated, both 10.10.2.50 in
#     fabprodvnet); pass fab-batch-03 (StoppedDeallocated, 10.10.2.51) and the others
# CS-001 more than one availability set: fail fab-sql (fab-sql-avset-a, fab-sql-avset-b); pass the other 20
# CS-002 VMs in and out of a set: fail fab-app (fab-app-01 in a set, fab-app-02 not); pass the other 20
#     (fab-batch, fab-render-*: no VM in a set; fab-legacy: no hardwareProfile, read as not in a set)
# CS-003 no classic VM: fail fab-portal (PaaS web role); pass every cloud service with VMs
# CS-004 mixed NIC counts (manual, info): manual fab-web (1 NIC and 2 NICs); pass the others, incl. fab-sql,
#     fab-dc (networkInterfaces [] and absent: both 1 NIC) and fab-legacy (no networkProfile: 1 NIC)
# NET-001 ARM peering: fail fabprodvnet (peered from ARM fab-prod-vnet; remote id lower-cased);
#     pass the other classic VNets (fab-hub-vnet peers only with an ARM VNet)
# NET-002 ASE / HDInsight: fail fabappsvnet (ASE fab-ase-01), fabdevvnet (HDInsight fab-hdi-dev);
#     pass the others
# NET-003 APIM: fail fabappsvnet (fab-apim-01 in subnet Apim); pass the others
# NET-004 non-canonical prefix: fail fabdmzvnet (address space 10.1.0.5/16), fabdevvnet (subnet Test
#     10.50.3.0/23); pass fabprodvnet, fabappsvnet, fabcorevnet, fabrendervnet, fabsandboxvnet (subnets
#     absent, canonical address space)
# NET-005 more than 400 VMs: fail fabrendervnet (405 VMs); pass the other 6 (fabprodvnet holds 10)
# NET-006 GatewaySubnet: manual fabprodvnet, fabdevvnet, fabcorevnet; pass fabappsvnet, fabdmzvnet,
#     fabrendervnet (no GatewaySubnet); unknown fabsandboxvnet (no subnets in the row)
# NET-007 unattached reserved IP: fail fabprodvip02 (inUse false, attachedTo {}), fabdevvip01 (no attachedTo
#     key); pass fabprodvip01 (attached to fab-web); unknown fabnetvip01 (properties null)
# ER-001 allowClassicOperations: fail fab-er-ams, fab-er-dub; pass fab-er-lon; unknown fab-er-test (not set)
# ER-002 classic operations + authorization InUse (manual): manual fab-er-ams; pass fab-er-dub (no InUse),
#     fab-er-lon (classic operations off); unknown fab-er-test (neither field present)
# ER-003 circuit in another subscription that allows classic operations: fail fab-prod-er-conn [P] ->
#     fab-er-ams [S] (classic operations on);
#     pass fab-hub-er-conn [S] -> fab-er-lon [S] (peer id with a lower-cased resourcegroups segment);
#     fab-hub-s2s-conn [S] is IPsec (not an ExpressRoute connection: no finding)
# ST-001 holds classic VM disks: fail fabprodvhds01 (also fab-rnd-001..225), fabprodvhds02 (also
#     fab-rnd-226..405), fabprodpremium01, fabprodpremium02, fabprodnevhds01, fabdevvhds01, fabnetvhds01;
#     pass fabproddiag01, fabprodarchive01, fabdevlogs01
# ST-002 holds no classic VM disk: fail fabproddiag01, fabprodarchive01, fabdevlogs01; pass the seven above
# BK-001 classic VM backed up: fail fab-sql-01 (item's sourceResourceId in another case), fab-app-01 (item has
#     only virtualMachineId, IRPending); pass every other classic VM
# BK-002 item of a VM not scanned: fail the item of fab-oldfs-01 (classic, not in the estate);
#     pass the items of fab-sql-01, fab-app-01; the item of ARM VM fab-crm-01 is not a classic item
# IAM-001 classic scope: fail assignments on classic VM fab-sql-01 [P], cloud service fab-dev [N], classic
#     VNet fabcorevnet (lower-cased path) [S]; pass the one on classic storage fabprodvhds01 [P] (kept by the
#     storage migration), subscription and resource-group scopes (incl. Default-Networking [S])
# IAM-002 Owner converted from classic admin: fail [P] Owner with createdBy 0469d4cd-..., [N] Owner with only
#     the conversion description; pass the ordinary Owner [P] and all other assignments
# CAP-001 region: manual [P] westeurope (415 VMs with the render farm), [P] northeurope, [N] northeurope
#     (fab-legacy-01 has no size: an unsized VM), [S] westeurope; A-series v1 landings counted in
#     standardAv2Family with their resize: fab-app-02, fab-rpt-01 [P] westeurope, fab-ftp-01, fab-jump-01
#     [P] northeurope, fab-dev-01 [N]
# MON-001 alert rule on classic: fail "fab-sql-01 CPU above 80" (classic VM), "fab-portal WebRole1 CPU"
#     (classic role, disabled); pass "fab-ops-01 CPU above 90" (ARM VM);
#     unknown "fab-prod classic VM deletes" (management-event rule without resourceUri)
# MON-002 autoscale on classic: fail fab-portal-WebRole1-autoscale; pass fab-batch-vmss-autoscale (ARM VMSS)
# POST-001 -Migrated group: fail fab-crm-Migrated, fabcrmvhds01-Migrated, fab-tracking-Migrated [P],
#     fab-qa-Migrated [N]; pass every other resource group (incl. fab-render-classic [P])
# POST-002 Key Vault in a -Migrated group: fail fab-crm-kv (fab-crm-Migrated); fab-prod-kv (fab-prod-ops) is
#     outside the target
# POST-003 ARM storage of kind Storage, Standard SKU: fail fabcrmvhds01 (Storage); pass fabprodlogs01
#     (StorageV2)
# NET-008 gateway may use a classic circuit: manual fabprodvnet, fabdevvnet, fabcorevnet (GatewaySubnet);
#     pass fabappsvnet, fabdmzvnet, fabrendervnet; unknown fabsandboxvnet (no subnets in the row)
# NET-009 classic VMs and web/worker roles: fail fabprodvnet (fab-portal's web role is placed in it); pass
#     the other 6 (no VM-less cloud service left unplaced)
# MAN-001..009: manual for each of the 3 subscriptions (all hold classic resources)
# MAN-010 load-balancer rules per migration unit: manual the 5 VNets with VMs and the VNet-less cloud
#     services fab-ftp, fab-legacy; pass fabappsvnet, fabsandboxvnet (no VMs), fab-portal (no VM)
# MAN-011 Prepared state per migration unit: manual all 10 units (7 VNets, fab-ftp, fab-legacy, fab-portal)
# MAN-012 data-disk sizes: manual fab-app-01, fab-dc-01, fab-dc-02, fab-dev-02, fab-ftp-01, fab-rpt-01,
#     fab-sql-01, fab-sql-02 (data disks); pass the others (no data disk)
#
# Not exercised: VM-013 unknown (a VM whose disk accounts are unknown would, per the column contract, also
# make ST-001/ST-002 unknown for disk-less accounts).
"""Build the bundled demo estate: a fictional company's ARG snapshot (Fabrikam Logistics).

Run from the repository root with `python -m scanner.demo.build`. Every row is constructed in code from
fixed values (no randomness, fixed timestamps, name-derived GUIDs), so the output is byte-identical on
every run. The checklist above records, rule by rule, which rows fail, pass or give unknown or
manual in a demo scan; re-check it against a scan whenever rows or rules change.
"""

from __future__ import annotations

import copy
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from scanner.snapshot import DATASETS, dataset_for_type, write_snapshot
from scanner.sources.arm import API_VERSIONS, PATHS

Row = dict[str, Any]

OUT_DIR = Path(__file__).resolve().parent / "estate"
COLLECTED_AT = "2026-11-02T08:00:00Z"

TENANT_ID = "72c1a9e4-5d3b-4f08-b6a2-9e17c4d05f83"
SUB_PROD = "3b9e6d2a-41c7-4f85-a0d3-8e2c5f7b1a94"
SUB_NONPROD = "c4a81f3e-92d6-4b07-b5e1-6f0d3a9c2e58"
SUB_NET = "5e27b0c9-d3f4-48a6-8c1b-2a9f7e4d6031"
SUBSCRIPTIONS: dict[str, str] = {
    SUB_PROD: "Fabrikam Production",
    SUB_NONPROD: "Fabrikam Non-Production",
    SUB_NET: "Fabrikam Shared Networking",
}

WEU = "westeurope"
NEU = "northeurope"

#: Namespace for name-derived GUIDs (uuid5), so ids are stable across runs.
_GUID_NS = uuid.UUID("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0")

# Well-known Azure ids.
CONVERSION_PRINCIPAL = "0469d4cd-df37-4d93-8a61-f8c75b809164"
ROLE_OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
ROLE_CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
ROLE_READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
ROLE_NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
ROLE_CLASSIC_VM_CONTRIBUTOR = "d73bb868-a0df-4d4d-bd69-98a00b01fccb"
ROLE_CLASSIC_STORAGE_CONTRIBUTOR = "86e8f5dc-a6e9-4c67-9d15-de283e8eac25"
ROLE_CLASSIC_NETWORK_CONTRIBUTOR = "b34d265f-36f7-4a0d-a4d4-e158ca92e90f"

IMG_WIN2012R2 = "a699494373c04fc0bc8f2bb1389d6106__Windows-Server-2012-R2-20160812-en.us-127GB.vhd"
IMG_WIN2008R2 = "a699494373c04fc0bc8f2bb1389d6106__Win2K8R2SP1-Datacenter-201505.01-en.us-127GB.vhd"
IMG_SQL2014 = (
    "fb83b3509582419d99629ce476bcb5c8__SQL-Server-2014SP1-Enterprise-Windows2012R2-201606.01-en.us-127GB.vhd"
)
IMG_UBUNTU = "b39f27a8b8c64d52b05eac6a62ebad85__Ubuntu-14_04_5-LTS-amd64-server-20170110-en-us-30GB"


def guid(seed: str) -> str:
    """A GUID derived from `seed` (stable across runs)."""
    return str(uuid.uuid5(_GUID_NS, seed))


def rid(sub: str, rg: str, provider_type: str, name: str) -> str:
    """An ARM resource id, e.g. rid(s, "rg", "Microsoft.ClassicCompute/virtualMachines", "vm1")."""
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{provider_type}/{name}"


def arg_row(
    row_id: str,
    name: str,
    arg_type: str,
    sub: str,
    rg: str,
    location: str,
    properties: Any,
    *,
    kind: str = "",
    sku: dict[str, Any] | None = None,
    tags: dict[str, str] | None = None,
    identity: dict[str, Any] | None = None,
    zones: list[str] | None = None,
    managed_by: str = "",
) -> Row:
    """One row with every column ARG returns for `project *`; `arg_type` is lower-cased here."""
    return {
        "id": row_id,
        "name": name,
        "type": arg_type.lower(),
        "tenantId": TENANT_ID,
        "kind": kind,
        "location": location,
        "resourceGroup": rg,
        "subscriptionId": sub,
        "managedBy": managed_by,
        "sku": sku,
        "plan": None,
        "properties": properties,
        "tags": {} if tags is None else tags,
        "identity": identity,
        "zones": zones,
        "extendedLocation": None,
    }


def resource(
    sub: str, rg: str, provider_type: str, name: str, location: str, properties: Any, **extra: Any
) -> Row:
    """A plain resource row whose id is built from its parts (`provider_type` keeps Azure's casing)."""
    return arg_row(
        rid(sub, rg, provider_type, name), name, provider_type, sub, rg, location, properties, **extra
    )


def fab_tags(env: str, owner: str) -> dict[str, str]:
    """Fabrikam's tagging convention for ARM resources."""
    return {"environment": env, "owner": owner, "costCenter": f"FL-{sum(map(ord, owner)) % 9000 + 1000}"}


# ----------------------------------------------------------------------------------------------------------
# Classic storage
# ----------------------------------------------------------------------------------------------------------

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
        return rid(self.sub, self.rg, "Microsoft.ClassicStorage/storageAccounts", name)


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


# ----------------------------------------------------------------------------------------------------------
# Classic networking
# ----------------------------------------------------------------------------------------------------------

NET_RG = "Default-Networking"


def classic_vnet_id(sub: str, name: str) -> str:
    return rid(sub, NET_RG, "Microsoft.ClassicNetwork/virtualNetworks", name)


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


# ----------------------------------------------------------------------------------------------------------
# Cloud services and classic VMs
# ----------------------------------------------------------------------------------------------------------


def cloud_service_id(sub: str, rg: str, name: str) -> str:
    return rid(sub, rg, "Microsoft.ClassicCompute/domainNames", name)


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
                    "id": rid(sub, NET_RG, "Microsoft.ClassicNetwork/reservedIps", reserved_ip_name),
                    "name": reserved_ip_name,
                    "type": "Microsoft.ClassicNetwork/reservedIps",
                }
            ]
        if nsg is not None:
            net["networkSecurityGroup"] = {
                "id": rid(sub, NET_RG, "Microsoft.ClassicNetwork/networkSecurityGroups", nsg),
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
        rid(sub, rg, "Microsoft.ClassicCompute/virtualMachines", name),
        name,
        "Microsoft.ClassicCompute/virtualMachines",
        sub,
        vm_rg,
        location,
        props,
    )


# ----------------------------------------------------------------------------------------------------------
# The classic estate
# ----------------------------------------------------------------------------------------------------------

PROD_CLASSIC_RG = "fab-prod-classic"
NONPROD_CLASSIC_RG = "fab-nonprod-classic"


def classic_storage_rows() -> list[Row]:
    """Classic storage accounts (7 prod, 2 non-prod, 1 shared)."""
    return [
        classic_storage("fabprodvhds01", "2014-11-03T10:15:22Z"),
        classic_storage("fabprodvhds02", "2015-02-17T08:44:05Z"),
        classic_storage("fabprodpremium01", "2015-09-21T13:02:48Z"),
        classic_storage("fabprodpremium02", "2016-01-12T16:27:31Z"),
        classic_storage("fabproddiag01", "2016-04-06T07:55:10Z"),
        classic_storage("fabprodnevhds01", "2015-06-30T11:40:19Z"),
        classic_storage("fabprodarchive01", "2014-08-19T09:03:57Z", rg_field="default-storage-northeurope"),
        classic_storage("fabdevvhds01", "2015-03-25T14:18:42Z"),
        classic_storage("fabdevlogs01", "2016-10-04T10:30:00Z"),
        classic_storage("fabnetvhds01", "2014-06-12T12:00:33Z"),
    ]


def classic_network_rows() -> list[Row]:
    """Classic VNets, reserved IPs and NSGs."""
    dns = ("10.0.1.4", "10.0.1.5")
    web_cs = cloud_service_id(SUB_PROD, PROD_CLASSIC_RG, "fab-web")
    return [
        classic_vnet(
            SUB_PROD,
            "fabprodvnet",
            WEU,
            ["10.10.0.0/16"],
            [("FrontEnd", "10.10.1.0/24"), ("BackEnd", "10.10.2.0/24"), ("GatewaySubnet", "10.10.255.0/27")],
            dns,
        ),
        classic_vnet(
            SUB_PROD,
            "fabappsvnet",
            WEU,
            ["10.20.0.0/16"],
            [("Ase", "10.20.1.0/24"), ("Apim", "10.20.2.0/24")],
            dns,
        ),
        classic_vnet(
            SUB_PROD, "fabdmzvnet", NEU, ["10.1.0.5/16"], [("DMZ", "10.1.1.0/24"), ("Mgmt", "10.1.2.0/24")]
        ),
        classic_vnet(
            SUB_NONPROD,
            "fabdevvnet",
            NEU,
            ["10.50.0.0/16"],
            [
                ("Dev", "10.50.1.0/24"),
                ("Test", "10.50.3.0/23"),
                ("Hdi", "10.50.8.0/22"),
                ("GatewaySubnet", "10.50.255.0/28"),
            ],
            dns,
        ),
        classic_vnet(SUB_NONPROD, "fabsandboxvnet", NEU, ["10.60.0.0/16"], None, in_use=False),
        classic_vnet(
            SUB_NET,
            "fabcorevnet",
            WEU,
            ["10.0.0.0/16"],
            [("Infra", "10.0.1.0/24"), ("GatewaySubnet", "10.0.255.0/27")],
            dns,
        ),
        reserved_ip(
            SUB_PROD,
            "fabprodvip01",
            WEU,
            {
                "ipAddress": "203.0.113.10",
                "status": "Created",
                "provisioningState": "Succeeded",
                "inUse": True,
                "label": "fab-web VIP",
                "attachedTo": {
                    "id": web_cs,
                    "name": "fab-web",
                    "type": "Microsoft.ClassicCompute/domainNames",
                },
            },
        ),
        reserved_ip(
            SUB_PROD,
            "fabprodvip02",
            WEU,
            {
                "ipAddress": "203.0.113.15",
                "status": "Created",
                "provisioningState": "Succeeded",
                "inUse": False,
                "label": "spare VIP (old fab-shop)",
                "attachedTo": {},
            },
        ),
        reserved_ip(
            SUB_NONPROD,
            "fabdevvip01",
            NEU,
            {
                "ipAddress": "198.51.100.35",
                "status": "Created",
                "provisioningState": "Succeeded",
                "inUse": False,
            },
        ),
        reserved_ip(SUB_NET, "fabnetvip01", WEU, None),
        classic_nsg(SUB_PROD, "fab-web-nsg", WEU),
        classic_nsg(SUB_NONPROD, "fab-dev-nsg", NEU),
    ]


def cloud_service_rows() -> list[Row]:
    """Cloud services (classic): IaaS containers plus one PaaS web-role service without VMs."""
    p, n, s = SUB_PROD, SUB_NONPROD, SUB_NET
    return [
        cloud_service(p, PROD_CLASSIC_RG, "fab-web", WEU, "Fabrikam public web", "2014-11-03T10:20:00Z"),
        cloud_service(p, PROD_CLASSIC_RG, "fab-sql", WEU, "Fabrikam SQL cluster", "2015-09-21T13:10:00Z"),
        cloud_service(
            p, PROD_CLASSIC_RG, "fab-app", WEU, "Fabrikam application tier", "2015-02-17T09:00:00Z"
        ),
        cloud_service(p, PROD_CLASSIC_RG, "fab-batch", WEU, "Nightly batch", "2016-02-01T06:00:00Z"),
        cloud_service(p, PROD_CLASSIC_RG, "fab-rpt", WEU, "Reporting", "2016-07-19T12:00:00Z"),
        cloud_service(p, PROD_CLASSIC_RG, "fab-jump", NEU, "Jump host", "2015-06-30T12:00:00Z"),
        cloud_service(
            p,
            PROD_CLASSIC_RG,
            "fab-portal",
            WEU,
            "Customer portal (web role)",
            "2015-04-14T08:00:00Z",
            vnet="fabprodvnet",
        ),
        cloud_service(p, "fab-ftp", "fab-ftp", NEU, "fab-ftp", "2014-09-02T15:00:00Z"),
        cloud_service(n, NONPROD_CLASSIC_RG, "fab-dev", NEU, "Development", "2015-03-25T14:30:00Z"),
        cloud_service(n, NONPROD_CLASSIC_RG, "fab-test", NEU, "Test", "2015-03-26T10:00:00Z"),
        cloud_service(n, NONPROD_CLASSIC_RG, "fab-legacy", NEU, "Legacy EDI", "2013-12-09T10:00:00Z"),
        cloud_service(s, "fab-dc", "fab-dc", WEU, "Domain controllers", "2014-06-12T12:30:00Z"),
    ]


def classic_vm_rows() -> list[Row]:
    """The 18 classic VMs (12 prod, 4 non-prod, 2 shared); see the checklist for what each one exercises."""
    p, n, s, prg, nrg = SUB_PROD, SUB_NONPROD, SUB_NET, PROD_CLASSIC_RG, NONPROD_CLASSIC_RG
    return [
        # fab-web: baseline passing VM and a BGInfo 1.x / Security Center VM with two NICs (CS-004).
        classic_vm(
            p,
            prg,
            "fab-web",
            "fab-web-01",
            WEU,
            size="Standard_D2",
            availability_set="fab-web-avset",
            extensions=[BGINFO_2, VMACCESS, Ext("IaaSAntimalware", "Microsoft.Azure.Security", "1.5")],
            vnet="fabprodvnet",
            subnets=["FrontEnd"],
            private_ip="10.10.1.4",
            vip="203.0.113.10",
            reserved_ip_name="fabprodvip01",
            nsg="fab-web-nsg",
            boot_diag="fabproddiag01",
            os_disk=Disk("fabprodvhds01", "fab-web-01-os.vhd"),
            created="2014-11-03T10:25:00Z",
        ),
        classic_vm(
            p,
            prg,
            "fab-web",
            "fab-web-02",
            WEU,
            size="Standard_D2",
            availability_set="fab-web-avset",
            extensions=[
                Ext("BGInfo", "Microsoft.Compute", "1.1"),
                Ext("AzureSecurityWindowsAgent", "Microsoft.Azure.Security.Monitoring", "2.16"),
            ],
            status_source="extension",
            vnet="fabprodvnet",
            subnets=["FrontEnd"],
            private_ip="10.10.1.5",
            extra_nics=[Nic("fab-web-02-nic2", "BackEnd", "10.10.2.14")],
            vip="203.0.113.10",
            reserved_ip_name="fabprodvip01",
            nsg="fab-web-nsg",
            update_domain=1,
            os_disk=Disk("fabprodvhds01", "fab-web-02-os.vhd"),
            created="2014-11-03T10:40:00Z",
        ),
        # fab-sql: two availability sets (CS-001); Premium boot diagnostics (both accountType spellings).
        classic_vm(
            p,
            prg,
            "fab-sql",
            "fab-sql-01",
            WEU,
            size="Standard_DS3_v2",
            image=IMG_SQL2014,
            availability_set="fab-sql-avset-a",
            extensions=[BGINFO_2, Ext("VMSnapshot", "Microsoft.Azure.RecoveryServices", "1.0.9")],
            vnet="fabprodvnet",
            subnets=["BackEnd"],
            static_ip="10.10.2.10",
            private_ip="10.10.2.10",
            vip="203.0.113.11",
            boot_diag="fabprodpremium01",
            os_disk=Disk("fabprodpremium01", "fab-sql-01-os.vhd"),
            data_disks=[
                Disk("fabprodpremium01", "fab-sql-01-data0.vhd", 1023),
                Disk("fabprodpremium01", "fab-sql-01-log0.vhd", 512),
            ],
            created="2015-09-21T13:20:00Z",
        ),
        classic_vm(
            p,
            prg,
            "fab-sql",
            "fab-sql-02",
            WEU,
            size="Standard_DS3_v2",
            image=IMG_SQL2014,
            availability_set="fab-sql-avset-b",
            agent="NotReady",
            extensions=[Ext("BGInfo", "Microsoft.Compute", "2.1", "NotReady")],
            vnet="fabprodvnet",
            subnets=["BackEnd"],
            static_ip="10.10.2.11",
            private_ip="10.10.2.11",
            vip="203.0.113.11",
            boot_diag="fabprodpremium02",
            update_domain=1,
            os_disk=Disk("fabprodpremium02", "fab-sql-02-os.vhd"),
            data_disks=[Disk("fabprodpremium02", "fab-sql-02-data0.vhd", 1023)],
            created="2015-09-21T13:45:00Z",
        ),
        # fab-app: one VM in a set, one not (CS-002); blob name with a folder; failing handler statuses.
        classic_vm(
            p,
            prg,
            "fab-app",
            "fab-app-01",
            WEU,
            size="Standard_D2",
            availability_set="fab-app-avset",
            extensions=[
                BGINFO_2,
                Ext("VMSnapshot", "Microsoft.Azure.RecoveryServices", "1.0.9"),
                Ext(
                    "MicrosoftMonitoringAgent", "Microsoft.EnterpriseCloud.Monitoring", "1.0", "Unresponsive"
                ),
            ],
            vnet="fabprodvnet",
            subnets=["BackEnd"],
            private_ip="10.10.2.20",
            vip="203.0.113.12",
            boot_diag="fabproddiag01",
            os_disk=Disk("fabprodvhds02", "fab-app-01-os.vhd"),
            data_disks=[Disk("fabprodvhds02", "fab-app-01/fab-app-01-data0.vhd", 256)],
            created="2015-02-17T09:10:00Z",
        ),
        classic_vm(
            p,
            prg,
            "fab-app",
            "fab-app-02",
            WEU,
            size="Basic_A2",
            extensions=[
                BGINFO_2,
                Ext(
                    "SiteRecoveryMobilityAgent", "Microsoft.Azure.RecoveryServices.SiteRecovery", "1.0", None
                ),
            ],
            vnet="fabprodvnet",
            subnets=["BackEnd", "FrontEnd"],
            private_ip="10.10.2.21",
            vip="203.0.113.12",
            update_domain=1,
            os_disk=Disk("fabprodvhds02", "fab-app-02-os.vhd"),
            created="2015-02-17T09:30:00Z",
        ),
        # fab-batch: two deallocated VMs sharing a static IP (VM-014) and one with its own.
        *[
            classic_vm(
                p,
                prg,
                "fab-batch",
                f"fab-batch-0{i}",
                WEU,
                size="Standard_D2",
                state="StoppedDeallocated",
                agent=None,
                extensions=[],
                vnet="fabprodvnet",
                subnets=["BackEnd"],
                static_ip=ip,
                update_domain=i - 1,
                os_disk=Disk("fabprodvhds01", f"fab-batch-0{i}-os.vhd"),
                created=f"2016-02-01T06:{10 * i:02d}:00Z",
            )
            for i, ip in ((1, "10.10.2.50"), (2, "10.10.2.50"), (3, "10.10.2.51"))
        ],
        # fab-rpt-01: empty resourceGroup column, stopped, no extensions key, boot diagnostics to an account
        # outside the estate, in a VNet without subnetNames.
        classic_vm(
            p,
            prg,
            "fab-rpt",
            "fab-rpt-01",
            WEU,
            size="ExtraLarge",
            image=IMG_WIN2008R2,
            state="StoppedVM",
            agent="NotReady",
            extensions=None,
            vnet="fabprodvnet",
            vip="203.0.113.14",
            boot_diag="fabextdiag01",
            os_disk=Disk("fabprodvhds01", "fab-rpt-01-os.vhd"),
            data_disks=[Disk("fabprodvhds01", "fab-rpt-01-data0.vhd", 512)],
            created="2016-07-19T12:10:00Z",
            rg_field="",
        ),
        # fab-ftp-01: no VNet, Linux snapshot extension, disks in an account that is not in the estate.
        classic_vm(
            p,
            "fab-ftp",
            "fab-ftp",
            "fab-ftp-01",
            NEU,
            size="Small",
            os_type="Linux",
            image=IMG_UBUNTU,
            extensions=[
                Ext("VMSnapshotLinux", "Microsoft.Azure.RecoveryServices", "1.0.9114.0"),
                Ext("VMAccessForLinux", "Microsoft.OSTCExtensions", "1.5"),
            ],
            status_source="extension",
            vip="198.51.100.20",
            os_disk=Disk("fabftpvhds01", "fab-ftp-01-os.vhd", 30),
            data_disks=[Disk("fabftpvhds01", "fab-ftp-01-data0.vhd", 200)],
            created="2014-09-02T15:10:00Z",
        ),
        # fab-jump-01: RoleStateUnknown, no agent status, extensions without any status source.
        classic_vm(
            p,
            prg,
            "fab-jump",
            "fab-jump-01",
            NEU,
            size="Basic_A1",
            state="RoleStateUnknown",
            agent=None,
            extensions=[BGINFO_2],
            status_source="none",
            vnet="fabdmzvnet",
            subnets=["Mgmt"],
            private_ip="10.1.2.4",
            vip="198.51.100.21",
            os_disk=Disk("fabprodnevhds01", "fab-jump-01-os.vhd"),
            created="2015-06-30T12:10:00Z",
        ),
        # Non-production.
        classic_vm(
            n,
            nrg,
            "fab-dev",
            "fab-dev-01",
            NEU,
            size="Basic_A2",
            os_type="Linux",
            image=IMG_UBUNTU,
            extensions=[
                Ext("VMAccessForLinux", "Microsoft.OSTCExtensions", "1.5"),
                Ext("LinuxDiagnostic", "Microsoft.OSTCExtensions", "2.3", "Success"),
            ],
            status_source="extension",
            vnet="fabdevvnet",
            subnets=["Dev"],
            private_ip="10.50.1.4",
            vip="198.51.100.30",
            nsg="fab-dev-nsg",
            boot_diag="fabdevlogs01",
            os_disk=Disk("fabdevvhds01", "fab-dev-01-os.vhd", 30),
            created="2015-03-25T14:40:00Z",
        ),
        classic_vm(
            n,
            nrg,
            "fab-dev",
            "fab-dev-02",
            NEU,
            size="Standard_D2",
            extensions=[
                BGINFO_2,
                Ext("VSRemoteDebugger", "Microsoft.VisualStudio.WindowsAzure.RemoteDebug", "1.1"),
                Ext("WindowsAgent.AzureSecurityCenter", "Qualys", "1.0"),
            ],
            vnet="fabdevvnet",
            subnets=["Dev"],
            private_ip="10.50.1.5",
            vip="198.51.100.30",
            nsg="fab-dev-nsg",
            update_domain=1,
            os_disk=Disk("fabdevvhds01", "fab-dev-02-os.vhd"),
            data_disks=[Disk("fabdevvhds01", "fab-dev-02-data0.vhd", 128)],
            created="2015-03-25T15:00:00Z",
        ),
        classic_vm(
            n,
            nrg,
            "fab-test",
            "fab-test-01",
            NEU,
            size="A8",
            extensions=[BGINFO_2, VMACCESS],
            status_source="none",
            vnet="fabdevvnet",
            subnets=[],
            private_ip="10.50.3.4",
            vip="198.51.100.31",
            os_disk=Disk("fabdevvhds01", "fab-test-01-os.vhd"),
            created="2015-03-26T10:10:00Z",
        ),
        # fab-legacy-01: a partial row (no hardwareProfile, instanceView, networkProfile, debugProfile,
        # extensions; OS disk without vhdUri).
        classic_vm(
            n,
            nrg,
            "fab-legacy",
            "fab-legacy-01",
            NEU,
            size=None,
            state=None,
            extensions=None,
            network_profile=False,
            debug_profile=False,
            image=IMG_WIN2008R2,
            os_disk=Disk("fabdevvhds01", "fab-legacy-01-os.vhd", has_uri=False),
            created="2013-12-09T10:10:00Z",
        ),
        # Shared networking: domain controllers ([] vs absent networkInterfaces, missing agent status).
        classic_vm(
            s,
            "fab-dc",
            "fab-dc",
            "fab-dc-01",
            WEU,
            size="Standard_D2",
            availability_set="fab-dc-avset",
            extensions=[BGINFO_2, VMACCESS],
            vnet="fabcorevnet",
            subnets=["Infra"],
            static_ip="10.0.1.4",
            private_ip="10.0.1.4",
            extra_nics=[],
            vip="203.0.113.40",
            os_disk=Disk("fabnetvhds01", "fab-dc-01-os.vhd"),
            data_disks=[Disk("fabnetvhds01", "fab-dc-01-ntds.vhd", 32)],
            created="2014-06-12T12:40:00Z",
        ),
        classic_vm(
            s,
            "fab-dc",
            "fab-dc",
            "fab-dc-02",
            WEU,
            size="Standard_D2",
            availability_set="fab-dc-avset",
            agent=None,
            extensions=[BGINFO_2, VMACCESS],
            vnet="fabcorevnet",
            subnets=["Infra"],
            static_ip="10.0.1.5",
            private_ip="10.0.1.5",
            vip="203.0.113.40",
            update_domain=1,
            os_disk=Disk("fabnetvhds01", "fab-dc-02-os.vhd"),
            data_disks=[Disk("fabnetvhds01", "fab-dc-02-ntds.vhd", 32)],
            created="2014-06-12T13:05:00Z",
        ),
    ]


# ----------------------------------------------------------------------------------------------------------
# Render farm: one classic VNet with more than 400 classic VMs (NET-005)
# ----------------------------------------------------------------------------------------------------------

RENDER_RG = "fab-render-classic"
RENDER_VNET = "fabrendervnet"
RENDER_SUBNET = "RenderNodes"
#: Cloud services fab-render-01..09 of 45 VMs each (a classic cloud service holds at most 50 VMs): 405 VMs.
RENDER_POOLS = 9
RENDER_POOL_SIZE = 45


def render_pool_size(pool: int) -> str:
    """The older pools run Standard_D1 nodes, the three newest Standard_D2."""
    return "Standard_D1" if pool <= 6 else "Standard_D2"


def render_farm_rows() -> list[Row]:
    """The warehouse-visualisation render farm in Production, West Europe (all rows healthy).

    Its VNet, 9 cloud services and 405 VMs: agent Ready, no extensions, DHCP addresses (no
    staticIpAddress), one subnet, no input endpoints, OS disks only, in fabprodvhds01 for pools 1-5 and
    fabprodvhds02 for pools 6-9.
    """
    rows: list[Row] = [
        classic_vnet(
            SUB_PROD,
            RENDER_VNET,
            WEU,
            ["10.70.0.0/16"],
            [(RENDER_SUBNET, "10.70.0.0/22")],
            ("10.0.1.4", "10.0.1.5"),
        )
    ]
    for pool in range(1, RENDER_POOLS + 1):
        cs = f"fab-render-{pool:02d}"
        day = f"2017-03-{pool + 5:02d}"
        rows.append(
            cloud_service(SUB_PROD, RENDER_RG, cs, WEU, f"Render farm pool {pool}", f"{day}T08:00:00Z")
        )
        for slot in range(RENDER_POOL_SIZE):
            n = (pool - 1) * RENDER_POOL_SIZE + slot + 1
            name = f"fab-rnd-{n:03d}"
            host = 3 + n  # 10.70.0.4 upwards; DHCP, so no staticIpAddress
            rows.append(
                classic_vm(
                    SUB_PROD,
                    RENDER_RG,
                    cs,
                    name,
                    WEU,
                    size=render_pool_size(pool),
                    extensions=[],
                    input_endpoints=False,
                    vnet=RENDER_VNET,
                    subnets=[RENDER_SUBNET],
                    private_ip=f"10.70.{host // 256}.{host % 256}",
                    update_domain=slot % 5,
                    os_disk=Disk("fabprodvhds01" if pool <= 5 else "fabprodvhds02", f"{name}-os.vhd"),
                    created=f"{day}T09:{slot:02d}:00Z",
                )
            )
    return rows


# ----------------------------------------------------------------------------------------------------------
# ARM: migration residue and services that can sit in classic VNets
# ----------------------------------------------------------------------------------------------------------


def arm_vm(
    sub: str,
    rg: str,
    name: str,
    location: str,
    size: str,
    *,
    os_disk: dict[str, Any] | None,
    data_disks: Sequence[dict[str, Any]] = (),
    tags: dict[str, str] | None = None,
) -> Row:
    """An ARM VM; `os_disk=None` leaves storageProfile out (partial row)."""
    props: dict[str, Any] = {
        "vmId": guid(f"vmid:{name}"),
        "provisioningState": "Succeeded",
        "hardwareProfile": {"vmSize": size},
        "osProfile": {
            "computerName": name,
            "adminUsername": "fabadmin",
            "windowsConfiguration": {"provisionVMAgent": True, "enableAutomaticUpdates": True},
        },
        "networkProfile": {
            "networkInterfaces": [
                {
                    "id": rid(sub, rg, "Microsoft.Network/networkInterfaces", f"{name}-nic"),
                    "properties": {"primary": True},
                }
            ]
        },
        "extended": {
            "instanceView": {
                "powerState": {"code": "PowerState/running", "displayStatus": "VM running", "level": "Info"}
            }
        },
    }
    if os_disk is not None:
        props["storageProfile"] = {"osDisk": os_disk, "dataDisks": list(data_disks)}
    return resource(sub, rg, "Microsoft.Compute/virtualMachines", name, location, props, tags=tags)


def vhd_disk(name: str, uri: str, lun: int | None = None, size_gb: int = 127) -> dict[str, Any]:
    """An unmanaged (VHD) ARM disk, as migration leaves it."""
    disk: dict[str, Any] = {
        "name": name,
        "createOption": "Attach",
        "caching": "ReadWrite",
        "diskSizeGB": size_gb,
        "vhd": {"uri": uri},
    }
    if lun is None:
        disk["osType"] = "Windows"
    else:
        disk["lun"] = lun
    return disk


def managed_disk(sub: str, rg: str, name: str, lun: int | None = None, size_gb: int = 127) -> dict[str, Any]:
    """A managed ARM disk."""
    disk: dict[str, Any] = {
        "name": name,
        "createOption": "FromImage" if lun is None else "Attach",
        "caching": "ReadWrite",
        "diskSizeGB": size_gb,
        "managedDisk": {
            "id": rid(sub, rg, "Microsoft.Compute/disks", name),
            "storageAccountType": "Premium_LRS",
        },
    }
    if lun is None:
        disk["osType"] = "Windows"
    else:
        disk["lun"] = lun
    return disk


def public_ip(
    sub: str,
    rg: str,
    name: str,
    location: str,
    address: str,
    sku: str | None,
    attached: str | None,
    tags: dict[str, str] | None = None,
) -> Row:
    """An ARM public IP (`sku=None` gives a row without sku)."""
    props: dict[str, Any] = {
        "provisioningState": "Succeeded",
        "resourceGuid": guid(f"pip:{name}"),
        "ipAddress": address,
        "publicIPAddressVersion": "IPv4",
        "publicIPAllocationMethod": "Static",
        "idleTimeoutInMinutes": 4,
        "ipTags": [],
    }
    if attached:
        props["ipConfiguration"] = {"id": attached}
    sku_obj = None if sku is None else {"name": sku, "tier": "Regional"}
    return resource(
        sub, rg, "Microsoft.Network/publicIPAddresses", name, location, props, sku=sku_obj, tags=tags
    )


def load_balancer(
    sub: str,
    rg: str,
    name: str,
    location: str,
    sku: str,
    frontend: dict[str, Any],
    tags: dict[str, str] | None = None,
) -> Row:
    lb_id = rid(sub, rg, "Microsoft.Network/loadBalancers", name)
    props = {
        "provisioningState": "Succeeded",
        "resourceGuid": guid(f"lb:{name}"),
        "frontendIPConfigurations": [
            {
                "name": "LoadBalancerFrontEnd",
                "id": f"{lb_id}/frontendIPConfigurations/LoadBalancerFrontEnd",
                "properties": frontend,
            }
        ],
        "backendAddressPools": [{"name": "BackendPool", "id": f"{lb_id}/backendAddressPools/BackendPool"}],
        "loadBalancingRules": [],
        "probes": [],
        "inboundNatRules": [],
    }
    return resource(
        sub,
        rg,
        "Microsoft.Network/loadBalancers",
        name,
        location,
        props,
        sku={"name": sku, "tier": "Regional"},
        tags=tags,
    )


def key_vault(sub: str, rg: str, name: str, location: str, tags: dict[str, str] | None = None) -> Row:
    props = {
        "sku": {"family": "A", "name": "standard"},
        "tenantId": TENANT_ID,
        "accessPolicies": [],
        "enabledForDeployment": True,
        "enableSoftDelete": True,
        "softDeleteRetentionInDays": 90,
        "vaultUri": f"https://{name}.vault.azure.net/",
        "provisioningState": "Succeeded",
    }
    return resource(sub, rg, "Microsoft.KeyVault/vaults", name, location, props, tags=tags)


def arm_storage(
    sub: str,
    rg: str,
    name: str,
    location: str,
    kind: str,
    sku: str,
    created: str,
    tags: dict[str, str] | None = None,
) -> Row:
    props = {
        "provisioningState": "Succeeded",
        "creationTime": created,
        "primaryLocation": location,
        "statusOfPrimary": "available",
        "supportsHttpsTrafficOnly": kind != "Storage",
        "minimumTlsVersion": "TLS1_0" if kind == "Storage" else "TLS1_2",
        "primaryEndpoints": {
            svc: f"https://{name}.{svc}.core.windows.net/" for svc in ("blob", "file", "queue", "table")
        },
    }
    return resource(
        sub,
        rg,
        "Microsoft.Storage/storageAccounts",
        name,
        location,
        props,
        kind=kind,
        sku={"name": sku, "tier": "Standard"},
        tags=tags,
    )


def arm_vnet(
    sub: str,
    rg: str,
    name: str,
    location: str,
    prefixes: Sequence[str],
    subnets: Sequence[tuple[str, str]],
    peerings: Sequence[tuple[str, str]],
    tags: dict[str, str] | None = None,
) -> Row:
    """An ARM VNet; `peerings` are (peering name, remote VNet id as written in the row)."""
    vnet_id = rid(sub, rg, "Microsoft.Network/virtualNetworks", name)
    props = {
        "provisioningState": "Succeeded",
        "resourceGuid": guid(f"vnet:{name}"),
        "addressSpace": {"addressPrefixes": list(prefixes)},
        "subnets": [
            {"name": sn, "id": f"{vnet_id}/subnets/{sn}", "properties": {"addressPrefix": pfx}}
            for sn, pfx in subnets
        ],
        "virtualNetworkPeerings": [
            {
                "name": pn,
                "id": f"{vnet_id}/virtualNetworkPeerings/{pn}",
                "properties": {
                    "peeringState": "Connected",
                    "allowVirtualNetworkAccess": True,
                    "allowForwardedTraffic": False,
                    "allowGatewayTransit": False,
                    "useRemoteGateways": False,
                    "remoteVirtualNetwork": {"id": remote},
                },
            }
            for pn, remote in peerings
        ],
    }
    return resource(sub, rg, "Microsoft.Network/virtualNetworks", name, location, props, tags=tags)


def arm_rows() -> list[Row]:
    """ARM resources: migrated VMs and their residue, PaaS in classic VNets, monitoring, storage, vaults."""
    p, n = SUB_PROD, SUB_NONPROD
    prod_tags = fab_tags("prod", "it-infra")
    dev_tags = fab_tags("dev", "qa-team")
    crm_rg, tracking_rg, ops_rg, paas_rg, pnet_rg = (
        "fab-crm-Migrated",
        "fab-tracking-Migrated",
        "fab-prod-ops",
        "fab-prod-paas",
        "fab-prod-network",
    )
    qa_rg, devapps_rg = "fab-qa-Migrated", "fab-dev-apps"
    crm_lb = rid(p, crm_rg, "Microsoft.Network/loadBalancers", "fab-crm-LB")
    classic_apps_vnet = classic_vnet_id(p, "fabappsvnet")
    return [
        # Migrated cloud service fab-crm: VM on VHDs, Basic public IP + Basic LB, certificate Key Vault.
        arm_vm(
            p,
            crm_rg,
            "fab-crm-01",
            WEU,
            "Standard_A2",
            os_disk=vhd_disk(
                "fab-crm-01-os", "https://fabcrmvhds01.blob.core.windows.net/vhds/fab-crm-01-os.vhd"
            ),
            data_disks=[
                vhd_disk(
                    "fab-crm-01-data0",
                    "https://fabcrmvhds01.blob.core.windows.net/vhds/fab-crm-01-data0.vhd",
                    0,
                    256,
                )
            ],
        ),
        public_ip(
            p,
            crm_rg,
            "fab-crm-PublicIP",
            WEU,
            "203.0.113.20",
            "Basic",
            f"{crm_lb}/frontendIPConfigurations/LoadBalancerFrontEnd",
        ),
        load_balancer(
            p,
            crm_rg,
            "fab-crm-LB",
            WEU,
            "Basic",
            {
                "publicIPAddress": {
                    "id": rid(p, crm_rg, "Microsoft.Network/publicIPAddresses", "fab-crm-PublicIP")
                }
            },
        ),
        key_vault(p, crm_rg, "fab-crm-kv", WEU),
        arm_storage(
            p, "fabcrmvhds01-Migrated", "fabcrmvhds01", WEU, "Storage", "Standard_GRS", "2015-01-08T10:11:12Z"
        ),
        # Cloud Service (extended support) migrated from classic.
        resource(
            p,
            tracking_rg,
            "Microsoft.Compute/cloudServices",
            "fab-tracking",
            WEU,
            {
                "provisioningState": "Succeeded",
                "uniqueId": guid("cses:fab-tracking"),
                "upgradeMode": "Auto",
                "roleProfile": {
                    "roles": [
                        {
                            "name": "WebRole1",
                            "sku": {"name": "Standard_D1_v2", "tier": "Standard", "capacity": 2},
                        },
                        {
                            "name": "WorkerRole1",
                            "sku": {"name": "Standard_D2_v2", "tier": "Standard", "capacity": 2},
                        },
                    ]
                },
                "networkProfile": {
                    "loadBalancerConfigurations": [
                        {
                            "name": "fab-tracking-lb",
                            "properties": {
                                "frontendIpConfigurations": [
                                    {
                                        "name": "fab-tracking-fe",
                                        "properties": {
                                            "publicIPAddress": {
                                                "id": rid(
                                                    p,
                                                    tracking_rg,
                                                    "Microsoft.Network/publicIPAddresses",
                                                    "fab-tracking-vip",
                                                )
                                            }
                                        },
                                    }
                                ]
                            },
                        }
                    ]
                },
            },
            tags=prod_tags,
        ),
        # Ordinary production ARM: managed-disk VM, Standard IP / LB, Key Vault, StorageV2, monitoring.
        arm_vm(
            p,
            ops_rg,
            "fab-ops-01",
            WEU,
            "Standard_D4s_v3",
            tags=prod_tags,
            os_disk=managed_disk(p, ops_rg, "fab-ops-01_OsDisk_1"),
            data_disks=[managed_disk(p, ops_rg, "fab-ops-01_DataDisk_0", 0, 512)],
        ),
        public_ip(
            p,
            pnet_rg,
            "fab-ops-agw-pip",
            WEU,
            "203.0.113.30",
            "Standard",
            rid(p, pnet_rg, "Microsoft.Network/applicationGateways", "fab-ops-agw")
            + "/frontendIPConfigurations/appGwPublicFrontendIp",
            tags=prod_tags,
        ),
        load_balancer(
            p,
            pnet_rg,
            "fab-ops-ilb",
            WEU,
            "Standard",
            {
                "privateIPAddress": "10.100.1.10",
                "privateIPAllocationMethod": "Static",
                "subnet": {
                    "id": rid(p, pnet_rg, "Microsoft.Network/virtualNetworks", "fab-prod-vnet")
                    + "/subnets/apps"
                },
            },
            tags=prod_tags,
        ),
        key_vault(p, ops_rg, "fab-prod-kv", WEU, tags=prod_tags),
        arm_storage(
            p,
            ops_rg,
            "fabprodlogs01",
            WEU,
            "StorageV2",
            "Standard_LRS",
            "2021-05-03T09:00:00Z",
            tags=prod_tags,
        ),
        # ARM VNet peered to the classic fabprodvnet (remote id lower-cased, as some API versions return it).
        arm_vnet(
            p,
            pnet_rg,
            "fab-prod-vnet",
            WEU,
            ["10.100.0.0/16"],
            [("apps", "10.100.1.0/24"), ("data", "10.100.2.0/24")],
            [
                ("to-fabprodvnet", classic_vnet_id(p, "fabprodvnet").lower()),
                (
                    "to-fab-hub-vnet",
                    rid(SUB_NET, "fab-net-connectivity", "Microsoft.Network/virtualNetworks", "fab-hub-vnet"),
                ),
            ],
            tags=prod_tags,
        ),
        # PaaS deployed into the classic fabappsvnet.
        resource(
            p,
            paas_rg,
            "Microsoft.Web/hostingEnvironments",
            "fab-ase-01",
            WEU,
            {
                "name": "fab-ase-01",
                "status": "Ready",
                "provisioningState": "Succeeded",
                "internalLoadBalancingMode": "None",
                "multiSize": "Standard_D2",
                "multiRoleCount": 2,
                "virtualNetwork": {
                    "id": classic_apps_vnet,
                    "name": "fabappsvnet",
                    "type": "Microsoft.ClassicNetwork/virtualNetworks",
                    "subnet": "Ase",
                },
            },
            kind="ASEV1",
            tags=prod_tags,
        ),
        resource(
            p,
            paas_rg,
            "Microsoft.ApiManagement/service",
            "fab-apim-01",
            WEU,
            {
                "provisioningState": "Succeeded",
                "publisherEmail": "api-team@fabrikam.example",
                "publisherName": "Fabrikam Logistics",
                "gatewayUrl": "https://fab-apim-01.azure-api.net",
                "virtualNetworkType": "External",
                "platformVersion": "stv1",
                "virtualNetworkConfiguration": {
                    "subnetResourceId": f"{classic_apps_vnet}/subnets/Apim",
                    "vnetid": guid("site:fabappsvnet"),
                    "subnetname": "Apim",
                },
            },
            sku={"name": "Premium", "capacity": 1},
            tags=prod_tags,
        ),
        # Monitoring: classic alert rules and autoscale settings.
        alert_rule(
            p,
            ops_rg,
            "fab-sql-01 CPU above 80",
            WEU,
            rid(p, PROD_CLASSIC_RG, "Microsoft.ClassicCompute/virtualMachines", "fab-sql-01"),
            "Percentage CPU",
            80,
            enabled=True,
        ),
        alert_rule(
            p,
            ops_rg,
            "fab-portal WebRole1 CPU",
            WEU,
            cloud_service_id(p, PROD_CLASSIC_RG, "fab-portal") + "/slots/Production/roles/WebRole1",
            "Percentage CPU",
            90,
            enabled=False,
        ),
        alert_rule(
            p,
            ops_rg,
            "fab-ops-01 CPU above 90",
            WEU,
            rid(p, ops_rg, "Microsoft.Compute/virtualMachines", "fab-ops-01"),
            "Percentage CPU",
            90,
            enabled=True,
        ),
        alert_rule(p, ops_rg, "fab-prod classic VM deletes", WEU, None, None, None, enabled=True),
        autoscale(
            p,
            ops_rg,
            "fab-portal-WebRole1-autoscale",
            WEU,
            cloud_service_id(p, PROD_CLASSIC_RG, "fab-portal") + "/slots/Production/roles/WebRole1",
        ),
        autoscale(
            n,
            devapps_rg,
            "fab-batch-vmss-autoscale",
            NEU,
            rid(n, devapps_rg, "Microsoft.Compute/virtualMachineScaleSets", "fab-batch-vmss"),
        ),
        # Backup vault (the vault itself is in ARG's `resources` table).
        resource(
            p,
            ops_rg,
            "Microsoft.RecoveryServices/vaults",
            "fab-prod-rsv",
            WEU,
            {
                "provisioningState": "Succeeded",
                "privateEndpointStateForBackup": "None",
                "privateEndpointStateForSiteRecovery": "None",
            },
            sku={"name": "RS0", "tier": "Standard"},
            tags=prod_tags,
        ),
        # Non-production: migrated VM with a VHD data disk, a partial VM row, HDInsight in a classic VNet,
        # a public IP without sku.
        arm_vm(
            n,
            qa_rg,
            "fab-qa-01",
            NEU,
            "Standard_D2",
            tags=dev_tags,
            os_disk=managed_disk(n, qa_rg, "fab-qa-01-os"),
            data_disks=[
                vhd_disk(
                    "fab-qa-01-data0",
                    "https://fabqavhds01.blob.core.windows.net/vhds/fab-qa-01-data0.vhd",
                    0,
                    128,
                )
            ],
        ),
        arm_vm(n, devapps_rg, "fab-build-01", NEU, "Standard_D2s_v3", os_disk=None, tags=dev_tags),
        public_ip(
            n,
            devapps_rg,
            "fab-build-pip",
            NEU,
            "198.51.100.40",
            None,
            rid(n, devapps_rg, "Microsoft.Network/networkInterfaces", "fab-build-01-nic")
            + "/ipConfigurations/ipconfig1",
            tags=dev_tags,
        ),
        resource(
            n,
            devapps_rg,
            "Microsoft.HDInsight/clusters",
            "fab-hdi-dev",
            NEU,
            {
                "provisioningState": "Succeeded",
                "clusterState": "Running",
                "clusterVersion": "3.3.1000.0",
                "osType": "Windows",
                "tier": "Standard",
                "clusterDefinition": {"kind": "HADOOP"},
                "computeProfile": {
                    "roles": [
                        {
                            "name": role,
                            "targetInstanceCount": count,
                            "hardwareProfile": {"vmSize": "Standard_D3"},
                            "virtualNetworkProfile": {
                                "id": classic_vnet_id(n, "fabdevvnet"),
                                "subnet": classic_vnet_id(n, "fabdevvnet") + "/subnets/Hdi",
                            },
                        }
                        for role, count in (("headnode", 2), ("workernode", 4))
                    ]
                },
            },
            kind="HADOOP",
            tags=dev_tags,
        ),
    ]


def alert_rule(
    sub: str,
    rg: str,
    name: str,
    location: str,
    target: str | None,
    metric: str | None,
    threshold: int | None,
    *,
    enabled: bool,
) -> Row:
    """A classic metric alert rule; `target=None` gives a management-event rule (no resourceUri)."""
    if target is not None:
        condition: dict[str, Any] = {
            "odata.type": "Microsoft.Azure.Management.Insights.Models.ThresholdRuleCondition",
            "dataSource": {
                "odata.type": "Microsoft.Azure.Management.Insights.Models.RuleMetricDataSource",
                "resourceUri": target,
                "metricName": metric,
            },
            "operator": "GreaterThan",
            "threshold": threshold,
            "windowSize": "PT15M",
            "timeAggregation": "Average",
        }
    else:
        condition = {
            "odata.type": "Microsoft.Azure.Management.Insights.Models.ManagementEventRuleCondition",
            "dataSource": {
                "odata.type": "Microsoft.Azure.Management.Insights.Models.RuleManagementEventDataSource",
                "operationName": "Microsoft.ClassicCompute/virtualMachines/delete",
            },
        }
    props = {
        "name": name,
        "description": "",
        "isEnabled": enabled,
        "condition": condition,
        "actions": [
            {
                "odata.type": "Microsoft.Azure.Management.Insights.Models.RuleEmailAction",
                "sendToServiceOwners": True,
                "customEmails": ["ops@fabrikam.example"],
            }
        ],
        "lastUpdatedTime": "2019-03-11T09:30:00Z",
        "provisioningState": "Succeeded",
    }
    return resource(
        sub,
        rg,
        "microsoft.insights/alertrules",
        name,
        location,
        props,
        tags={
            "$type": "Microsoft.WindowsAzure.Management.Common.Storage.CasePreservedDictionary, "
            "Microsoft.WindowsAzure.Management.Common.Storage"
        },
    )


def autoscale(sub: str, rg: str, name: str, location: str, target: str) -> Row:
    props = {
        "name": name,
        "enabled": True,
        "targetResourceUri": target,
        "profiles": [
            {
                "name": "Default",
                "capacity": {"minimum": "2", "maximum": "6", "default": "2"},
                "rules": [
                    {
                        "metricTrigger": {
                            "metricName": "Percentage CPU",
                            "metricResourceUri": target,
                            "timeGrain": "PT1M",
                            "statistic": "Average",
                            "timeWindow": "PT10M",
                            "timeAggregation": "Average",
                            "operator": "GreaterThan",
                            "threshold": 75,
                        },
                        "scaleAction": {
                            "direction": "Increase",
                            "type": "ChangeCount",
                            "value": "1",
                            "cooldown": "PT10M",
                        },
                    },
                ],
            }
        ],
        "notifications": [],
    }
    return resource(sub, rg, "microsoft.insights/autoscalesettings", name, location, props)


# ----------------------------------------------------------------------------------------------------------
# ExpressRoute (shared networking subscription)
# ----------------------------------------------------------------------------------------------------------

ER_RG = "fab-net-connectivity"


def er_circuit_id(name: str) -> str:
    return rid(SUB_NET, ER_RG, "Microsoft.Network/expressRouteCircuits", name)


def er_circuit(
    name: str,
    location: str,
    provider: str,
    peering_location: str,
    mbps: int,
    tier: str,
    allow_classic: bool | None,
    authorizations: Sequence[tuple[str, str, str | None]] | None,
    provisioned: bool = True,
) -> Row:
    """A circuit; authorizations are (name, Available|InUse, using connection id); None drops keys."""
    circuit_id = er_circuit_id(name)
    props: dict[str, Any] = {
        "provisioningState": "Succeeded",
        "circuitProvisioningState": "Enabled",
        "serviceProviderProvisioningState": "Provisioned" if provisioned else "NotProvisioned",
        "serviceProviderProperties": {
            "serviceProviderName": provider,
            "peeringLocation": peering_location,
            "bandwidthInMbps": mbps,
        },
        "serviceKey": guid(f"servicekey:{name}"),
        "gatewayManagerEtag": "",
        "globalReachEnabled": False,
        "peerings": [],
    }
    if allow_classic is not None:
        props["allowClassicOperations"] = allow_classic
    if authorizations is not None:
        auths = []
        for auth_name, use, conn in authorizations:
            ap: dict[str, Any] = {
                "provisioningState": "Succeeded",
                "authorizationKey": guid(f"authkey:{auth_name}"),
                "authorizationUseStatus": use,
            }
            if conn:
                ap["connectionResourceUri"] = conn
            auths.append(
                {"name": auth_name, "id": f"{circuit_id}/authorizations/{auth_name}", "properties": ap}
            )
        props["authorizations"] = auths
    sku = {"name": f"{tier}_MeteredData", "tier": tier, "family": "MeteredData"}
    return arg_row(
        circuit_id,
        name,
        "Microsoft.Network/expressRouteCircuits",
        SUB_NET,
        ER_RG,
        location,
        props,
        sku=sku,
        tags=fab_tags("prod", "network-team"),
    )


def connection(sub: str, rg: str, name: str, location: str, props: dict[str, Any]) -> Row:
    base = {
        "provisioningState": "Succeeded",
        "resourceGuid": guid(f"conn:{name}"),
        "routingWeight": 0,
        "connectionStatus": "Connected",
        "ingressBytesTransferred": 0,
        "egressBytesTransferred": 0,
    }
    return resource(
        sub,
        rg,
        "Microsoft.Network/connections",
        name,
        location,
        {**base, **props},
        tags=fab_tags("prod", "network-team"),
    )


def expressroute_rows() -> list[Row]:
    """Circuits (classic operations on/off, authorizations) and connections within / across subscriptions."""
    prod_conn = rid(SUB_PROD, "fab-prod-network", "Microsoft.Network/connections", "fab-prod-er-conn")
    hub_gw = rid(SUB_NET, ER_RG, "Microsoft.Network/virtualNetworkGateways", "fab-hub-ergw")
    return [
        er_circuit(
            "fab-er-ams",
            WEU,
            "Equinix",
            "Amsterdam",
            1000,
            "Premium",
            True,
            [("fab-prod-auth", "InUse", prod_conn), ("fab-spare-auth", "Available", None)],
        ),
        er_circuit("fab-er-dub", NEU, "Equinix", "Dublin", 500, "Standard", True, []),
        er_circuit(
            "fab-er-lon", WEU, "BT", "London", 1000, "Standard", False, [("fab-partner-auth", "InUse", None)]
        ),
        er_circuit("fab-er-test", NEU, "Equinix", "Dublin", 50, "Standard", None, None, provisioned=False),
        connection(
            SUB_PROD,
            "fab-prod-network",
            "fab-prod-er-conn",
            WEU,
            {
                "connectionType": "ExpressRoute",
                "authorizationKey": guid("authkey:fab-prod-auth"),
                "peer": {"id": er_circuit_id("fab-er-ams")},
                "virtualNetworkGateway1": {
                    "id": rid(
                        SUB_PROD,
                        "fab-prod-network",
                        "Microsoft.Network/virtualNetworkGateways",
                        "fab-prod-ergw",
                    )
                },
            },
        ),
        connection(
            SUB_NET,
            ER_RG,
            "fab-hub-er-conn",
            WEU,
            {
                "connectionType": "ExpressRoute",
                "peer": {
                    "id": er_circuit_id("fab-er-lon").replace(
                        "/resourceGroups/fab-net-connectivity/", "/resourcegroups/fab-net-connectivity/"
                    )
                },
                "virtualNetworkGateway1": {"id": hub_gw},
            },
        ),
        connection(
            SUB_NET,
            ER_RG,
            "fab-hub-s2s-conn",
            WEU,
            {
                "connectionType": "IPsec",
                "connectionProtocol": "IKEv2",
                "virtualNetworkGateway1": {
                    "id": rid(SUB_NET, ER_RG, "Microsoft.Network/virtualNetworkGateways", "fab-hub-vpngw")
                },
                "localNetworkGateway2": {
                    "id": rid(SUB_NET, ER_RG, "Microsoft.Network/localNetworkGateways", "fab-hq-rotterdam")
                },
            },
        ),
        arm_vnet(
            SUB_NET,
            ER_RG,
            "fab-hub-vnet",
            WEU,
            ["10.200.0.0/16"],
            [("GatewaySubnet", "10.200.255.0/27"), ("shared", "10.200.1.0/24")],
            [
                (
                    "to-fab-prod-vnet",
                    rid(SUB_PROD, "fab-prod-network", "Microsoft.Network/virtualNetworks", "fab-prod-vnet"),
                )
            ],
            tags=fab_tags("prod", "network-team"),
        ),
    ]


def vm_extension(vm: Row, name: str, publisher: str, extension_type: str, version: str) -> Row:
    """An ARM VM extension: a child row of its VM in the resources table."""
    props = {
        "publisher": publisher,
        "type": extension_type,
        "typeHandlerVersion": version,
        "autoUpgradeMinorVersion": True,
        "provisioningState": "Succeeded",
    }
    return arg_row(
        f"{vm['id']}/extensions/{name}",
        f"{vm['name']}/{name}",
        "Microsoft.Compute/virtualMachines/extensions",
        vm["subscriptionId"],
        vm["resourceGroup"],
        vm["location"],
        props,
    )


def vnet_gateway(
    sub: str, rg: str, name: str, location: str, gateway_type: str, sku: str, public_ip: str | None
) -> Row:
    gw_id = rid(sub, rg, "Microsoft.Network/virtualNetworkGateways", name)
    configs = []
    if public_ip is not None:
        configs.append(
            {
                "name": "default",
                "id": f"{gw_id}/ipConfigurations/default",
                "properties": {
                    "privateIPAllocationMethod": "Dynamic",
                    "publicIPAddress": {"id": public_ip},
                    "subnet": {"id": f"{gw_id.rsplit('/providers/', 1)[0]}/subnets/GatewaySubnet"},
                },
            }
        )
    props = {
        "provisioningState": "Succeeded",
        "gatewayType": gateway_type,
        "vpnType": "RouteBased",
        "vpnGatewayGeneration": "Generation1" if gateway_type == "Vpn" else "None",
        "activeActive": False,
        "enableBgp": False,
        "sku": {"name": sku, "tier": sku, "capacity": 2},
        "ipConfigurations": configs,
    }
    return resource(sub, rg, "Microsoft.Network/virtualNetworkGateways", name, location, props)


def app_insights(sub: str, rg: str, name: str, location: str, workspace: str | None) -> Row:
    """An Application Insights component; classic (no workspace) when `workspace` is None."""
    props: dict[str, Any] = {
        "ApplicationId": name,
        "AppId": guid(f"appid:{name}"),
        "Application_Type": "web",
        "InstrumentationKey": guid(f"ikey:{name}"),
        "IngestionMode": "ApplicationInsights" if workspace is None else "LogAnalytics",
        "provisioningState": "Succeeded",
    }
    if workspace is not None:
        props["WorkspaceResourceId"] = workspace
    return resource(sub, rg, "Microsoft.Insights/components", name, location, props, kind="web")


def lineage_rows(arm: Sequence[Row]) -> list[Row]:
    """The retirements the classic lineage meets next: VM agents, gateway SKUs, classic App Insights,
    and the Basic IP of the Cloud Service (extended support) (exempt from the Basic IP retirement)."""
    p, n, s = SUB_PROD, SUB_NONPROD, SUB_NET
    vms = {r["name"]: r for r in arm if r["type"] == "microsoft.compute/virtualmachines"}
    hub_vpn_pip = rid(s, ER_RG, "Microsoft.Network/publicIPAddresses", "fab-hub-vpngw-pip")
    hub_er_pip = rid(s, ER_RG, "Microsoft.Network/publicIPAddresses", "fab-hub-ergw-pip")
    prod_vpn_pip = rid(p, "fab-prod-network", "Microsoft.Network/publicIPAddresses", "fab-prod-vpngw-pip")
    tracking_rg = "fab-tracking-Migrated"
    workspace = rid(p, "fab-prod-ops", "Microsoft.OperationalInsights/workspaces", "fab-prod-law")
    gw_config = "/ipConfigurations/default"
    return [
        # fab-crm-01 came over from classic with WAD and the MMA; fab-qa-01 kept the MMA only;
        # fab-ops-01 runs the Azure Monitor Agent.
        vm_extension(
            vms["fab-crm-01"], "IaaSDiagnostics", "Microsoft.Azure.Diagnostics", "IaaSDiagnostics", "1.5"
        ),
        vm_extension(
            vms["fab-crm-01"],
            "MicrosoftMonitoringAgent",
            "Microsoft.EnterpriseCloud.Monitoring",
            "MicrosoftMonitoringAgent",
            "1.0",
        ),
        vm_extension(
            vms["fab-qa-01"],
            "MicrosoftMonitoringAgent",
            "Microsoft.EnterpriseCloud.Monitoring",
            "MicrosoftMonitoringAgent",
            "1.0",
        ),
        vm_extension(
            vms["fab-ops-01"],
            "AzureMonitorWindowsAgent",
            "Microsoft.Azure.Monitor",
            "AzureMonitorWindowsAgent",
            "1.22",
        ),
        # Gateways: the migrated classic VPN gateway on a legacy SKU with its Basic IP, the hub's ExpressRoute
        # gateway, and a production VPN gateway on a non-zone-redundant SKU.
        vnet_gateway(s, ER_RG, "fab-hub-vpngw", WEU, "Vpn", "Standard", hub_vpn_pip),
        public_ip(
            s,
            ER_RG,
            "fab-hub-vpngw-pip",
            WEU,
            "203.0.113.50",
            "Basic",
            rid(s, ER_RG, "Microsoft.Network/virtualNetworkGateways", "fab-hub-vpngw") + gw_config,
        ),
        vnet_gateway(s, ER_RG, "fab-hub-ergw", WEU, "ExpressRoute", "Standard", hub_er_pip),
        public_ip(
            s,
            ER_RG,
            "fab-hub-ergw-pip",
            WEU,
            "203.0.113.51",
            "Standard",
            rid(s, ER_RG, "Microsoft.Network/virtualNetworkGateways", "fab-hub-ergw") + gw_config,
        ),
        vnet_gateway(p, "fab-prod-network", "fab-prod-vpngw", WEU, "Vpn", "VpnGw1", prod_vpn_pip),
        public_ip(
            p,
            "fab-prod-network",
            "fab-prod-vpngw-pip",
            WEU,
            "203.0.113.52",
            "Standard",
            rid(p, "fab-prod-network", "Microsoft.Network/virtualNetworkGateways", "fab-prod-vpngw")
            + gw_config,
        ),
        # The Basic VIP of the Cloud Service (extended support): exempt from the Basic IP retirement.
        public_ip(
            p,
            tracking_rg,
            "fab-tracking-vip",
            WEU,
            "203.0.113.60",
            "Basic",
            rid(p, tracking_rg, "Microsoft.Compute/cloudServices", "fab-tracking")
            + "/loadBalancerConfigurations/fab-tracking-lb/frontendIpConfigurations/fab-tracking-fe",
        ),
        # Application Insights: the portal's classic resource and a workspace-based one.
        app_insights(p, "fab-prod-ops", "fab-portal-ai", WEU, None),
        app_insights(p, "fab-prod-ops", "fab-ops-ai", WEU, workspace),
        app_insights(n, "fab-dev-apps", "fab-dev-ai", NEU, None),
        app_insights(
            n,
            "fab-dev-apps",
            "fab-qa-ai",
            NEU,
            rid(n, "fab-dev-apps", "Microsoft.OperationalInsights/workspaces", "fab-dev-law"),
        ),
    ]


# ----------------------------------------------------------------------------------------------------------
# Backup items (recoveryservicesresources)
# ----------------------------------------------------------------------------------------------------------


def backup_item(
    vm_name: str,
    container: str,
    *,
    item_type: str,
    source: str | None,
    vm_id: str | None,
    state: str,
    last_backup: str,
    health: str = "Passed",
) -> Row:
    """A protected item in vault fab-prod-rsv; `container` is e.g. 'iaasvmcontainer;<cs>;<vm>'."""
    vault = rid(SUB_PROD, "fab-prod-ops", "Microsoft.RecoveryServices/vaults", "fab-prod-rsv")
    kind = "IaasVMContainer" if container.startswith("iaasvmcontainer;") else "IaasVMContainerV2"
    item_name = f"VM;{container}"
    item_id = (
        f"{vault}/backupFabrics/Azure/protectionContainers/{kind};{container}/protectedItems/{item_name}"
    )
    props: dict[str, Any] = {
        "friendlyName": vm_name,
        "protectedItemType": item_type,
        "backupManagementType": "AzureIaasVM",
        "workloadType": "VM",
        "containerName": container,
        "protectionState": state,
        "protectionStatus": "Healthy" if state == "Protected" else "Unhealthy",
        "healthStatus": health,
        "lastBackupStatus": "Completed" if state == "Protected" else "",
        "lastBackupTime": last_backup,
        "policyName": "DailyPolicy",
        "policyId": f"{vault}/backupPolicies/DailyPolicy",
        "vaultId": vault,
        "protectedItemDataId": str(int(uuid.UUID(guid(f"pid:{vm_name}"))) % 10**18),
    }
    if source is not None:
        props["sourceResourceId"] = source
    if vm_id is not None:
        props["virtualMachineId"] = vm_id
    return arg_row(
        item_id,
        item_name,
        "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems",
        SUB_PROD,
        "fab-prod-ops",
        WEU,
        props,
    )


def backup_rows() -> list[Row]:
    """Items for classic VMs in the estate, a classic VM no longer in it, and an ARM VM."""
    classic = "Microsoft.ClassicCompute/virtualMachines"
    sql01 = rid(SUB_PROD, PROD_CLASSIC_RG, classic, "fab-sql-01")
    # The same VM id as Azure Backup returns it: different casing from the VM row.
    sql01_other_case = (
        sql01.replace("/subscriptions/", "/Subscriptions/")
        .replace(PROD_CLASSIC_RG, PROD_CLASSIC_RG.upper())
        .replace("/virtualMachines/", "/VirtualMachines/")
    )
    app01 = rid(SUB_PROD, PROD_CLASSIC_RG, classic, "fab-app-01")
    oldfs = rid(SUB_PROD, PROD_CLASSIC_RG, classic, "fab-oldfs-01")
    crm01 = rid(SUB_PROD, "fab-crm-Migrated", "Microsoft.Compute/virtualMachines", "fab-crm-01")
    return [
        backup_item(
            "fab-sql-01",
            "iaasvmcontainer;fab-sql;fab-sql-01",
            item_type=classic,
            source=sql01_other_case,
            vm_id=sql01_other_case,
            state="Protected",
            last_backup="2026-11-01T22:31:07.4418123Z",
        ),
        backup_item(
            "fab-app-01",
            "iaasvmcontainer;fab-app;fab-app-01",
            item_type=classic,
            source=None,
            vm_id=app01,
            state="IRPending",
            last_backup="2001-01-01T00:00:00Z",
        ),
        backup_item(
            "fab-oldfs-01",
            "iaasvmcontainer;fab-oldfs;fab-oldfs-01",
            item_type=classic,
            source=oldfs,
            vm_id=oldfs,
            state="ProtectionStopped",
            last_backup="2023-08-14T21:02:55.1043311Z",
            health="ActionRequired",
        ),
        backup_item(
            "fab-crm-01",
            "iaasvmcontainerv2;fab-crm-Migrated;fab-crm-01",
            item_type="Microsoft.Compute/virtualMachines",
            source=crm01,
            vm_id=crm01,
            state="Protected",
            last_backup="2026-11-01T23:05:41.2209876Z",
        ),
    ]


# ----------------------------------------------------------------------------------------------------------
# Identity (authorizationresources)
# ----------------------------------------------------------------------------------------------------------

CONVERSION_DESCRIPTION = (
    "The Classic Admin role was converted to an Azure Owner role as part of the retirement of classic "
    "administrators."
)


def role_assignment(
    sub: str,
    scope: str,
    role: str,
    principal: str,
    principal_type: str,
    created_on: str,
    created_by: str | None,
    description: str | None = None,
) -> Row:
    """An RBAC role assignment at `scope` (a subscription, resource group or resource id)."""
    name = guid(f"ra:{scope}:{role}:{principal}")
    parts = scope.split("/")
    rg = parts[4] if len(parts) > 4 and parts[3].lower() == "resourcegroups" else ""
    props: dict[str, Any] = {
        "roleDefinitionId": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{role}",
        "principalId": principal,
        "principalType": principal_type,
        "scope": scope,
        "createdOn": created_on,
        "updatedOn": created_on,
        "createdBy": created_by,
        "updatedBy": created_by,
        "condition": None,
        "conditionVersion": None,
    }
    if description is not None:
        props["description"] = description
    return arg_row(
        f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
        name,
        "Microsoft.Authorization/roleAssignments",
        sub,
        rg,
        "",
        props,
    )


def classic_admin(sub: str, puid: str, email: str, role: str, state: str | None) -> Row:
    """A classic subscription administrator (`state=None` leaves adminState out)."""
    props: dict[str, Any] = {"emailAddress": email, "role": role}
    if state is not None:
        props["adminState"] = state
    return arg_row(
        f"/subscriptions/{sub}/providers/Microsoft.Authorization/classicAdministrators/{puid}",
        puid,
        "Microsoft.Authorization/classicAdministrators",
        sub,
        "",
        "",
        props,
    )


def identity_rows() -> list[Row]:
    p, n, s = SUB_PROD, SUB_NONPROD, SUB_NET
    dba_group, ops_group, net_group = guid("group:dba"), guid("group:ops"), guid("group:network")
    it_admin, cto, dev_owner, auditor = (
        guid("user:it-admin"),
        guid("user:cto"),
        guid("user:dev-owner"),
        guid("user:auditor"),
    )
    creator = guid("user:cloud-platform-team")
    classic_vnet_scope = classic_vnet_id(s, "fabcorevnet").replace(
        "/resourceGroups/Default-Networking/providers/", "/resourcegroups/default-networking/providers/"
    )
    return [
        role_assignment(
            p,
            rid(p, PROD_CLASSIC_RG, "Microsoft.ClassicCompute/virtualMachines", "fab-sql-01"),
            ROLE_CLASSIC_VM_CONTRIBUTOR,
            dba_group,
            "Group",
            "2018-04-09T11:20:00Z",
            creator,
        ),
        role_assignment(
            p,
            STORAGE["fabprodvhds01"].id("fabprodvhds01"),
            ROLE_CLASSIC_STORAGE_CONTRIBUTOR,
            ops_group,
            "Group",
            "2018-04-09T11:25:00Z",
            creator,
        ),
        role_assignment(
            p,
            f"/subscriptions/{p}",
            ROLE_OWNER,
            it_admin,
            "User",
            "2024-09-03T02:14:51Z",
            CONVERSION_PRINCIPAL,
            CONVERSION_DESCRIPTION,
        ),
        role_assignment(p, f"/subscriptions/{p}", ROLE_OWNER, cto, "User", "2019-01-15T09:00:00Z", it_admin),
        role_assignment(
            p,
            f"/subscriptions/{p}/resourceGroups/fab-prod-ops",
            ROLE_CONTRIBUTOR,
            ops_group,
            "Group",
            "2021-05-03T08:45:00Z",
            it_admin,
        ),
        role_assignment(
            n,
            f"/subscriptions/{n}",
            ROLE_OWNER,
            dev_owner,
            "User",
            "2024-09-03T02:15:07Z",
            None,
            CONVERSION_DESCRIPTION,
        ),
        role_assignment(
            n,
            cloud_service_id(n, NONPROD_CLASSIC_RG, "fab-dev"),
            ROLE_CLASSIC_VM_CONTRIBUTOR,
            guid("group:developers"),
            "Group",
            "2017-10-02T13:00:00Z",
            dev_owner,
        ),
        role_assignment(
            n, f"/subscriptions/{n}", ROLE_READER, auditor, "User", "2025-02-20T10:00:00Z", it_admin
        ),
        role_assignment(
            s,
            classic_vnet_scope,
            ROLE_CLASSIC_NETWORK_CONTRIBUTOR,
            net_group,
            "Group",
            "2016-08-22T15:30:00Z",
            creator,
        ),
        role_assignment(
            s,
            f"/subscriptions/{s}/resourceGroups/{NET_RG}",
            ROLE_NETWORK_CONTRIBUTOR,
            net_group,
            "Group",
            "2020-06-01T07:00:00Z",
            it_admin,
        ),
        classic_admin(
            p,
            "0003BFFD8A4C2E91",
            "it-admin@fabrikam.example",
            "ServiceAdministrator;AccountAdministrator",
            "Enabled",
        ),
        classic_admin(p, "00037FFE5B1D9A40", "ops-lead@fabrikam.example", "CoAdministrator", "Enabled"),
        classic_admin(p, "0003BFFDC2E8F713", "contractor@contoso.example", "CoAdministrator", "Disabled"),
        classic_admin(n, "00037FFE9D04B6C2", "dev-owner@fabrikam.example", "ServiceAdministrator", "Enabled"),
        classic_admin(n, "0003BFFD1F7A3E58", "billing@fabrikam.example", "AccountAdministrator", "Enabled"),
        classic_admin(s, "00037FFE6A2C0D95", "net-admin@fabrikam.example", "CoAdministrator", None),
    ]


# ----------------------------------------------------------------------------------------------------------
# Resource containers: subscriptions and resource groups
# ----------------------------------------------------------------------------------------------------------

#: Resource groups per subscription: name -> location.
RESOURCE_GROUPS: dict[str, dict[str, str]] = {
    SUB_PROD: {
        PROD_CLASSIC_RG: WEU,
        "fab-ftp": NEU,
        NET_RG: WEU,
        "Default-Storage-WestEurope": WEU,
        "Default-Storage-NorthEurope": NEU,
        "fab-crm-Migrated": WEU,
        "fabcrmvhds01-Migrated": WEU,
        "fab-tracking-Migrated": WEU,
        "fab-prod-ops": WEU,
        "fab-prod-paas": WEU,
        "fab-prod-network": WEU,
        RENDER_RG: WEU,
    },
    SUB_NONPROD: {
        NONPROD_CLASSIC_RG: NEU,
        NET_RG: NEU,
        "Default-Storage-NorthEurope": NEU,
        "fab-qa-Migrated": NEU,
        "fab-dev-apps": NEU,
    },
    SUB_NET: {"fab-dc": WEU, NET_RG: WEU, "Default-Storage-WestEurope": WEU, ER_RG: WEU},
}


def container_rows() -> list[Row]:
    """Subscription and resource-group rows (ARG table resourcecontainers)."""
    rows: list[Row] = []
    for sub, display in SUBSCRIPTIONS.items():
        rows.append(
            arg_row(
                f"/subscriptions/{sub}",
                display,
                "microsoft.resources/subscriptions",
                sub,
                "",
                "",
                {
                    "displayName": display,
                    "state": "Enabled",
                    "subscriptionPolicies": {
                        "locationPlacementId": "Public_2014-09-01",
                        "quotaId": "EnterpriseAgreement_2014-09-01",
                        "spendingLimit": "Off",
                    },
                },
            )
        )
        for rg, location in RESOURCE_GROUPS[sub].items():
            tags = (
                {}
                if rg.startswith("Default-") or rg.endswith("-Migrated")
                else fab_tags("prod" if sub != SUB_NONPROD else "dev", "it-infra")
            )
            rows.append(
                arg_row(
                    f"/subscriptions/{sub}/resourceGroups/{rg}",
                    rg,
                    "microsoft.resources/subscriptions/resourcegroups",
                    sub,
                    rg,
                    location,
                    {"provisioningState": "Succeeded"},
                    tags=tags,
                )
            )
    return rows


# ----------------------------------------------------------------------------------------------------------
# Assembly
# ----------------------------------------------------------------------------------------------------------

#: Types that live in ARG's `resources` table although `dataset_for_type` would route them elsewhere.
_RESOURCES_TABLE_TYPES = frozenset({"microsoft.recoveryservices/vaults"})


def all_rows() -> list[Row]:
    """Every row of the estate, in construction order."""
    from scanner.demo.cses import cses_rows  # it builds its rows with this module's helpers

    arm = arm_rows()
    return [
        *classic_storage_rows(),
        *classic_network_rows(),
        *cloud_service_rows(),
        *classic_vm_rows(),
        *render_farm_rows(),
        *arm,
        *lineage_rows(arm),
        *cses_rows(),
        *expressroute_rows(),
        *backup_rows(),
        *identity_rows(),
        *container_rows(),
    ]


#: Classic VM properties the demo keeps in the `arm_classic_vms` dataset instead of the ARG rows, as a
#: `--arm-details` collection reads them from Resource Manager (scanner/sources/arm.py): the guest agent
#: status and the extensions. The inventory merges them back by id, so the verdicts are the same.
_ARM_ONLY = (("extensions",), ("instanceView", "guestAgentStatus"), ("instanceView", "extensions"))
ARM_CLASSIC_VMS = "arm_classic_vms"


def datasets(rows: Iterable[Row]) -> dict[str, list[Row]]:
    """Rows grouped by ARG table (every dataset present, even when empty), plus the classic VMs' ARM
    details."""
    out: dict[str, list[Row]] = {name: [] for name in (*DATASETS, ARM_CLASSIC_VMS)}
    for row in rows:
        name = "resources" if row["type"] in _RESOURCES_TABLE_TYPES else dataset_for_type(row["type"])
        if row["type"] == "microsoft.classiccompute/virtualmachines":
            row, details = _split_arm_details(row)
            out[ARM_CLASSIC_VMS].append(details)
        out[name].append(row)
    return out


def _split_arm_details(row: Row) -> tuple[Row, Row]:
    """(the ARG row without the ARM-only properties, the ARM GET of the VM holding them)."""
    arg = copy.deepcopy(row)
    moved: dict[str, Any] = {}
    for path in _ARM_ONLY:
        parent, target = arg["properties"], moved
        for key in path[:-1]:
            if not isinstance(parent.get(key), dict):
                break
            parent, target = parent[key], target.setdefault(key, {})
        else:
            if path[-1] in parent:
                target[path[-1]] = parent.pop(path[-1])
    arm = {
        "id": row["id"],
        "name": row["name"],
        "type": "Microsoft.ClassicCompute/virtualMachines",
        "location": row["location"],
        "properties": moved,
    }
    return arg, arm


def meta() -> dict[str, Any]:
    """Manifest fields of the demo snapshot."""
    return {
        "tool_version": "demo",
        "rules_version": "demo",
        "collected_at": COLLECTED_AT,
        "cloud": "public",
        "scope": {
            "tenant_id": TENANT_ID,
            "subscriptions": list(SUBSCRIPTIONS),
            "description": "Fabrikam Logistics demo estate (fictional)",
        },
        "coverage": {"complete": True, "issues": []},
        "arm_details": {
            "api_versions": {"classic_vms": API_VERSIONS["classic_vms"]},
            "issues": [],
        },
    }


def build(directory: Path = OUT_DIR) -> dict[str, Any]:
    """Write the demo snapshot to `directory`; returns the manifest."""
    rows = all_rows()
    duplicates = sorted(i for i, n in Counter(r["id"].lower() for r in rows).items() if n > 1)
    if duplicates:
        raise ValueError(f"duplicate ids in the demo estate: {duplicates}")
    query = f"GET {PATHS['classic_vms']}?api-version={API_VERSIONS['classic_vms']}"
    return write_snapshot(directory, datasets(rows), meta(), queries={ARM_CLASSIC_VMS: query})


def main() -> None:
    manifest = build()
    for name, entry in manifest["datasets"].items():
        print(f"{name}: {entry['rows']} rows -> {OUT_DIR / entry['file']}")


if __name__ == "__main__":
    main()
