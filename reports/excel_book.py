"""The writing machinery of report.xlsx: the streaming workbook, its sheets, cells and tables.

Written with xlsxwriter in constant_memory mode: each sheet streams its rows to a temporary file and
holds one row in memory, so memory stays bounded however large the scan. A sheet takes its rows in
order (row n+1 after row n); sheets may be filled in any order. Large tables are converted a chunk of
rows at a time, column by column (`tolist()`, never a pandas access per cell). A table longer than
Excel's row limit continues on "<title> (2)", ...

Every string goes through `Book.text` and is written with `write_string` (never xlsxwriter's
type-guessing `write`): text that a spreadsheet would run as a formula (a leading = + - @, tab or CR)
or read as an error code is stored as a text cell with the quote-prefix style, never as a formula,
and its visible text is left as it is. Portal links are cell hyperlinks (the first MAX_HYPERLINKS of
a sheet, Excel's limit), then HYPERLINK() formulas built from the URL we generate (never from tenant
text), then plain text; a masked report (--mask) has none.

What each sheet holds is in reports.excel_sheets, excel_history and excel_summary; reports.excel puts
them together in order.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from reports.common import SEVERITY_COLORS, STATUS_COLORS, portal_url, tenant_of
from reports.csv_report import FORMULA_PREFIXES
from reports.excel_rows import direct_rows, write_row
from reports.history_view import parse_time
from reports.plan_view import STATE_COLORS
from scanner.model import ScanResult, python_value

#: Rows of an Excel sheet, header included; longer tables continue on "<title> (2)", ...
MAX_ROWS = 1_048_576
#: Cell hyperlinks Excel accepts in one sheet; later links are HYPERLINK() formulas.
MAX_HYPERLINKS = 65_530
#: Longest URL of a cell hyperlink (Excel's limit, for the address and for its #anchor).
MAX_URL = 2_079
#: Longest URL a HYPERLINK() formula accepts; longer ones stay plain text.
MAX_FORMULA_URL = 255
#: Characters (UTF-16 units) in one cell; longer text is cut and marked.
MAX_TEXT = 32_767
TRUNCATED = " …[truncated]"
TABLE_STYLE = "TableStyleMedium2"
LINK_COLOR = "0563C1"
#: Rows of a table converted at once (column lists of this many rows are held in memory).
CHUNK = 5_000
#: Text a spreadsheet reads as an error value.
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
#: Control characters XML cannot carry.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
#: First characters `Book.text` must look at (formula prefixes, error codes, markup-like text).
_SUSPECT_FIRST = frozenset("=+-@\t\r#<")

#: xlsxwriter options: strings are never turned into formulas, URLs or numbers; temporary files only.
OPTIONS: dict[str, Any] = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
    "use_zip64": True,  # only members over 2 GiB get ZIP64 records (as openpyxl did); others are plain
}

_STYLES: dict[str, dict[str, Any]] = {
    "bold": {"bold": True},
    "title": {"bold": True, "font_size": 14},
    "heading": {"bold": True, "font_size": 12, "font_color": "#1F3864"},
    "wrap": {"text_wrap": True, "valign": "top"},
    "link": {"font_color": f"#{LINK_COLOR}", "underline": 1},
    "datetime": {"num_format": "yyyy-mm-dd hh:mm"},
    "date": {"num_format": "yyyy-mm-dd"},
    **{
        f"{kind}:{name}": {"bold": True, "font_color": f"#{fg}", "bg_color": f"#{bg}", "pattern": 1}
        for kind, colors in (
            ("severity", SEVERITY_COLORS),
            ("status", STATUS_COLORS),
            ("state", STATE_COLORS),
        )
        for name, (bg, fg) in colors.items()
    },
}


def _numeric(method: Callable[..., Any]) -> Callable[..., Any]:
    """A Worksheet write method itself, without the wrapper xlsxwriter puts around it to also take
    "A1" cell names (this module passes row and column numbers): the wrapper costs about a tenth of
    the writer's time. Falls back to the wrapped method should a version not wrap it."""
    return getattr(method, "__wrapped__", method)


