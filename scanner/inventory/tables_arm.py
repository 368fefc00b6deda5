"""Inventory tables of the ARM resources the rules read around the classic estate: ExpressRoute, backup,
access, ARM VMs and networking, Cloud Services (extended support), monitoring and the VNet tenants."""

from __future__ import annotations

from scanner.inventory.schema import TableGroup
from scanner.inventory.schema import column as _c

ARM = TableGroup()

ARM.add(
    "er_circuit",
    "An ExpressRoute circuit (ARM). authorizationKey and serviceKey are dropped on load.",
    ("microsoft.network/expressroutecircuits",),
    _c("allow_classic_operations", "bool", "properties.allowClassicOperations."),
    _c(
        "authorizations_in_use",
        "list",
        "Names of properties.authorizations[] whose authorizationUseStatus "
        "is InUse; NA when authorizations are absent.",
    ),
    _c("authorization_count", "int", "len(properties.authorizations)."),
    _c("service_provider", "str", "properties.serviceProviderProperties.serviceProviderName."),
    _c("sku_tier", "str", "sku.tier."),
)

ARM.add(
    "er_connection",
    "An ExpressRoute connection (microsoft.network/connections of type ExpressRoute).",
    ("microsoft.network/connections",),
    _c("connection_type", "str", "properties.connectionType."),
    _c("circuit_id", "str", "properties.peer.id (the circuit)."),
    _c("circuit_subscription_id", "str", "Subscription parsed from circuit_id."),
    _c(
        "cross_subscription",
        "bool",
        "The circuit is in another subscription than the connection; NA when either is unknown.",
    ),
    _c(
        "circuit_allows_classic_operations",
        "bool",
        "allowClassicOperations of the circuit (matched by circuit_id among scanned circuits); NA when the "
        "circuit is not in the scan.",
    ),
)

ARM.add(
    "backup_item",
    "A Recovery Services backup item (protected item).",
    ("microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems",),
    _c("protected_item_type", "str", "properties.protectedItemType."),
    _c("source_resource_id", "str", "properties.sourceResourceId, else properties.virtualMachineId."),
    _c("is_classic_vm", "bool", "It protects a classic VM (item type or source id is ClassicCompute)."),
    _c("source_in_scan", "bool", "The protected VM is among the scanned classic VMs."),
    _c("friendly_name", "str", "properties.friendlyName."),
    _c("protection_state", "str", "properties.protectionState."),
    _c("last_backup_time", "str", "properties.lastBackupTime."),
)

ARM.add(
    "role_assignment",
    "An Azure RBAC role assignment.",
    ("microsoft.authorization/roleassignments",),
    _c("scope", "str", "properties.scope."),
    _c("role_definition_id", "str", "properties.roleDefinitionId (lower-cased)."),
    _c("role_definition_guid", "str", "Last segment of role_definition_id (8e3af657-... is Owner)."),
    _c("principal_id", "str", "properties.principalId."),
    _c("created_by", "str", "properties.createdBy."),
    _c("description", "str", "properties.description."),
)

ARM.add(
    "classic_admin",
    "A classic subscription administrator (authorizationresources).",
    ("microsoft.authorization/classicadministrators",),
    _c(
        "roles",
        "list",
        "properties.role split on ';' and ',' (ServiceAdministrator, CoAdministrator, AccountAdministrator).",
    ),
    _c("admin_state", "str", "properties.adminState (Enabled/Disabled)."),
    _c("email", "str", "properties.emailAddress."),
)

ARM.add(
    "arm_vm",
    "An ARM virtual machine.",
    ("microsoft.compute/virtualmachines",),
    _c(
        "unmanaged_disks",
        "list",
        "Names of the OS and data disks that are VHDs (vhd.uri set, no "
        "managedDisk); NA when storageProfile is absent.",
    ),
    _c("size", "str", "properties.hardwareProfile.vmSize (e.g. Standard_A1, Standard_D2s_v3)."),
    _c(
        "resize_to",
        "str",
        "For a retired A-series v1 size (Standard_A0-A7, Basic_A0-A4) the Av2 size with the same vCPUs "
        "and at least the memory; '' for any other size; NA when the size is absent.",
    ),
    _c(
        "extension_publishers",
        "list",
        "publisher of each of its extensions (vm_extension rows whose id is under the VM's id), aligned with "
        "extension_types; NA when the input holds no VM extension rows at all (not collected).",
    ),
    _c("extension_types", "list", "type of each of its extensions (e.g. IaaSDiagnostics, OmsAgentForLinux)."),
    _c("extension_ids", "list", "'<publisher>.<type>' per extension, for publisher-qualified matching."),
)

