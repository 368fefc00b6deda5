"""Inventory: raw rows per dataset -> one flat DataFrame per entity (columns in columns.py)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scanner.inventory import extract, relations
from scanner.inventory.arm_merge import ARM_DATASETS, ArmDetails
from scanner.inventory.columns import CLASSIC_TYPES, TABLES, TYPE_TO_TABLE, Column, Table
from scanner.inventory.selection import selected
from scanner.snapshot import Snapshot

_DTYPES = {"str": "object", "bool": "boolean", "int": "Int64", "list": "object", "dict": "object"}


@dataclass(frozen=True)
class Inventory:
    """One DataFrame per inventory table, plus what the rows did not fit."""

    tables: Mapping[str, pd.DataFrame]
    """Table name -> DataFrame with exactly the columns of columns.TABLES[name]."""
    collected: frozenset[str]
    """ARG datasets that were collected (see Snapshot.collected)."""
    unrouted_types: Mapping[str, int]
    """Row counts of ARG types no table reads (kept for the coverage report)."""

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def schema(self, name: str) -> Table:
        """The columns and documentation of a table (what the workbook's inventory sheets show)."""
        return TABLES[name]

    def with_tables(self, tables: Mapping[str, pd.DataFrame]) -> Inventory:
        """The same inventory holding other tables of the same columns (masking)."""
        return dataclasses.replace(self, tables=tables)

    @property
    def resource_count(self) -> int:
        """Rows in tables that come from ARG (derived tables excluded)."""
        return sum(len(df) for name, df in self.tables.items() if TABLES[name].types)


def build_inventory(snapshot: Snapshot) -> Inventory:
    records: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    unrouted: dict[str, int] = {}
    subscription_names: dict[str, str] = {}
    arm = ArmDetails.from_snapshot(snapshot)
    for name, rows in snapshot.rows.items():
        if name in ARM_DATASETS:
            continue  # merged into the rows ARG listed, below and in arm.annotate
        for row in rows:
            arg_type = row["type"]
            if arg_type == "microsoft.resources/subscriptions":
                _subscription_name(row, subscription_names)
                continue
            table = TYPE_TO_TABLE.get(arg_type)
            if table is None:
                unrouted[arg_type] = unrouted.get(arg_type, 0) + 1
                continue
            props = _properties(row)
            if not selected(table, row, props):
                continue  # outside what the live query returns: set aside, as a live scan never sees it
            props = arm.merged_properties(table, row, props)
            records[table].append({**extract.common(row), **extract.EXTRACTORS[table](row, props)})
    for rows in records.values():
        rows.sort(key=lambda r: r["key"])
    relations.derive(records, snapshot.collected)
    classic_tables = tuple(sorted({TYPE_TO_TABLE[t] for t in CLASSIC_TYPES}))
    records["subscription"] = relations.subscriptions(records, classic_tables, subscription_names)
    records["region"] = relations.regions(records)
    records["migration_unit"] = relations.migration_units(records)
    arm.annotate(records)
    frames = {name: _frame(records[name], TABLES[name].all_columns) for name in TABLES}
    return Inventory(
        tables=frames, collected=snapshot.collected, unrouted_types=dict(sorted(unrouted.items()))
    )


def _properties(row: dict[str, Any]) -> dict[str, Any]:
    props = row.get("properties")
    if isinstance(props, str):
        try:
            props = json.loads(props)
        except json.JSONDecodeError:
            props = None
    return props if isinstance(props, dict) else {}


def _subscription_name(row: dict[str, Any], names: dict[str, str]) -> None:
    sub = str(row.get("subscriptionId") or row["id"].rstrip("/").rsplit("/", 1)[-1]).lower()
    display = extract.text(_properties(row), "displayName") or row.get("name")
    if display:
        names[sub] = str(display)


def _frame(rows: list[dict[str, Any]], columns: tuple[Column, ...]) -> pd.DataFrame:
    data = {}
    for col in columns:
        values = [r.get(col.name) for r in rows]
        data[col.name] = (
            pd.Series(values, dtype=_DTYPES[col.kind]) if rows else pd.Series([], dtype=_DTYPES[col.kind])
        )
    return pd.DataFrame(data)
