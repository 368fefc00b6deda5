"""The one builder of Azure Resource Graph rows, shared by the tests (tests/arg_rows.py), the benchmark
estate (bench/generate.py) and the demo generator (tools/demo/).

Rows have the shape reference/resource-graph.md describes: every column ARG returns for `project *`, in
ARG's order, with the type lower-cased as ARG reports it. `resource_id` is the one id helper; each ARG
table the scanner reads has one builder (`resource_row`, `container_row`, `authorization_row`,
`backup_item_row`), all on top of `arg_row`. `project` cuts a row down to the columns the scanner's query
of its table keeps (what a live scan receives), as the benchmark writes them.

Nothing here is random or reads the clock, so the same arguments give the same row. It lives under
tests/ because only development code may use it: the runtime packages never import it.
"""

from __future__ import annotations

from typing import Any

from scanner.snapshot import dataset_for_type
from scanner.sources.files import ARG_COLUMNS

Row = dict[str, Any]

#: Every column ARG returns for `project *`, in ARG's order (the files source's own list).
COLUMNS = ARG_COLUMNS

_PLAIN = ("id", "name", "type", "tenantId", "location", "resourceGroup", "subscriptionId", "properties")
#: The columns each table's query projects (scanner/queries/<table>.kql), in its order.
PROJECTED: dict[str, tuple[str, ...]] = {
    "resources": (*_PLAIN[:4], "kind", *_PLAIN[4:7], "sku", "properties", "tags"),
    "recoveryservicesresources": _PLAIN,
    "authorizationresources": _PLAIN,
    "resourcecontainers": (*_PLAIN, "tags"),
}

BACKUP_ITEM_TYPE = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems"


def resource_id(sub: str, rg: str, provider_type: str, name: str) -> str:
    """An ARM resource id, e.g. resource_id(s, "rg", "Microsoft.ClassicCompute/virtualMachines", "vm1")."""
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{provider_type}/{name}"


def arg_row(
    row_id: str,
    name: str,
    arg_type: str,
    sub: str,
    rg: str,
    location: str,
    properties: Any,
    *,
    tenant: str,
    tags: dict[str, str] | None = None,
    **columns: Any,
) -> Row:
    """One row with every ARG column; `tags` None is an untagged resource ({}), `columns` set the other
    columns by their ARG names (kind, sku, managedBy, identity, zones, ...) and may add keys ARG does not
    have (tests of odd input do)."""
    row: Row = {
        "id": row_id,
        "name": name,
        "type": arg_type.lower(),
        "tenantId": tenant,
        "kind": "",
        "location": location,
        "resourceGroup": rg,
        "subscriptionId": sub,
        "managedBy": "",
        "sku": None,
        "plan": None,
        "properties": properties,
        "tags": {} if tags is None else tags,
        "identity": None,
        "zones": None,
        "extendedLocation": None,
    }
    row.update(columns)
    return row


def resource_row(
    sub: str,
    rg: str,
    provider_type: str,
    name: str,
    location: str,
    properties: Any,
    *,
    tenant: str,
    **columns: Any,
) -> Row:
    """A row of the `resources` table, its id built from its parts (`provider_type` in Azure's casing)."""
    return arg_row(
        resource_id(sub, rg, provider_type, name),
        name,
        provider_type,
        sub,
        rg,
        location,
        properties,
        tenant=tenant,
        **columns,
    )


def container_row(
    sub: str, name: str, properties: Any, *, tenant: str, rg: str = "", location: str = "", **columns: Any
) -> Row:
    """A row of `resourcecontainers`: the subscription itself (`name` its display name) when `rg` is
    empty, else its resource group `rg` (named `name`)."""
    if not rg:
        return arg_row(
            f"/subscriptions/{sub}",
            name,
            "microsoft.resources/subscriptions",
            sub,
            "",
            location,
            properties,
            tenant=tenant,
            **columns,
        )
    return arg_row(
        f"/subscriptions/{sub}/resourceGroups/{rg}",
        name,
        "microsoft.resources/subscriptions/resourcegroups",
        sub,
        rg,
        location,
        properties,
        tenant=tenant,
        **columns,
    )


def authorization_row(
    scope: str, kind: str, name: str, properties: Any, *, sub: str, tenant: str, rg: str = ""
) -> Row:
    """A row of `authorizationresources`: `kind` is roleAssignments or classicAdministrators, `scope`
    the id it hangs below (a subscription, resource group or resource)."""
    return arg_row(
        f"{scope}/providers/Microsoft.Authorization/{kind}/{name}",
        name,
        f"Microsoft.Authorization/{kind}",
        sub,
        rg,
        "",
        properties,
        tenant=tenant,
    )


def backup_item_row(
    vault_id: str,
    container: str,
    item: str,
    properties: Any,
    *,
    sub: str,
    rg: str,
    location: str,
    tenant: str,
) -> Row:
    """A row of `recoveryservicesresources`: protected item `item` of the Azure fabric's container
    `container` (e.g. "IaasVMContainer;iaasvmcontainer;cs;vm") in vault `vault_id`."""
    return arg_row(
        f"{vault_id}/backupFabrics/Azure/protectionContainers/{container}/protectedItems/{item}",
        item,
        BACKUP_ITEM_TYPE,
        sub,
        rg,
        location,
        properties,
        tenant=tenant,
    )


def project(row: Row) -> Row:
    """The row as the scanner's query of its table returns it: only the projected columns, in order."""
    return {column: row[column] for column in PROJECTED[dataset_for_type(row["type"])]}
