"""The sheets of report.xlsx: what each holds (the writing machinery is in reports.excel)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, get_args

from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.shapes import GraphicalProperties

from reports import plan_view
from reports.common import SEVERITY_COLORS, STATUS_COLORS
from reports.excel import (
    Book,
    Col,
    Sheet,
    borrowed,
    compact_json,
    plain,
    portal,
    severity,
    status,
    wrapped,
    write_table,
)
from scanner.engine.evaluate import STATUSES
from scanner.engine.rules import SEVERITIES, Category
from scanner.inventory.columns import TABLES
from scanner.model import ScanResult
from scanner.plan import STATES

#: Findings sheet columns and the finding field each shows.
FINDINGS: tuple[tuple[Col, str], ...] = (
    (Col("Severity", 10, severity), "severity"),
    (Col("Status", 10, status), "status"),
    (Col("Rule", 10), "rule_id"),
    (Col("Title", 48), "title"),
    (Col("Category", 15), "category"),
    (Col("Resource name", 28), "resource_name"),
    (Col("Resource type", 38), "resource_type"),
    (Col("Subscription", 38), "subscription_id"),
    (Col("Resource group", 22), "resource_group"),
    (Col("Location", 14), "location"),
    (Col("Message", 80), "message"),
    (Col("Evidence", 60), "evidence"),
    (Col("Remediation", 60), "remediation"),
    (Col("References", 60), "references"),
    (Col("Finding id", 34), "finding_id"),
    (Col("Resource id", 70), "resource_id"),
    (Col("Portal link", 60, portal), "resource_id"),
)
MANUAL: tuple[tuple[Col, str], ...] = (
    (Col("Rule", 10), "rule_id"),
    (Col("Title", 40, wrapped), "title"),
    (Col("Resource name", 28), "resource_name"),
    (Col("Resource type", 34), "resource_type"),
    (Col("Subscription", 38), "subscription_id"),
    (Col("Resource group", 22), "resource_group"),
    (Col("Message", 60, wrapped), "message"),
    (Col("Verification", 70, wrapped), "rule_id"),
    (Col("Remediation", 70, wrapped), "rule_id"),
    (Col("Finding id", 34), "finding_id"),
    (Col("Resource id", 70), "resource_id"),
    (Col("Portal link", 60, portal), "resource_id"),
)
CATALOG: tuple[Col, ...] = (
    Col("Rule", 10),
    Col("Title", 48, wrapped),
    Col("Severity", 11, severity),
    Col("Category", 15),
    Col("Target", 18),
    Col("Verdict", 9),
    Col("Retirement", 14),
    *(Col(s.capitalize(), 9) for s in STATUSES),
    Col("Rationale", 70, wrapped),
    Col("Remediation", 70, wrapped),
    Col("Verification", 60, wrapped),
    Col("References", 70, wrapped),
)


def state(sheet: Sheet, value: Any) -> Any:
    """A migration unit's state, coloured like the report's state badges."""
    return sheet.book.text(str(value), f"state:{value}" if value in plan_view.STATE_COLORS else None)


#: Plan sheet columns, one row per migration unit (plan_view.plan_rows gives the values).
PLAN: tuple[Col, ...] = (
    Col("Order", 7),
    Col("Wave", 7),
    Col("Kind", 24),
    Col("Name", 28),
    Col("Subscription", 38),
    Col("Subscription name", 26),
    Col("Location", 14),
    Col("Environment", 15),
    Col("State", 18, state),
    Col("VMs", 7),
    Col("Blockers", 24, wrapped),
    Col("Preparation", 24, wrapped),
    Col("Unknowns", 24, wrapped),
    Col("Lock minutes (low)", 11),
    Col("Lock minutes (expected)", 11),
    Col("Lock minutes (high)", 11),
    Col("Data-plane impact", 44, wrapped),
    Col("Depends on", 30, wrapped),
    Col("Azure creates", 70, wrapped),
    *(Col(f"{step.capitalize()} (PowerShell)", 64) for step in plan_view.COMMAND_STEPS),
)
#: Quota sheet columns, one row per subscription, region and ARM VM family.
QUOTA: tuple[Col, ...] = (
    Col("Subscription", 38),
    Col("Subscription name", 26),
    Col("Region", 14),
    Col("ARM VM family", 26),
    Col("vCPUs", 9),
    Col("VMs in region", 10),
    Col("NICs", 9),
    Col("Public IPs", 10),
    Col("Load balancers", 10),
    Col("NSGs", 9),
    Col("VMs of unknown size", 30, wrapped),
    Col("Compare with", 90, wrapped),
)
_KIND_WIDTHS = {"str": 22, "bool": 10, "int": 10, "list": 40, "dict": 40}


def findings(book: Book, result: ScanResult) -> list[str]:
    """Every non-pass verdict, in report order."""
    frame = result.findings
    listed = frame.loc[frame["status"] != "pass", [field for _, field in FINDINGS]]
    rows = listed.itertuples(index=False, name=None)
    return write_table(book, "Findings", "Findings", [c for c, _ in FINDINGS], rows, len(listed))


def inventory(book: Book, result: ScanResult) -> dict[str, list[str]]:
    """One sheet (or more) per non-empty inventory table; table name -> sheet titles."""
    out = {}
    for name, frame in result.inventory.tables.items():
        if frame.empty:
            continue
        columns = TABLES[name].all_columns
        cols = [
            Col(c.name, 60 if c.name in ("id", "key") else max(_KIND_WIDTHS[c.kind], len(c.name) + 3))
            for c in columns
        ]
        rows = frame.loc[:, [c.name for c in columns]].itertuples(index=False, name=None)
        out[name] = write_table(book, name, f"Inventory_{name}", cols, rows, len(frame))
    return out


def _sub_names(result: ScanResult) -> dict[str, str]:
    table = result.inventory.table("subscription")
    return {
        str(s).lower(): str(n)
        for s, n in zip(table["subscription_id"], table["display_name"], strict=True)
        if isinstance(n, str) and n
    }


def plan(book: Book, result: ScanResult) -> list[str]:
    """The migration units in order, with state, blockers, lock times and runbook commands."""
    rows = plan_view.plan_rows(result.plan, _sub_names(result))
    return write_table(book, "Plan", "Plan", PLAN, rows, len(rows))


def quota(book: Book, result: ScanResult) -> list[str]:
    """What the migrated resources count against ARM quotas, per subscription, region and VM family."""
    rows = plan_view.quota_rows(result.plan, _sub_names(result))
    return write_table(book, "Quota", "Quota", QUOTA, rows, len(rows))


def _plan_summary(sheet: Sheet, result: ScanResult) -> None:
    sheet.heading("Migration plan")
    summary = dict(result.plan.get("summary") or {})
    if not summary:
        sheet.pairs(("Plan", "not in this result"))
        return
    sheet.pairs(
        ("Plan", summary.get("message")),
        ("Migration units", summary.get("units")),
        ("VMs in them", summary.get("vms")),
        ("Expected lock, hours in total", summary.get("lock_hours_expected")),
    )
    sheet.heading("Migration units by state")
    sheet.header("State", "Units")
    by_state = dict(summary.get("by_state") or {})
    for name in STATES:
        sheet.append([state(sheet, name), int(by_state.get(name, 0))])


def _steps(steps: Sequence[str]) -> str:
    return "\n".join(f"{i}) {s.strip()}" for i, s in enumerate(steps, start=1))


def manual_checks(book: Book, result: ScanResult) -> list[str]:
    """Manual findings with the steps that verify them and the remediation."""
    texts = {r.id: (_steps(r.spec.verification), r.spec.remediation.strip()) for r in result.pack.rules}
    frame = result.findings
    manual = frame.loc[frame["status"] == "manual", [field for _, field in MANUAL]]
    rows = (
        (*values[:7], *texts.get(values[0], ("", "")), *values[9:])
        for values in manual.itertuples(index=False, name=None)
    )
    return write_table(book, "Manual checks", "ManualChecks", [c for c, _ in MANUAL], rows, len(manual))


def rule_catalog(book: Book, result: ScanResult) -> list[str]:
    """Every rule of the pack with its verdict counts in this scan."""
    frame = result.findings
    counts: dict[Any, int] = frame.groupby(["rule_id", "status"]).size().to_dict() if len(frame) else {}
    rows = (
        (
            rule.id,
            rule.spec.title,
            rule.spec.severity or "calendar",
            rule.spec.category,
            rule.spec.target,
            rule.spec.verdict,
            rule.spec.retirement,
            *(counts.get((rule.id, s), 0) for s in STATUSES),
            rule.spec.rationale.strip(),
            rule.spec.remediation.strip(),
            _steps(rule.spec.verification),
            "\n".join(ref.url for ref in rule.spec.references),
        )
        for rule in result.pack.rules
    )
    return write_table(book, "Rule catalog", "RuleCatalog", CATALOG, rows, len(result.pack.rules))


def coverage(book: Book, result: ScanResult) -> list[str]:
    """What was read, what was not, and what failed."""
    cov = result.meta.coverage
    sheet = book.sheet("Coverage", (60, 12, 12))
    sheet.append([book.text("Coverage", "title")])
    sheet.pairs(("Complete", "yes" if result.complete else "no: see the issues below"))
    sheet.heading("Datasets")
    sheet.header("Dataset", "Collected", "Rows")
    for name, info in dict(cov.get("datasets") or {}).items():
        info = info if isinstance(info, dict) else {}
        sheet.append(
            [plain(sheet, name), "yes" if info.get("collected") else "no", plain(sheet, info.get("rows"))]
        )
    _listing(sheet, "Issues", cov.get("issues"))
    sheet.heading("Unrouted ARG types (rows no inventory table reads)")
    sheet.header("Type", "Rows")
    for name, count in dict(cov.get("unrouted_types") or {}).items():
        sheet.append([plain(sheet, name), plain(sheet, count)])
    _listing(sheet, "Rule errors", cov.get("rule_errors"))
    return [sheet.ws.title]


def _listing(sheet: Sheet, heading: str, items: Any) -> None:
    sheet.heading(heading)
    for item in list(items or []) or ["none"]:
        sheet.append([plain(sheet, item)])


def evidence(book: Book, result: ScanResult) -> list[str]:
    """Inputs with their SHA-256, the rule pack version and the scan id: what an auditor files."""
    meta = result.meta
    sheet = book.sheet("Evidence", (70, 72))
    sheet.append([book.text("Evidence", "title")])
    sheet.pairs(
        ("Scan id", meta.id),
        ("Tool version", meta.tool_version),
        ("Rules version", meta.rules_version),
        ("As of", meta.as_of),
        ("Started (UTC)", meta.started_at),
        ("Finished (UTC)", meta.finished_at),
        ("Source", meta.source),
        ("Cloud", meta.cloud),
    )
    sheet.heading("Input files")
    sheet.header("File", "SHA-256")
    for entry in meta.coverage.get("inputs") or []:
        path, sep, digest = str(entry).rpartition(" sha256:")
        sheet.append([plain(sheet, path), plain(sheet, digest)] if sep else [plain(sheet, entry)])
    sheet.heading("Manifest coverage (as the collector recorded it)")
    sheet.header("Key", "Value")
    for key, value in sorted(dict(meta.coverage.get("manifest_coverage") or {}).items()):
        shown = compact_json(value) if isinstance(value, list | dict) else value
        sheet.append([plain(sheet, key), plain(sheet, shown)])
    return [sheet.ws.title]


def summary(
    sheet: Sheet, result: ScanResult, notes: Sequence[str], contents: Sequence[tuple[str, str]]
) -> None:
    """Scan metadata, the migration plan in brief, counts by status, severity and category, charts, notes
    and contents."""
    book, meta, counts = sheet.book, result.meta, result.summary()
    subscriptions = list(meta.scope.get("subscriptions") or [])
    sheet.append([book.text("Azure classic resources: scan report", "title")])
    sheet.pairs(
        ("Customer", result.branding.customer),
        ("Prepared by", result.branding.prepared_by),
        ("Scan id", meta.id),
        ("Tool version", meta.tool_version),
        ("Rules version", meta.rules_version),
        ("As of", meta.as_of),
        ("Started (UTC)", meta.started_at),
        ("Finished (UTC)", meta.finished_at),
        ("Source", meta.source),
        ("Cloud", meta.cloud),
        ("Scope", meta.scope.get("description")),
        ("Tenants", list(meta.scope.get("tenant_ids") or [])),
        (f"Subscriptions ({len(subscriptions)})", subscriptions),
        ("Complete", "yes" if result.complete else "no: see the Coverage sheet"),
        ("Resources", counts["resources"]),
        ("Classic resources", counts["classic_resources"]),
        ("Rules", counts["rules"]),
        ("Findings (all verdicts)", counts["findings"]),
        ("Findings listed (not pass)", counts["findings"] - counts["by_status"]["pass"]),
    )
    if notes:
        sheet.heading("Notes")
        for note in notes:
            sheet.append([book.text(note, "wrap")])
    _plan_summary(sheet, result)

    sheet.heading("Findings by status")
    sheet.header("Status", "Findings")
    first = sheet.rows + 1
    for name in STATUSES:
        sheet.append([status(sheet, name), counts["by_status"][name]])
    pie = PieChart()
    _chart(sheet, pie, "Findings by status", 2, first, [STATUS_COLORS[s][0] for s in STATUSES], "E2")

    sheet.heading("Findings by severity")
    sheet.header("Severity", "All findings", "Fail findings")
    first = sheet.rows + 1
    for name in SEVERITIES:
        sheet.append([severity(sheet, name), counts["by_severity"][name], counts["fail_by_severity"][name]])
    bar = BarChart()
    _chart(
        sheet, bar, "Fail findings by severity", 3, first, [SEVERITY_COLORS[s][0] for s in SEVERITIES], "E18"
    )

    frame = result.findings
    fails = frame.loc[frame["status"] == "fail", "category"].value_counts().to_dict() if len(frame) else {}
    in_pack = {r.spec.category for r in result.pack.rules}
    sheet.heading("Fail findings by category")
    sheet.header("Category", "Fail findings")
    first = sheet.rows + 1
    for category in (c for c in get_args(Category) if c in in_pack):
        sheet.append([plain(sheet, category), int(fails.get(category, 0))])
    if sheet.rows >= first:
        bars = BarChart()
        bars.type = "bar"
        _chart(sheet, bars, "Fail findings by category", 2, first, [], "E34")

    sheet.heading("Contents")
    sheet.header("Sheet", "What it holds")
    for title, what in contents:
        sheet.append([plain(sheet, title), book.text(what, "wrap")])


def _chart(
    sheet: Sheet,
    chart: BarChart | PieChart,
    title: str,
    col: int,
    first: int,
    colors: Sequence[str],
    anchor: str,
) -> None:
    """A native chart over column `col` of rows first..sheet.rows (header above), labels in column A."""
    chart.title = title
    chart.legend = None if isinstance(chart, BarChart) else chart.legend
    chart.add_data(
        Reference(sheet.ws, min_col=col, min_row=first - 1, max_row=sheet.rows), titles_from_data=True
    )
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=first, max_row=sheet.rows))
    chart.series[0].dPt = [
        DataPoint(idx=i, spPr=GraphicalProperties(solidFill=c)) for i, c in enumerate(colors)
    ]
    chart.height, chart.width = 7.5, 15
    borrowed(sheet.ws).add_chart(chart, anchor)