ARM.add(
    "vm_extension",
    "An extension of an ARM virtual machine (a child resource in the resources table).",
    ("microsoft.compute/virtualmachines/extensions",),
    _c("vm_key", "str", "Key of the VM it belongs to (its id without the /extensions/<name> suffix)."),
    _c("publisher", "str", "properties.publisher (e.g. Microsoft.Azure.Diagnostics)."),
    _c(
        "extension_type",
        "str",
        "properties.type (e.g. IaaSDiagnostics); ARG's own `type` is the resource type.",
    ),
    _c("type_handler_version", "str", "properties.typeHandlerVersion."),
    _c("provisioning_state", "str", "properties.provisioningState."),
)

ARM.add(
    "vnet_gateway",
    "An ARM virtual network gateway (VPN or ExpressRoute); migrated classic gateways arrive as these.",
    ("microsoft.network/virtualnetworkgateways",),
    _c("gateway_type", "str", "properties.gatewayType (Vpn, ExpressRoute, LocalGateway)."),
    _c("vpn_type", "str", "properties.vpnType (RouteBased, PolicyBased)."),
    _c(
        "sku_name",
        "str",
        "properties.sku.name (Basic, Standard, HighPerformance, VpnGw1..5, VpnGw1AZ.., ...).",
    ),
    _c("sku_tier", "str", "properties.sku.tier."),
    _c(
        "zone_redundant",
        "bool",
        "The SKU is zone-redundant: its name ends in AZ (VpnGw1AZ, ErGw1AZ, ...); NA when the SKU is absent.",
    ),
    _c("generation", "str", "properties.vpnGatewayGeneration (Generation1, Generation2, None)."),
    _c(
        "public_ip_ids",
        "list",
        "properties.ipConfigurations[].properties.publicIPAddress.id.",
    ),
)

ARM.add(
    "public_ip",
    "An ARM public IP address.",
    ("microsoft.network/publicipaddresses",),
    _c("sku_name", "str", "sku.name (Basic/Standard)."),
    _c("allocation_method", "str", "properties.publicIPAllocationMethod."),
    _c(
        "attached_resource_type",
        "str",
        "ARM type of what the IP is attached to: the provider type in properties.ipConfiguration.id "
        "(microsoft.network/networkinterfaces, .../loadbalancers, .../virtualnetworkgateways, ...), or "
        "microsoft.compute/cloudservices when a scanned Cloud Service (extended support) references it; '' "
        "when unattached; NA when properties are absent.",
    ),
    _c(
        "attached_gateway_type",
        "str",
        "gateway_type of the virtual network gateway it is attached to ('' when not attached to a gateway; "
        "NA when that gateway is not in the scan).",
    ),
)

ARM.add(
    "load_balancer",
    "An ARM load balancer.",
    ("microsoft.network/loadbalancers",),
    _c("sku_name", "str", "sku.name (Basic/Standard/Gateway)."),
    _c(
        "frontend_kind",
        "str",
        "'public' when a properties.frontendIPConfigurations[] entry has a publicIPAddress, else 'internal' "
        "(private frontends only); NA when there are no frontend configurations in the data.",
    ),
)

