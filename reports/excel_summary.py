"""The Summary sheet of report.xlsx: scan metadata, the plan and readiness in brief, counts by verdict,
severity and category with native charts, notes and contents, and the --logo."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from io import BytesIO

from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.image import Image

from reports import history_view
from reports.common import SEVERITY_COLORS, STATUS_COLORS
from reports.excel_book import Sheet, pixels, plain, severity, status
from reports.excel_sheets import scan_identity, state
from scanner.model import CATEGORIES, SEVERITIES, STATUSES, ScanResult
from scanner.model import READINESS_STATES as STATES


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
        *scan_identity(result),
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
    chart.set_size({"width": pixels(15), "height": pixels(7.5)})
    sheet.ws.insert_chart(anchor, chart)
