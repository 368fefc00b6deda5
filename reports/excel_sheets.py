"""The sheets of report.xlsx: what each holds (the writing machinery is in reports.excel)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from io import BytesIO
from typing import Any

from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.image import Image

from reports import excel, history_view, plan_view
from reports.common import SEVERITY_COLORS, STATUS_COLORS
from reports.excel import (
    Book,
    Col,
    Sheet,
    compact_json,
    frame_columns,
    plain,
    portal,
    row_columns,
    severity,
    status,
    wrapped,
    write_table,
)
from scanner.model import CATEGORIES, SEVERITIES, STATUSES, HistoryReport, ScanResult, python_value
from scanner.model import READINESS_STATES as STATES


def waiver(sheet: Sheet, value: Any) -> Any:
    """A finding's waiver in one line: state, owner, expiry (and ticket)."""
    text = history_view.waiver_text(value)
    return sheet.book.text(text) if text else None


def when(sheet: Sheet, value: Any) -> Any:
    """An ISO timestamp as a date-time cell (UTC, as Excel has no time zones)."""
    value = python_value(value)
    moment = history_view.parse_time(value) if value else None
    return sheet.book.cell(moment.replace(tzinfo=None), "datetime") if moment else None


def day(sheet: Sheet, value: Any) -> Any:
    """An ISO date as a date cell; anything else as text."""
    text = "" if python_value(value) is None else str(value)
    try:
        return sheet.book.cell(date.fromisoformat(text), "date")
    except ValueError:
        return sheet.book.text(text) if text else None


#: Waiver states coloured like the verdicts they lead to (waived, open again, nothing).
#: The State of a waiver whose rule id (or glob) names no loaded rule.
NO_SUCH_RULE = "no such rule"
_WAIVER_STYLES = {
    "active": "status:waived",
    "expired": "severity:high",
    "unused": "status:unknown",
    NO_SUCH_RULE: "severity:high",
}


def waiver_state(sheet: Sheet, value: Any) -> Any:
    return sheet.book.text(str(value), _WAIVER_STYLES.get(str(value)))


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
    (Col("Waiver", 44, waiver), "waiver"),
    (Col("First seen (UTC)", 17, when), "first_seen"),
    (Col("Last seen (UTC)", 17, when), "last_seen"),
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


#: Waivers sheet columns (history_view.waiver_rows gives the values).
WAIVERS: tuple[tuple[Col, str], ...] = (
    (Col("State", 10, waiver_state), "state"),
    (Col("Entry", 7), "entry"),
    (Col("Rule", 12), "rule"),
    (Col("Target", 50, wrapped), "target"),
    (Col("Justification", 60, wrapped), "justification"),
    (Col("Owner", 30), "owner"),
    (Col("Expires", 12, day), "expires"),
    (Col("Ticket", 14), "ticket"),
    (Col("Approved by", 28), "approved_by"),
    (Col("Findings matched", 11), "matched"),
)
#: Empty rows left below the Trend table for its chart (8 cm at the default row height, and a margin).
CHART_ROWS = 17
#: Width of the trend lines in points (22,000 EMU, as the workbook has always drawn them).
LINE_WIDTH = 22_000 / 12_700
#: Changed findings on the Changes sheet.
CHANGES: tuple[Col, ...] = (
    Col("Category", 20),
    Col("Rule id", 11),
    Col("Resource id", 90),
    Col("Old status", 12, status),
    Col("New status", 12, status),
    Col("Finding id", 34),
)
#: The Trend table on the Changes sheet: one row per scan of the scope.
TREND: tuple[Col, ...] = (
    Col("Scan started (UTC)", 27, when),
    Col("As of", 12, day),
    Col("Scan id", 90),
    *(Col(s.capitalize(), 12) for s in STATUSES),
    Col("Complete", 10),
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
    Col("vCPUs in use", 10),
    Col("vCPU limit", 10),
    Col("vCPU headroom", 10),
    Col("VMs in region", 10),
    Col("NICs", 9),
    Col("Public IPs", 10),
    Col("Load balancers", 10),
    Col("NSGs", 9),
    Col("VMs of unknown size", 30, wrapped),
    Col("Quota check", 40, wrapped),
    Col("Other usages", 50, wrapped),
    Col("Compare with", 90, wrapped),
)
_KIND_WIDTHS = {"str": 22, "bool": 10, "int": 10, "list": 40, "dict": 40}


