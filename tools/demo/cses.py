"""Demo Cloud Services (extended support) deployments: one per CSES rule and per target the plan can
recommend (see the CSES lines of tools/demo/expected.yaml)."""

from __future__ import annotations

from typing import Any

from tests.rowfactory import Row, resource_id
from tools.demo.arm_builders import public_ip
from tools.demo.company import NEU, SUB_NONPROD, SUB_PROD, WEU, fab_tags, guid, resource

CSES_TYPE = "Microsoft.Compute/cloudServices"
_CSCFG_NS = "http://schemas.microsoft.com/ServiceHosting/2008/10/ServiceConfiguration"


def cscfg(service: str, family: str, roles: dict[str, int]) -> str:
    """A .cscfg; its one setting value is a storage connection string, which the snapshot writer strips."""
    body = "".join(
        f'<Role name="{role}"><Instances count="{count}" /><ConfigurationSettings>'
        '<Setting name="Diagnostics.ConnectionString" value="DefaultEndpointsProtocol=https;'
        f'AccountName=fabdiag;AccountKey=ZmFicmlrYW0tZGVtby1vbmx5" /></ConfigurationSettings></Role>'
        for role, count in roles.items()
    )
    return (
        f'<ServiceConfiguration serviceName="{service}" osFamily="{family}" osVersion="*" '
        f'schemaVersion="2015-04.2.6" xmlns="{_CSCFG_NS}">{body}</ServiceConfiguration>'
    )


def cses(
    sub: str,
    rg: str,
    name: str,
    location: str,
    *,
    family: str,
    roles: dict[str, tuple[str, int]],
    ip_id: str | None,
    slot: str = "Production",
    partner: str | None = None,
    vault_certificates: int = 0,
    diagnostics: bool = False,
    tags: dict[str, str] | None = None,
) -> Row:
    """A Cloud Service (extended support) as an ARM GET returns it (all profiles present)."""
    frontend: dict[str, Any] = (
        {"publicIPAddress": {"id": ip_id}}
        if ip_id
        else {
            "subnet": {
                "id": resource_id(sub, rg, "Microsoft.Network/virtualNetworks", f"{name}-vnet")
                + "/subnets/default"
            },
            "privateIPAddress": "10.40.0.10",
        }
    )
    network: dict[str, Any] = {
        "loadBalancerConfigurations": [
            {
                "name": f"{name}-lb",
                "properties": {"frontendIpConfigurations": [{"name": f"{name}-fe", "properties": frontend}]},
            }
        ],
        "slotType": slot,
    }
    if partner:
        network["swappableCloudService"] = {"id": resource_id(sub, rg, CSES_TYPE, partner)}
    vault = resource_id(sub, rg, "Microsoft.KeyVault/vaults", f"{name}-kv")
    secrets = (
        [
            {
                "sourceVault": {"id": vault},
                "vaultCertificates": [
                    {"certificateUrl": f"https://{name}-kv.vault.azure.net/secrets/cert{i}/{guid(name)[:8]}"}
                    for i in range(vault_certificates)
                ],
            }
        ]
        if vault_certificates
        else []
    )
    first_role = next(iter(roles))
    extensions = (
        [
            {
                "name": "PaaSDiagnostics",
                "properties": {
                    "publisher": "Microsoft.Azure.Diagnostics",
                    "type": "PaaSDiagnostics",
                    "typeHandlerVersion": "1.5",
                    "autoUpgradeMinorVersion": True,
                    "rolesAppliedTo": [first_role],
                },
            }
        ]
        if diagnostics
        else []
    )
    props = {
        "provisioningState": "Succeeded",
        "uniqueId": guid(f"cses:{name}"),
        "upgradeMode": "Auto",
        "configuration": cscfg(name, family, {r: c for r, (_, c) in roles.items()}),
        "roleProfile": {
            "roles": [
                {"name": r, "sku": {"name": size, "tier": "Standard", "capacity": c}}
                for r, (size, c) in roles.items()
            ]
        },
        "osProfile": {"secrets": secrets},
        "networkProfile": network,
        "extensionProfile": {"extensions": extensions},
    }
    return resource(sub, rg, CSES_TYPE, name, location, props, tags=tags)


def cses_rows() -> list[Row]:
    """Five deployments: a web role on family 4 behind a Basic IP, a worker role on a G-series size, a
    blue/green swap pair (blue with Key Vault certificates and Diagnostics), and one ready to move."""
    p, n = SUB_PROD, SUB_NONPROD
    prod, dev = fab_tags("prod", "web-team"), fab_tags("dev", "web-team")
    shop_rg, render_rg, api_rg, dev_rg = (
        "fab-shop-cses",
        "fab-render-cses",
        "fab-api-cses",
        "fab-dev-cses",
    )

    def ip(sub: str, rg: str, name: str, address: str, sku: str, tags: dict[str, str]) -> Row:
        return public_ip(sub, rg, name, WEU if sub == p else NEU, address, sku, None, tags)

    return [
        cses(
            p,
            shop_rg,
            "fab-shop",
            WEU,
            family="4",
            roles={"WebRole1": ("Standard_D2_v2", 2)},
            ip_id=resource_id(p, shop_rg, "Microsoft.Network/publicIPAddresses", "fab-shop-vip"),
            tags=prod,
        ),
        ip(p, shop_rg, "fab-shop-vip", "203.0.113.70", "Basic", prod),
        cses(
            p,
            render_rg,
            "fab-render-svc",
            WEU,
            family="6",
            roles={"RenderWorker": ("Standard_G2", 4)},
            ip_id=None,
            tags=prod,
        ),
        cses(
            p,
            api_rg,
            "fab-api-blue",
            WEU,
            family="7",
            roles={"ApiWebRole": ("Standard_D2_v2", 2), "QueueWorker": ("Standard_D1_v2", 2)},
            ip_id=resource_id(p, api_rg, "Microsoft.Network/publicIPAddresses", "fab-api-blue-ip"),
            partner="fab-api-green",
            vault_certificates=2,
            diagnostics=True,
            tags=prod,
        ),
        ip(p, api_rg, "fab-api-blue-ip", "203.0.113.71", "Standard", prod),
        cses(
            p,
            api_rg,
            "fab-api-green",
            WEU,
            family="7",
            roles={"ApiWebRole": ("Standard_D2_v2", 2), "QueueWorker": ("Standard_D1_v2", 2)},
            ip_id=resource_id(p, api_rg, "Microsoft.Network/publicIPAddresses", "fab-api-green-ip"),
            slot="Staging",
            partner="fab-api-blue",
            tags=prod,
        ),
        ip(p, api_rg, "fab-api-green-ip", "203.0.113.72", "Standard", prod),
        cses(
            n,
            dev_rg,
            "fab-dev-web",
            NEU,
            family="7",
            roles={"WebRole1": ("Standard_D1_v2", 1)},
            ip_id=resource_id(n, dev_rg, "Microsoft.Network/publicIPAddresses", "fab-dev-web-ip"),
            tags=dev,
        ),
        ip(n, dev_rg, "fab-dev-web-ip", "198.51.100.40", "Standard", dev),
    ]
