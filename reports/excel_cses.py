"""The "Cloud Services (ext)" sheet of report.xlsx: plan.cses, one row per deployment in move order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reports.excel import Book, Col, plain, row_columns, wrapped, write_table
from scanner.model import ScanResult
from scanner.model.plan import CsesFinding, CsesPlan

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


def _rules(found: Iterable[CsesFinding]) -> str:
    return ", ".join(f.rule_id for f in found)


def rows(cses: CsesPlan | None) -> list[list[Any]]:
    """One row per deployment of `plan.cses`."""
    if cses is None:
        return []
    out: list[list[Any]] = []
    for d in cses.deployments:
        roles = "\n".join(f"{r.name} ({r.size})" for r in d.roles)
        out.append(
            [
                d.step,
                d.name,
                ", ".join(d.moves_with),
                d.environment,
                d.slot_type,
                roles,
                d.instance_count,
                d.os_family,
                cses.days_left,
                d.target.service,
                "\n".join(d.target.reasons),
                _rules(d.blockers),
                _rules(d.preparation),
                _rules(d.unknowns),
                "\n".join(d.create),
                d.id,
            ]
        )
    return out


def cses_sheet(book: Book, result: ScanResult) -> list[str]:
    """The sheet's titles; none when the scan has no Cloud Service (extended support)."""
    table = rows(result.plan.cses if result.plan is not None else None)
    if not table:
        return []
    return write_table(book, TITLE, "CloudServicesES", COLUMNS, row_columns(table), len(table))
