"""report.xlsx with waivers and history: the Waivers and Changes sheets (with the Trend table and its
line chart), the Findings columns Waiver / First seen / Last seen, hostile waiver text, masked reports."""

from __future__ import annotations

import dataclasses
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from report_fixtures import HOSTILE_APPROVER, HOSTILE_OWNER, HOSTILE_TICKET, HOSTILE_WHY
from test_excel import charts, section, table_rows

from reports import excel, excel_book, history_view
from reports.excel_history import CHANGES, TREND, WAIVERS
from reports.excel_sheets import FINDINGS
from reports.json_report import history_json, plain
from scanner.delta import CATEGORIES
from scanner.engine.evaluate import STATUSES
from scanner.masking import mask_result
from scanner.model import NO_WAIVERS


@pytest.fixture(scope="module")
def second_xlsx(two_scans):
    path = two_scans.folder / "second.xlsx"
    excel.write(two_scans.second, path)
    return path


@pytest.fixture(scope="module")
def second_wb(second_xlsx):
    return load_workbook(second_xlsx)


def rows_below(ws, heading):
    """The rows of the table whose header is right below `heading` (up to a blank row), as dicts."""
    rows = section(ws, heading, ws.max_column)
    header = [h for h in rows[0] if h is not None]
    return [dict(zip(header, r[: len(header)], strict=True)) for r in rows[1:]]


def test_sheets_appear_after_findings(second_wb):
    assert second_wb.sheetnames[:5] == ["Summary", "Findings", "Waivers", "Changes", "Plan"]
    contents = dict(section(second_wb["Summary"], "Contents", 2)[1:])
    assert {"Waivers", "Changes"} <= set(contents)


def test_waivers_sheet_lists_every_waiver(two_scans, second_wb):
    ws = second_wb["Waivers"]
    headers = [c.header for c, _ in WAIVERS]
    assert [c.name for c in ws.tables["Waivers"].tableColumns] == headers
    assert ws.tables["Waivers"].ref == f"A1:J{1 + 3}" and ws.freeze_panes == "A2"
    rows = table_rows(ws)
    waivers = plain(two_scans.second.waivers)
    expected = [w for state in ("active", "expired", "unused") for w in waivers[state]]
    assert [(r["State"], r["Entry"], r["Rule"], r["Findings matched"]) for r in rows] == [
        (w["state"], w["entry"], w["rule"], w["matched"]) for w in expected
    ]
    active, expired, unused = rows
    assert (active["Justification"], active["Owner"], active["Ticket"], active["Approved by"]) == (
        HOSTILE_WHY,
        HOSTILE_OWNER,
        HOSTILE_TICKET,
        HOSTILE_APPROVER,
    )
    assert active["Expires"] == datetime(2027, 3, 31) and active["Target"] == "resource matching fab-web"
    assert (expired["Findings matched"], expired["Expires"]) == (2, datetime(2026, 12, 1))
    assert unused["Target"] == "tags env=nothing" and unused["Ticket"] is None
    # states coloured like the verdicts they lead to
    fills = {ws.cell(row=i, column=1).value: ws.cell(row=i, column=1).fill.fgColor.rgb for i in (2, 3, 4)}
    assert fills["active"].endswith(excel_book.STATUS_COLORS["waived"][0])
    assert fills["expired"].endswith(excel_book.SEVERITY_COLORS["high"][0])
    # the summary says it in brief
    meta = dict(row[:2] for row in second_wb["Summary"].iter_rows(values_only=True) if row[0])
    assert meta["Waived findings"] == 4
    assert meta["Waivers applied"] == (
        "1 active (4 findings waived), 1 expired (2 findings open again), 1 unused: see the Waivers sheet"
    )


