"""ARM resources of the estate: migration residue and services that can sit in classic VNets."""

from __future__ import annotations

from tests.rowfactory import Row, resource_id
from tools.demo.arm_builders import (
    alert_rule,
    arm_storage,
    arm_vm,
    arm_vnet,
    autoscale,
    key_vault,
    load_balancer,
    managed_disk,
    public_ip,
    vhd_disk,
)
from tools.demo.classic_builders import classic_vnet_id, cloud_service_id
from tools.demo.company import (
    NEU,
    PROD_CLASSIC_RG,
    SUB_NET,
    SUB_NONPROD,
    SUB_PROD,
    WEU,
    fab_tags,
    guid,
    resource,
)


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
    crm_lb = resource_id(p, crm_rg, "Microsoft.Network/loadBalancers", "fab-crm-LB")
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
                    "id": resource_id(p, crm_rg, "Microsoft.Network/publicIPAddresses", "fab-crm-PublicIP")
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
                                                "id": resource_id(
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
            resource_id(p, pnet_rg, "Microsoft.Network/applicationGateways", "fab-ops-agw")
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
                    "id": resource_id(p, pnet_rg, "Microsoft.Network/virtualNetworks", "fab-prod-vnet")
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
                    resource_id(
                        SUB_NET, "fab-net-connectivity", "Microsoft.Network/virtualNetworks", "fab-hub-vnet"
                    ),
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
            resource_id(p, PROD_CLASSIC_RG, "Microsoft.ClassicCompute/virtualMachines", "fab-sql-01"),
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
            resource_id(p, ops_rg, "Microsoft.Compute/virtualMachines", "fab-ops-01"),
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
            resource_id(n, devapps_rg, "Microsoft.Compute/virtualMachineScaleSets", "fab-batch-vmss"),
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
            resource_id(n, devapps_rg, "Microsoft.Network/networkInterfaces", "fab-build-01-nic")
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
