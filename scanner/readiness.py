"""Migration readiness, defined once, from each rule's `migration` role.

A finding counts by its rule's role and its verdict:
- a `blocking` rule that fails blocks: the platform's validate or prepare stops on it;
- a `blocking` rule that is unknown or manual makes the state unknown: it may block, and the data
  cannot say (a guessed "ready" would hide a stop);
- a `preparation` rule that fails, is unknown or is manual means work before or during the
  migration;
- `none` rules (retirements, residue, post-migration) and passes do not count.

A resource's state is the worst of its findings' (blocked, unknown, needs-preparation, ready, in that
order). A migration unit's state is the worst over its resources and its container, and unknown at
least when its container is not in the scan. The plan, findings.json's summary, the HTML summary,
the circuit view and the workbook all read these two functions.

Verdicts are taken before waivers: a waived blocker still stops the platform migration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from scanner.model import OPEN_STATUSES, resource_keys, state_counts
from scanner.model import READINESS_STATES as STATES

__all__ = ["OPEN_STATUSES", "STATES", "counts", "finding_state", "resource_states", "unit_readiness", "worst"]

CLASSIC_PREFIX = "microsoft.classic"


def finding_state(role: str, status: str) -> str | None:
    """The state one finding puts its resource in, or None when it does not count."""
    if role == "blocking":
        if status == "fail":
            return "blocked"
        if status in ("unknown", "manual"):
            return "unknown"
    elif role == "preparation" and status in OPEN_STATUSES:
        return "needs-preparation"
    return None


def worst(states: Iterable[str]) -> str:
    """The worst of some states ('ready' when there are none)."""
    return STATES[min((STATES.index(s) for s in states), default=STATES.index("ready"))]


def resource_states(findings: pd.DataFrame, roles: Mapping[str, str]) -> dict[str, str]:
    """Lower-cased id -> state, for every classic (ASM) resource the findings name.

    A classic resource every rule passes (or that only `none` rules name) is ready. Vectorized: one
    pass over the findings, however many there are."""
    if findings.empty:
        return {}
    classic = findings["resource_type"].fillna("").astype(str).str.startswith(CLASSIC_PREFIX).to_numpy()
    if not classic.any():
        return {}
    part = findings.loc[classic, ["resource_id", "rule_id", "status"]]
    role = part["rule_id"].map(roles).fillna("none").to_numpy(dtype=object)
    status = part["status"].to_numpy(dtype=object)
    rank = np.full(len(part), STATES.index("ready"), dtype=np.int8)
    rank[(role == "preparation") & np.isin(status, OPEN_STATUSES)] = STATES.index("needs-preparation")
    rank[(role == "blocking") & np.isin(status, ("unknown", "manual"))] = STATES.index("unknown")
    rank[(role == "blocking") & (status == "fail")] = STATES.index("blocked")
    codes, keys = resource_keys(part["resource_id"])
    best = np.full(len(keys), len(STATES), dtype=np.int8)
    np.minimum.at(best, codes, rank)
    return {str(k): STATES[int(r)] for k, r in zip(keys, best, strict=True)}


def counts(states: Mapping[str, str]) -> dict[str, int]:
    """Resources per state, every state present (findings.json `summary.readiness`)."""
    return state_counts(states)


@dataclass(frozen=True)
class UnitReadiness:
    """A unit's state and the findings behind it, each finding in the list of the state it causes."""

    state: str
    blockers: list[dict[str, Any]] = field(default_factory=list)
    """Every failing blocking finding on the unit's resources or container."""
    unknowns: list[dict[str, Any]] = field(default_factory=list)
    """Blocking findings that are unknown or manual."""
    preparation: list[dict[str, Any]] = field(default_factory=list)
    """Preparation findings that fail, are unknown or are manual."""


def unit_readiness(found: Iterable[Mapping[str, Any]], container_in_scan: bool = True) -> UnitReadiness:
    """The state of a migration unit (or of an ExpressRoute circuit) from the findings on its resources.

    Each finding is a mapping with at least `migration` (the rule's role) and `status`."""
    lists: dict[str, list[dict[str, Any]]] = {"blocked": [], "unknown": [], "needs-preparation": []}
    for f in found:
        state = finding_state(str(f["migration"]), str(f["status"]))
        if state is not None:
            lists[state].append(dict(f))
    present = [s for s, items in lists.items() if items]
    if not container_in_scan:
        present.append("unknown")
    return UnitReadiness(
        state=worst(present),
        blockers=lists["blocked"],
        unknowns=lists["unknown"],
        preparation=lists["needs-preparation"],
    )