_write_string = _numeric(Worksheet.write_string)
_write_number = _numeric(Worksheet.write_number)
_write_boolean = _numeric(Worksheet.write_boolean)
_write_datetime = _numeric(Worksheet.write_datetime)
_write_url = _numeric(Worksheet.write_url)
_write_formula = _numeric(Worksheet.write_formula)
_write_rich_string = _numeric(Worksheet.write_rich_string)


def compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str) -> str:
    """The first MAX_TEXT UTF-16 units of `text`, the last of them the truncation mark."""
    keep = (text[:MAX_TEXT].encode("utf-16-le")[: 2 * (MAX_TEXT - len(TRUNCATED))]).decode(
        "utf-16-le",
        errors="ignore",  # drops half of a surrogate pair cut in two
    )
    return keep + TRUNCATED


class Cell(NamedTuple):
    """A cell value with its format, written by the xlsxwriter method its `data_type` names."""

    value: Any
    format: Format | None = None
    data_type: str = "s"
    """s text, r text written as a rich string, n number, b boolean, d date or date-time,
    l hyperlink (value: the URL, also its text), f formula (value: the formula)."""
    result: str = ""
    """A formula's cached value (shown until the spreadsheet recalculates)."""


class Book:
    """The streaming workbook, its formats and what the Summary notes must mention.

    Use as a context manager: leaving it removes the temporary files, written or not.
    """

    def __init__(self, result: ScanResult, path: Path) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="classic-scan-xlsx-")
        self.wb = xlsxwriter.Workbook(str(path), {**OPTIONS, "tmpdir": self._tmp.name})
        started = parse_time(result.meta.started_at)
        self.wb.set_properties(
            {
                "title": "Azure classic resources: scan report",
                "author": f"classic-scanner {result.meta.tool_version}",
                # the scan's start, not the clock: the same result gives the same bytes
                **({"created": started.replace(tzinfo=None)} if started else {}),
            }
        )
        self.cloud = result.meta.cloud
        self.tenant = tenant_of(result)
        self.masked = bool(result.meta.scope.get("masked"))
        """A --mask report: resource ids are pseudonyms, so it carries no portal links."""
        self._formats: dict[tuple[str | None, bool], Format | None] = {}
        self._run_font: Format | None = None
        self.tables: set[str] = set()
        self.truncated = 0
        self.link_formulas = 0
        self.plain_links = 0
        self.long_links = 0

    def __enter__(self) -> Book:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._tmp.cleanup()

    def save(self) -> None:
        self.wb.close()

    def sheet(self, title: str, widths: Sequence[float], freeze: str | None = None) -> Sheet:
        ws: Worksheet = self.wb.add_worksheet(title)
        for index, width in enumerate(widths):
            # in pixels (Calibri 11: 7 a character), so the stored width is exactly `width`
            ws.set_column_pixels(index, index, round(width * 7))
        if freeze:
            ws.freeze_panes(freeze)
        # Printed, every sheet is landscape and one page wide; a table repeats its header row.
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        if freeze == "A2":
            ws.repeat_rows(0)
        return Sheet(self, ws)

    def format(self, name: str | None, quoted: bool = False) -> Format | None:
        """The cell format of a style (None: the default), with the quote prefix when `quoted`."""
        key = (name, quoted)
        if key not in self._formats:
            props = dict(_STYLES[name]) if name else {}
            if quoted:
                props["quote_prefix"] = True
            self._formats[key] = self.wb.add_format(props) if props else None
        return self._formats[key]

    def cell(self, value: Any, style: str | None = None, quoted: bool = False) -> Cell:
        """A styled cell: text, a number, a boolean, a date or a date-time."""
        if isinstance(value, str):
            kind = "s"  # never a formula, never an error code
        elif isinstance(value, bool):
            kind = "b"
        elif isinstance(value, date):  # datetime too
            kind = "d"
        else:
            kind = "n"
        return Cell(value, self.format(style, quoted), kind)

    def text(self, value: str, style: str | None = None) -> str | Cell:
        """A string as a text cell: a plain str when that is safe and unstyled (the fast path)."""
        if (  # the fast path: no control character, CR or tab (isprintable), nothing to look at
            style is None
            and value.isprintable()
            and value[:1] not in _SUSPECT_FIRST
            and len(value) <= MAX_TEXT // 2
        ):
            return value
        risky = value.startswith(FORMULA_PREFIXES) or value in ERROR_CODES
        if ILLEGAL_CHARACTERS_RE.search(value):  # control characters XML cannot carry
            value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        if "\r" in value:  # XML reads CR as LF anyway: write what will be read
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if len(value) > MAX_TEXT // 2 and _utf16_len(value) > MAX_TEXT:
            value = _cut(value)
            self.truncated += 1
        # xlsxwriter copies an inline string that looks like a rich-text run ("<r>...</r>") into the
        # sheet XML unescaped: such text is written as a rich string of two runs, escaped
        rich = value.startswith("<r>") and value.endswith("</r>")
        if style is None and not risky and not rich:
            return value
        return Cell(value, self.format(style, risky), "r" if rich else "s")

    def link(self, sheet: Sheet, url: str) -> str | Cell:
        """A portal link: a cell hyperlink, else a HYPERLINK() formula, else the URL as text."""
        if len(url) > MAX_URL:  # Excel refuses it as a hyperlink of any kind
            self.long_links += 1
            return self.text(url)
        if sheet.links < MAX_HYPERLINKS:
            sheet.links += 1
            return Cell(url, self.format("link"), "l")
        if len(url) <= MAX_FORMULA_URL and url.startswith("https://"):
            self.link_formulas += 1
            escaped = url.replace('"', '""')
            return Cell(f'=HYPERLINK("{escaped}")', self.format("link"), "f", url)
        self.plain_links += 1
        return self.text(url)

    def add_table(self, sheet: Sheet, name: str, headers: Sequence[str], first_row: int = 1) -> None:
        """An Excel table (with autofilter) over the header at `first_row` and every row written since."""
        if sheet.rows <= first_row:
            return  # a table needs a data row
        base = re.sub(r"\W", "_", name)
        name, n = base, 1
        while name.lower() in self.tables:
            n += 1
            name = f"{base}_{n}"
        self.tables.add(name.lower())
        ref = f"A{first_row}:{xl_col_to_name(len(headers) - 1)}{sheet.rows}"
        # xlsxwriter refuses add_table() in constant_memory mode (it would write the header cells
        # into rows already flushed); the header row is written, so the table part is described
        # directly, with the fields add_table() itself stores and the table writer reads.
        sheet.ws.tables.append(
            {
                "name": name,
                "range": ref,
                "a_range": ref,
                "autofilter": ref,
                "style": TABLE_STYLE,
                "header_row_count": 1,
                "totals_row_shown": False,
                "show_first_col": False,
                "show_last_col": False,
                "show_row_stripes": True,
                "show_col_stripes": False,
                "description": None,
                "title": None,
                "columns": [
                    {
                        "id": i,
                        "name": header,
                        "total_string": "",
                        "total_function": "",
                        "custom_total": "",
                        "total_value": 0,
                        "formula": "",
                        "format": None,
                        "name_format": None,
                    }
                    for i, header in enumerate(headers, start=1)
                ],
            }
        )

    def write_cell(self, ws: Worksheet, row: int, col: int, cell: Cell) -> None:
        kind, value, fmt = cell.data_type, cell.value, cell.format
        if kind == "s":
            _write_string(ws, row, col, value, fmt)
        elif kind == "l":
            _write_url(ws, row, col, value, fmt)
        elif kind == "d":
            _write_datetime(ws, row, col, value, fmt)
        elif kind == "n":
            _write_number(ws, row, col, value, fmt)
        elif kind == "b":
            _write_boolean(ws, row, col, value, fmt)
        elif kind == "f":
            _write_formula(ws, row, col, value, fmt, cell.result)
        elif kind == "r":
            if self._run_font is None:
                self._run_font = self.wb.add_format()
            run = fmt or self._run_font  # both runs in the cell's font
            tail = (fmt,) if fmt is not None else ()
            _write_rich_string(ws, row, col, run, value[:1], run, value[1:], *tail)
        else:
            raise ValueError(f"unknown cell kind {kind!r}")


