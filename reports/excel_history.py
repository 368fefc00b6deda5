"""The Waivers and Changes sheets of report.xlsx (with --waivers and --history): each waiver's state,
the delta against the previous scan, and the trend with its line chart."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from reports import excel_book, history_view
from reports.excel_book import Book, Col, Sheet, pixels, row_table, status, wrapped
from reports.excel_sheets import day, when
from scanner.model import STATUSES, HistoryReport, ScanResult

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


def waivers(book: Book, result: ScanResult) -> list[str]:
    """Every waiver of the waivers file: active, expired, unused (none without --waivers)."""
    if not history_view.waivers_used(result.waivers):
        return []
    items = [
        replace(w, state=NO_SUCH_RULE) if w.no_such_rule else w
        for w in history_view.waiver_rows(result.waivers)
    ]
    rows = [[getattr(w, field) for _, field in WAIVERS] for w in items]
    return row_table(book, "Waivers", "Waivers", [c for c, _ in WAIVERS], rows)


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
        room = excel_book.MAX_ROWS - sheet.rows - 2
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
    chart.set_size({"width": pixels(20), "height": pixels(8)})
    sheet.append(())
    sheet.ws.insert_chart(sheet.rows, 0, chart)  # the row below the blank one, column A
    for _ in range(CHART_ROWS):  # the chart floats over these empty rows
        sheet.append(())