ARM.add(
    "cloud_service_es",
    "A Cloud Service (extended support). With --arm-details its ARM GET is merged over the ARG row; "
    "columns are NA when neither carried the object they come from.",
    ("microsoft.compute/cloudservices",),
    _c(
        "public_ip_ids",
        "list",
        "properties.networkProfile.loadBalancerConfigurations[].properties.frontendIpConfigurations[]"
        ".properties.publicIPAddress.id.",
    ),
    _c(
        "public_ip_skus",
        "list",
        "sku.name of each public IP in public_ip_ids (from the public_ip table); NA when one of them is "
        "not in the scan.",
    ),
    _c(
        "load_balancer_kinds",
        "list",
        "'public' or 'internal' per properties.networkProfile.loadBalancerConfigurations[] (public when a "
        "frontend has a publicIPAddress).",
    ),
    _c(
        "slot_type",
        "str",
        "properties.networkProfile.slotType (Production/Staging; Production when networkProfile omits it).",
    ),
    _c(
        "swap_partner_id",
        "str",
        "properties.networkProfile.swappableCloudService.id; '' when networkProfile has none.",
    ),
    _c("upgrade_mode", "str", "properties.upgradeMode (Auto/Manual/Simultaneous)."),
    _c("zones", "list", "ARG zones ([] when none)."),
    _c("role_names", "list", "properties.roleProfile.roles[].name."),
    _c("role_sizes", "list", "properties.roleProfile.roles[].sku.name, in role order (e.g. Standard_D1_v2)."),
    _c("role_tiers", "list", "properties.roleProfile.roles[].sku.tier, in role order."),
    _c("instance_count", "int", "Sum of properties.roleProfile.roles[].sku.capacity."),
    _c(
        "os_family",
        "str",
        "Guest OS family: the osFamily attribute of the .cscfg (properties.configuration, kept only as "
        "properties.configurationSummary; '5' when empty, the CSES default); it applies to every role. NA "
        "when the configuration was not read or is not a plain .cscfg.",
    ),
    _c("os_version", "str", "osVersion of the .cscfg ('*' when empty: automatic updates)."),
    _c("config_roles", "list", "'<role> x<instances>' per Role of the .cscfg."),
    _c(
        "setting_names",
        "list",
        "Names of the .cscfg's ConfigurationSettings, all roles. Their values are never kept: the document "
        "is dropped when the row is read (they can hold credentials).",
    ),
    _c(
        "certificate_count",
        "int",
        "Number of properties.osProfile.secrets[].vaultCertificates[] (Key Vault certificates); 0 when "
        "osProfile has none.",
    ),
    _c("key_vault_ids", "list", "properties.osProfile.secrets[].sourceVault.id, distinct."),
    _c("extension_names", "list", "properties.extensionProfile.extensions[].name."),
    _c("extension_publishers", "list", "...extensions[].properties.publisher, in extension order."),
    _c("extension_types", "list", "...extensions[].properties.type (IaaSDiagnostics, RDP, ...)."),
    _c(
        "extension_roles",
        "list",
        "'<extension>: <roles>' per extension from properties.rolesAppliedTo ('*' when it names none: "
        "all roles).",
    ),
)

ARM.add(
    "alert_rule",
    "A classic metric alert rule.",
    ("microsoft.insights/alertrules",),
    _c("target_resource_id", "str", "properties.condition.dataSource.resourceUri."),
    _c("enabled", "bool", "properties.isEnabled."),
    _c(
        "condition_type",
        "str",
        "Kind of condition: the last dotted part of properties.condition['odata.type'] "
        "(ThresholdRuleCondition, LocationThresholdRuleCondition, ManagementEventRuleCondition for "
        "activity-log rules).",
    ),
)

ARM.add(
    "app_insights",
    "An Application Insights component.",
    ("microsoft.insights/components",),
    _c(
        "workspace_id",
        "str",
        "properties.WorkspaceResourceId; '' when properties are present without it (classic, not "
        "workspace-based); NA when properties are absent.",
    ),
    _c("ingestion_mode", "str", "properties.IngestionMode (ApplicationInsights = classic, LogAnalytics)."),
    _c("application_type", "str", "properties.Application_Type."),
)

ARM.add(
    "autoscale_setting",
    "An autoscale setting.",
    ("microsoft.insights/autoscalesettings",),
    _c("target_resource_id", "str", "properties.targetResourceUri."),
    _c("enabled", "bool", "properties.enabled."),
)

ARM.add(
    "resource_group",
    "A resource group (resourcecontainers).",
    ("microsoft.resources/subscriptions/resourcegroups",),
)

ARM.add(
    "key_vault",
    "A Key Vault.",
    ("microsoft.keyvault/vaults",),
    _c("in_migrated_group", "bool", "Its resource group's name ends with -Migrated."),
)

ARM.add(
    "arm_storage",
    "An ARM storage account.",
    ("microsoft.storage/storageaccounts",),
    _c("kind", "str", "ARG `kind` (Storage = general-purpose v1, StorageV2, BlobStorage, ...)."),
    _c("sku_name", "str", "sku.name."),
)

ARM.add(
    "arm_vnet",
    "An ARM virtual network (read for peerings to classic VNets).",
    ("microsoft.network/virtualnetworks",),
    _c("peered_vnet_ids", "list", "properties.virtualNetworkPeerings[].properties.remoteVirtualNetwork.id."),
)

ARM.add(
    "app_service_env",
    "An App Service Environment (read for classic VNet tenancy).",
    ("microsoft.web/hostingenvironments",),
    _c("vnet_id", "str", "properties.virtualNetwork.id."),
)

ARM.add(
    "hdinsight",
    "An HDInsight cluster (read for classic VNet tenancy).",
    ("microsoft.hdinsight/clusters",),
    _c("vnet_ids", "list", "properties.computeProfile.roles[].virtualNetworkProfile.id."),
)

ARM.add(
    "apim",
    "An API Management service (read for classic VNet tenancy).",
    ("microsoft.apimanagement/service",),
    _c("subnet_id", "str", "properties.virtualNetworkConfiguration.subnetResourceId."),
)
