"""report.xlsx as a customer meets it: the logo on the Summary, readable sheet names and values, the
scanner's internal columns left out, and a print setup (Summary on one page, tables landscape and one
page wide with their header row repeated)."""

from __future__ import annotations

import base64
import dataclasses
import struct
import zipfile
import zlib
from datetime import date

import pytest
from openpyxl import load_workbook

from reports import excel, excel_sheets
from scanner.model import Branding
from scanner.scan import ScanOptions, run_scan


def png(width: int, height: int) -> bytes:
    """A valid PNG of one grey colour (8-bit greyscale), without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def demo():
    return run_scan(ScanOptions(demo=True, as_of=date(2026, 11, 26)))


def write(result, tmp_path, name="report.xlsx"):
    path = tmp_path / name
    excel.write(result, path)
    return path


def test_logo_is_on_the_summary_scaled_into_its_box(demo, tmp_path):
    uri = "data:image/png;base64," + base64.b64encode(png(640, 128)).decode()
    path = write(
        dataclasses.replace(demo, branding=Branding(customer="Contoso", logo_data_uri=uri)), tmp_path
    )
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert "xl/media/image1.png" in names
        assert z.read("xl/media/image1.png") == png(640, 128)
        rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()  # Summary is sheet1
        drawing = next(n for n in names if n.startswith("xl/drawings/drawing") and n.endswith(".xml"))
        xml = z.read(drawing).decode()
    assert "drawing" in rels
    assert 'descr="Logo"' in xml
    # 640x128 scaled by 1/4 into the 160x64 box: 160 x 32 pixels, in EMU (9525 a pixel)
    assert f'cx="{160 * 9525}" cy="{32 * 9525}"' in xml


def test_svg_logo_is_left_out_with_a_note(demo, tmp_path):
    uri = (
        "data:image/svg+xml;base64," + base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()
    )
    path = write(dataclasses.replace(demo, branding=Branding(logo_data_uri=uri)), tmp_path)
    with zipfile.ZipFile(path) as z:
        assert not [n for n in z.namelist() if n.startswith("xl/media/")]
    notes = [row[0] for row in load_workbook(path)["Summary"].iter_rows(values_only=True) if row[0]]
    assert "The logo is an SVG image, which Excel cannot show: it is on report.html only." in notes


def test_without_a_logo_the_summary_has_charts_only(demo, tmp_path):
    with zipfile.ZipFile(write(demo, tmp_path)) as z:
        assert not [n for n in z.namelist() if n.startswith("xl/media/")]


def test_column_headers_read_as_words():
    assert excel_sheets.column_header("extension_bad_statuses") == "Extension bad statuses"
    assert excel_sheets.column_header("subscription_id") == "Subscription ID"
    assert excel_sheets.column_header("vnet_key") == "VNet ID"
    assert excel_sheets.column_header("os_type") == "OS type"
    assert all(len(title) <= 31 for title in excel_sheets.INVENTORY_TITLES.values())


def test_every_inventory_table_has_a_customer_facing_sheet_title():
    from scanner.inventory.columns import TABLES

    assert set(TABLES) <= set(excel_sheets.INVENTORY_TITLES)


def fit(ws):
    """(pages wide, pages tall) of a sheet's fit-to-page setting; an absent attribute means 1 (OOXML)."""
    setup = ws.page_setup
    return (
        1 if setup.fitToWidth is None else setup.fitToWidth,
        1 if setup.fitToHeight is None else setup.fitToHeight,
    )


def test_print_setup(demo, tmp_path):
    wb = load_workbook(write(demo, tmp_path))
    summary = wb["Summary"]
    assert summary.sheet_properties.pageSetUpPr.fitToPage
    assert (summary.page_setup.orientation, fit(summary)) == ("portrait", (1, 1))
    for title in ("Findings", "Plan", "Classic VMs", "Rule catalog", "Coverage"):
        ws = wb[title]
        assert ws.sheet_properties.pageSetUpPr.fitToPage, title
        assert (ws.page_setup.orientation, fit(ws)) == ("landscape", (1, 0)), title
    for title in ("Findings", "Plan", "Classic VMs", "Rule catalog"):  # tables repeat their header
        assert wb[title].print_title_rows == "$1:$1", title
