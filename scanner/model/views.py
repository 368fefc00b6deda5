"""Read-only views of the rule catalogue and the inventory, as the renderers see them.

The engine's `RulePack` and the inventory's `Inventory` satisfy these protocols structurally (mypy
checks it where scan.py builds the ScanResult), so the model names what reports read without
importing the stages that produce it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Protocol

import pandas as pd

from scanner.model.vocabulary import Cloud


class ReferenceView(Protocol):
    """A source a rule cites."""

    @property
    def title(self) -> str: ...
    @property
    def url(self) -> str: ...


class RuleSpecView(Protocol):
    """A rule's metadata as written in its YAML file."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def severity(self) -> str | None:
        """None for retirement rules: the calendar and --as-of decide."""

    @property
    def category(self) -> str: ...
    @property
    def target(self) -> str:
        """The inventory table the rule reads."""

    @property
    def verdict(self) -> str:
        """What a match means: fail or manual."""

    @property
    def message(self) -> str:
        """Message template of a fail (or manual) finding."""

    @property
    def pass_message(self) -> str | None: ...
    @property
    def manual_message(self) -> str | None: ...
    @property
    def rationale(self) -> str: ...
    @property
    def remediation(self) -> str: ...
    @property
    def verification(self) -> Sequence[str]:
        """Steps a person follows to verify a manual finding."""

    @property
    def references(self) -> Sequence[ReferenceView]: ...
    @property
    def retirement(self) -> str | None:
        """Key of the retirement calendar entry, for retirement rules."""


class RuleView(Protocol):
    """One rule of the catalogue."""

    @property
    def spec(self) -> RuleSpecView: ...
    @property
    def id(self) -> str: ...
    @property
    def migration(self) -> str:
        """The rule's migration role (Migration)."""


class AlternativeDateView(Protocol):
    """Another date announced for a retirement (an extension, a phase)."""

    @property
    def date(self) -> dt.date: ...
    @property
    def source(self) -> str: ...
    @property
    def note(self) -> str: ...


class RetirementView(Protocol):
    """One entry of the retirement calendar."""

    @property
    def service(self) -> str: ...
    @property
    def announcement(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def notes(self) -> str: ...
    @property
    def alternative_dates(self) -> Sequence[AlternativeDateView]: ...
    @property
    def dates_by_cloud(self) -> Mapping[Cloud, dt.date]: ...
    def date_for(self, cloud: Cloud | str) -> dt.date:
        """The retirement date in a cloud (public unless the entry says otherwise)."""
        ...


class CalendarView(Protocol):
    """The retirement calendar the retirement rules read."""

    @property
    def entries(self) -> Mapping[str, RetirementView]: ...
    def severity(self, retire_date: dt.date, as_of: dt.date) -> str:
        """The severity a retirement date implies on the --as-of date."""
        ...


class RuleCatalogue(Protocol):
    """The rules a scan evaluated and their calendar (the reports' catalogue appendices)."""

    @property
    def rules(self) -> Sequence[RuleView]: ...
    @property
    def calendar(self) -> CalendarView: ...
    @property
    def version(self) -> str: ...
    @property
    def migration_roles(self) -> Mapping[str, str]:
        """Rule id -> migration role."""

    def get(self, rule_id: str) -> RuleView | None:
        """The rule with this id (case-insensitive), or None."""
        ...


class ColumnView(Protocol):
    """One column of an inventory table."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str:
        """str, bool, int, list or dict."""

    @property
    def doc(self) -> str: ...


class TableView(Protocol):
    """What one inventory table holds."""

    @property
    def doc(self) -> str:
        """What one row is."""

    @property
    def all_columns(self) -> Sequence[ColumnView]: ...


class InventoryView(Protocol):
    """The inventory tables the rules read."""

    @property
    def tables(self) -> Mapping[str, pd.DataFrame]: ...
    @property
    def resource_count(self) -> int:
        """Resources read from Resource Graph (derived tables excluded)."""

    def table(self, name: str) -> pd.DataFrame: ...
    def schema(self, name: str) -> TableView:
        """The columns and documentation of a table."""
        ...

    def with_tables(self, tables: Mapping[str, pd.DataFrame]) -> InventoryView:
        """The same inventory holding other tables of the same columns (masking)."""
        ...
