"""What the waivers did and what changed since the previous scan: the typed parts of a ScanResult that
scanner.waivers, scanner.delta and scanner.history fill and the reports show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scanner.model.vocabulary import CHANGE_CATEGORIES

#: The states a waiver is reported in, in the order the reports list them.
WAIVER_STATES: tuple[str, ...] = ("active", "expired", "unused")


@dataclass(frozen=True)
class WaiverEntry:
    """One entry of the waivers file and what it did in this scan."""

    rule: str
    """Rule id or glob, as written."""
    target: str
    """The target as text: 'resource ID', 'resource matching REGEX' or 'tags k=v, ...'."""
    justification: str
    """Why the exception is accepted."""
    owner: str
    """Who owns the exception."""
    expires: str
    """Last day the waiver applies (ISO date)."""
    ticket: str | None
    """Change or risk ticket, if given."""
    approved_by: str | None
    """Approver, if given."""
    state: str
    """active, expired or unused (WAIVER_STATES)."""
    entry: int
    """1-based position of the entry in the file."""
    matched: int
    """Findings it matched: waived (active) or left open again (expired); 0 when unused."""
    no_such_rule: bool
    """True when the rule (or glob) names no rule of the loaded pack."""


@dataclass(frozen=True)
class WaiverReport:
    """The waivers file of a scan and its entries, each in exactly one state's list, in file order."""

    file: str | None
    """Path of the waivers file (--waivers)."""
    sha256: str | None
    """SHA-256 of the file, as evidence of what was applied."""
    active: tuple[WaiverEntry, ...]
    """Unexpired entries that matched open findings."""
    expired: tuple[WaiverEntry, ...]
    """Expired entries, matched or not."""
    unused: tuple[WaiverEntry, ...]
    """Unexpired entries that matched no open finding."""

    def entries(self, state: str) -> tuple[WaiverEntry, ...]:
        """The entries of one state (WAIVER_STATES)."""
        if state not in WAIVER_STATES:
            raise ValueError(f"unknown waiver state {state!r}")
        found: tuple[WaiverEntry, ...] = getattr(self, state)
        return found


@dataclass(frozen=True)
class DeltaItem:
    """One finding whose state changed between the two scans."""

    finding_id: str
    """Stable finding id."""
    rule_id: str
    """Rule id."""
    resource_id: str
    """Resource id (as the newest scan that has it gave it)."""
    status: str
    """Status in the new scan, or "absent"."""
    old_status: str
    """Status in the old scan, or "absent"."""


@dataclass(frozen=True)
class Delta:
    """What changed from one scan to the next (definitions in scanner.delta)."""

    new: tuple[DeltaItem, ...]
    """Failing now; absent, unknown or manual before."""
    regressed: tuple[DeltaItem, ...]
    """Failing now; passed before."""
    waiver_expired: tuple[DeltaItem, ...]
    """Failing now; waived before."""
    resolved: tuple[DeltaItem, ...]
    """Fail or waived before; pass or absent now."""
    waived: tuple[DeltaItem, ...]
    """Fail before; waived now."""
    unverified: tuple[DeltaItem, ...]
    """Fail or waived before; unknown or manual now."""
    persisting: int
    """Findings failing in both scans."""

    def items(self, category: str) -> tuple[DeltaItem, ...]:
        """The changed findings of one category (CHANGE_CATEGORIES)."""
        if category not in CHANGE_CATEGORIES:
            raise ValueError(f"unknown change category {category!r}")
        found: tuple[DeltaItem, ...] = getattr(self, category)
        return found

    def counts(self) -> dict[str, int]:
        """Number of findings per category, persisting included."""
        return {**{c: len(self.items(c)) for c in CHANGE_CATEGORIES}, "persisting": self.persisting}


@dataclass(frozen=True)
class TrendPoint:
    """One scan of a scope, for the trend chart."""

    scan_id: str
    """The scan's id."""
    started_at: str
    """When it started (UTC, "YYYY-MM-DDTHH:MM:SSZ")."""
    as_of: str
    """Its evaluation date."""
    complete: bool
    """Whether its coverage was complete."""
    counts: Mapping[str, int]
    """Findings per status (every status in STATUSES)."""


@dataclass(frozen=True)
class HistoryReport:
    """A scan's place in its scope's history: the delta against the previous scan and the trend."""

    scope_key: str
    """Key of the scan's scope (scanner.history.scope_key)."""
    previous_scan_id: str | None
    """The previous scan of the same scope, or None for the first one."""
    delta: Delta | None
    """Delta against the previous scan, or None for the first scan of the scope."""
    trend: tuple[TrendPoint, ...]
    """Every scan of the scope, oldest first, this one included."""
