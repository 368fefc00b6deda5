"""Rows for the retirements the classic lineage meets next (VM agents, gateway SKUs, classic
Application Insights, A-series v1 sizes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.rowfactory import Row, resource_id
from tools.demo.arm_builders import public_ip
from tools.demo.company import ER_RG, NEU, SUB_NET, SUB_NONPROD, SUB_PROD, WEU, arg_row, guid, resource


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
    gw_id = resource_id(sub, rg, "Microsoft.Network/virtualNetworkGateways", name)
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


def next_retirement_rows(arm: Sequence[Row]) -> list[Row]:
    """The retirements the classic lineage meets next: VM agents, gateway SKUs, classic App Insights,
    and the Basic IP of the Cloud Service (extended support) (exempt from the Basic IP retirement)."""
    p, n, s = SUB_PROD, SUB_NONPROD, SUB_NET
    vms = {r["name"]: r for r in arm if r["type"] == "microsoft.compute/virtualmachines"}
    hub_vpn_pip = resource_id(s, ER_RG, "Microsoft.Network/publicIPAddresses", "fab-hub-vpngw-pip")
    hub_er_pip = resource_id(s, ER_RG, "Microsoft.Network/publicIPAddresses", "fab-hub-ergw-pip")
    prod_vpn_pip = resource_id(
        p, "fab-prod-network", "Microsoft.Network/publicIPAddresses", "fab-prod-vpngw-pip"
    )
    tracking_rg = "fab-tracking-Migrated"
    workspace = resource_id(p, "fab-prod-ops", "Microsoft.OperationalInsights/workspaces", "fab-prod-law")
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
            resource_id(s, ER_RG, "Microsoft.Network/virtualNetworkGateways", "fab-hub-vpngw") + gw_config,
        ),
        vnet_gateway(s, ER_RG, "fab-hub-ergw", WEU, "ExpressRoute", "Standard", hub_er_pip),
        public_ip(
            s,
            ER_RG,
            "fab-hub-ergw-pip",
            WEU,
            "203.0.113.51",
            "Standard",
            resource_id(s, ER_RG, "Microsoft.Network/virtualNetworkGateways", "fab-hub-ergw") + gw_config,
        ),
        vnet_gateway(p, "fab-prod-network", "fab-prod-vpngw", WEU, "Vpn", "VpnGw1", prod_vpn_pip),
        public_ip(
            p,
            "fab-prod-network",
            "fab-prod-vpngw-pip",
            WEU,
            "203.0.113.52",
            "Standard",
            resource_id(p, "fab-prod-network", "Microsoft.Network/virtualNetworkGateways", "fab-prod-vpngw")
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
            resource_id(p, tracking_rg, "Microsoft.Compute/cloudServices", "fab-tracking")
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
            resource_id(n, "fab-dev-apps", "Microsoft.OperationalInsights/workspaces", "fab-dev-law"),
        ),
    ]
