"""report.xlsx: sheets, the Findings table, charts, links, counts, hostile text and the row limit."""

from __future__ import annotations

import dataclasses
import json
import math
import re
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from arg_rows import SUB, TENANT, classic_storage, classic_vm, classic_vnet, cloud_service
from arg_rows import row as arg_row
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from reports import excel, excel_book, excel_sheets, plan_view, write_reports, writer
from reports.common import portal_url, tenant_of
from reports.excel_sheets import FINDINGS, PLAN, QUOTA
from reports.json_report import plan_json
from scanner.engine.evaluate import STATUSES
from scanner.engine.rules import SEVERITIES
from scanner.scan import ScanOptions, run_scan

AS_OF = date(2026, 11, 26)
HEADERS = [c.header for c, _ in FINDINGS]
LAST = get_column_letter(len(HEADERS))
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


@pytest.fixture(scope="module")
def hostile_plan(tmp_path_factory):
    """Migration units whose names a spreadsheet would run as formulas: a VNet, a cloud service of VMs
    in no VNet, and a storage account holding their disks."""

    def on(vm, account):
        disk = vm["properties"]["storageProfile"]["operatingSystemDisk"]
        disk["storageAccount"] = {"name": account}
        disk["vhdUri"] = f"https://{account}.blob.core.windows.net/vhds/{vm['name']}.vhd"
        return vm

    rows = [
        classic_vnet("=1+1"),
        cloud_service("cs1"),
        on(classic_vm("@SUM(1)", "cs1", "=1+1"), "-2+3"),
        cloud_service("+cmd", rg="cs2"),
        on(classic_vm("vm2", "+cmd", None, rg="cs2"), "-2+3"),
        classic_storage("-2+3"),
    ]
    path = tmp_path_factory.mktemp("hostile_plan") / "rows.json"
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


CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def ref(formula):
    """A chart reference without quotes and $: "'Summary'!$B$3:$B$7" -> "Summary!B3:B7"."""
    return re.sub(r"'([^']*)'!", r"\1!", formula).replace("$", "")


def _deleted(axis):
    """Whether a chart axis is hidden (an axis without <delete> is shown)."""
    flag = axis.find(f"{CHART}delete")
    return flag is not None and flag.get("val") in ("1", "true")


def charts(path):
    """Every chart of a workbook, read from its XML: plot kinds, title, legend, series references and
    the `delete` flag of each axis."""
    out = []
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        for name in names:
            root = ElementTree.fromstring(z.read(name))
            plot = root.find(f".//{CHART}plotArea")
            series = [
                {
                    part: ref(s.find(f"{CHART}{part}//{CHART}f").text)
                    for part in ("tx", "cat", "val")
                    if s.find(f"{CHART}{part}//{CHART}f") is not None
                }
                for s in plot.iter(f"{CHART}ser")
            ]
            title = root.find(f"{CHART}chart/{CHART}title")
            title_runs = [] if title is None else title.iter(f"{DRAWING}t")
            out.append(
                {
                    "kinds": [el.tag.removeprefix(CHART) for el in plot if el.tag.endswith("Chart")],
                    "title": "".join(t.text or "" for t in title_runs) or None,
                    "legend": root.find(f"{CHART}chart/{CHART}legend") is not None,
                    "series": series,
                    "axes_deleted": [_deleted(axis) for axis in plot if axis.tag.endswith("Ax")],
                    "bar_direction": next((el.get("val") for el in plot.iter(f"{CHART}barDir")), None),
                }
            )
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
    inventory = [
        excel_sheets.INVENTORY_TITLES[name]
        for name, frame in demo.inventory.tables.items()
        if not frame.empty
    ]
    assert demo_wb.sheetnames == [
        "Summary",
        "Findings",
        "Plan",
        "Quota",
        "Cloud Services (ext)",
        "Manual checks",
        "Rule catalog",
        *inventory,
        "Coverage",
        "Evidence",
    ]
    assert inventory[:3] == ["Classic VMs", "Cloud services (classic)", "Classic storage accounts"]


