"""Small builders of ARG rows shaped as reference/resource-graph.md describes, for tests.

Every builder returns a plain dict as ARG would, built by the project's one row factory
(tests/rowfactory) with the tests' defaults (subscription SUB, group rg1, tenant TENANT); `props`
replaces the default properties and `extra` merges top-level keys. Helpers `verdicts` / `findings`
evaluate a rule over rows.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from scanner.engine.evaluate import evaluate
from scanner.engine.rules import RulePack, load_pack
from scanner.inventory import Inventory, build_inventory
from scanner.snapshot import DATASETS, Snapshot, dataset_for_type
from tests.rowfactory import arg_row, authorization_row, backup_item_row, container_row, resource_id

SUB = "11111111-1111-1111-1111-111111111111"
SUB2 = "22222222-2222-2222-2222-222222222222"
TENANT = "99999999-9999-9999-9999-999999999999"
AS_OF = date(2026, 11, 26)

#: Every id RULES.md specifies (kept here too, so the test runs without ../shared).
SPEC_IDS = (
    [f"RET-{i:03d}" for i in range(1, 13)]
    + [f"VM-{i:03d}" for i in range(1, 15)]
    + [f"CS-{i:03d}" for i in range(1, 5)]
    + [f"NET-{i:03d}" for i in range(1, 8)]
    + [f"ER-{i:03d}" for i in range(1, 4)]
    + [
        "ST-001",
        "ST-002",
        "BK-001",
        "BK-002",
        "IAM-001",
        "IAM-002",
        "CAP-001",
        "MON-001",
        "MON-002",
        "POST-001",
        "POST-002",
        "POST-003",
    ]
    + [f"MAN-{i:03d}" for i in range(1, 10)]
    # added by the December 2026 rule review
    + [f"RET-{i:03d}" for i in range(13, 20)]
    + ["NET-008", "NET-009", "MAN-010", "MAN-011", "MAN-012"]
)

_PACK: RulePack | None = None


def pack() -> RulePack:
    global _PACK
    if _PACK is None:
        _PACK = load_pack()
    return _PACK


def rid(provider_type: str, name: str, rg: str = "rg1", sub: str = SUB) -> str:
    """tests/rowfactory's resource id with the tests' defaults."""
    return resource_id(sub, rg, provider_type, name)


def row(
    provider_type: str,
    name: str,
    props: dict[str, Any] | None = None,
    *,
    rg: str = "rg1",
    sub: str = SUB,
    location: str = "westeurope",
    **extra: Any,
) -> dict[str, Any]:
    return arg_row(
        rid(provider_type, name, rg, sub),
        name,
        provider_type,
        sub,
        rg,
        location,
        props if props is not None else {},
        tenant=TENANT,
        **extra,
    )


def subscription(name: str, props: dict[str, Any] | None = None, *, sub: str = SUB) -> dict[str, Any]:
    """The resourcecontainers row of subscription `sub`, named `name` (ARG gives its display name)."""
    return container_row(sub, name, props if props is not None else {}, tenant=TENANT)


def resource_group(name: str, *, sub: str = SUB, location: str = "westeurope") -> dict[str, Any]:
    """The resourcecontainers row of resource group `name`."""
    return container_row(
        sub, name, {"provisioningState": "Succeeded"}, tenant=TENANT, rg=name, location=location
    )


def classic_administrator(name: str, props: dict[str, Any], *, sub: str = SUB) -> dict[str, Any]:
    """An authorizationresources classic administrator row (no resource group in its id)."""
    return authorization_row(
        f"/subscriptions/{sub}", "classicAdministrators", name, props, sub=sub, tenant=TENANT
    )


def role_assignment_row(scope: str, name: str, props: dict[str, Any], *, sub: str = SUB) -> dict[str, Any]:
    """An authorizationresources role assignment whose id sits under `scope`."""
    return authorization_row(scope, "roleAssignments", name, props, sub=sub, tenant=TENANT)


def protected_item(
    vault_id: str, container: str, item: str, props: dict[str, Any], *, rg: str = "ops", sub: str = SUB
) -> dict[str, Any]:
    """A recoveryservicesresources protected item in the Azure fabric's `container` of `vault_id`."""
    return backup_item_row(
        vault_id, container, item, props, sub=sub, rg=rg, location="westeurope", tenant=TENANT
    )