@dataclass
class Sheet:
    book: Book
    ws: Worksheet
    rows: int = 0
    links: int = 0
    direct: bool | None = None
    """Whether rows go to the sheet's XML through reports.excel_rows (decided at the first row)."""

    @property
    def title(self) -> str:
        title: str = self.ws.name
        return title

    def append(self, values: Iterable[Any]) -> None:
        """Write the next row: None is a blank cell, str a text cell (a str must come from `Book.text`
        or a converter, which make it safe), int/float/bool a number, Cell anything styled."""
        ws, row = self.ws, self.rows
        if self.direct is None:
            self.direct = direct_rows(ws)
        if self.direct:
            values = values if isinstance(values, list | tuple) else list(values)
            if write_row(ws, row, values, Cell):
                self.rows += 1
                return
        for col, value in enumerate(values):
            kind = type(value)
            if kind is str:
                _write_string(ws, row, col, value)
            elif value is None:
                continue
            elif kind is Cell:
                self.book.write_cell(ws, row, col, value)
            elif kind is int or (kind is float and math.isfinite(value)):
                _write_number(ws, row, col, value)
            elif kind is bool:
                _write_boolean(ws, row, col, value)
            else:  # anything a converter did not see: numpy scalars, NA, infinities, objects
                cell = plain(self, value)
                if cell is not None:
                    if isinstance(cell, float) and not math.isfinite(cell):
                        cell = self.book.text(str(cell))
                    self.book.write_cell(ws, row, col, cell if type(cell) is Cell else self.book.cell(cell))
        self.rows += 1

    def heading(self, text: str, style: str = "heading") -> None:
        if self.rows:
            self.append(())
        self.append([self.book.text(text, style)])

    def header(self, *labels: str) -> None:
        self.append([self.book.text(label, "bold") for label in labels])

    def pairs(self, *rows: tuple[str, Any]) -> None:
        for label, value in rows:
            self.append([self.book.text(label, "bold"), plain(self, value)])