def test_changes_sheet_has_counts_trend_and_changed_findings(two_scans, second_wb, second_xlsx):
    ws = second_wb["Changes"]
    history = history_json(two_scans.second.history)
    pairs = dict(row[:2] for row in ws.iter_rows(values_only=True, max_row=7) if row[0])
    assert pairs["This scan"] == two_scans.second.meta.id
    assert pairs["Previous scan"] == two_scans.first.meta.id == history["previous_scan_id"]
    assert pairs["Previous scan started (UTC)"] == "2026-11-26T08:00:00Z"
    counts = {r["Category"]: r["Findings"] for r in rows_below(ws, "Counts")}
    assert (
        counts == {history_view.DELTA_LABELS[k]: v for k, v in history["delta"]["counts"].items()}
        and counts["Waiver expired"] == 5
    )
    # the trend, one row per scan, an Excel table
    trend = rows_below(ws, "Trend")
    assert [c.header for c in TREND] == list(trend[0])
    assert [(r["Scan started (UTC)"], r["As of"], r["Scan id"]) for r in trend] == [
        (datetime(2026, 11, 26, 8), datetime(2026, 11, 26), two_scans.first.meta.id),
        (datetime(2026, 12, 15, 8), datetime(2026, 12, 15), two_scans.second.meta.id),
    ]
    for row, point in zip(trend, history["trend"], strict=True):
        assert {s: row[s.capitalize()] for s in STATUSES} == point["counts"]
        assert row["Complete"] == "yes"
    tables = {t.displayName: t.ref for t in ws.tables.values()}
    first = next(
        i for i, r in enumerate(ws.iter_rows(values_only=True), start=1) if r[0] == "Scan started (UTC)"
    )
    assert tables["Trend"] == f"A{first}:I{first + 2}"
    # every changed finding, category by category, an Excel table
    changed = rows_below(ws, "Changed findings")
    expected = [(k, item) for k in CATEGORIES for item in history["delta"][k]]
    assert len(changed) == len(expected) == 9
    for row, (key, item) in zip(changed, expected, strict=True):
        assert row == {
            "Category": history_view.DELTA_LABELS[key],
            "Rule id": item["rule_id"],
            "Resource id": item["resource_id"],
            "Old status": item["old_status"].capitalize(),
            "New status": item["status"].capitalize(),
            "Finding id": item["finding_id"],
        }
    assert [c.name for c in ws.tables["Changes"].tableColumns] == [c.header for c in CHANGES]
    assert tables["Changes"].endswith(f":F{ws.max_row}")
    # a native line chart over the Trend table, a series per non-pass status, dates along the axis
    [line] = [c for c in charts(second_xlsx) if c["kinds"] == ["lineChart"]]
    assert len(line["series"]) == len(history_view.TREND_STATUSES) == 4
    for column, series in zip("DEFG", line["series"], strict=True):  # Fail, Unknown, Manual, Waived
        assert series == {
            "tx": f"Changes!{column}{first}",  # the header as the series name
            "val": f"Changes!{column}{first + 1}:{column}{first + 2}",
            "cat": f"Changes!A{first + 1}:A{first + 2}",  # the scan times
        }
    assert line["axes_deleted"] == [False, False]  # both axes shown
    assert line["title"] == "Findings by status per scan (pass not drawn)"
    # the summary says it in brief
    meta = dict(row[:2] for row in second_wb["Summary"].iter_rows(values_only=True) if row[0])
    assert (
        meta["Since the previous scan"]
        == f"{history_view.headline(two_scans.second.history)}: see the Changes sheet"
    )


def test_findings_have_waiver_and_seen_columns(two_scans, second_wb):
    headers = [c.header for c, _ in FINDINGS]
    assert headers[headers.index("Message") + 1 : headers.index("Message") + 4] == [
        "Waiver",
        "First seen (UTC)",
        "Last seen (UTC)",
    ]
    ws = second_wb["Findings"]
    assert [c.value for c in ws[1]] == headers
    rows = table_rows(ws)
    f = two_scans.second.findings
    listed = f.loc[f["status"] != "pass"]
    assert [r["Finding id"] for r in rows] == list(listed["finding_id"])
    for r, (_, finding) in zip(rows, listed.iterrows(), strict=True):
        assert r["First seen (UTC)"] == datetime.fromisoformat(finding["first_seen"].replace("Z", ""))
        assert r["Last seen (UTC)"] == datetime(2026, 12, 15, 8)
        if finding["waiver"] is None:
            assert r["Waiver"] is None
    waived = next(r for r in rows if r["Status"] == "Waived")
    assert waived["Waiver"] == f"active · {HOSTILE_OWNER} · expires 2027-03-31 · {HOSTILE_TICKET}"
    reopened = next(r for r in rows if r["Waiver"] and r["Waiver"].startswith("expired"))
    assert reopened["Status"] == "Fail"
    assert reopened["Waiver"] == "expired · dba-team@fabrikam.example · expired 2026-12-01 · CHG-1042"
    column = headers.index("First seen (UTC)") + 1
    assert ws.cell(row=2, column=column).number_format == "yyyy-mm-dd hh:mm"