def test_findings_is_a_filterable_table_with_a_frozen_header(demo, demo_wb):
    ws = demo_wb["Findings"]
    table = ws.tables["Findings"]
    ref = f"A1:{LAST}{len(listed(demo)) + 1}"
    assert table.ref == ref
    assert table.autoFilter.ref == ref
    assert table.tableStyleInfo.name == excel_book.TABLE_STYLE
    assert [c.name for c in table.tableColumns] == HEADERS
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["K"].width == 80  # Message


def test_every_table_sheet_has_a_table_and_frozen_header(demo, demo_wb):
    for name, frame in demo.inventory.tables.items():
        if frame.empty:
            continue
        ws = demo_wb[excel_sheets.INVENTORY_TITLES[name]]
        assert ws.freeze_panes == "A2"
        shown = [c for c in frame.columns if c != "key"]  # the scanner's join key is left out
        assert [c.value for c in ws[1]] == [excel_sheets.column_header(c) for c in shown]
        assert ws.tables[f"Inventory_{name}"].ref.endswith(str(len(frame) + 1))
    assert demo_wb["Rule catalog"].tables["RuleCatalog"]
    assert demo_wb["Manual checks"].tables["ManualChecks"]


def test_summary_has_native_charts(demo_xlsx, demo_wb):
    with zipfile.ZipFile(demo_xlsx) as z:
        names = set(z.namelist())
        assert {"xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml"} <= names
        sheet_rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()  # Summary is sheet1
    assert "drawing" in sheet_rels
    found = charts(demo_xlsx)
    assert [(c["title"], c["kinds"], c["bar_direction"], c["legend"]) for c in found] == [
        ("Findings by status", ["pieChart"], None, True),
        ("Fail findings by severity", ["barChart"], "col", False),
        ("Fail findings by category", ["barChart"], "bar", False),
    ]
    assert not any(hidden for c in found for hidden in c["axes_deleted"])
    rows = list(demo_wb["Summary"].iter_rows(values_only=True))
    for chart, heading, column in (
        (found[0], "Findings by status", "B"),
        (found[1], "Findings by severity", "C"),
        (found[2], "Fail findings by category", "B"),
    ):
        [series] = chart["series"]  # each chart reads its counts table on the Summary
        header = next(i for i, r in enumerate(rows, start=1) if r[0] == heading) + 1
        last = next(i for i, r in enumerate(rows, start=1) if i > header and r[0] is None) - 1
        assert series == {
            "tx": f"Summary!{column}{header}",
            "cat": f"Summary!A{header + 1}:A{last}",
            "val": f"Summary!{column}{header + 1}:{column}{last}",
        }


def test_findings_lists_the_non_pass_findings_in_report_order(demo, demo_wb):
    rows = table_rows(demo_wb["Findings"])
    expected = listed(demo)
    assert [r["Finding id"] for r in rows] == list(expected["finding_id"])
    assert [r["Status"] for r in rows] == [s.capitalize() for s in expected["status"]]
    assert [r["Severity"] for r in rows] == [s.capitalize() for s in expected["severity"]]
    assert "Pass" not in {r["Status"] for r in rows}
    first, frame = rows[0], expected.iloc[0]
    assert json.loads(first["Evidence"]) == json.loads(json.dumps(frame["evidence"], default=str))
    assert first["References"] == ", ".join(frame["references"])


def test_severity_and_status_cells_are_coloured(demo_wb):
    ws = demo_wb["Findings"]
    for cell in (ws["A2"], ws["B2"]):
        colors = excel_book.SEVERITY_COLORS if cell.column == 1 else excel_book.STATUS_COLORS
        assert cell.fill.fgColor.rgb.endswith(colors[cell.value.lower()][0])


def test_portal_links_are_hyperlinks(demo, demo_wb):
    ws = demo_wb["Findings"]
    tenant = tenant_of(demo)
    for row in ws.iter_rows(min_row=2):
        cell = row[HEADERS.index("Portal link")]
        url = portal_url(row[HEADERS.index("Resource id")].value, demo.meta.cloud, tenant)
        assert cell.hyperlink is not None
        # the address and its #anchor (stored apart, as Excel itself stores them)
        assert f"{cell.hyperlink.target}#{cell.hyperlink.location}" == url == cell.value
        assert url.startswith("https://portal.azure.com/#@")


