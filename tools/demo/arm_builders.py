"""Builders of ARM rows: VMs and their disks, public IPs, load balancers, vaults, storage, VNets,
classic alert rules and autoscale settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.rowfactory import Row, resource_id
from tools.demo.company import TENANT_ID, guid, resource


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
                    "id": resource_id(sub, rg, "Microsoft.Network/networkInterfaces", f"{name}-nic"),
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
            "id": resource_id(sub, rg, "Microsoft.Compute/disks", name),
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
    lb_id = resource_id(sub, rg, "Microsoft.Network/loadBalancers", name)
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
    vnet_id = resource_id(sub, rg, "Microsoft.Network/virtualNetworks", name)
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
