"""report.xlsx: sheets, the Findings table, charts, links, counts, hostile text and the row limit."""

from __future__ import annotations

import dataclasses
import json
import math
import re
import zipfile
from datetime import date

import pytest
from arg_rows import SUB, TENANT, classic_storage, classic_vm, classic_vnet, cloud_service
from openpyxl import load_workbook

from reports import excel, write_reports, writer
from reports.common import portal_url, tenant_of
from reports.excel_sheets import FINDINGS
from scanner.engine.evaluate import STATUSES
from scanner.engine.rules import SEVERITIES
from scanner.scan import ScanOptions, run_scan

AS_OF = date(2026, 11, 26)
HEADERS = [c.header for c, _ in FINDINGS]
HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "@SUM(1)",
    "+cmd",
    "-2+3",
    "<script>alert(1)</script>",
    "\tTAB",
    "#N/A",
    "=1+1",
]


@pytest.fixture(scope="module")
def demo():
    return run_scan(ScanOptions(demo=True, as_of=AS_OF))


@pytest.fixture(scope="module")
def demo_xlsx(demo, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    excel.write(demo, path)
    return path


@pytest.fixture(scope="module")
def demo_wb(demo_xlsx):
    return load_workbook(demo_xlsx)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A scan whose names, resource groups, tags and subscription name are formula-like."""
    rows = [cloud_service(), classic_storage(), classic_vnet()]
    for i, name in enumerate(HOSTILE):
        vm = classic_vm(name, rg=f"rg{i}")
        vm["resourceGroup"] = name
        vm["tags"] = {name: name, "owner": "=cmd|' /C calc'!A0"}
        rows.append(vm)
    rows.append(
        {
            "id": f"/subscriptions/{SUB}",
            "name": SUB,
            "type": "microsoft.resources/subscriptions",
            "tenantId": TENANT,
            "subscriptionId": SUB,
            "properties": {"displayName": "=SUB()"},
        }
    )
    path = tmp_path_factory.mktemp("hostile") / "rows.json"
    path.write_text(json.dumps(rows))
    return run_scan(ScanOptions(inputs=(path,), as_of=AS_OF))


def listed(result):
    return result.findings.loc[result.findings["status"] != "pass"]


def table_rows(ws):
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def section(ws, heading, width):
    """The rows below `heading` on a key/value sheet (its header row included), up to a blank row."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == heading) + 1
    out = []
    for r in rows[start:]:
        if r[0] is None:
            break
        out.append(r[:width])
    return out


def written(result, tmp_path, name="report.xlsx"):
    path = tmp_path / name
    excel.write(result, path)
    return path


def test_registered_and_written_by_write_reports(demo, tmp_path):
    assert writer("xlsx") is excel.write
    [path] = write_reports(demo, tmp_path, ["xlsx"])
    assert path.name == "report.xlsx"
    assert load_workbook(path).sheetnames[0] == "Summary"


def test_sheets(demo, demo_wb):
    inventory = [name for name, frame in demo.inventory.tables.items() if not frame.empty]
    assert demo_wb.sheetnames == [
        "Summary",
        "Findings",
        *inventory,
        "Manual checks",
        "Rule catalog",
        "Coverage",
        "Evidence",
    ]


def test_findings_is_a_filterable_table_with_a_frozen_header(demo, demo_wb):
    ws = demo_wb["Findings"]
    table = ws.tables["Findings"]
    ref = f"A1:Q{len(listed(demo)) + 1}"
    assert table.ref == ref
    assert table.autoFilter.ref == ref
    assert table.tableStyleInfo.name == excel.TABLE_STYLE
    assert [c.name for c in table.tableColumns] == HEADERS
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["K"].width == 80  # Message


def test_every_table_sheet_has_a_table_and_frozen_header(demo, demo_wb):
    for name, frame in demo.inventory.tables.items():
        if frame.empty:
            continue
        ws = demo_wb[name]
        assert ws.freeze_panes == "A2"
        assert [c.value for c in ws[1]] == list(frame.columns)
        assert ws.tables[f"Inventory_{name}"].ref.endswith(str(len(frame) + 1))
    assert demo_wb["Rule catalog"].tables["RuleCatalog"]
    assert demo_wb["Manual checks"].tables["ManualChecks"]


def test_summary_has_native_charts(demo_xlsx):
    with zipfile.ZipFile(demo_xlsx) as z:
        names = set(z.namelist())
        assert {"xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml"} <= names
        charts = "".join(z.read(f"xl/charts/chart{i}.xml").decode() for i in (1, 2, 3))
        sheet_rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()  # Summary is sheet1
    assert "drawing" in sheet_rels
    assert "'Summary'!$B$" in charts  # the charts read cells of the Summary
    assert "<pieChart>" in charts and "<barChart>" in charts
    for title in ("Findings by status", "Fail findings by severity", "Fail findings by category"):
        assert f"<a:t>{title}</a:t>" in charts


def test_findings_lists_the_non_pass_findings_in_report_order(demo, demo_wb):
    rows = table_rows(demo_wb["Findings"])
    expected = listed(demo)
    assert [r["Finding id"] for r in rows] == list(expected["finding_id"])
    assert [r["Status"] for r in rows] == list(expected["status"])
    assert [r["Severity"] for r in rows] == list(expected["severity"])
    assert "pass" not in {r["Status"] for r in rows}
    first, frame = rows[0], expected.iloc[0]
    assert json.loads(first["Evidence"]) == json.loads(json.dumps(frame["evidence"], default=str))
    assert first["References"] == ", ".join(frame["references"])


def test_severity_and_status_cells_are_coloured(demo_wb):
    ws = demo_wb["Findings"]
    for cell in (ws["A2"], ws["B2"]):
        colors = excel.SEVERITY_COLORS if cell.column == 1 else excel.STATUS_COLORS
        assert cell.fill.fgColor.rgb.endswith(colors[cell.value][0])


def test_portal_links_are_hyperlinks(demo, demo_wb):
    ws = demo_wb["Findings"]
    tenant = tenant_of(demo)
    for row in ws.iter_rows(min_row=2):
        cell = row[HEADERS.index("Portal link")]
        url = portal_url(row[HEADERS.index("Resource id")].value, demo.meta.cloud, tenant)
        assert cell.hyperlink is not None
        assert cell.hyperlink.target == url == cell.value
        assert url.startswith("https://portal.azure.com/#@")


def test_summary_counts_match_the_result(demo, demo_wb):
    ws = demo_wb["Summary"]
    summary = demo.summary()
    by_status = section(ws, "Findings by status", 2)
    assert by_status[0] == ("Status", "Findings")
    assert dict(by_status[1:]) == summary["by_status"]
    by_severity = section(ws, "Findings by severity", 3)
    assert {s: (a, f) for s, a, f in by_severity[1:]} == {
        s: (summary["by_severity"][s], summary["fail_by_severity"][s]) for s in SEVERITIES
    }
    by_category = dict(section(ws, "Fail findings by category", 2)[1:])
    fails = demo.findings.loc[demo.findings["status"] == "fail", "category"].value_counts()
    assert {k: v for k, v in by_category.items() if v} == fails.to_dict()
    meta = dict(row[:2] for row in ws.iter_rows(values_only=True) if row[0])
    assert meta["Scan id"] == demo.meta.id
    assert meta["Rules version"] == demo.meta.rules_version
    assert meta["Findings listed (not pass)"] == len(listed(demo))
    assert meta["Complete"] == "yes"
    assert "Notes" not in meta  # nothing to say about the demo


def test_rule_catalog_counts_every_rule(demo, demo_wb):
    rows = table_rows(demo_wb["Rule catalog"])
    assert [r["Rule"] for r in rows] == [r.id for r in demo.pack.rules]
    summary = demo.summary()
    for status in STATUSES:
        assert sum(r[status.capitalize()] for r in rows) == summary["by_status"][status]
    retirement = next(r for r in rows if r["Rule"] == "RET-001")
    assert retirement["Severity"] == "calendar"
    assert all(r["References"].startswith("https://") for r in rows)


def test_manual_checks_carry_the_verification_steps(demo, demo_wb):
    rows = table_rows(demo_wb["Manual checks"])
    manual = demo.findings.loc[demo.findings["status"] == "manual"]
    assert [r["Finding id"] for r in rows] == list(manual["finding_id"])
    rule = demo.pack.get(rows[0]["Rule"])
    assert rows[0]["Verification"].startswith("1) " + rule.spec.verification[0].strip())
    assert rows[0]["Remediation"] == rule.spec.remediation.strip()


def test_coverage_and_evidence(demo, demo_wb):
    datasets = section(demo_wb["Coverage"], "Datasets", 3)
    assert {d: rows for d, _, rows in datasets[1:]} == {
        d: v["rows"] for d, v in demo.meta.coverage["datasets"].items()
    }
    ws = demo_wb["Evidence"]
    inputs = section(ws, "Input files", 2)[1:]
    assert [f"{p} sha256:{h}" for p, h in inputs] == demo.meta.coverage["inputs"]
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for _, h in inputs)
    meta = dict(row[:2] for row in ws.iter_rows(values_only=True) if row[0])
    assert (meta["Scan id"], meta["Rules version"]) == (demo.meta.id, demo.meta.rules_version)


