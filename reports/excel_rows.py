"""Whole rows of report.xlsx written as XML in one piece, into xlsxwriter's constant_memory row file.

xlsxwriter handles a cell at a time: it stores a tuple, and when the next row starts it builds the
cell's attributes and passes each string through five regular expressions. At 100k resources that
was most of the workbook's time (bench/RESULTS.md). A row whose cells are all text, numbers,
booleans or portal links is written here instead, as the XML xlsxwriter would write: a string that
xlsxwriter would change on its way (markup characters, control characters and their `_xHHHH_`
escapes, non-characters, blanks at either end) goes through xlsxwriter's own escaping functions, so
the bytes are the same (bench/compare_xlsx.py compares workbooks cell by cell). Any other row (a row
height or format, a dimension-changing setting, dates, formulas, rich text, values no converter has
seen) returns None and is written the ordinary way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol

from xlsxwriter.format import Format
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

#: Column letters by index (A, B, ..., AA, ...), grown on demand.
_LETTERS: list[str] = []


class StyledCell(Protocol):
    """What excel_book.Cell offers (kept apart so that this module needs nothing from it)."""

    value: Any
    format: Format | None
    data_type: str


def _letters(count: int) -> list[str]:
    while len(_LETTERS) < count:
        _LETTERS.append(xl_col_to_name(len(_LETTERS)))
    return _LETTERS


def _unchanged(text: str) -> bool:
    """Whether xlsxwriter writes `text` as it is: no control or non-character (isprintable), no
    markup character, nothing that looks like its `_xHHHH_` escape, no blank at either end. Plain
    `in` tests: one regular expression with these alternatives took longer than the rest of the row."""
    return (
        text.isprintable()
        and "&" not in text
        and "<" not in text
        and ">" not in text
        and "_x" not in text
        and not text[:1].isspace()
        and not text[-1:].isspace()
    )


def _text_cell(ws: Worksheet, ref: str, style: str, text: str) -> str | None:
    if not _unchanged(text):
        text = ws._escape_control_characters(text)
        if text.startswith("<r>") and text.endswith("</r>"):
            return None  # xlsxwriter writes this as rich text
        space = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
        text = ws._escape_data(text)
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'
    return f'<c r="{ref}"{style} t="inlineStr"><is><t>{text}</t></is></c>'


def _style(cell_format: Format | None) -> str:
    return f' s="{cell_format._get_xf_index()}"' if cell_format is not None else ""


def direct_rows(ws: Worksheet) -> bool:
    """Whether rows of this sheet may be written here: no setting that changes a row's or a cell's
    attributes (default row height, column formats, Excel 2010 extensions, comments)."""
    return (
        ws.constant_memory
        and ws.default_row_height == ws.original_row_height
        and ws.excel_version != 2010
        and not ws.comments
        and all(info.column_format is None for info in ws.col_info.values())
    )


def write_row(ws: Worksheet, row: int, values: Sequence[Any], cell_type: type) -> bool:
    """Write row `row` (0-based) of `ws` from `values` (None: a blank cell; `cell_type`: a StyledCell),
    as Sheet.append would through xlsxwriter; False, with nothing written, if it cannot."""
    if row in ws.row_info:
        return False
    letters = _letters(len(values))
    number = str(row + 1)
    pieces: list[Any] = []
    first = last = -1
    for col, value in enumerate(values):
        kind = type(value)
        if value is None:
            continue
        ref = letters[col] + number
        if kind is str:
            piece: Any = _text_cell(ws, ref, "", value)
        elif kind is cell_type:
            data_type, inner, cell_format = value.data_type, value.value, value.format
            if data_type == "s":
                piece = _text_cell(ws, ref, _style(cell_format), inner)
            elif data_type == "l":  # a hyperlink: registered once the whole row is certain
                piece = (col, inner, cell_format, _style(cell_format or ws.default_url_format))
            elif data_type == "n" and (type(inner) is int or (type(inner) is float and math.isfinite(inner))):
                piece = f'<c r="{ref}"{_style(cell_format)}><v>{inner:.16G}</v></c>'
            else:
                return False
        elif kind is int or (kind is float and math.isfinite(value)):
            piece = f'<c r="{ref}"><v>{value:.16G}</v></c>'
        elif kind is bool:
            piece = f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        else:
            return False
        if piece is None:
            return False
        pieces.append(piece)
        first = col if first < 0 else first
        last = col
    if not pieces:
        return True  # xlsxwriter writes nothing for a row without cells either
    if ws.table:
        ws._write_single_row(row)  # the row xlsxwriter still holds goes first
    else:
        ws.previous_row = row
    ws._check_dimensions(row, first)
    ws._check_dimensions(row, last)
    for i, piece in enumerate(pieces):
        if type(piece) is tuple:
            col, url, cell_format, style = piece
            ws.ignore_write_string = True
            try:
                failed = ws._write_url(row, col, url, cell_format)
            finally:
                ws.ignore_write_string = False
            # a refused link (xlsxwriter's limits) leaves the cell empty, as it does there
            text = None if failed else ws.hyperlinks[row][col].text
            pieces[i] = (_text_cell(ws, letters[col] + number, style, text) or "") if text is not None else ""
    ws.fh.write(f'<row r="{number}">{"".join(pieces)}</row>')
    return True