def classic_vm(
    name: str = "vm1",
    cs: str = "cs1",
    vnet: str | None = "vnet1",
    *,
    sub: str = SUB,
    rg: str = "cs1",
    **overrides: Any,
) -> dict[str, Any]:
    """A healthy, migratable classic VM; `overrides` replace top-level property keys."""
    props: dict[str, Any] = {
        "domainName": {
            "id": rid("Microsoft.ClassicCompute/domainNames", cs, rg, sub),
            "name": cs,
            "type": "Microsoft.ClassicCompute/domainNames",
        },
        "hardwareProfile": {"size": "Standard_D2", "platformGuestAgent": True},
        "instanceView": {
            "status": "ReadyRole",
            "powerState": "Started",
            "guestAgentStatus": {"status": "Ready", "guestAgentVersion": "2.7.41491.1010"},
            "privateIpAddress": "10.0.0.4",
        },
        "networkProfile": {"inputEndpoints": []},
        "storageProfile": {
            "operatingSystemDisk": {
                "diskName": f"{name}-os",
                "operatingSystem": "Windows",
                "vhdUri": f"https://stor1.blob.core.windows.net/vhds/{name}-os.vhd",
                "storageAccount": {"name": "stor1"},
            },
            "dataDisks": [],
        },
        "extensions": [],
        "debugProfile": {"bootDiagnosticsEnabled": False},
    }
    if vnet is not None:
        props["networkProfile"]["virtualNetwork"] = {
            "id": rid("Microsoft.ClassicNetwork/virtualNetworks", vnet, "net", sub),
            "name": vnet,
            "type": "Microsoft.ClassicNetwork/virtualNetworks",
            "subnetNames": ["Subnet-1"],
        }
    props.update(copy.deepcopy(overrides))
    return row("Microsoft.ClassicCompute/virtualMachines", name, props, rg=rg, sub=sub)


def cloud_service(name: str = "cs1", *, sub: str = SUB, rg: str = "cs1") -> dict[str, Any]:
    return row(
        "Microsoft.ClassicCompute/domainNames",
        name,
        {"hostName": f"{name}.cloudapp.net", "status": "Created", "label": name},
        rg=rg,
        sub=sub,
    )


def classic_storage(
    name: str = "stor1", account_type: str = "Standard-LRS", *, sub: str = SUB
) -> dict[str, Any]:
    return row(
        "Microsoft.ClassicStorage/storageAccounts",
        name,
        {
            "accountType": account_type,
            "status": "Created",
            "endpoints": [f"https://{name}.blob.core.windows.net/"],
        },
        rg="storage",
        sub=sub,
    )


def classic_vnet(
    name: str = "vnet1",
    prefixes: list[str] | None = None,
    subnets: list[dict[str, str]] | None = None,
    *,
    sub: str = SUB,
) -> dict[str, Any]:
    return row(
        "Microsoft.ClassicNetwork/virtualNetworks",
        name,
        {
            "addressSpace": {"addressPrefixes": prefixes or ["10.0.0.0/16"]},
            "subnets": subnets
            if subnets is not None
            else [{"name": "Subnet-1", "addressPrefix": "10.0.0.0/24"}],
            "status": "Created",
        },
        rg="net",
        sub=sub,
    )


def er_circuit_with_keys(
    name: str = "er1",
    *,
    sub: str = SUB,
    service_key: str = "SECRET-SERVICE-KEY",
    authorization_key: str = "SECRET-AUTH-KEY",
) -> dict[str, Any]:
    """An ExpressRoute circuit that allows classic operations and carries both secrets the scanner must
    drop: its `serviceKey` and one authorization's `authorizationKey` (in use)."""
    return row(
        "Microsoft.Network/expressRouteCircuits",
        name,
        {
            "allowClassicOperations": True,
            "serviceKey": service_key,
            "authorizations": [
                {
                    "name": "a1",
                    "properties": {"authorizationKey": authorization_key, "authorizationUseStatus": "InUse"},
                }
            ],
        },
        sub=sub,
    )


def arm_vm(
    name: str = "armvm1", size: str | None = "Standard_D2s_v3", *, rg: str = "app-Migrated", sub: str = SUB
) -> dict[str, Any]:
    """An ARM VM on managed disks (what a migrated VM looks like once converted)."""
    props: dict[str, Any] = {
        "vmId": "0c8a6f1e-1111-4a2b-9c3d-000000000001",
        "storageProfile": {
            "osDisk": {
                "osType": "Windows",
                "name": f"{name}-os",
                "createOption": "Attach",
                "managedDisk": {"id": rid("Microsoft.Compute/disks", f"{name}-os", rg, sub)},
            },
            "dataDisks": [],
        },
    }
    if size is not None:
        props["hardwareProfile"] = {"vmSize": size}
    return row("Microsoft.Compute/virtualMachines", name, props, rg=rg, sub=sub)