Convert = Callable[[Sheet, Any], Any]
#: The values of rows start..stop of a table, column by column.
Columns = Callable[[int, int], Sequence[Sequence[Any]]]


def plain(sheet: Sheet, value: Any) -> Any:
    """A cell value: NA blank, lists joined with ', ', dicts as compact JSON, strings as text."""
    value = python_value(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = compact_json(value)
    return sheet.book.text(str(value)) if value != "" else None


def plain_column(sheet: Sheet, values: Sequence[Any]) -> list[Any]:
    """`plain` over a column of values: what `tolist()` gives (str, int, bool, None, list, dict, and
    NaN or NA for missing values) skips `python_value`."""
    text = sheet.book.text
    out: list[Any] = []
    add = out.append
    for value in values:
        kind = type(value)
        if kind is str:
            add(text(value) if value else None)
        elif value is None or value is pd.NA:
            add(None)
        elif kind is int or kind is bool:
            add(value)
        elif kind is float:
            add(None if value != value else value)  # NaN is NA
        elif kind is list:
            joined = ", ".join(str(v) for v in value)
            add(text(joined) if joined else None)
        elif kind is dict:
            add(text(compact_json(value)))
        else:
            add(plain(sheet, value))
    return out


def wrapped(sheet: Sheet, value: Any) -> Any:
    value = python_value(value)
    return sheet.book.text(str(value), "wrap") if value not in (None, "") else None


def severity(sheet: Sheet, value: Any) -> Any:
    """A severity as the customer reads it ("High"), coloured; findings.json keeps "high"."""
    return sheet.book.text(str(value).capitalize(), f"severity:{value}" if value in SEVERITY_COLORS else None)


def status(sheet: Sheet, value: Any) -> Any:
    """A verdict as the customer reads it ("Fail"), coloured; findings.json keeps "fail"."""
    return sheet.book.text(str(value).capitalize(), f"status:{value}" if value in STATUS_COLORS else None)


def portal(sheet: Sheet, resource_id: Any) -> Any:
    rid = python_value(resource_id)
    return sheet.book.link(sheet, portal_url(str(rid), sheet.book.cloud, sheet.book.tenant)) if rid else None


@dataclass(frozen=True)
class Col:
    """A column of a table sheet: header, width and how a value becomes a cell."""

    header: str
    width: float
    convert: Convert = plain


def sheet_title(base: str, part: int) -> str:
    """'Findings', 'Findings (2)', ... within Excel's 31 characters."""
    suffix = f" ({part})" if part > 1 else ""
    return base[: 31 - len(suffix)] + suffix


def frame_columns(frame: pd.DataFrame) -> Columns:
    """A DataFrame's rows, column by column (by position: a column may appear twice)."""

    def columns(start: int, stop: int) -> list[list[Any]]:
        part = frame.iloc[start:stop]
        return [part.iloc[:, i].tolist() for i in range(part.shape[1])]

    return columns


def row_columns(rows: Sequence[Sequence[Any]]) -> Columns:
    """A list of row tuples, column by column."""

    def columns(start: int, stop: int) -> list[list[Any]]:
        return [list(column) for column in zip(*rows[start:stop], strict=True)]

    return columns


#: Converters whose cell depends on the value alone (a handful of distinct values a column).
BY_VALUE: set[Convert] = {severity, status}


def _convert_column(convert: Convert, sheet: Sheet, values: Sequence[Any]) -> list[Any]:
    if convert is plain:
        return plain_column(sheet, values)
    if convert in BY_VALUE:
        with contextlib.suppress(TypeError):  # an unhashable value: converted one by one
            cells = {v: convert(sheet, v) for v in set(values)}
            return [cells[v] for v in values]
    return [convert(sheet, v) for v in values]


def write_table(
    book: Book, title: str, table: str, cols: Sequence[Col], columns: Columns, total: int
) -> list[str]:
    """Write `total` rows as an Excel table over as many sheets as the row limit needs; their titles."""
    per_sheet = MAX_ROWS - 1
    headers = [c.header for c in cols]
    converters = [c.convert for c in cols]
    titles = []
    for part in range(1, max(1, math.ceil(total / per_sheet)) + 1):
        sheet = book.sheet(sheet_title(title, part), [c.width for c in cols], freeze="A2")
        sheet.append([book.text(h) for h in headers])
        first, last = (part - 1) * per_sheet, min(total, part * per_sheet)
        for start in range(first, last, CHUNK):
            values = columns(start, min(last, start + CHUNK))
            converted = [
                _convert_column(convert, sheet, column)
                for convert, column in zip(converters, values, strict=True)
            ]
            for row in zip(*converted, strict=True):
                sheet.append(row)
        book.add_table(sheet, table if part == 1 else f"{table}_{part}", headers)
        titles.append(sheet.title)
    return titles


def row_table(
    book: Book, title: str, table: str, cols: Sequence[Col], rows: Sequence[Sequence[Any]]
) -> list[str]:
    """`write_table` for rows built in memory (one list per row): the sheets of plan-sized data."""
    return write_table(book, title, table, cols, row_columns(rows), len(rows))


def pixels(cm: float) -> int:
    """A chart dimension in centimetres as xlsxwriter's pixels (96 a inch)."""
    return round(cm / 2.54 * 96)