def test_summary_counts_match_the_result(demo, demo_wb):
    ws = demo_wb["Summary"]
    summary = demo.summary()
    by_status = section(ws, "Findings by status", 2)
    assert by_status[0] == ("Status", "Findings")
    assert {s.lower(): n for s, n in by_status[1:]} == summary["by_status"]
    by_severity = section(ws, "Findings by severity", 3)
    assert {s.lower(): (a, f) for s, a, f in by_severity[1:]} == {
        s: (summary["by_severity"][s], summary["fail_by_severity"][s]) for s in SEVERITIES
    }
    by_readiness = section(ws, "Classic resources by migration readiness", 2)
    assert by_readiness[0] == ("State", "Classic resources")
    assert dict(by_readiness[1:]) == summary["readiness"]
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
    assert retirement["Severity"] == "Calendar"
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
    # the file name and its digest; the local folder only in findings.json
    assert [f"{p} sha256:{h}" for p, h in inputs] == [
        f"{Path(i.split(' sha256:')[0]).name} sha256:{i.split(' sha256:')[1]}"
        for i in demo.meta.coverage["inputs"]
    ]
    assert all("/" not in p and "\\" not in p for p, _ in inputs)
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
        assert seen[text].quotePrefix or not text.startswith(excel_book.FORMULA_PREFIXES)
    names = [r["Resource name"] for r in table_rows(wb["Findings"])]
    assert set(HOSTILE) <= set(names)
    groups = {r["Resource group"] for r in table_rows(wb["Findings"])}
    assert set(HOSTILE) <= groups
    tags = [json.loads(r["Tags"]) for r in table_rows(wb["Classic VMs"])]
    assert {t["owner"] for t in tags} == {"=cmd|' /C calc'!A0"}
    assert "=SUB()" in {r["Resource name"] for r in table_rows(wb["Manual checks"])}


def test_control_characters_and_long_text(hostile, tmp_path):
    with excel_book.Book(hostile, tmp_path / "unsaved.xlsx") as book:
        book.sheet("x", ())
        assert book.text("a\x07b") == "a\ufffdb"
        assert book.text("a\r\nb\rc") == "a\nb\nc"
        cut = book.text("=" + "x" * 40_000)
        assert not isinstance(cut, str)
        assert len(cut.value) == excel_book.MAX_TEXT
        assert cut.value.endswith(excel_book.TRUNCATED) and cut.data_type == "s"
        assert book.truncated == 1
        wide = book.text("😀" * 20_000)  # two UTF-16 units each: Excel counts those
        assert len(wide.encode("utf-16-le")) // 2 == excel_book.MAX_TEXT
        assert wide.endswith(excel_book.TRUNCATED)
        assert book.truncated == 2
    assert not (tmp_path / "unsaved.xlsx").exists()


def test_long_cells_are_cut_and_noted(hostile, tmp_path):
    frame = hostile.inventory.tables["classic_vm"].copy()
    frame["tags"] = [{"note": "x" * 40_000}] * len(frame)
    inventory = dataclasses.replace(
        hostile.inventory, tables={**hostile.inventory.tables, "classic_vm": frame}
    )
    wb = load_workbook(written(dataclasses.replace(hostile, inventory=inventory), tmp_path))
    assert all(len(r["Tags"]) == excel_book.MAX_TEXT for r in table_rows(wb["Classic VMs"]))
    notes = section(wb["Summary"], "Notes", 1)
    assert any("were cut" in n for (n,) in notes)


def test_row_limit_splits_sheets_and_says_so(demo, monkeypatch, tmp_path):
    monkeypatch.setattr(excel_book, "MAX_ROWS", 200)
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
        assert table.ref == f"A1:{LAST}{ws.max_row}"
        ids += [r["Finding id"] for r in table_rows(ws)]
    assert ids == list(expected["finding_id"])
    vms = len(demo.inventory.tables["classic_vm"])
    assert "Classic VMs (3)" in wb.sheetnames and math.ceil(vms / 199) == 3
    notes = [n for (n,) in section(wb["Summary"], "Notes", 1)]
    assert any(n.startswith(f"Findings is split over {parts} sheets") for n in notes)
    assert any(n.startswith("Inventory Classic VMs is split over 3 sheets") for n in notes)


