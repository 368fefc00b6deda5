"""Every inventory table and column, documented in one place.

The inventory turns raw ARG rows into one flat pandas DataFrame per entity. This module is the
contract between the inventory builder (which fills the columns) and the rules (which name them):
the rule loader rejects a rule that names a column not listed here, and `classic-scan rules
columns` prints this catalogue.

Missing data policy: a value the rows do not carry is NA, and a rule that needs it gives `unknown`.
A column says in its `doc` when an absent key inside a present parent object means "none"
instead (for example a VM whose `networkProfile` is present but has no `virtualNetwork`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnKind = Literal["str", "bool", "int", "list", "dict"]


@dataclass(frozen=True)
class Column:
    """One flat column of an inventory table."""

    name: str
    """Column name, as rules refer to it."""
    kind: ColumnKind
    """Value kind: str, bool, int, list (of strings) or dict."""
    doc: str
    """What the value means and where it comes from (ARG path or derivation)."""


@dataclass(frozen=True)
class Table:
    """One inventory entity."""

    name: str
    """Table name, as rules name it in `target`."""
    doc: str
    """What one row is."""
    types: tuple[str, ...]
    """Lower-cased ARG `type` values whose rows fill it (empty for derived tables)."""
    columns: tuple[Column, ...]
    """Columns specific to this table (the common columns come first in every table)."""

    def column(self, name: str) -> Column | None:
        for col in (*COMMON, *self.columns):
            if col.name == name:
                return col
        return None

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return (*COMMON, *self.columns)


def _c(name: str, kind: ColumnKind, doc: str) -> Column:
    return Column(name, kind, doc)


COMMON: tuple[Column, ...] = (
    _c("id", "str", "Resource id exactly as ARG gave it."),
    _c("key", "str", "Lower-cased, normalised id used for every join (compare ids through it)."),
    _c("name", "str", "ARG `name`."),
    _c("type", "str", "ARG `type`, lower-cased."),
    _c("subscription_id", "str", "ARG `subscriptionId`, else parsed from the id; lower-cased."),
    _c("resource_group", "str", "ARG `resourceGroup`, else parsed from the id; '' when ARG left it empty."),
    _c("location", "str", "ARG `location`, lower-cased."),
    _c("tags", "dict", "ARG `tags` (empty dict when absent); rules test one tag as `tags.<key>`."),
)

TABLES: dict[str, Table] = {}


def _table(name: str, doc: str, types: tuple[str, ...], *columns: Column) -> None:
    TABLES[name] = Table(name, doc, types, tuple(columns))


_table(
    "classic_vm",
    "A classic virtual machine (role instance of a cloud service).",
    ("microsoft.classiccompute/virtualmachines",),
    _c(
        "cloud_service_key",
        "str",
        "Key of the cloud service: properties.domainName.id, else the cloud "
        "service named by domainName.name or the FQDN <cs>.cloudapp.net in the same subscription.",
    ),
    _c("cloud_service_name", "str", "Cloud service name (properties.domainName.name or from its id/FQDN)."),
    _c("size", "str", "properties.hardwareProfile.size (classic size name, e.g. Standard_D2, Small)."),
    _c(
        "availability_set",
        "str",
        "properties.hardwareProfile.availabilitySet; '' when absent (not in a set, as AOE's query reads it).",
    ),
    _c("os_type", "str", "properties.storageProfile.operatingSystemDisk.operatingSystem (Windows/Linux)."),
    _c(
        "state",
        "str",
        "properties.instanceView.status (ReadyRole, StoppedVM, StoppedDeallocated, RoleStateUnknown, ...).",
    ),
    _c("agent_status", "str", "properties.instanceView.guestAgentStatus.status (Ready, NotReady, ...)."),
    _c("agent_version", "str", "properties.instanceView.guestAgentStatus.guestAgentVersion."),
    _c(
        "vnet_key",
        "str",
        "Key of the classic VNet (properties.networkProfile.virtualNetwork.id, or its name in the same "
        "subscription); '' when there is no virtualNetwork (VM in no VNet, as AOE reads it).",
    ),
    _c("vnet_name", "str", "Name of that VNet ('' when in no VNet)."),
    _c("subnet_names", "list", "properties.networkProfile.virtualNetwork.subnetNames ([] when absent)."),
    _c("static_ip", "str", "properties.networkProfile.virtualNetwork.staticIpAddress ('' when none)."),
    _c(
        "nic_subnet_names",
        "list",
        "Distinct subnets (case-insensitive) of all the VM's NICs: subnetNames of the primary plus the "
        "subnet of each secondary NIC (networkInterfaces[].ipConfigurations[].subnetName or .subnetName; "
        "ARG presence unconfirmed); NA when a secondary NIC names no subnet.",
    ),
    _c(
        "nic_count",
        "int",
        "1 + len(networkProfile.virtualNetwork.networkInterfaces) (AOE's formula; 1 when absent).",
    ),
    _c("endpoint_count", "int", "len(properties.networkProfile.inputEndpoints) (0 when absent)."),
    _c("nsg_key", "str", "Key of properties.networkProfile.networkSecurityGroup.id ('' when none)."),
    _c(
        "extension_names",
        "list",
        "properties.extensions[].extension; NA when the row carries no "
        "`extensions` key (ARG presence unconfirmed).",
    ),
    _c("extension_publishers", "list", "properties.extensions[].publisher, aligned with extension_names."),
    _c("extension_versions", "list", "properties.extensions[].version, aligned with extension_names."),
    _c("extension_ids", "list", "'<publisher>.<extension>' per extension, for publisher-qualified matching."),
    _c("extension_name_versions", "list", "'<extension> <version>' per extension (e.g. 'BGInfo 1.1')."),
    _c(
        "extension_bad_statuses",
        "list",
        "'<extension>: <status>' for each extension whose handler status (properties.extensions[].status "
        "/ .handlerStatus, or by name from properties.instanceView.extensions[], .extensionStatuses[] or "
        ".resourceExtensionStatusList[]) is not Ready/Success; NA when extensions exist and no status "
        "source is present.",
    ),
    _c(
        "extensions_without_status",
        "list",
        "Extensions that report no status while a status source is "
        "present; NA when no status source is present and extensions exist.",
    ),
    _c("boot_diagnostics", "bool", "properties.debugProfile.bootDiagnosticsEnabled."),
    _c(
        "boot_diagnostics_account",
        "str",
        "Storage account host of debugProfile.serialOutputBlobUri ('' none).",
    ),
    _c(
        "boot_diagnostics_account_type",
        "str",
        "Normalised accountType of that account among scanned classic "
        "storage accounts; NA when the account is not in the scan.",
    ),
    _c(
        "disk_accounts",
        "list",
        "Lower-cased storage account names holding the OS and data disks (storageAccount.name or .id, "
        "else the vhdUri/mediaLink host; a None element when a disk names neither); NA when "
        "storageProfile is absent.",
    ),
    _c(
        "disk_blob_names",
        "list",
        "Blob name of each disk VHD: the vhdUri path after the container (None for a disk without a URI: "
        "list tests are then unknown unless another element decides).",
    ),
    _c(
        "disk_accounts_missing",
        "list",
        "Known disk_accounts that are not among the scanned classic storage accounts; NA when none is known "
        "to be missing but some disk's account is unknown.",
    ),
    _c("data_disk_count", "int", "len(properties.storageProfile.dataDisks)."),
    _c(
        "deallocated_ip_conflicts",
        "list",
        "Names of other StoppedDeallocated VMs in the same VNet with the same static IP (empty when none).",
    ),
    _c(
        "backup_item_ids",
        "list",
        "Ids of Recovery Services backup items still protecting this VM (protectionState not "
        "ProtectionStopped*); NA when the recoveryservicesresources table was not collected, or when no item "
        "is known to protect it but one has no protectionState.",
    ),
)

_table(
    "cloud_service",
    "A Cloud Service (classic) / hosted service; for IaaS the container of classic VMs.",
    ("microsoft.classiccompute/domainnames",),
    _c("host_name", "str", "properties.hostName (<name>.cloudapp.net)."),
    _c("status", "str", "properties.status."),
    _c("label", "str", "properties.label."),
    _c(
        "vnet_name",
        "str",
        "Classic VNet its deployment is placed in: properties.virtualNetwork.name (or the last part of its "
        ".id), else properties.virtualNetworkName, as ASM's deployment VirtualNetworkName (ARG presence "
        "unconfirmed); NA when absent.",
    ),
    _c("vm_names", "list", "Names of the classic VMs in it."),
    _c("vm_count", "int", "Number of classic VMs in it."),
    _c(
        "availability_sets",
        "list",
        "Distinct non-empty availability sets of its VMs, lower-cased (Azure names ignore case).",
    ),
    _c("vms_in_set", "int", "VMs in an availability set; NA when a VM's set is unknown."),
    _c("vms_not_in_set", "int", "VMs in no availability set; NA when a VM's set is unknown."),
    _c(
        "mixed_nic_counts",
        "bool",
        "Its VMs have differing NIC counts (single and multi NIC); NA when a VM's NIC count is unknown.",
    ),
)

_table(
    "classic_storage",
    "A classic storage account.",
    ("microsoft.classicstorage/storageaccounts",),
    _c("account_type", "str", "properties.accountType normalised to Standard_LRS form ('-' becomes '_')."),
    _c("status", "str", "properties.status."),
    _c(
        "disk_vm_names",
        "list",
        "Classic VMs with an OS or data disk in this account; NA when it holds none "
        "of the known disks but some classic VM's disks are unknown.",
    ),
)

_table(
    "classic_vnet",
    "A classic virtual network.",
    ("microsoft.classicnetwork/virtualnetworks",),
    _c("address_prefixes", "list", "properties.addressSpace.addressPrefixes."),
    _c("subnet_names", "list", "properties.subnets[].name; NA when subnets are absent."),
    _c("subnet_prefixes", "list", "properties.subnets[].addressPrefix."),
    _c(
        "invalid_prefixes",
        "list",
        "Address-space and subnet prefixes that are not canonical CIDR (host "
        "bits set, bad syntax); NA when addressSpace is absent.",
    ),
    _c("has_gateway_subnet", "bool", "A subnet named GatewaySubnet exists; NA when subnets are absent."),
    _c("vm_names", "list", "Classic VMs in this VNet."),
    _c("vm_count", "int", "Number of classic VMs in this VNet."),
    _c("arm_peerings", "list", "Ids of ARM VNets with a peering whose remote network is this VNet."),
    _c("unsupported_tenants", "list", "Ids of App Service Environments and HDInsight clusters in it."),
    _c("apim_services", "list", "Ids of API Management services deployed into it."),
    _c(
        "role_service_names",
        "list",
        "Cloud services without classic VMs (web/worker-role deployments or empty) whose vnet_name is this "
        "VNet; NA when none names it but a cloud service without VMs in the same subscription and region "
        "names no VNet (its roles cannot be placed).",
    ),
)

_table(
    "reserved_ip",
    "A classic reserved IP address.",
    ("microsoft.classicnetwork/reservedips",),
    _c("ip_address", "str", "properties.ipAddress."),
    _c(
        "attached_to",
        "str",
        "properties.attachedTo.id; '' when unattached (attachedTo absent/empty and "
        "inUse not true); NA when properties are absent.",
    ),
    _c("in_use", "bool", "properties.inUse."),
)

_table(
    "classic_nsg",
    "A classic network security group.",
    ("microsoft.classicnetwork/networksecuritygroups",),
    _c("state", "str", "properties.state."),
    _c(
        "vm_names",
        "list",
        "Classic VMs whose networkProfile.networkSecurityGroup is this NSG (subnet "
        "associations are not in ARG).",
    ),
)

_table(
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

_table(
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

_table(
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

_table(
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

_table(
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

_table(
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

_table(
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

_table(
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

_table(
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

_table(
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

_table(
    "cloud_service_es",
    "A Cloud Service (extended support). List columns are NA when ARG left out the object they come "
    "from (an ARM GET under --arm-details returns all of them).",
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
        "Guest OS family: the osFamily attribute of the .cscfg in properties.configuration ('5' when "
        "empty, the CSES default); it applies to every role. NA when the configuration was not read.",
    ),
    _c("os_version", "str", "osVersion of the .cscfg ('*' when empty: automatic updates)."),
    _c("config_roles", "list", "'<role> x<instances>' per Role of the .cscfg."),
    _c(
        "setting_names",
        "list",
        "Names of the .cscfg's ConfigurationSettings. Their values are never read or kept (they can hold "
        "credentials).",
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

_table(
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

_table(
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

_table(
    "autoscale_setting",
    "An autoscale setting.",
    ("microsoft.insights/autoscalesettings",),
    _c("target_resource_id", "str", "properties.targetResourceUri."),
    _c("enabled", "bool", "properties.enabled."),
)

_table(
    "resource_group",
    "A resource group (resourcecontainers).",
    ("microsoft.resources/subscriptions/resourcegroups",),
)

_table(
    "key_vault",
    "A Key Vault.",
    ("microsoft.keyvault/vaults",),
    _c("in_migrated_group", "bool", "Its resource group's name ends with -Migrated."),
)

_table(
    "arm_storage",
    "An ARM storage account.",
    ("microsoft.storage/storageaccounts",),
    _c("kind", "str", "ARG `kind` (Storage = general-purpose v1, StorageV2, BlobStorage, ...)."),
    _c("sku_name", "str", "sku.name."),
)

_table(
    "arm_vnet",
    "An ARM virtual network (read for peerings to classic VNets).",
    ("microsoft.network/virtualnetworks",),
    _c("peered_vnet_ids", "list", "properties.virtualNetworkPeerings[].properties.remoteVirtualNetwork.id."),
)

_table(
    "app_service_env",
    "An App Service Environment (read for classic VNet tenancy).",
    ("microsoft.web/hostingenvironments",),
    _c("vnet_id", "str", "properties.virtualNetwork.id."),
)

_table(
    "hdinsight",
    "An HDInsight cluster (read for classic VNet tenancy).",
    ("microsoft.hdinsight/clusters",),
    _c("vnet_ids", "list", "properties.computeProfile.roles[].virtualNetworkProfile.id."),
)

_table(
    "apim",
    "An API Management service (read for classic VNet tenancy).",
    ("microsoft.apimanagement/service",),
    _c("subnet_id", "str", "properties.virtualNetworkConfiguration.subnetResourceId."),
)

_table(
    "migration_unit",
    "Derived: one row per unit the platform migrates in one validate/prepare/commit: each classic VNet, and "
    "each cloud service whose VMs are in no VNet (or that has no VM); id, name and type are the VNet's or "
    "the cloud service's.",
    (),
    _c("unit_kind", "str", "'vnet' (Move-AzureVirtualNetwork) or 'cloud_service' (Move-AzureService)."),
    _c("vm_count", "int", "Classic VMs in the unit."),
    _c("cloud_service_names", "list", "Cloud services with classic VMs in the unit."),
    _c(
        "load_balancer_count",
        "int",
        "Load balancers the migration creates for the unit: one per cloud service with VMs in it.",
    ),
)

_table(
    "subscription",
    "Derived: one row per subscription that holds classic resources; id is /subscriptions/<id>.",
    (),
    _c("display_name", "str", "Display name from resourcecontainers, when present."),
    _c("classic_resources", "int", "Number of classic resources in it."),
    _c("classic_types", "dict", "Classic resource count per type."),
    _c(
        "migrate_provider_read",
        "bool",
        "--arm-details: true when Microsoft.ClassicInfrastructureMigrate's registration was read, false "
        "when the scan did not ask ARM (no arm_providers dataset), NA when the read was denied or failed.",
    ),
    _c(
        "migrate_provider_state",
        "str",
        "--arm-details: registrationState of Microsoft.ClassicInfrastructureMigrate (ARM GET of the "
        "provider).",
    ),
)

_table(
    "region",
    "Derived: one row per subscription and region with classic VMs; id is "
    "/subscriptions/<id>/providers/Microsoft.Compute/locations/<region> (ARM quota is per both).",
    (),
    _c("vm_count", "int", "Classic VMs in it."),
    _c(
        "cores_by_family",
        "dict",
        "ARM vCPU demand per ARM quota family, from the classic sizes; sizes that land on the retired "
        "A-series v1 count in the family they must be resized to (standardAv2Family).",
    ),
    _c(
        "resize_needed",
        "list",
        "'<vm>: <classic size> -> <ARM size>, resize to <Av2 size>' for each VM whose landing size is "
        "retired (A-series v1) and must be resized in ARM.",
    ),
    _c("unsized_vms", "list", "VMs whose size is missing or not in the size table."),
    _c("nic_count", "int", "NICs the migration creates (one per VM NIC)."),
    _c("public_ip_count", "int", "Public IPs: one per cloud service with VMs here plus reserved IPs here."),
    _c("load_balancer_count", "int", "Load balancers: one per cloud service with VMs here."),
    _c(
        "quota_read",
        "bool",
        "--arm-details: true when compute and network usages were read for this subscription and region, "
        "false when the scan did not ask ARM (no arm_usages dataset), NA when the reads were denied or "
        "failed.",
    ),
    _c(
        "quota",
        "dict",
        "--arm-details: per usage the migration adds to (ARM family, cores, NetworkInterfaces, "
        "PublicIPAddresses, LoadBalancers, NetworkSecurityGroups): demand, usage, limit, headroom.",
    ),
    _c(
        "quota_shortfalls",
        "list",
        "--arm-details: usages where current usage plus demand exceeds the limit; NA when usages were not "
        "read, or when none is short but a needed usage is missing or VMs have an unknown size.",
    ),
)

#: ARG type -> inventory table.
TYPE_TO_TABLE: dict[str, str] = {t: table.name for table in TABLES.values() for t in table.types}

#: Classic (ASM) resource types.
CLASSIC_TYPES: tuple[str, ...] = tuple(t for t in TYPE_TO_TABLE if t.startswith("microsoft.classic"))
