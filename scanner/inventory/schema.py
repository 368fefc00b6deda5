"""The shape of the inventory catalogue: a column, a table, the columns every table starts with, and
a group of tables of one family (columns.py assembles the groups into the catalogue)."""

from __future__ import annotations

from dataclasses import dataclass, field
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


def column(name: str, kind: ColumnKind, doc: str) -> Column:
    """A column (short to call: the catalogue defines hundreds)."""
    return Column(name, kind, doc)


COMMON: tuple[Column, ...] = (
    column("id", "str", "Resource id exactly as ARG gave it."),
    column("key", "str", "Lower-cased, normalised id used for every join (compare ids through it)."),
    column("name", "str", "ARG `name`."),
    column("type", "str", "ARG `type`, lower-cased."),
    column("subscription_id", "str", "ARG `subscriptionId`, else parsed from the id; lower-cased."),
    column(
        "resource_group", "str", "ARG `resourceGroup`, else parsed from the id; '' when ARG left it empty."
    ),
    column("location", "str", "ARG `location`, lower-cased."),
    column("tags", "dict", "ARG `tags` (empty dict when absent); rules test one tag as `tags.<key>`."),
)

TABLES: dict[str, Table] = {}


@dataclass
class TableGroup:
    """Tables of one family, in the order they are defined (and listed)."""

    tables: list[Table] = field(default_factory=list)

    def add(self, name: str, doc: str, types: tuple[str, ...], *columns: Column) -> None:
        self.tables.append(Table(name, doc, types, tuple(columns)))