def test_hostile_text_stays_text(hostile, tmp_path):
    path = written(hostile, tmp_path)
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in z.read(n).decode() for n in sheets)  # not a single formula
    wb = load_workbook(path)
    seen = {}
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    seen.setdefault(cell.value, cell)
    for text in [*HOSTILE, "=SUB()"]:
        assert text in seen, text
        assert seen[text].quotePrefix or not text.startswith(excel.FORMULA_PREFIXES)
    names = [r["Resource name"] for r in table_rows(wb["Findings"])]
    assert set(HOSTILE) <= set(names)
    groups = {r["Resource group"] for r in table_rows(wb["Findings"])}
    assert set(HOSTILE) <= groups
    tags = [json.loads(r["tags"]) for r in table_rows(wb["classic_vm"])]
    assert {t["owner"] for t in tags} == {"=cmd|' /C calc'!A0"}
    assert "=SUB()" in {r["Resource name"] for r in table_rows(wb["Manual checks"])}


def test_control_characters_and_long_text(hostile, tmp_path):
    book = excel.Book(hostile)
    book.sheet("x", ())
    assert book.text("a\x07b") == "a\ufffdb"
    assert book.text("a\r\nb\rc") == "a\nb\nc"
    cut = book.text("=" + "x" * 40_000)
    assert not isinstance(cut, str)
    assert len(cut.value) == excel.MAX_TEXT
    assert cut.value.endswith(excel.TRUNCATED) and cut.data_type == "s"
    assert book.truncated == 1