def test_row_limit_of_ten(hostile, monkeypatch, tmp_path):
    monkeypatch.setattr(excel_book, "MAX_ROWS", 10)
    wb = load_workbook(written(hostile, tmp_path))
    ids = [r["Finding id"] for t in wb.sheetnames if t.startswith("Findings") for r in table_rows(wb[t])]
    assert ids == list(listed(hostile)["finding_id"])
    tables = [ws for ws in wb if ws.tables]
    assert len(tables) > 10
    assert all(ws.max_row <= 10 for ws in tables)


def test_links_past_the_hyperlink_limit_are_safe_formulas(demo, monkeypatch, tmp_path):
    monkeypatch.setattr(excel_book, "MAX_HYPERLINKS", 3)
    ws = load_workbook(written(demo, tmp_path))["Findings"]
    column = HEADERS.index("Portal link")
    rows = list(ws.iter_rows(min_row=2))
    assert all(r[column].hyperlink is not None for r in rows[:3])
    for row in rows[3:]:
        cell = row[column]
        url = portal_url(row[HEADERS.index("Resource id")].value, demo.meta.cloud, tenant_of(demo))
        assert cell.hyperlink is None
        if len(url) <= excel_book.MAX_FORMULA_URL:
            assert (cell.data_type, cell.value) == ("f", f'=HYPERLINK("{url}")')
        else:  # Excel's HYPERLINK() takes at most 255 characters
            assert (cell.data_type, cell.value) == ("s", url)
    assert any(r[column].data_type == "f" for r in rows)
    monkeypatch.setattr(excel_book, "MAX_FORMULA_URL", 10)
    wb = load_workbook(written(demo, tmp_path, "plain.xlsx"))
    cell = wb["Findings"].cell(row=5, column=column + 1)
    assert cell.data_type == "s" and cell.value.startswith("https://portal.azure.com/")
    notes = [n for (n,) in section(wb["Summary"], "Notes", 1)]
    assert any("hyperlinks per sheet" in n for n in notes)


def test_hyperlink_limit_is_per_sheet(demo, monkeypatch, tmp_path):
    monkeypatch.setattr(excel_book, "MAX_HYPERLINKS", 2)
    wb = load_workbook(written(demo, tmp_path))
    for title in ("Findings", "Manual checks"):
        ws = wb[title]
        column = [c.value for c in ws[1]].index("Portal link")
        cells = [r[column] for r in ws.iter_rows(min_row=2)]
        assert len(cells) > 2
        assert [c.hyperlink is not None for c in cells] == [True, True] + [False] * (len(cells) - 2)
        for cell in cells[2:]:  # then formulas (text past HYPERLINK()'s 255 characters)
            assert (
                cell.value.startswith('=HYPERLINK("https://')
                if cell.data_type == "f"
                else (cell.data_type == "s" and len(cell.value) > excel_book.MAX_FORMULA_URL)
            )
        assert any(cell.data_type == "f" for cell in cells)


def test_links_longer_than_excel_takes_are_plain_text(demo, monkeypatch, tmp_path):
    monkeypatch.setattr(excel_book, "MAX_URL", 100)
    wb = load_workbook(written(demo, tmp_path))
    ws = wb["Findings"]
    column = HEADERS.index("Portal link")
    cells = [r[column] for r in ws.iter_rows(min_row=2)]
    assert all(c.hyperlink is None and c.data_type == "s" for c in cells if len(c.value) > 100)
    assert any(len(c.value) > 100 for c in cells)
    notes = [n for (n,) in section(wb["Summary"], "Notes", 1)]
    assert any("longer than Excel's 100 characters for a hyperlink" in n for n in notes)


