"""Backup items (ARG table recoveryservicesresources)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.rowfactory import Row, backup_item_row, resource_id
from tools.demo.company import PROD_CLASSIC_RG, SUB_PROD, TENANT_ID, WEU, guid


def backup_item(
    vm_name: str,
    container: str,
    *,
    item_type: str,
    source: str | None,
    vm_id: str | None,
    state: str,
    last_backup: str,
    health: str = "Passed",
) -> Row:
    """A protected item in vault fab-prod-rsv; `container` is e.g. 'iaasvmcontainer;<cs>;<vm>'."""
    vault = resource_id(SUB_PROD, "fab-prod-ops", "Microsoft.RecoveryServices/vaults", "fab-prod-rsv")
    kind = "IaasVMContainer" if container.startswith("iaasvmcontainer;") else "IaasVMContainerV2"
    item_name = f"VM;{container}"
    props: dict[str, Any] = {
        "friendlyName": vm_name,
        "protectedItemType": item_type,
        "backupManagementType": "AzureIaasVM",
        "workloadType": "VM",
        "containerName": container,
        "protectionState": state,
        "protectionStatus": "Healthy" if state == "Protected" else "Unhealthy",
        "healthStatus": health,
        "lastBackupStatus": "Completed" if state == "Protected" else "",
        "lastBackupTime": last_backup,
        "policyName": "DailyPolicy",
        "policyId": f"{vault}/backupPolicies/DailyPolicy",
        "vaultId": vault,
        "protectedItemDataId": str(int(uuid.UUID(guid(f"pid:{vm_name}"))) % 10**18),
    }
    if source is not None:
        props["sourceResourceId"] = source
    if vm_id is not None:
        props["virtualMachineId"] = vm_id
    return backup_item_row(
        vault,
        f"{kind};{container}",
        item_name,
        props,
        sub=SUB_PROD,
        rg="fab-prod-ops",
        location=WEU,
        tenant=TENANT_ID,
    )


def backup_rows() -> list[Row]:
    """Items for classic VMs in the estate, a classic VM no longer in it, and an ARM VM."""
    classic = "Microsoft.ClassicCompute/virtualMachines"
    sql01 = resource_id(SUB_PROD, PROD_CLASSIC_RG, classic, "fab-sql-01")
    # The same VM id as Azure Backup returns it: different casing from the VM row.
    sql01_other_case = (
        sql01.replace("/subscriptions/", "/Subscriptions/")
        .replace(PROD_CLASSIC_RG, PROD_CLASSIC_RG.upper())
        .replace("/virtualMachines/", "/VirtualMachines/")
    )
    app01 = resource_id(SUB_PROD, PROD_CLASSIC_RG, classic, "fab-app-01")
    oldfs = resource_id(SUB_PROD, PROD_CLASSIC_RG, classic, "fab-oldfs-01")
    crm01 = resource_id(SUB_PROD, "fab-crm-Migrated", "Microsoft.Compute/virtualMachines", "fab-crm-01")
    return [
        backup_item(
            "fab-sql-01",
            "iaasvmcontainer;fab-sql;fab-sql-01",
            item_type=classic,
            source=sql01_other_case,
            vm_id=sql01_other_case,
            state="Protected",
            last_backup="2026-11-01T22:31:07.4418123Z",
        ),
        backup_item(
            "fab-app-01",
            "iaasvmcontainer;fab-app;fab-app-01",
            item_type=classic,
            source=None,
            vm_id=app01,
            state="IRPending",
            last_backup="2001-01-01T00:00:00Z",
        ),
        backup_item(
            "fab-oldfs-01",
            "iaasvmcontainer;fab-oldfs;fab-oldfs-01",
            item_type=classic,
            source=oldfs,
            vm_id=oldfs,
            state="ProtectionStopped",
            last_backup="2023-08-14T21:02:55.1043311Z",
            health="ActionRequired",
        ),
        backup_item(
            "fab-crm-01",
            "iaasvmcontainerv2;fab-crm-Migrated;fab-crm-01",
            item_type="Microsoft.Compute/virtualMachines",
            source=crm01,
            vm_id=crm01,
            state="Protected",
            last_backup="2026-11-01T23:05:41.2209876Z",
        ),
    ]
