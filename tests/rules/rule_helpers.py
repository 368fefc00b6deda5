"""Helpers shared by the per-rule tests in tests/rules (row builders live in tests/arg_rows.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from arg_rows import (
    AS_OF,
    SUB,
    classic_administrator,
    findings,
    pack,
    protected_item,
    rid,
    role_assignment_row,
)

from scanner.engine.evaluate import evaluate
from scanner.engine.rules import RulePack
from scanner.inventory import build_inventory
from scanner.sources.files import FilesSource

OWNER_GUID = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR_GUID = "b24988ac-6180-42a0-ab88-20f7382dd24c"
CONVERSION_PRINCIPAL = "0469d4cd-df37-4d93-8a61-f8c75b809164"


def finding(rule_id: str, rows: list[dict[str, Any]], name: str, **kwargs: Any) -> dict[str, Any]:
    """The one finding of `rule_id` for the resource called `name`."""
    matches = [f for f in findings(rule_id, rows, **kwargs) if f["resource_name"] == name]
    assert len(matches) == 1, (rule_id, name, matches)
    return matches[0]


def verdicts_via_files(
    rule_id: str,
    rows: list[dict[str, Any]],
    directory: Path,
    *,
    cloud: str = "public",
    as_of: date = AS_OF,
) -> dict[str, str]:
    """Like arg_rows.verdicts, but the rows go through the files source (`az graph query -o json`)."""
    path = directory / "export.json"
    path.write_text(json.dumps({"count": len(rows), "data": rows, "skip_token": None, "total_records": 0}))
    snapshot = FilesSource([path]).read()
    full = pack()
    rule = full.get(rule_id)
    assert rule is not None, rule_id
    result = evaluate(RulePack((rule,), full.calendar, full.version), build_inventory(snapshot), as_of, cloud)
    assert not result.errors, result.errors
    return dict(zip(result.findings["resource_name"], result.findings["status"], strict=True))


def backup_item(
    name: str, vm_id: str | None, *, via: str = "sourceResourceId", **props: Any
) -> dict[str, Any]:
    """A Recovery Services protected item for a classic VM, shaped like the 2016-12-01 REST example."""
    body: dict[str, Any] = {
        "friendlyName": name,
        "protectedItemType": "Microsoft.ClassicCompute/virtualMachines",
        "backupManagementType": "AzureIaasVM",
        "workloadType": "VM",
        "protectionState": "Protected",
        "protectionStatus": "Healthy",
        "lastBackupStatus": "Completed",
        "lastBackupTime": "2026-11-20T01:02:03.048723Z",
        "containerName": f"iaasvmcontainer;{name};{name}",
    }
    if vm_id is not None:
        body[via] = vm_id
    body.update(props)
    container = f"iaasvmcontainer;{name};{name}"
    vault = rid("Microsoft.RecoveryServices/vaults", "rsv1", "ops")
    return protected_item(vault, f"IaasVMContainer;{container}", f"VM;{container}", body)


def classic_admin(name: str, props: dict[str, Any], sub: str = SUB) -> dict[str, Any]:
    """An authorizationresources classic administrator row (no resource group in its id)."""
    return classic_administrator(name, props, sub=sub)


def role_assignment(name: str, props: dict[str, Any], sub: str = SUB) -> dict[str, Any]:
    """An authorizationresources role assignment; its id sits under `properties.scope`."""
    body = {
        "principalType": "User",
        "principalId": "5f1c3e2a-0000-4000-8000-000000000001",
        "scope": f"/subscriptions/{sub}",
        "createdOn": "2019-01-15T09:00:00Z",
        **props,
    }
    scope = str(body["scope"] or f"/subscriptions/{sub}")
    return role_assignment_row(scope, name, body, sub=sub)


def role_definition_id(guid: str, sub: str = SUB) -> str:
    return f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