def vm_extension(vm: dict[str, Any], name: str, publisher: str, extension_type: str) -> dict[str, Any]:
    """An extension row of an ARM VM (type microsoft.compute/virtualmachines/extensions)."""
    out = row(
        "Microsoft.Compute/virtualMachines/extensions",
        name,
        {
            "publisher": publisher,
            "type": extension_type,
            "typeHandlerVersion": "1.5",
            "autoUpgradeMinorVersion": True,
            "provisioningState": "Succeeded",
        },
        rg=vm["resourceGroup"],
        sub=vm["subscriptionId"],
    )
    out["id"] = f"{vm['id']}/extensions/{name}"
    out["name"] = f"{vm['name']}/{name}"
    return out


def vnet_gateway(
    name: str = "gw1",
    gateway_type: str | None = "Vpn",
    sku: str | None = "VpnGw1AZ",
    public_ips: list[str] | None = None,
    *,
    rg: str = "net-Migrated",
) -> dict[str, Any]:
    """An ARM virtual network gateway; `public_ips` are ids of its public IP addresses."""
    props: dict[str, Any] = {
        "provisioningState": "Succeeded",
        "vpnType": "RouteBased",
        "vpnGatewayGeneration": "Generation1",
        "ipConfigurations": [
            {
                "name": f"ipconfig{i}",
                "properties": {
                    "publicIPAddress": {"id": ip},
                    "subnet": {
                        "id": rid("Microsoft.Network/virtualNetworks", "vnet1", rg) + "/subnets/GatewaySubnet"
                    },
                },
            }
            for i, ip in enumerate(public_ips or [])
        ],
    }
    if gateway_type is not None:
        props["gatewayType"] = gateway_type
    if sku is not None:
        props["sku"] = {"name": sku, "tier": sku, "capacity": 2}
    return row("Microsoft.Network/virtualNetworkGateways", name, props, rg=rg)


def app_insights(
    name: str = "ai1", workspace: str | None = None, *, rg: str = "monitoring"
) -> dict[str, Any]:
    """An Application Insights component; classic when `workspace` is None."""
    props: dict[str, Any] = {
        "Application_Type": "web",
        "InstrumentationKey": "00000000-0000-4000-8000-00000000000a",
        "IngestionMode": "ApplicationInsights" if workspace is None else "LogAnalytics",
        "provisioningState": "Succeeded",
    }
    if workspace is not None:
        props["WorkspaceResourceId"] = workspace
    return row("Microsoft.Insights/components", name, props, rg=rg, kind="web")


def snapshot(rows: list[dict[str, Any]], collected: tuple[str, ...] = DATASETS) -> Snapshot:
    by: dict[str, list[dict[str, Any]]] = {d: [] for d in DATASETS}
    for r in rows:
        by[dataset_for_type(r["type"])].append(r)
    return Snapshot(rows=by, collected=frozenset(collected))


def inventory(rows: list[dict[str, Any]], collected: tuple[str, ...] = DATASETS) -> Inventory:
    return build_inventory(snapshot(rows, collected))


def verdicts(
    rule_id: str,
    rows: list[dict[str, Any]],
    *,
    cloud: str = "public",
    as_of: date = AS_OF,
    collected: tuple[str, ...] = DATASETS,
) -> dict[str, str]:
    """resource name -> status of one rule over `rows`."""
    full = pack()
    rule = full.get(rule_id)
    assert rule is not None, rule_id
    one = RulePack((rule,), full.calendar, full.version)
    result = evaluate(one, inventory(rows, collected), as_of, cloud)
    assert not result.errors, result.errors
    return dict(zip(result.findings["resource_name"], result.findings["status"], strict=True))


def findings(rule_id: str, rows: list[dict[str, Any]], **kwargs: Any) -> list[dict[str, Any]]:
    full = pack()
    rule = full.get(rule_id)
    assert rule is not None, rule_id
    one = RulePack((rule,), full.calendar, full.version)
    result = evaluate(
        one,
        inventory(rows, kwargs.get("collected", DATASETS)),
        kwargs.get("as_of", AS_OF),
        kwargs.get("cloud", "public"),
    )
    return list(result.findings.to_dict("records"))


#: Secrets planted by secret_rows(); none may reach a snapshot, a report or a log.
PLANTED_SECRETS = (
    "SHAREDKEY-SECRET-1",
    "SASSIG-SECRET-2",
    "SASPKG-SECRET-3",
    "CSCFG-ACCOUNTKEY-SECRET-4",
    "CSCFG-PASSWORD-SECRET-5",
    "CSCFG-COMMENT-SECRET-6",
    "VHD-SAS-SECRET-7",
)
CSCFG = """<?xml version="1.0" encoding="utf-16"?>
<ServiceConfiguration serviceName="cses1" osFamily="6" osVersion="*" schemaVersion="2015-04.2.6"
    xmlns="http://schemas.microsoft.com/ServiceHosting/2008/10/ServiceConfiguration">
  <!-- old key: CSCFG-COMMENT-SECRET-6 -->
  <Role name="WebRole1">
    <Instances count="3" />
    <ConfigurationSettings>
      <Setting name="StorageConnection"
        value="DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=CSCFG-ACCOUNTKEY-SECRET-4" />
      <Setting name="AdminPassword" value="CSCFG-PASSWORD-SECRET-5" />
    </ConfigurationSettings>
    <Certificates>
      <Certificate name="ssl" thumbprint="0123456789ABCDEF0123456789ABCDEF01234567"
        thumbprintAlgorithm="sha1" />
    </Certificates>
  </Role>
</ServiceConfiguration>
"""


