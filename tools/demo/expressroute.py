"""ExpressRoute circuits and connections of the shared networking subscription."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.rowfactory import Row, resource_id
from tools.demo.arm_builders import arm_vnet
from tools.demo.company import ER_RG, NEU, SUB_NET, SUB_PROD, WEU, arg_row, fab_tags, guid, resource


def er_circuit_id(name: str) -> str:
    return resource_id(SUB_NET, ER_RG, "Microsoft.Network/expressRouteCircuits", name)


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
    prod_conn = resource_id(SUB_PROD, "fab-prod-network", "Microsoft.Network/connections", "fab-prod-er-conn")
    hub_gw = resource_id(SUB_NET, ER_RG, "Microsoft.Network/virtualNetworkGateways", "fab-hub-ergw")
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
                    "id": resource_id(
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
                    "id": resource_id(
                        SUB_NET, ER_RG, "Microsoft.Network/virtualNetworkGateways", "fab-hub-vpngw"
                    )
                },
                "localNetworkGateway2": {
                    "id": resource_id(
                        SUB_NET, ER_RG, "Microsoft.Network/localNetworkGateways", "fab-hq-rotterdam"
                    )
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
                    resource_id(
                        SUB_PROD, "fab-prod-network", "Microsoft.Network/virtualNetworks", "fab-prod-vnet"
                    ),
                )
            ],
            tags=fab_tags("prod", "network-team"),
        ),
    ]
