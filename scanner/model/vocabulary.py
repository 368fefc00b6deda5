"""The words every stage and every report shares: verdicts, severities, migration roles, readiness
states, change categories, the findings columns, and how cell values become plain Python.

Enum values are the strings written to findings.json, findings.csv and the reports; the tuples list
them as plain `str` in the order reports show them (worst first), so code that iterates them writes
exactly what it wrote before the enums existed.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd


class Status(StrEnum):
    """A finding's verdict."""

    FAIL = "fail"
    UNKNOWN = "unknown"
    """The data the rule needs was not read or is inconclusive: never a guessed pass."""
    MANUAL = "manual"
    """Only a person can verify it (the rule's verification steps say how)."""
    WAIVED = "waived"
    """A fail, unknown or manual finding an active waiver covers."""
    PASS = "pass"


class Severity(StrEnum):
    """How much a failing finding matters."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


class Migration(StrEnum):
    """What a rule's failure means for the migration unit of the resource (see scanner.readiness)."""

    BLOCKING = "blocking"
    """The platform's validate or prepare stops on it."""
    PREPARATION = "preparation"
    """Work before or during the migration."""
    NONE = "none"
    """Retirements, residue, post-migration: no bearing on the unit's state."""


class Readiness(StrEnum):
    """A classic resource's or a migration unit's readiness state."""

    BLOCKED = "blocked"
    UNKNOWN = "unknown"
    NEEDS_PREPARATION = "needs-preparation"
    READY = "ready"


class Category(StrEnum):
    """A rule's category (rule YAML `category`)."""

    RETIREMENT = "retirement"
    VM_READINESS = "vm-readiness"
    CLOUD_SERVICE = "cloud-service"
    NETWORKING = "networking"
    EXPRESSROUTE = "expressroute"
    STORAGE = "storage"
    BACKUP = "backup"
    IDENTITY = "identity"
    CAPACITY = "capacity"
    MONITORING = "monitoring"
    POST_MIGRATION = "post-migration"
    MANUAL_CHECK = "manual-check"
    EXTENDED_SUPPORT = "extended-support"


#: Verdicts, worst first (the order of every count and filter).
STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
#: Severities, worst first.
SEVERITIES: tuple[str, ...] = tuple(s.value for s in Severity)
#: Migration roles a rule can play.
MIGRATIONS: tuple[str, ...] = tuple(m.value for m in Migration)
#: Readiness states, worst first; the plan's unit states are the same.
READINESS_STATES: tuple[str, ...] = tuple(r.value for r in Readiness)
#: Rule categories, in the order the workbook's legend lists them.
CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)
#: Verdicts that leave a rule's concern open.
OPEN_STATUSES: tuple[str, ...] = (Status.FAIL.value, Status.UNKNOWN.value, Status.MANUAL.value)

#: Categories of a scan-to-scan delta, in the order diff, summary.md and the reports show them.
CHANGE_CATEGORIES: tuple[str, ...] = (
    "new",
    "regressed",
    "waiver_expired",
    "resolved",
    "waived",
    "unverified",
)
#: What each category of a scan-to-scan delta is called wherever it is shown (diff, summary.md).
CHANGE_TITLES = {
    "new": "New",
    "regressed": "Regressed (passed before)",
    "waiver_expired": "Waiver expired or removed",
    "resolved": "Resolved",
    "waived": "Newly waived",
    "unverified": "No longer verifiable (unknown or manual now)",
}

#: The findings table's columns, in findings.json / findings.csv order.
FINDING_COLUMNS: tuple[str, ...] = (
    "finding_id",
    "rule_id",
    "title",
    "status",
    "severity",
    "category",
    "resource_id",
    "resource_name",
    "resource_type",
    "subscription_id",
    "resource_group",
    "location",
    "message",
    "evidence",
    "remediation",
    "references",
    "waiver",
    "first_seen",
    "last_seen",
)


def python_value(value: Any) -> Any:
    """A JSON-ready Python value (NA -> None, numpy scalars -> Python)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def plain_values(column: pd.Series[Any]) -> list[Any]:
    """A column as plain Python values, NA as None (python_value for a whole column at once)."""
    values = column.astype(object)
    if column.hasnans:
        values = values.where(column.notna(), None)
    return values.tolist()


def state_counts(states: Mapping[str, str]) -> dict[str, int]:
    """Resources per readiness state, every state present (findings.json `summary.readiness`)."""
    out = dict.fromkeys(READINESS_STATES, 0)
    for state in states.values():
        out[state] += 1
    return out


class Cloud(StrEnum):
    """An Azure cloud, by the name `--cloud` takes."""

    PUBLIC = "public"
    USGOV = "usgov"
    CHINA = "china"


#: The names, in the order help texts and error lines list them.
CLOUD_NAMES: tuple[str, ...] = tuple(cloud.value for cloud in Cloud)