def linked(book: Book, columns: Sequence[tuple[Col, str]]) -> list[tuple[Col, str]]:
    """The columns, without portal links in a masked report (its resource ids lead nowhere)."""
    return [(c, f) for c, f in columns if not (book.masked and c.convert is portal)]


def findings(book: Book, result: ScanResult) -> list[str]:
    """Every non-pass verdict, in report order."""
    frame = result.findings
    columns = linked(book, FINDINGS)
    missing = {f for _, f in columns} - set(frame.columns)  # results older than waivers and history
    frame = frame.assign(**dict.fromkeys(missing)) if missing else frame
    listed = frame.loc[frame["status"] != "pass", [field for _, field in columns]]
    cols = [c for c, _ in columns]
    return write_table(book, "Findings", "Findings", cols, frame_columns(listed), len(listed))


def waivers(book: Book, result: ScanResult) -> list[str]:
    """Every waiver of the waivers file: active, expired, unused (none without --waivers)."""
    if not history_view.waivers_used(result.waivers):
        return []
    items = [
        replace(w, state=NO_SUCH_RULE) if w.no_such_rule else w
        for w in history_view.waiver_rows(result.waivers)
    ]
    rows = [[getattr(w, field) for _, field in WAIVERS] for w in items]
    return write_table(book, "Waivers", "Waivers", [c for c, _ in WAIVERS], row_columns(rows), len(rows))


def changes(book: Book, result: ScanResult) -> list[str]:
    """The delta against the previous scan of the scope (counts and changed findings) and the trend
    with a line chart (none without --history)."""
    history = result.history
    if history is None:
        return []
    sheet = book.sheet("Changes", [c.width for c in TREND])
    counts = history_view.delta_counts(history)
    previous = history_view.previous_point(history)
    sheet.append([book.text("Changes since the previous scan", "title")])
    sheet.pairs(
        ("This scan", result.meta.id),
        ("Started (UTC)", result.meta.started_at),
        ("Previous scan", history.previous_scan_id or "none: the first scan of this scope"),
        ("Previous scan started (UTC)", previous.started_at if previous is not None else None),
        ("Scope key", history.scope_key),
    )
    if counts is not None and not result.complete:
        sheet.append(
            [
                book.text(
                    "This scan is incomplete: a finding it did not report counts as resolved, so some "
                    "resolved findings may only not have been read (see the Coverage sheet).",
                    "wrap",
                )
            ]
        )
    sheet.heading("Counts")
    sheet.header("Category", "Findings", "Meaning")
    if counts is None:
        sheet.append([book.text("First scan of this scope in the history: nothing to compare yet.")])
    else:
        for key, n in counts.items():
            label, note = history_view.DELTA_LABELS[key], history_view.DELTA_NOTES[key]
            sheet.append([book.text(label), n, book.text(note)])
    _trend(sheet, history)
    if counts is not None:
        sheet.heading("Changed findings")
        header = sheet.rows + 1
        sheet.header(*(c.header for c in CHANGES))
        room = excel.MAX_ROWS - sheet.rows - 2
        items = list(history_view.delta_items(history))
        for key, item in items[:room]:
            values = (
                history_view.DELTA_LABELS[key],
                item.rule_id,
                item.resource_id,
                item.old_status,
                item.status,
                item.finding_id,
            )
            sheet.append([c.convert(sheet, v) for c, v in zip(CHANGES, values, strict=True)])
        book.add_table(sheet, "Changes", [c.header for c in CHANGES], first_row=header)
        if len(items) > room:
            sheet.append([book.text(f"{len(items) - room:,} more changed findings do not fit this sheet.")])
    return [sheet.title]