def test_hostile_waiver_text_stays_text(second_xlsx, second_wb):
    with zipfile.ZipFile(second_xlsx) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in z.read(n).decode() for n in sheets)  # not a single formula
    ws = second_wb["Waivers"]
    cells = {c.value: c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    for text in (HOSTILE_OWNER, HOSTILE_TICKET):
        assert cells[text].data_type == "s" and cells[text].quotePrefix
    assert cells[HOSTILE_WHY].data_type == "s"


def test_without_waivers_and_history_there_are_no_such_sheets(two_scans, tmp_path):
    plain = dataclasses.replace(two_scans.second, waivers=NO_WAIVERS, history=None)
    path = tmp_path / "plain.xlsx"
    excel.write(plain, path)
    wb = load_workbook(path)
    assert "Waivers" not in wb.sheetnames and "Changes" not in wb.sheetnames
    meta = dict(row[:2] for row in wb["Summary"].iter_rows(values_only=True) if row[0])
    assert "Waivers applied" not in meta and "Since the previous scan" not in meta


def test_first_scan_of_a_scope(two_scans, tmp_path):
    path = tmp_path / "first.xlsx"
    excel.write(two_scans.first, path)
    wb = load_workbook(path)
    ws = wb["Changes"]
    pairs = dict(row[:2] for row in ws.iter_rows(values_only=True, max_row=7) if row[0])
    assert pairs["Previous scan"] == "none: the first scan of this scope"
    assert section(ws, "Counts", 1)[1] == (
        "First scan of this scope in the history: nothing to compare yet.",
    )
    assert len(rows_below(ws, "Trend")) == 1
    assert "Changed findings" not in {r[0] for r in ws.iter_rows(values_only=True)}
    with zipfile.ZipFile(path) as z:
        assert not any("lineChart>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/"))
    meta = dict(row[:2] for row in wb["Summary"].iter_rows(values_only=True) if row[0])
    assert meta["Since the previous scan"] == "first scan of this scope in the history"


def test_incomplete_scan_warns_on_the_changes_sheet(two_scans, tmp_path):
    result = two_scans.second
    meta = dataclasses.replace(result.meta, coverage={**result.meta.coverage, "complete": False})
    path = tmp_path / "incomplete.xlsx"
    excel.write(dataclasses.replace(result, meta=meta), path)
    texts = [r[0] for r in load_workbook(path)["Changes"].iter_rows(values_only=True) if r[0]]
    assert any(
        isinstance(t, str) and t.startswith("This scan is incomplete: a finding it did not") for t in texts
    )


def test_masked_workbook_has_no_hyperlinks(two_scans, tmp_path):
    path = tmp_path / "masked.xlsx"
    excel.write(mask_result(two_scans.second, b"k" * 32), path)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            text = z.read(name).decode(errors="replace")
            assert "portal.azure" not in text, name
            assert "<hyperlink" not in text and "HYPERLINK(" not in text.replace('=HYPERLINK("x")', ""), name
    wb = load_workbook(path)
    for title in ("Findings", "Manual checks"):
        headers = [c.value for c in wb[title][1]]
        assert "Portal link" not in headers and headers[-1] == "Resource id"
    notes = [n for (n,) in section(wb["Summary"], "Notes", 1)]
    assert any("no Azure portal links" in n for n in notes)


def test_trend_dates_are_dates():
    assert history_view.parse_time("2026-12-15T08:00:00Z") == datetime.fromisoformat(
        "2026-12-15T08:00:00+00:00"
    )
    assert history_view.parse_time("not a time") is None
    assert (
        history_view.days_until("2027-01-31", "2026-11-26") == (date(2027, 1, 31) - date(2026, 11, 26)).days
    )