def test_long_cells_are_cut_and_noted(hostile, tmp_path):
    frame = hostile.inventory.tables["classic_vm"].copy()
    frame["tags"] = [{"note": "x" * 40_000}] * len(frame)
    inventory = dataclasses.replace(
        hostile.inventory, tables={**hostile.inventory.tables, "classic_vm": frame}
    )
    wb = load_workbook(written(dataclasses.replace(hostile, inventory=inventory), tmp_path))
    assert all(len(r["tags"]) == excel.MAX_TEXT for r in table_rows(wb["classic_vm"]))
    notes = section(wb["Summary"], "Notes", 1)
    assert any("were cut" in n for (n,) in notes)


def test_row_limit_splits_sheets_and_says_so(demo, monkeypatch, tmp_path):
    monkeypatch.setattr(excel, "MAX_ROWS", 200)
    wb = load_workbook(written(demo, tmp_path))
    expected = listed(demo)
    parts = math.ceil(len(expected) / 199)
    titles = ["Findings", *(f"Findings ({i})" for i in range(2, parts + 1))]
    assert [t for t in wb.sheetnames if t.startswith("Findings")] == titles
    ids = []
    for i, title in enumerate(titles, start=1):
        ws = wb[title]
        assert ws.max_row <= 200
        assert [c.value for c in ws[1]] == HEADERS
        assert ws.freeze_panes == "A2"
        table = ws.tables["Findings" if i == 1 else f"Findings_{i}"]
        assert table.ref == f"A1:Q{ws.max_row}"
        ids += [r["Finding id"] for r in table_rows(ws)]
    assert ids == list(expected["finding_id"])
    vms = len(demo.inventory.tables["classic_vm"])
    assert "classic_vm (3)" in wb.sheetnames and math.ceil(vms / 199) == 3
    notes = [n for (n,) in section(wb["Summary"], "Notes", 1)]
    assert any(n.startswith(f"Findings is split over {parts} sheets") for n in notes)
    assert any(n.startswith("Inventory classic_vm is split over 3 sheets") for n in notes)