def _trend(sheet: Sheet, history: HistoryReport) -> None:
    """The Trend table (one row per scan of the scope) and, from two scans on, a line chart of it."""
    points = history_view.trend(history)
    sheet.heading("Trend")
    header = sheet.rows + 1
    sheet.header(*(c.header for c in TREND))
    for p in points:
        counts = history_view.point_counts(p)
        values = (
            p.started_at,
            p.as_of,
            p.scan_id,
            *(counts[s] for s in STATUSES),
            "yes" if p.complete else "no",
        )
        sheet.append([c.convert(sheet, v) for c, v in zip(TREND, values, strict=True)])
    sheet.book.add_table(sheet, "Trend", [c.header for c in TREND], first_row=header)
    if len(points) < 2:
        return
    chart = sheet.book.wb.add_chart({"type": "line"})
    name, first, last = sheet.title, header, sheet.rows - 1  # 0-based: the data rows below the header
    for status_name in history_view.TREND_STATUSES:
        column = 3 + STATUSES.index(status_name)
        color = f"#{history_view.TREND_COLORS[status_name]}"
        chart.add_series(
            {
                "name": [name, header - 1, column],
                "categories": [name, first, 0, last, 0],
                "values": [name, first, column, last, column],
                "line": {"color": color, "width": LINE_WIDTH},
                "marker": {"type": "circle", "size": 6, "fill": {"color": color}, "border": {"color": color}},
                "smooth": False,
            }
        )
    chart.set_title({"name": "Findings by status per scan (pass not drawn)"})
    chart.set_y_axis({"name": "Findings"})
    chart.set_x_axis({"num_format": "d mmm yyyy"})
    chart.set_size({"width": _pixels(20), "height": _pixels(8)})
    sheet.append(())
    sheet.ws.insert_chart(sheet.rows, 0, chart)  # the row below the blank one, column A
    for _ in range(CHART_ROWS):  # the chart floats over these empty rows
        sheet.append(())


#: Inventory sheet titles as a customer reads them (at most 31 characters, Excel's limit).
INVENTORY_TITLES: dict[str, str] = {
    "classic_vm": "Classic VMs",
    "cloud_service": "Cloud services (classic)",
    "classic_storage": "Classic storage accounts",
    "classic_vnet": "Classic VNets",
    "reserved_ip": "Reserved IPs",
    "classic_nsg": "Classic NSGs",
    "er_circuit": "ExpressRoute circuits",
    "er_connection": "ExpressRoute connections",
    "backup_item": "Backup items",
    "role_assignment": "Role assignments",
    "classic_admin": "Classic administrators",
    "arm_vm": "ARM VMs",
    "vm_extension": "ARM VM extensions",
    "vnet_gateway": "Virtual network gateways",
    "app_insights": "Application Insights",
    "migration_unit": "Migration units",
    "public_ip": "Public IPs",
    "load_balancer": "Load balancers",
    "cloud_service_es": "Cloud services (extended)",
    "alert_rule": "Classic alert rules",
    "autoscale_setting": "Autoscale settings",
    "resource_group": "Resource groups",
    "key_vault": "Key vaults",
    "arm_storage": "ARM storage accounts",
    "arm_vnet": "ARM VNets",
    "app_service_env": "App Service Environments",
    "hdinsight": "HDInsight clusters",
    "apim": "API Management services",
    "subscription": "Subscriptions",
    "region": "Regions (ARM quota)",
}
#: Inventory columns that only serve the scanner (`key`: the lower-cased id every join uses).
INTERNAL_COLUMNS = frozenset({"key"})
#: Words of column names written in capitals, or in their usual spelling.
_WORDS = {
    "id": "ID",
    "ids": "IDs",
    "vm": "VM",
    "vms": "VMs",
    "vnet": "VNet",
    "ip": "IP",
    "nsg": "NSG",
    "os": "OS",
    "sku": "SKU",
    "arm": "ARM",
    "apim": "API Management",
    "nic": "NIC",
    "guid": "GUID",
    "dns": "DNS",
}


def inventory_title(table: str) -> str:
    return INVENTORY_TITLES.get(table, table.replace("_", " ").capitalize())


def column_header(name: str) -> str:
    """`extension_bad_statuses` -> "Extension bad statuses", `os_disk_sku` -> "OS disk SKU"; a join key
    (`vnet_key`: the related resource's lower-cased id) reads as that id ("VNet ID")."""
    if name.endswith("_key"):
        name = name.removesuffix("_key") + "_id"
    words = [_WORDS.get(w, w) for w in name.split("_")]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def inventory(book: Book, result: ScanResult) -> dict[str, list[str]]:
    """One sheet (or more) per non-empty inventory table, without the scanner's internal columns;
    table name -> sheet titles."""
    out = {}
    for name, frame in result.inventory.tables.items():
        if frame.empty:
            continue
        columns = [c for c in result.inventory.schema(name).all_columns if c.name not in INTERNAL_COLUMNS]
        cols = [
            Col(
                column_header(c.name),
                60 if c.name == "id" else max(_KIND_WIDTHS[c.kind], len(c.name) + 3),
            )
            for c in columns
        ]
        values = frame_columns(frame.loc[:, [c.name for c in columns]])
        out[name] = write_table(book, inventory_title(name), f"Inventory_{name}", cols, values, len(frame))
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
    return write_table(book, "Plan", "Plan", PLAN, row_columns(rows), len(rows))


