"""report.xlsx: the workbook a consultant hands over and an auditor files.

Sheets, in tab order: Summary (metadata, counts, charts, the migration plan in brief; the first tab,
filled last, when its notes are known), Findings (non-pass verdicts, an Excel table), Waivers (with
--waivers), Changes (with --history: the delta, the trend with a line chart, the changed findings),
Plan (one row per migration unit) and Quota, Cloud Services (ext) when the scan has any, Manual
checks, Rule catalog, one sheet per non-empty inventory table, Coverage and Evidence. A table longer
than Excel's row limit continues on "Findings (2)", ... and Summary says so.

This module puts the workbook together. The machinery (streaming, safe text, links, tables) is in
reports.excel_book; the sheets are in reports.excel_sheets (tables and records), excel_history
(waivers, changes, trend) and excel_summary (the Summary sheet and its charts).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reports import excel_book, excel_history, excel_summary
from reports import excel_sheets as sheets
from reports.excel_book import Book
from scanner.model import ScanResult


def write(result: ScanResult, path: Path) -> None:
    with Book(result, path) as book:
        _fill(book, result)
        book.save()


def _fill(book: Book, result: ScanResult) -> None:
    summary = book.sheet("Summary", (30, 50, 14, 3))  # the first tab; filled last, when notes are known
    summary.ws.set_portrait()
    summary.ws.fit_to_pages(1, 1)  # printed, its values stay on the page of their labels
    findings = sheets.findings(book, result)
    contents = [
        (t, "Findings that are not pass (fail, unknown, manual, waived), in report order.") for t in findings
    ]
    notes = [_split_note("Findings", findings)]
    contents += [
        (t, "Every waiver of the waivers file: state, target, justification, owner, expiry, matches.")
        for t in excel_history.waivers(book, result)
    ]
    contents += [
        (t, "Changes since the previous scan of this scope: counts, trend with a chart, changed findings.")
        for t in excel_history.changes(book, result)
    ]
    contents += [
        (t, "Migration units in order: state, blockers, downtime, what Azure creates, runbook commands.")
        for t in sheets.plan(book, result)
    ]
    contents += [
        (t, "What the migrated resources count against ARM quotas, per subscription, region and VM family.")
        for t in sheets.quota(book, result)
    ]
    contents += [
        (t, "Cloud Services (extended support) before 2027-03-31: target, work and order per deployment.")
        for t in sheets.cses(book, result)
    ]
    for what, titles in (
        (
            "Manual findings with their verification steps and remediation.",
            sheets.manual_checks(book, result),
        ),
        ("Every rule evaluated, with its verdict counts.", sheets.rule_catalog(book, result)),
    ):
        contents += [(t, what) for t in titles]
    # The inventory follows what a customer reads first; coverage and evidence close the workbook.
    for name, titles in sheets.inventory(book, result).items():
        contents += [(t, f"Inventory: {result.inventory.schema(name).doc}") for t in titles]
        notes.append(_split_note(f"Inventory {sheets.inventory_title(name)}", titles))
    for what, titles in (
        ("What was read, what was not, and what failed.", sheets.coverage(book, result)),
        ("Input files with SHA-256, rule pack version and scan id.", sheets.evidence(book, result)),
    ):
        contents += [(t, what) for t in titles]
    if not result.complete:
        notes.insert(0, "The scan is incomplete: see the Coverage sheet for what is missing.")
    if result.branding.logo_data_uri.startswith("data:image/svg+xml"):
        notes.append("The logo is an SVG image, which Excel cannot show: it is on report.html only.")
    if book.masked:
        notes.append("Identifiers are masked (stable pseudonyms): the workbook has no Azure portal links.")
    if book.link_formulas or book.plain_links:
        notes.append(
            f"Excel takes at most {excel_book.MAX_HYPERLINKS:,} hyperlinks per sheet: "
            f"{book.link_formulas:,} further portal links are HYPERLINK() formulas and "
            f"{book.plain_links:,} are plain text."
        )
    if book.long_links:
        notes.append(
            f"{book.long_links:,} portal link(s) longer than Excel's {excel_book.MAX_URL:,} characters for a "
            "hyperlink are plain text."
        )
    if book.truncated:
        notes.append(
            f"{book.truncated:,} cell(s) longer than Excel's {excel_book.MAX_TEXT:,} characters were cut."
        )
    excel_summary.summary(summary, result, [n for n in notes if n], contents)


def _split_note(what: str, titles: Sequence[str]) -> str:
    if len(titles) < 2:
        return ""
    return (
        f"{what} is split over {len(titles)} sheets ({', '.join(titles)}): "
        f"Excel holds at most {excel_book.MAX_ROWS - 1:,} rows below the header of a sheet."
    )
