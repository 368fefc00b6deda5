"""Which rows of a table the scan evaluates: the live queries' narrowing, applied in code to every row.

The KQL in scanner/queries narrows some tables on the server (only `-Migrated` resource groups, only
role assignments on classic scopes or of the Owner role, ...). An export or snapshot of the same
estate may hold every row. Applying the same predicate to every row, whatever its source, gives a
live scan and an offline scan of the same rows the same findings, row for row. Each predicate
mirrors its query's `where` clause (a test compares them on the emulator); a table not listed here
keeps every row of its types, as its query does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from scanner.inventory.extract import common, text

#: The built-in Owner role's definition id (the last segment of roleDefinitionId).
OWNER_ROLE = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
MIGRATED_SUFFIX = "-migrated"

Row = dict[str, Any]
Predicate = Callable[[Row, dict[str, Any]], bool]


def _lower(props: dict[str, Any], path: str) -> str:
    return (text(props, path) or "").lower()


def _properties_text(row: Row) -> str:
    """`tostring(properties)`, lower-cased: the JSON text of the properties as ARG serialises them."""
    raw = row.get("properties")
    if raw is None:
        return ""
    return (raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)).lower()


def _role_assignment(row: Row, props: dict[str, Any]) -> bool:
    return "/providers/microsoft.classic" in _lower(props, "scope") or _lower(
        props, "roleDefinitionId"
    ).endswith(OWNER_ROLE)


def _backup_item(row: Row, props: dict[str, Any]) -> bool:
    return any(
        "microsoft.classiccompute" in _lower(props, path)
        for path in ("protectedItemType", "sourceResourceId", "virtualMachineId")
    )


def _migrated_group(row: Row, props: dict[str, Any]) -> bool:
    return str(row.get("name") or "").lower().endswith(MIGRATED_SUFFIX)


def _in_migrated_group(row: Row, props: dict[str, Any]) -> bool:
    return str(common(row)["resource_group"]).lower().endswith(MIGRATED_SUFFIX)


def _expressroute_connection(row: Row, props: dict[str, Any]) -> bool:
    return _lower(props, "connectionType") == "expressroute"


def _uses_classic_network(row: Row, props: dict[str, Any]) -> bool:
    return "microsoft.classicnetwork" in _properties_text(row)


#: Table -> the predicate its query applies (authorizationresources, recoveryservicesresources,
#: resourcecontainers and resources .kql).
PREDICATES: dict[str, Predicate] = {
    "role_assignment": _role_assignment,
    "backup_item": _backup_item,
    "resource_group": _migrated_group,
    "key_vault": _in_migrated_group,
    "er_connection": _expressroute_connection,
    "arm_vnet": _uses_classic_network,
    "app_service_env": _uses_classic_network,
    "hdinsight": _uses_classic_network,
    "apim": _uses_classic_network,
}


def selected(table: str, row: Row, props: dict[str, Any]) -> bool:
    """Whether the scan evaluates this row of `table` (its parsed properties in `props`)."""
    predicate = PREDICATES.get(table)
    return predicate is None or predicate(row, props)
