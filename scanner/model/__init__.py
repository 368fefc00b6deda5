"""The scan result every renderer reads, and nothing else: the shared vocabulary (vocabulary.py),
read-only views of the rule catalogue and inventory (views.py) and the scan's own types.

Reports import only this package (and scanner.errors); this package imports no other scanner module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from scanner.model.history import (
    WAIVER_STATES,
    Delta,
    DeltaItem,
    HistoryReport,
    TrendPoint,
    WaiverEntry,
    WaiverReport,
)
from scanner.model.keys import first_rows, resource_keys
from scanner.model.plan import Plan
from scanner.model.views import InventoryView, RuleCatalogue
from scanner.model.vocabulary import (
    CATEGORIES,
    CHANGE_CATEGORIES,
    CHANGE_TITLES,
    FINDING_COLUMNS,
    MIGRATIONS,
    OPEN_STATUSES,
    READINESS_STATES,
    SEVERITIES,
    STATUSES,
    Category,
    Migration,
    Readiness,
    Severity,
    Status,
    plain_values,
    python_value,
    state_counts,
)

__all__ = [
    "CATEGORIES",
    "CHANGE_CATEGORIES",
    "CHANGE_TITLES",
    "FINDING_COLUMNS",
    "MIGRATIONS",
    "OPEN_STATUSES",
    "READINESS_STATES",
    "SEVERITIES",
    "STATUSES",
    "WAIVER_STATES",
    "Branding",
    "Category",
    "Delta",
    "DeltaItem",
    "HistoryReport",
    "InventoryView",
    "Migration",
    "Plan",
    "Readiness",
    "RuleCatalogue",
    "ScanMeta",
    "ScanResult",
    "Severity",
    "Status",
    "TrendPoint",
    "WaiverEntry",
    "WaiverReport",
    "first_rows",
    "plain_values",
    "python_value",
    "resource_keys",
    "state_counts",
]


#: The waivers of a scan run without --waivers.
NO_WAIVERS = WaiverReport(file=None, sha256=None, active=(), expired=(), unused=())


@dataclass(frozen=True)
class ScanMeta:
    """What was scanned, when, with what."""

    id: str
    """Unique id of this scan run (a UUID)."""
    tool_version: str
    """classic-scanner version."""
    rules_version: str
    """Digest of the rule pack(s) used."""
    as_of: str
    """ISO date every retirement and date rule was evaluated against."""
    started_at: str
    """ISO 8601 UTC timestamp."""
    finished_at: str
    """ISO 8601 UTC timestamp."""
    source: str
    """live, files or demo."""
    cloud: str
    """public, usgov or china."""
    scope: Mapping[str, Any]
    """Tenants and subscriptions covered."""
    coverage: Mapping[str, Any]
    """What was read, what was not, and what failed; `complete` is False when anything is missing."""


@dataclass(frozen=True)
class Branding:
    """Who the report is for and by; shown on report covers."""

    customer: str = ""
    """Customer name (--customer)."""
    prepared_by: str = ""
    """Author or firm (--prepared-by)."""
    logo_data_uri: str = ""
    """Logo as a data: URI (--logo), or ''."""


@dataclass(frozen=True)
class ScanResult:
    """Findings, the rule catalogue and the inventory of one scan."""

    meta: ScanMeta
    """Scan metadata."""
    findings: pd.DataFrame
    """One row per (rule, resource), columns FINDING_COLUMNS, in report order."""
    pack: RuleCatalogue
    """The rules that were evaluated (for catalogue appendices)."""
    inventory: InventoryView
    """The inventory tables the rules read."""
    readiness: Mapping[str, str]
    """Lower-cased classic resource id -> readiness state (scanner.readiness), from the verdicts before
    waivers, as the plan reads them."""
    plan: Plan | None = None
    """The migration plan (filled by the planner; None until then)."""
    branding: Branding = field(default_factory=Branding)
    """Customer, author and logo for report covers."""
    waivers: WaiverReport = field(default_factory=lambda: NO_WAIVERS)
    """The waivers file and its active, expired and unused entries (no file, no entries without
    --waivers)."""
    history: HistoryReport | None = None
    """Delta against the previous scan of the same scope and the trend (None without --history)."""

    @property
    def complete(self) -> bool:
        return bool(self.meta.coverage.get("complete", False))

    def resource_readiness(self) -> Mapping[str, str]:
        """Every classic resource's readiness state: what the plan, the summary and the reports show."""
        return self.readiness

    def summary(self) -> dict[str, Any]:
        status = self.findings["status"]
        fails = self.findings.loc[status == "fail", "severity"]
        return {
            "by_status": {s: int((status == s).sum()) for s in STATUSES},
            "by_severity": {s: int((self.findings["severity"] == s).sum()) for s in SEVERITIES},
            "fail_by_severity": {s: int((fails == s).sum()) for s in SEVERITIES},
            "resources": self.inventory.resource_count,
            "classic_resources": int(self.inventory.table("subscription")["classic_resources"].sum()),
            "readiness": state_counts(self.readiness),
            "rules": len(self.pack.rules),
            "findings": len(self.findings),
        }