def secret_rows(sub: str = SUB) -> list[dict[str, Any]]:
    """Rows carrying each kind of secret the scanner strips (besides ExpressRoute keys): a connection's
    sharedKey, SAS query strings on URIs, and a Cloud Services (extended support) .cscfg."""
    connection = row(
        "Microsoft.Network/connections",
        "conn1",
        {"connectionType": "ExpressRoute", "sharedKey": "SHAREDKEY-SECRET-1"},
        sub=sub,
    )
    cses = row(
        "Microsoft.Compute/cloudServices",
        "cses1",
        {
            "configuration": CSCFG,
            "configurationUrl": "https://acct.blob.core.windows.net/cfg/app.cscfg?sv=2022-11-02&sig=SASSIG-SECRET-2",
            "packageUrl": "https://acct.blob.core.windows.net/pkg/app.cspkg?sp=r&sig=SASPKG-SECRET-3&se=2099",
            "roleProfile": {
                "roles": [{"name": "WebRole1", "sku": {"name": "Standard_D1_v2", "capacity": 3}}]
            },
        },
        sub=sub,
    )
    vm = classic_vm("vm-sas", "cs-sas", sub=sub)
    vm["properties"]["storageProfile"]["operatingSystemDisk"]["vhdUri"] += "?sv=2022&sig=VHD-SAS-SECRET-7"
    return [connection, cses, vm, cloud_service("cs-sas", sub=sub)]


CSES = "Microsoft.Compute/cloudServices"


def cses_public_ip(name: str, sku: str) -> dict[str, Any]:
    return row(
        "Microsoft.Network/publicIPAddresses",
        name,
        {"publicIPAllocationMethod": "Static"},
        sku={"name": sku, "tier": "Regional"},
    )


def full_cses(name: str = "web", ip_id: str | None = None) -> dict[str, Any]:
    """A Cloud Service (extended support) with every profile, shaped like the CloudserviceRP 2024-11-04 GET
    example: two roles (D1_v2, G2), the CSCFG below (family 6), two Key Vault certificates, a staging
    side with a swap partner, the Diagnostics and RDP extensions, zone 1; public frontend when `ip_id`."""
    vault = rid("Microsoft.KeyVault/vaults", "kv-web", "web-Migrated")
    frontend: dict[str, Any] = {"name": "fe", "properties": {}}
    if ip_id:
        frontend["properties"]["publicIPAddress"] = {"id": ip_id}
    else:
        frontend["properties"] = {"subnet": {"id": "/x/subnets/s"}, "privateIPAddress": "10.0.0.9"}
    props = {
        "configuration": CSCFG,
        "upgradeMode": "Auto",
        "roleProfile": {
            "roles": [
                {"name": "WebRole1", "sku": {"name": "Standard_D1_v2", "tier": "Standard", "capacity": 3}},
                {"name": "Worker", "sku": {"name": "Standard_G2", "tier": "Standard", "capacity": 2}},
            ]
        },
        "osProfile": {
            "secrets": [
                {
                    "sourceVault": {"id": vault},
                    "vaultCertificates": [{"certificateUrl": "https://kv-web.vault.azure.net/secrets/c/1"}]
                    * 2,
                }
            ]
        },
        "networkProfile": {
            "loadBalancerConfigurations": [
                {"name": "lb", "properties": {"frontendIpConfigurations": [frontend]}}
            ],
            "slotType": "Staging",
            "swappableCloudService": {"id": rid(CSES, "web-prod", "web-Migrated")},
        },
        "extensionProfile": {
            "extensions": [
                {
                    "name": "diag",
                    "properties": {
                        "publisher": "Microsoft.Azure.Diagnostics",
                        "type": "PaaSDiagnostics",
                        "rolesAppliedTo": ["WebRole1"],
                    },
                },
                {
                    "name": "rdp",
                    "properties": {"publisher": "Microsoft.Windows.Azure.Extensions", "type": "RDP"},
                },
            ]
        },
    }
    return row(CSES, name, props, rg="web-Migrated", zones=["1"])