def test_text_cells_are_strings_never_formulas(hostile, tmp_path):
    """Formula-like text, error codes and text that looks like XML markup are text cells with their
    visible text unchanged; a portal link is a hyperlink."""
    texts = [
        '=HYPERLINK("http://x")',
        "+1",
        "@SUM(A1)",
        "-1",
        "=1+1",
        "\tTAB",
        "\rCR",
        "#N/A",
        "#DIV/0!",
        "<r><t>x</t></r>",
        "<r>=1</r>",
        "</c></row><row r='1'>",
        " padded ",
        "plain",
    ]
    url = portal_url(f"/subscriptions/{SUB}/resourceGroups/rg/providers/x/y/z", "public", TENANT)
    path = tmp_path / "cells.xlsx"
    with excel_book.Book(hostile, path) as book:
        sheet = book.sheet("Cells", (20, 20, 20))
        for text in texts:
            sheet.append([book.text(text), excel_book.plain(sheet, text), book.text(text, "bold")])
        sheet.append([book.link(sheet, url)])
        book.save()
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    assert "<r><t>x</t></r>" not in xml and "</c></row><row r='1'>" not in xml  # escaped
    ws = load_workbook(path)["Cells"]
    shown = [t.replace("\r", "\n") for t in texts]  # XML reads CR as LF
    for row, text in zip(ws.iter_rows(max_row=len(texts)), shown, strict=True):
        for cell in row:
            assert (cell.value, cell.data_type) == (text, "s")
            assert cell.quotePrefix == text.startswith((*excel_book.FORMULA_PREFIXES, "\n", "#"))
        assert row[2].font.b
    link = ws.cell(row=len(texts) + 1, column=1)
    assert link.value == url and f"{link.hyperlink.target}#{link.hyperlink.location}" == url
    assert link.font.color.rgb.endswith(excel_book.LINK_COLOR)


def test_escape_like_text_is_kept_for_excel(hostile, tmp_path):
    """Excel reads _xHHHH_ in a string as an escaped character: literal text of that form is written
    with its underscore escaped (_x005F_), so Excel shows it as it was."""
    path = tmp_path / "escape.xlsx"
    with excel_book.Book(hostile, path) as book:
        book.sheet("Cells", (20,)).append([book.text("_x0041_")])
        book.save()
    with zipfile.ZipFile(path) as z:
        assert "_x005F_x0041_" in z.read("xl/worksheets/sheet1.xml").decode()


def test_row_limit_with_chunks_across_the_sheets(demo, monkeypatch, tmp_path):
    monkeypatch.setattr(excel_book, "MAX_ROWS", 30)
    monkeypatch.setattr(excel_book, "CHUNK", 7)  # chunks of 7 rows, 29 rows a sheet
    wb = load_workbook(written(demo, tmp_path))
    ids = [r["Finding id"] for t in wb.sheetnames if t.startswith("Findings") for r in table_rows(wb[t])]
    assert ids == list(listed(demo)["finding_id"])
    frame = demo.inventory.tables["classic_vm"]
    parts = [t for t in wb.sheetnames if t == "Classic VMs" or t.startswith("Classic VMs (")]
    assert len(parts) == math.ceil(len(frame) / 29)
    assert [r["ID"] for t in parts for r in table_rows(wb[t])] == list(frame["id"])
    assert all(wb[t].max_row == 30 for t in parts[:-1])


def test_same_result_same_bytes(demo, tmp_path):
    """The workbook carries the scan's start as its creation time, not the clock: the same result
    gives the same file."""
    first, second = written(demo, tmp_path, "a.xlsx"), written(demo, tmp_path, "b.xlsx")
    assert first.read_bytes() == second.read_bytes()
    props = load_workbook(first).properties
    assert props.created == datetime.fromisoformat(demo.meta.started_at.replace("Z", ""))
    assert props.creator == f"classic-scanner {demo.meta.tool_version}"
    assert props.title == "Azure classic resources: scan report"


