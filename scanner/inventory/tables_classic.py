"""Inventory tables of the classic (ASM) resources: VMs, cloud services, storage accounts, VNets,
reserved IPs and NSGs."""

from __future__ import annotations

from scanner.inventory.schema import TableGroup
from scanner.inventory.schema import column as _c

CLASSIC = TableGroup()

CLASSIC.add(
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

CLASSIC.add(
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

CLASSIC.add(
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

CLASSIC.add(
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

CLASSIC.add(
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

CLASSIC.add(
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
