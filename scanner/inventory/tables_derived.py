"""Derived inventory tables: built from the other tables (relations.py, arm_merge.py), not from ARG rows."""

from __future__ import annotations

from scanner.inventory.schema import TableGroup
from scanner.inventory.schema import column as _c

DERIVED = TableGroup()

DERIVED.add(
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

DERIVED.add(
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

DERIVED.add(
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