def test_no_temporary_files_are_left(demo, monkeypatch, tmp_path):
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    written(demo, tmp_path)
    assert list(temp.iterdir()) == []

    def broken(book, result):
        raise KeyboardInterrupt

    monkeypatch.setattr(excel_sheets, "rule_catalog", broken)
    with pytest.raises(KeyboardInterrupt):
        written(demo, tmp_path, "broken.xlsx")
    assert list(temp.iterdir()) == []
    assert not (tmp_path / "broken.xlsx").exists()


def test_incomplete_scan_is_noted_and_empty_findings_still_write(hostile, tmp_path):
    meta = dataclasses.replace(hostile.meta, coverage={**hostile.meta.coverage, "complete": False})
    empty = hostile.findings.iloc[0:0]
    wb = load_workbook(written(dataclasses.replace(hostile, meta=meta, findings=empty), tmp_path))
    assert [c.value for c in wb["Findings"][1]] == HEADERS
    assert wb["Findings"].max_row == 1 and not wb["Findings"].tables
    notes = [n for (n,) in section(wb["Summary"], "Notes", 1)]
    assert notes[0].startswith("The scan is incomplete")


# --- the migration plan -------------------------------------------------------------------------------


def test_plan_sheet_is_a_table_of_the_units_in_order(demo, demo_wb):
    ws = demo_wb["Plan"]
    units = plan_json(demo.plan)["units"]
    headers = [c.header for c in PLAN]
    table = ws.tables["Plan"]
    assert table.ref == f"A1:W{len(units) + 1}"
    assert [c.name for c in table.tableColumns] == headers == [c.value for c in ws[1]]
    assert ws.freeze_panes == "A2"
    rows = table_rows(ws)
    assert [r["Order"] for r in rows] == list(range(1, len(units) + 1))
    assert [r["Name"] for r in rows] == [u["name"] for u in units]
    names = {u["id"]: u["name"] for u in units}
    for r, u, own in zip(rows, units, demo.plan.units, strict=True):
        assert (r["Wave"], r["State"], r["VMs"], r["Location"]) == (
            u["wave"],
            u["state"],
            u["vm_count"],
            u["location"],
        )
        assert r["Subscription"] == u["subscription_id"]
        lock = u["downtime"]["lock_minutes"]
        assert (r["Lock minutes (low)"], r["Lock minutes (expected)"], r["Lock minutes (high)"]) == (
            lock["low"],
            lock["expected"],
            lock["high"],
        )
        assert (r["Blockers"] or "") == plan_view.rule_summary(own.blockers)
        assert set((r["Preparation"] or "").replace(",", " ").split()) >= {
            p["rule_id"] for p in u["preparation"]
        }
        assert (r["Depends on"] or "") == ", ".join(names[d] for d in u["depends_on"])
        assert r["Data-plane impact"] == u["downtime"]["data_plane"]
        for step in plan_view.COMMAND_STEPS:
            assert (r[f"{step.capitalize()} (PowerShell)"] or "") == plan_view.command(own, step)
    blocked = next(r for r in rows if r["State"] == "blocked")
    assert blocked["Blockers"]
    assert next(r for r in rows if r["Kind"] == "Virtual network")["Validate (PowerShell)"].startswith(
        "Move-AzureVirtualNetwork -Validate -VirtualNetworkName '"
    )
    assert "chosen by the platform" in next(
        r["Azure creates"] for r in rows if r["Kind"] == "Virtual network" and r["VMs"]
    )
    # state cells are coloured like the report's badges
    column = headers.index("State") + 1
    for row_cells in ws.iter_rows(min_row=2, min_col=column, max_col=column):
        cell = row_cells[0]
        assert cell.fill.fgColor.rgb.endswith(plan_view.STATE_COLORS[cell.value][0])