def quota(book: Book, result: ScanResult) -> list[str]:
    """What the migrated resources count against ARM quotas, per subscription, region and VM family."""
    rows = plan_view.quota_rows(result.plan, _sub_names(result))
    return write_table(book, "Quota", "Quota", QUOTA, row_columns(rows), len(rows))


def _plan_summary(sheet: Sheet, result: ScanResult) -> None:
    sheet.heading("Migration plan")
    if result.plan is None:
        sheet.pairs(("Plan", "not in this result"))
        return
    summary = result.plan.summary
    sheet.pairs(
        ("Plan", summary.message),
        ("Migration units", summary.units),
        ("VMs in them", summary.vms),
        ("Expected lock, hours in total", summary.lock_hours_expected),
    )
    sheet.heading("Migration units by state")
    sheet.header("State", "Units")
    for name in STATES:
        sheet.append([state(sheet, name), int(summary.by_state.get(name, 0))])


def _readiness_summary(sheet: Sheet, by_state: Mapping[str, int]) -> None:
    """Classic resources by readiness state: findings.json's `summary.readiness`."""
    sheet.heading("Classic resources by migration readiness")
    sheet.header("State", "Classic resources")
    for name in STATES:
        sheet.append([state(sheet, name), int(by_state[name])])


def _changes_summary(sheet: Sheet, result: ScanResult) -> None:
    """Waivers and the delta in brief, when the scan used them."""
    if history_view.waivers_used(result.waivers):
        c = history_view.waiver_counts(result.waivers)
        sheet.pairs(
            ("Waived findings", result.summary()["by_status"]["waived"]),
            (
                "Waivers applied",
                f"{c['active']['waivers']} active ({c['active']['matched']} findings waived), "
                f"{c['expired']['waivers']} expired ({c['expired']['matched']} findings open again), "
                f"{c['unused']['waivers']} unused: see the Waivers sheet",
            ),
        )
    if history_view.history_used(result.history):
        text = history_view.headline(result.history)
        sheet.pairs(
            (
                "Since the previous scan",
                f"{text}: see the Changes sheet" if text else "first scan of this scope in the history",
            )
        )


def _steps(steps: Sequence[str]) -> str:
    return "\n".join(f"{i}) {s.strip()}" for i, s in enumerate(steps, start=1))


def manual_checks(book: Book, result: ScanResult) -> list[str]:
    """Manual findings with the steps that verify them and the remediation."""
    texts = {r.id: (_steps(r.spec.verification), r.spec.remediation.strip()) for r in result.pack.rules}
    frame = result.findings
    columns = linked(book, MANUAL)
    selected = frame.loc[frame["status"] == "manual", [field for _, field in columns]]
    manual = frame_columns(selected)

    def values(start: int, stop: int) -> list[Sequence[Any]]:
        """The finding columns, with the rule's verification steps and remediation in place of the
        two rule_id columns."""
        found = list(manual(start, stop))
        steps = [texts.get(rule, ("", "")) for rule in found[0]]
        return [*found[:7], [s for s, _ in steps], [r for _, r in steps], *found[9:]]

    cols = [c for c, _ in columns]
    return write_table(book, "Manual checks", "ManualChecks", cols, values, len(selected))


def rule_catalog(book: Book, result: ScanResult) -> list[str]:
    """Every rule of the pack with its verdict counts in this scan."""
    frame = result.findings
    counts: dict[Any, int] = frame.groupby(["rule_id", "status"]).size().to_dict() if len(frame) else {}
    rows = [
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
    ]
    return write_table(book, "Rule catalog", "RuleCatalog", CATALOG, row_columns(rows), len(rows))


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
    return [sheet.title]


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
        name = history_view.file_name(path if sep else str(entry))  # the full path: findings.json only
        sheet.append([plain(sheet, name), plain(sheet, digest)] if sep else [plain(sheet, name)])
    sheet.heading("Manifest coverage (as the collector recorded it)")
    sheet.header("Key", "Value")
    for key, value in sorted(dict(meta.coverage.get("manifest_coverage") or {}).items()):
        shown = compact_json(value) if isinstance(value, list | dict) else value
        sheet.append([plain(sheet, key), plain(sheet, shown)])
    return [sheet.title]


