"""The inventory catalogue: every table and column (defined per family in tables_classic.py,
tables_arm.py and tables_derived.py; their shape in schema.py).

The inventory turns raw ARG rows into one flat pandas DataFrame per entity. This module is the
contract between the inventory builder (which fills the columns) and the rules (which name them):
the rule loader rejects a rule that names a column not listed here, and `classic-scan rules
columns` prints this catalogue.

Missing data policy: a value the rows do not carry is NA, and a rule that needs it gives `unknown`.
A column says in its `doc` when an absent key inside a present parent object means "none"
instead (for example a VM whose `networkProfile` is present but has no `virtualNetwork`).
"""

from __future__ import annotations

from scanner.inventory.schema import COMMON, Column, ColumnKind, Table
from scanner.inventory.tables_arm import ARM
from scanner.inventory.tables_classic import CLASSIC
from scanner.inventory.tables_derived import DERIVED

__all__ = ["CLASSIC_TYPES", "COMMON", "TABLES", "TYPE_TO_TABLE", "Column", "ColumnKind", "Table"]

#: Table name -> table: classic tables first, then the ARM ones, then the derived ones.
TABLES: dict[str, Table] = {t.name: t for group in (CLASSIC, ARM, DERIVED) for t in group.tables}

#: ARG type -> inventory table.
TYPE_TO_TABLE: dict[str, str] = {t: table.name for table in TABLES.values() for t in table.types}

#: Classic (ASM) resource types.
CLASSIC_TYPES: tuple[str, ...] = tuple(t for t in TYPE_TO_TABLE if t.startswith("microsoft.classic"))
