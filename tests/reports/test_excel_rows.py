"""reports.excel_rows writes a row as the very XML xlsxwriter writes cell by cell, or declines."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from reports.excel_rows import direct_rows, write_row


class Cell(NamedTuple):
    value: Any
    format: Any = None
    data_type: str = "s"


#: Text xlsxwriter escapes or marks in every way it does, next to text it leaves alone.
TEXTS = [
    "plain",
    "a & b",
    "<tag>",
    "x > y",
    "_x0041_ looks like an escape",
    "_x00",
    "ctl\x01char",
    "\x1f",
    " lead",
    "trail ",
    "\ttab",
    "new\nline",
    "inner\ttab",
    "non\ufffechar",
    "\uffff",
    "nbsp\u00a0",
    "\u3000ideographic space",
    "emoji 😀",
    "soft\u00adhyphen",
    "",
    '"quoted"',
]
NUMBERS = [0, 7, -3, -3.25, 1e20, 0.1, 1 / 3, 2**53 + 1, True, False]


def _reference(ws: Worksheet, row: int, values: list[Any], link_format: Any) -> None:
    """What Sheet.append's ordinary path does with these values."""
    for col, value in enumerate(values):
        if value is None:
            continue
        if type(value) is Cell:
            if value.data_type == "l":
                ws.write_url(row, col, value.value, value.format)
            elif value.data_type == "n":
                ws.write_number(row, col, value.value, value.format)
            else:
                ws.write_string(row, col, value.value, value.format)
        elif type(value) is str:
            ws.write_string(row, col, value)
        elif type(value) is bool:
            ws.write_boolean(row, col, value)
        else:
            ws.write_number(row, col, value)


def _book(path: Path, direct: bool) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    bold = wb.add_format({"bold": True})
    link = wb.add_format({"font_color": "#0563C1", "underline": 1})
    quoted = wb.add_format({"quote_prefix": True})
    ws = wb.add_worksheet("Rows")
    ws.set_column_pixels(0, 3, 100)
    rows: list[list[Any]] = [
        [Cell("Header", bold), Cell("Other", bold), None, Cell("Last", bold)],
        *([text, None, Cell(text, quoted), Cell(7, bold, "n")] for text in TEXTS),
        [*NUMBERS, None, Cell(2.5, None, "n")],
        [None, None, None],  # no cell: no row element
        ["before a link", Cell("https://portal.azure.com/#/resource/x?a=1&b=2", link, "l"), None],
        [Cell("https://portal.azure.com/#/resource/y", link, "l"), "after a link"],
    ]
    for number, values in enumerate(rows):
        if not (direct and write_row(ws, number, values, Cell)):
            _reference(ws, number, values, link)
    wb.close()
    return path


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}


def test_direct_rows_give_the_same_bytes_as_xlsxwriter(tmp_path):
    direct, reference = _parts(_book(tmp_path / "d.xlsx", True)), _parts(_book(tmp_path / "r.xlsx", False))
    assert direct.keys() == reference.keys()
    for name in direct:
        assert direct[name] == reference[name], name
    assert b"_x005F_x0041_" in direct["xl/worksheets/sheet1.xml"]  # the escapes really were exercised
    assert b'xml:space="preserve"' in direct["xl/worksheets/sheet1.xml"]


@pytest.mark.parametrize(
    "values",
    [
        [Cell("<r>looks like rich text</r>")],
        ["fine", Cell("=SUM(1)", None, "f")],
        [Cell(float("nan"), None, "n")],
        [object()],
    ],
)
def test_rows_it_cannot_write_are_left_untouched(tmp_path, values):
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet()
    ws.write_string(0, 0, "held by xlsxwriter")
    assert write_row(ws, 1, values, Cell) is False
    assert ws.previous_row == 0 and ws.dim_rowmax == 0 and 0 in ws.table and not ws.hyperlinks
    wb.close()


def test_sheets_with_row_or_column_settings_take_the_ordinary_path(tmp_path):
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    plain, formatted, tall = wb.add_worksheet(), wb.add_worksheet(), wb.add_worksheet()
    formatted.set_column(0, 0, 10, wb.add_format({"bold": True}))
    tall.set_default_row(30)
    assert direct_rows(plain) and not direct_rows(formatted) and not direct_rows(tall)
    plain.set_row(0, 40)
    assert write_row(plain, 0, ["title"], Cell) is False
    wb.close()