def test_row_limit_of_ten(hostile, monkeypatch, tmp_path):
    monkeypatch.setattr(excel, "MAX_ROWS", 10)
    wb = load_workbook(written(hostile, tmp_path))
    ids = [r["Finding id"] for t in wb.sheetnames if t.startswith("Findings") for r in table_rows(wb[t])]
    assert ids == list(listed(hostile)["finding_id"])
    tables = [ws for ws in wb if ws.tables]
    assert len(tables) > 10
    assert all(ws.max_row <= 10 for ws in tables)


def test_links_past_the_hyperlink_limit_are_safe_formulas(demo, monkeypatch, tmp_path):
    monkeypatch.setattr(excel, "MAX_HYPERLINKS", 3)
    ws = load_workbook(written(demo, tmp_path))["Findings"]
    column = HEADERS.index("Portal link")
    rows = list(ws.iter_rows(min_row=2))
    assert all(r[column].hyperlink is not None for r in rows[:3])
    for row in rows[3:]:
        cell = row[column]
        url = portal_url(row[HEADERS.index("Resource id")].value, demo.meta.cloud, tenant_of(demo))
        assert cell.hyperlink is None
        if len(url) <= excel.MAX_FORMULA_URL:
            assert (cell.data_type, cell.value) == ("f", f'=HYPERLINK("{url}")')
        else:  # Excel's HYPERLINK() takes at most 255 characters
            assert (cell.data_type, cell.value) == ("s", url)
    assert any(r[column].data_type == "f" for r in rows)
    monkeypatch.setattr(excel, "MAX_FORMULA_URL", 10)
    wb = load_workbook(written(demo, tmp_path, "plain.xlsx"))
    cell = wb["Findings"].cell(row=5, column=column + 1)
    assert cell.data_type == "s" and cell.value.startswith("https://portal.azure.com/")
    notes = [n for (n,) in section(wb["Summary"], "Notes", 1)]
    assert any("hyperlinks per sheet" in n for n in notes)


def test_incomplete_scan_is_noted_and_empty_findings_still_write(hostile, tmp_path):
    meta = dataclasses.replace(hostile.meta, coverage={**hostile.meta.coverage, "complete": False})
    empty = hostile.findings.iloc[0:0]
    wb = load_workbook(written(dataclasses.replace(hostile, meta=meta, findings=empty), tmp_path))
    assert [c.value for c in wb["Findings"][1]] == HEADERS
    assert wb["Findings"].max_row == 1 and not wb["Findings"].tables
    notes = [n for (n,) in section(wb["Summary"], "Notes", 1)]
    assert notes[0].startswith("The scan is incomplete")
