"""Per-unit migration runbooks: validate -> prepare -> check -> commit or abort.

Commands are those of the platform-supported migration (Azure PowerShell's Service Management
module and the classic Azure CLI in ASM mode), from the migration how-to pages:
https://learn.microsoft.com/azure/virtual-machines/migration-classic-resource-manager-ps and
https://learn.microsoft.com/azure/virtual-machines/migration-classic-resource-manager-cli.
The rules on abort and commit are the migration FAQ's.

The steps depend only on a unit's kind and name, not on the scan: they live with the model so that
the planner fills each unit's runbook and the reports print one per kind of unit from the same text.
"""

from __future__ import annotations

from typing import Any

#: The FAQ's rules, shown with every runbook.
RULES = (
    "Prepare locks the management plane of everything in the unit until commit or abort; only reads work.",
    "There is no time limit in the prepared state: check the ARM side at leisure, then commit or abort.",
    "Abort is possible only in the prepared state; once commit has started it cannot be rolled back.",
    "If commit fails, run commit again: the operations are idempotent. Contact support if it keeps failing.",
    "Do a validate, prepare, abort dry run first: it causes no downtime and shows how long prepare takes.",
)

PROVIDER = "Microsoft.ClassicInfrastructureMigrate"
PAAS_NOTE = (
    "Web/worker roles are not migrated by the IaaS migration: move them to Cloud Services (extended support) "
    "with its in-place migration, or redeploy on App Service, AKS or VM scale sets (Cloud Services "
    "(extended support) retires on 2027-03-31)."
)
_PS = {
    "vnet": "Move-AzureVirtualNetwork -{verb} -VirtualNetworkName '{name}'",
    "cloud_service": (
        "Move-AzureService -{verb} -ServiceName '{name}' -DeploymentName '<deployment>'{extra}"
    ),
    "storage": "Move-AzureStorageAccount -{verb} -StorageAccountName '{name}'",
    "reserved_ip": "Move-AzureReservedIP -{verb} -ReservedIPName '{name}'",
    "nsg": "Move-AzureNetworkSecurityGroup -{verb} -NetworkSecurityGroupName '{name}'",
}
_CLI = {
    "vnet": "azure network vnet {verb}-migration '{name}'",
    "cloud_service": "azure service deployment {verb}-migration '{name}' '<deployment>'{extra}",
    "storage": "azure storage account {verb}-migration '{name}'",
}


def _ps(text: str) -> str:
    """Quote for a PowerShell single-quoted string."""
    return text.replace("'", "''")


def _sh(text: str) -> str:
    """Quote for a POSIX shell single-quoted string."""
    return text.replace("'", "'\\''")


def runbook(kind: str, name: str) -> dict[str, Any]:
    """The steps of one unit; each step has PowerShell and, where the classic CLI has it, CLI text.

    Names come from the tenant: they are quoted for each shell, never pasted in raw."""
    if kind == "paas_cloud_service":
        return {
            "steps": [
                {
                    "step": "choose a path",
                    "powershell": "",
                    "cli": "",
                    "note": PAAS_NOTE,
                }
            ],
            "rules": list(RULES),
        }
    steps = [
        {
            "step": "register the migration provider (once per subscription)",
            "powershell": f"Register-AzResourceProvider -ProviderNamespace {PROVIDER}",
            "cli": f"az provider register --namespace {PROVIDER}",
            "note": "Wait about five minutes, then check that RegistrationState is Registered.",
        }
    ]
    if kind == "cloud_service":
        steps.append(
            {
                "step": "find the deployment name",
                "powershell": f"(Get-AzureDeployment -ServiceName '{_ps(name)}').DeploymentName",
                "cli": f"azure service show '{_sh(name)}'",
                "note": "Reserve the cloud service's public IP first if its address must be kept.",
            }
        )
    for verb, note in (
        ("Validate", "Read-only: lists every unsupported configuration; fix them and validate again."),
        ("Prepare", "Creates the ARM resources and locks the classic ones (see the rules below)."),
        (
            "check",
            "Review the new resources in the <name>-Migrated resource group(s) in the portal or "
            "with Get-AzResource; run your tests.",
        ),
        ("Commit", "Finishes the migration; the classic resources are gone afterwards."),
        ("Abort", "Only from the prepared state: rolls everything back to classic."),
    ):
        steps.append(_step(kind, name, verb, note))
    return {"steps": steps, "rules": list(RULES)}


def _step(kind: str, name: str, verb: str, note: str) -> dict[str, str]:
    if verb == "check":
        group = f"{name}-Migrated"
        return {
            "step": "check",
            "powershell": f"Get-AzResource -ResourceGroupName '{_ps(group)}'",
            "cli": f"az resource list --resource-group '{_sh(group)}' -o table",
            "note": note,
        }
    extra_ps = extra_cli = ""
    if kind == "cloud_service" and verb in ("Validate", "Prepare"):
        extra_ps = " -CreateNewVirtualNetwork"
        extra_cli = " new '' '' ''"
    powershell = _PS[kind].format(verb=verb, name=_ps(name), extra=extra_ps)
    cli_template = _CLI.get(kind)
    cli = cli_template.format(verb=verb.lower(), name=_sh(name), extra=extra_cli) if cli_template else ""
    return {"step": verb.lower(), "powershell": powershell, "cli": cli, "note": note}
