"""The table sheets of report.xlsx: findings, plan, quota, Cloud Services (ext), manual checks, rule
catalog, inventory, and the coverage and evidence records (the machinery is in reports.excel_book)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from reports import history_view, plan_view
from reports.excel_book import (
    Book,
    Col,
    Sheet,
    compact_json,
    frame_columns,
    plain,
    portal,
    row_table,
    severity,
    status,
    wrapped,
    write_table,
)
from scanner.model import STATUSES, ScanResult, python_value
from scanner.model.plan import CsesFinding, CsesPlan


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
    return row_table(book, "Plan", "Plan", PLAN, rows)


def quota(book: Book, result: ScanResult) -> list[str]:
    """What the migrated resources count against ARM quotas, per subscription, region and VM family."""
    rows = plan_view.quota_rows(result.plan, _sub_names(result))
    return row_table(book, "Quota", "Quota", QUOTA, rows)


CSES_TITLE = "Cloud Services (ext)"
#: Cloud Services (ext) sheet columns, one row per deployment of `plan.cses` in move order.
CSES: tuple[Col, ...] = (
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


def cses_rows(cses: CsesPlan | None) -> list[list[Any]]:
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


def cses(book: Book, result: ScanResult) -> list[str]:
    """Cloud Services (extended support) before 2027-03-31: none when the scan has none."""
    rows = cses_rows(result.plan.cses if result.plan is not None else None)
    return row_table(book, CSES_TITLE, "CloudServicesES", CSES, rows) if rows else []


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
    return row_table(book, "Rule catalog", "RuleCatalog", CATALOG, rows)


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


def scan_identity(result: ScanResult) -> tuple[tuple[str, Any], ...]:
    """What identifies a scan, as label/value pairs: on the Summary and Evidence sheets alike."""
    meta = result.meta
    return (
        ("Scan id", meta.id),
        ("Tool version", meta.tool_version),
        ("Rules version", meta.rules_version),
        ("As of", meta.as_of),
        ("Started (UTC)", meta.started_at),
        ("Finished (UTC)", meta.finished_at),
        ("Source", meta.source),
        ("Cloud", meta.cloud),
    )


def evidence(book: Book, result: ScanResult) -> list[str]:
    """Inputs with their SHA-256, the rule pack version and the scan id: what an auditor files."""
    meta = result.meta
    sheet = book.sheet("Evidence", (70, 72))
    sheet.append([book.text("Evidence", "title")])
    sheet.pairs(*scan_identity(result))
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