def summary(
    sheet: Sheet, result: ScanResult, notes: Sequence[str], contents: Sequence[tuple[str, str]]
) -> None:
    """Scan metadata, the migration plan in brief, counts by status, severity and category, charts, notes
    and contents."""
    book, meta, counts = sheet.book, result.meta, result.summary()
    subscriptions = list(meta.scope.get("subscriptions") or [])
    logo = logo_image(result.branding.logo_data_uri)
    if logo is not None:
        _place_logo(sheet, logo)
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
    _changes_summary(sheet, result)
    if notes:
        sheet.heading("Notes")
        for note in notes:
            sheet.append([book.text(note, "wrap")])
    _plan_summary(sheet, result)
    _readiness_summary(sheet, counts["readiness"])

    sheet.heading("Findings by status")
    sheet.header("Status", "Findings")
    first = sheet.rows + 1
    for name in STATUSES:
        sheet.append([status(sheet, name), counts["by_status"][name]])
    _chart(sheet, "pie", "Findings by status", 2, first, [STATUS_COLORS[s][0] for s in STATUSES], "E2")

    sheet.heading("Findings by severity")
    sheet.header("Severity", "All findings", "Fail findings")
    first = sheet.rows + 1
    for name in SEVERITIES:
        sheet.append([severity(sheet, name), counts["by_severity"][name], counts["fail_by_severity"][name]])
    _chart(
        sheet,
        "column",
        "Fail findings by severity",
        3,
        first,
        [SEVERITY_COLORS[s][0] for s in SEVERITIES],
        "E18",
    )

    frame = result.findings
    fails = frame.loc[frame["status"] == "fail", "category"].value_counts().to_dict() if len(frame) else {}
    in_pack = {r.spec.category for r in result.pack.rules}
    sheet.heading("Fail findings by category")
    sheet.header("Category", "Fail findings")
    first = sheet.rows + 1
    for category in (c for c in CATEGORIES if c in in_pack):
        sheet.append([plain(sheet, category), int(fails.get(category, 0))])
    if sheet.rows >= first:
        _chart(sheet, "bar", "Fail findings by category", 2, first, [], "E34")

    sheet.heading("Contents")
    sheet.header("Sheet", "What it holds")
    for title, what in contents:
        sheet.append([plain(sheet, title), book.text(what, "wrap")])


#: The box the --logo is scaled into, right of the title (pixels), and the title row's height then.
LOGO_BOX = (160, 64)
LOGO_ROW_POINTS = 52


def logo_image(data_uri: str) -> Image | None:
    """The --logo as an image Excel can show (PNG, JPEG or GIF), or None (no logo, or SVG)."""
    head, _, payload = data_uri.partition(";base64,")
    if not payload or head == "data:image/svg+xml":
        return None
    try:
        return Image(BytesIO(base64.b64decode(payload, validate=True)))
    except (binascii.Error, XlsxWriterException):
        return None  # branding checked the signature; a body xlsxwriter cannot size is left out


def _place_logo(sheet: Sheet, logo: Image) -> None:
    """The logo in column C of the title row, scaled down into LOGO_BOX, the row made tall enough."""
    scale = min(1.0, LOGO_BOX[0] / max(logo.width, 1), LOGO_BOX[1] / max(logo.height, 1))
    sheet.ws.set_row(0, LOGO_ROW_POINTS)
    sheet.ws.insert_image(
        0,
        2,
        logo,
        {
            "x_scale": scale,
            "y_scale": scale,
            "x_offset": 4,
            "y_offset": 2,
            "description": "Logo",
            "object_position": 3,
        },
    )


def _pixels(cm: float) -> int:
    """A chart dimension in centimetres as xlsxwriter's pixels (96 a inch)."""
    return round(cm / 2.54 * 96)


def _chart(
    sheet: Sheet,
    kind: str,
    title: str,
    col: int,
    first: int,
    colors: Sequence[str],
    anchor: str,
) -> None:
    """A native chart ("pie", "column" or horizontal "bar") over column `col` of rows first..sheet.rows
    (1-based, header above), labels in column A; a legend for the pie only."""
    chart = sheet.book.wb.add_chart({"type": kind})
    name, top, bottom = sheet.title, first - 1, sheet.rows - 1  # 0-based data rows
    chart.add_series(
        {
            "name": [name, top - 1, col - 1],
            "categories": [name, top, 0, bottom, 0],
            "values": [name, top, col - 1, bottom, col - 1],
            **({"points": [{"fill": {"color": f"#{c}"}} for c in colors]} if colors else {}),
        }
    )
    chart.set_title({"name": title})
    if kind != "pie":
        chart.set_legend({"none": True})
    chart.set_size({"width": _pixels(15), "height": _pixels(7.5)})
    sheet.ws.insert_chart(anchor, chart)
