"""The "Cloud Services (ext)" sheet of report.xlsx: plan.cses, one row per deployment in move order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reports.excel import Book, Col, plain, row_columns, wrapped, write_table
from scanner.model import ScanResult

TITLE = "Cloud Services (ext)"
COLUMNS: tuple[Col, ...] = (
    Col("Step", 7),
    Col("Deployment", 24),
    Col("Moves with", 20),
    Col("Environment", 15),
    Col("Slot", 11),
    Col("Roles (size)", 36, wrapped),
    Col("Instances", 10),
    Col("Guest OS family", 10),
    Col("Days left", 10),
    Col("Recommended target", 30),
    Col("Reasons", 70, wrapped),
    Col("Blockers", 20, wrapped),
    Col("Preparation", 30, wrapped),
    Col("Unknown", 20, wrapped),
    Col("To create on the target", 60, wrapped),
    Col("Resource id", 60, plain),
)


def _rules(found: Any) -> str:
    return ", ".join(str(f["rule_id"]) for f in found or [])


def rows(cses: Mapping[str, Any]) -> list[list[Any]]:
    """One row per deployment of `plan.cses`."""
    days = cses.get("days_left")
    out: list[list[Any]] = []
    for d in cses.get("deployments") or []:
        roles = "\n".join(f"{r['name']} ({r['size']})" for r in d.get("roles") or [])
        target = d.get("target") or {}
        out.append(
            [
                d.get("step"),
                d.get("name"),
                ", ".join(d.get("moves_with") or []),
                d.get("environment"),
                d.get("slot_type"),
                roles,
                d.get("instance_count"),
                d.get("os_family"),
                days,
                target.get("service"),
                "\n".join(target.get("reasons") or []),
                _rules(d.get("blockers")),
                _rules(d.get("preparation")),
                _rules(d.get("unknowns")),
                "\n".join(d.get("create") or []),
                d.get("id"),
            ]
        )
    return out


def cses_sheet(book: Book, result: ScanResult) -> list[str]:
    """The sheet's titles; none when the scan has no Cloud Service (extended support)."""
    cses = dict(result.plan or {}).get("cses") or {}
    table = rows(cses)
    if not table:
        return []
    return write_table(book, TITLE, "CloudServicesES", COLUMNS, row_columns(table), len(table))