def test_quota_sheet_has_a_row_per_subscription_region_and_family(demo, demo_wb):
    ws = demo_wb["Quota"]
    quota = plan_json(demo.plan)["quota"]
    expected = [
        (q["subscription_id"], q["location"], f, n)
        for q in quota
        for f, n in sorted(q["cores_by_family"].items())
    ]
    table = ws.tables["Quota"]
    assert table.ref == f"A1:{get_column_letter(len(QUOTA))}{len(expected) + 1}"
    assert [c.name for c in table.tableColumns] == [c.header for c in QUOTA]
    rows = table_rows(ws)
    assert [(r["Subscription"], r["Region"], r["ARM VM family"], r["vCPUs"]) for r in rows] == expected
    by_region = {(q["subscription_id"], q["location"]): q for q in quota}
    for r in rows:
        q = by_region[(r["Subscription"], r["Region"])]
        assert (r["VMs in region"], r["NICs"], r["Public IPs"], r["Load balancers"], r["NSGs"]) == (
            q["vms"],
            q["network_interfaces"],
            q["public_ips"],
            q["load_balancers"],
            q["network_security_groups"],
        )
        assert r["Compare with"].split("\n") == q["check_with"]
    assert any(r["VMs of unknown size"] for r in rows)  # the demo has a VM whose size is unknown


def test_summary_carries_the_plan_in_brief(demo, demo_wb):
    ws = demo_wb["Summary"]
    summary = plan_json(demo.plan)["summary"]
    brief = dict(section(ws, "Migration plan", 2))
    assert brief["Plan"] == summary["message"]
    assert brief["Migration units"] == summary["units"]
    assert brief["Expected lock, hours in total"] == summary["lock_hours_expected"]
    states = section(ws, "Migration units by state", 2)
    assert states[0] == ("State", "Units")
    assert dict(states[1:]) == summary["by_state"]
    contents = dict(section(ws, "Contents", 2)[1:])
    assert {"Plan", "Quota"} <= set(contents)


def test_plan_names_that_look_like_formulas_stay_text(hostile_plan, tmp_path):
    units = {u["name"]: u for u in plan_json(hostile_plan.plan)["units"]}
    assert {"=1+1", "+cmd", "-2+3"} <= set(units)
    path = written(hostile_plan, tmp_path)
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in z.read(n).decode() for n in sheets)
    wb = load_workbook(path)
    ws = wb["Plan"]
    column = [c.header for c in PLAN].index("Name") + 1
    cells = {
        ws.cell(row=i, column=column).value: ws.cell(row=i, column=column) for i in range(2, ws.max_row + 1)
    }
    for name in ("=1+1", "+cmd", "-2+3"):
        assert cells[name].data_type == "s" and cells[name].quotePrefix
    rows = table_rows(ws)
    storage = next(r for r in rows if r["Name"] == "-2+3")
    assert set(storage["Depends on"].split(", ")) == {"=1+1", "+cmd"}
    assert rows.index(storage) > max(i for i, r in enumerate(rows) if r["Name"] in ("=1+1", "+cmd"))
    assert [r["Order"] for r in rows] == sorted(u["order"] for u in units.values())


def test_plan_and_quota_sheets_when_nothing_is_classic(tmp_path):
    path = tmp_path / "rows.json"
    arm_vm = arg_row("Microsoft.Compute/virtualMachines", "armvm", {"storageProfile": {}})
    path.write_text(json.dumps([arm_vm]))
    result = run_scan(ScanOptions(inputs=(path,), as_of=AS_OF))
    wb = load_workbook(written(result, tmp_path))
    assert [c.value for c in wb["Plan"][1]] == [c.header for c in PLAN]
    assert wb["Plan"].max_row == 1 and not wb["Plan"].tables
    assert wb["Quota"].max_row == 1
    assert (
        dict(section(wb["Summary"], "Migration plan", 2))["Plan"]
        == plan_json(result.plan)["summary"]["message"]
    )


def test_cloud_services_extended_support_sheet(demo, demo_wb):
    table = table_rows(demo_wb["Cloud Services (ext)"])
    by_name = {r["Deployment"]: r for r in table}
    assert len(table) == len(plan_json(demo.plan)["cses"]["deployments"])
    assert by_name["fab-render-svc"]["Recommended target"] == "Service Fabric managed cluster"
    assert by_name["fab-render-svc"]["Blockers"] == "CSES-002"
    assert by_name["fab-api-blue"]["Moves with"] == "fab-api-green"
    assert by_name["fab-dev-web"]["Step"] == 1
    assert "RenderWorker (Standard_G2)" in by_name["fab-render-svc"]["Roles (size)"]
