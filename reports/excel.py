"""report.xlsx: the workbook a consultant hands over and an auditor files.

Written with openpyxl in write-only (streaming) mode: every sheet goes to a temporary file row by
row, so memory stays bounded however large the scan. Sheets: Summary (metadata, counts, charts,
the migration plan in brief), Findings (non-pass verdicts, an Excel table), Waivers (with
--waivers), Changes (with --history: the delta, the trend with a line chart, the changed findings),
Plan (one row per migration unit) and Quota, one sheet per non-empty inventory table, Manual
checks, Rule catalog, Coverage and Evidence. A table longer than Excel's row limit continues on
"Findings (2)", ... and Summary says so.

Every string goes through `Book.text`: text that a spreadsheet would run as a formula (a leading
= + - @, tab or CR) or read as an error code is stored as a text cell with the quote-prefix style,
never as a formula, and its visible text is left as it is. Portal links are cell hyperlinks (the
first MAX_HYPERLINKS of a sheet, Excel's limit), then HYPERLINK() formulas built from the URL we
generate (never from tenant text), then plain text; a masked report (--mask) has none.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from reports.common import SEVERITY_COLORS, STATUS_COLORS, portal_url, tenant_of
from reports.csv_report import FORMULA_PREFIXES
from reports.plan_view import STATE_COLORS
from scanner.engine.evaluate import python_value
from scanner.inventory.columns import TABLES
from scanner.model import ScanResult

#: Rows of an Excel sheet, header included; longer tables continue on "<title> (2)", ...
MAX_ROWS = 1_048_576
#: Cell hyperlinks Excel accepts in one sheet; later links are HYPERLINK() formulas.
MAX_HYPERLINKS = 65_530
#: Longest URL a HYPERLINK() formula accepts; longer ones stay plain text.
MAX_FORMULA_URL = 255
#: Characters in one cell; longer text is cut and marked.
MAX_TEXT = 32_767
TRUNCATED = " …[truncated]"
TABLE_STYLE = "TableStyleMedium2"
LINK_COLOR = "0563C1"

_STYLES: dict[str, dict[str, Any]] = {
    "bold": {"font": Font(bold=True)},
    "title": {"font": Font(bold=True, size=14)},
    "heading": {"font": Font(bold=True, size=12, color="1F3864")},
    "wrap": {"alignment": Alignment(wrap_text=True, vertical="top")},
    "link": {"font": Font(color=LINK_COLOR, underline="single")},
    "datetime": {"number_format": "yyyy-mm-dd hh:mm"},
    "date": {"number_format": "yyyy-mm-dd"},
    **{
        f"{kind}:{name}": {"font": Font(bold=True, color=fg), "fill": PatternFill("solid", fgColor=bg)}
        for kind, colors in (
            ("severity", SEVERITY_COLORS),
            ("status", STATUS_COLORS),
            ("state", STATE_COLORS),
        )
        for name, (bg, fg) in colors.items()
    },
}


def _style_array(cell: Cell) -> StyleArray:
    """The style ids of a prototype cell (kept private by openpyxl; copied into each new cell)."""
    style: StyleArray = cell._style  # type: ignore[attr-defined]
    return style


def borrowed(ws: WriteOnlyWorksheet) -> Worksheet:
    """A write-only sheet seen as the Worksheet whose methods it borrows (the stubs omit them)."""
    return cast(Worksheet, ws)


def compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


class Book:
    """The write-only workbook, its style prototypes and what the Summary notes must mention."""

    def __init__(self, result: ScanResult) -> None:
        self.wb = Workbook(write_only=True)
        self.wb.properties.title = "Azure classic resources: scan report"
        self.wb.properties.creator = f"classic-scanner {result.meta.tool_version}"
        self.cloud = result.meta.cloud
        self.tenant = tenant_of(result)
        self.masked = bool(result.meta.scope.get("masked"))
        """A --mask report: resource ids are pseudonyms, so it carries no portal links."""
        self._styles: dict[tuple[str | None, bool], StyleArray] = {}
        self._proto: WriteOnlyWorksheet | None = None
        self.tables: set[str] = set()
        self.truncated = 0
        self.link_formulas = 0
        self.plain_links = 0

    def sheet(self, title: str, widths: Sequence[float], freeze: str | None = None) -> Sheet:
        ws: WriteOnlyWorksheet = self.wb.create_sheet(title)
        self._proto = self._proto or ws
        dims = borrowed(ws).column_dimensions
        for index, width in enumerate(widths, start=1):
            dims[get_column_letter(index)].width = width
        if freeze:
            ws.freeze_panes = freeze
        return Sheet(self, ws)

    def style(self, name: str | None, quoted: bool = False) -> StyleArray:
        key = (name, quoted)
        if key not in self._styles:
            assert self._proto is not None
            proto = Cell(self._proto, row=1, column=1)
            for attr, value in _STYLES[name].items() if name else ():
                setattr(proto, attr, value)
            proto.quotePrefix = quoted
            self._styles[key] = _style_array(proto)
        return self._styles[key]

    def cell(self, value: Any, style: str | None = None, quoted: bool = False) -> Cell:
        assert self._proto is not None
        cell = Cell(self._proto, row=1, column=1, value=value, style_array=self.style(style, quoted))
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, never an error code
        return cell

    def text(self, value: str, style: str | None = None) -> str | Cell:
        """A string as a text cell: a plain str when that is safe and unstyled (the fast path)."""
        risky = value.startswith(FORMULA_PREFIXES) or value in ERROR_CODES
        if ILLEGAL_CHARACTERS_RE.search(value):  # control characters XML cannot carry
            value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        if "\r" in value:  # XML reads CR as LF anyway: write what will be read
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if len(value) > MAX_TEXT:
            value = value[: MAX_TEXT - len(TRUNCATED)] + TRUNCATED
            self.truncated += 1
        if style is None and not risky:
            return value
        return self.cell(value, style, quoted=risky)

    def link(self, sheet: Sheet, url: str) -> str | Cell:
        """A portal link: a cell hyperlink, else a HYPERLINK() formula, else the URL as text."""
        if sheet.links < MAX_HYPERLINKS:
            sheet.links += 1
            cell = Cell(sheet.ws, row=1, column=1, value=url, style_array=self.style("link"))
            cell.data_type = "s"
            cell.hyperlink = url  # must be bound to its own sheet: hyperlinks are listed per sheet
            return cell
        if len(url) <= MAX_FORMULA_URL and url.startswith("https://"):
            self.link_formulas += 1
            escaped = url.replace('"', '""')
            return Cell(
                sheet.ws, row=1, column=1, value=f'=HYPERLINK("{escaped}")', style_array=self.style("link")
            )
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
        ref = f"A{first_row}:{get_column_letter(len(headers))}{sheet.rows}"
        table = Table(displayName=name, ref=ref)
        table.tableColumns = [TableColumn(id=i, name=h) for i, h in enumerate(headers, start=1)]
        table.autoFilter = AutoFilter(ref=ref)
        table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
        with warnings.catch_warnings():  # openpyxl warns that columns must be set by hand: they are
            warnings.simplefilter("ignore", UserWarning)
            borrowed(sheet.ws).add_table(table)


@dataclass
class Sheet:
    book: Book
    ws: WriteOnlyWorksheet
    rows: int = 0
    links: int = 0

    def append(self, values: Iterable[Any]) -> None:
        self.ws.append(list(values))
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


def wrapped(sheet: Sheet, value: Any) -> Any:
    value = python_value(value)
    return sheet.book.text(str(value), "wrap") if value not in (None, "") else None


def severity(sheet: Sheet, value: Any) -> Any:
    return sheet.book.text(str(value), f"severity:{value}" if value in SEVERITY_COLORS else None)


def status(sheet: Sheet, value: Any) -> Any:
    return sheet.book.text(str(value), f"status:{value}" if value in STATUS_COLORS else None)


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


def write_table(
    book: Book, title: str, table: str, cols: Sequence[Col], rows: Iterable[Sequence[Any]], total: int
) -> list[str]:
    """Write rows as an Excel table over as many sheets as the row limit needs; their titles."""
    per_sheet = MAX_ROWS - 1
    headers = [c.header for c in cols]
    converters = [c.convert for c in cols]
    titles = []
    remaining = iter(rows)
    for part in range(1, max(1, math.ceil(total / per_sheet)) + 1):
        sheet = book.sheet(sheet_title(title, part), [c.width for c in cols], freeze="A2")
        sheet.append([book.text(h) for h in headers])
        for values in islice(remaining, per_sheet):
            sheet.append([convert(sheet, v) for convert, v in zip(converters, values, strict=True)])
        book.add_table(sheet, table if part == 1 else f"{table}_{part}", headers)
        titles.append(sheet.ws.title)
    return titles


def write(result: ScanResult, path: Path) -> None:
    from reports import excel_sheets as sheets  # it builds on this module's machinery

    book = Book(result)
    summary = book.sheet("Summary", (30, 50, 14, 3))  # the first tab; filled last, when notes are known
    findings = sheets.findings(book, result)
    contents = [
        (t, "Findings that are not pass (fail, unknown, manual, waived), in report order.") for t in findings
    ]
    notes = [_split_note("Findings", findings)]
    contents += [
        (t, "Every waiver of the waivers file: state, target, justification, owner, expiry, matches.")
        for t in sheets.waivers(book, result)
    ]
    contents += [
        (t, "Changes since the previous scan of this scope: counts, trend with a chart, changed findings.")
        for t in sheets.changes(book, result)
    ]
    contents += [
        (t, "Migration units in order: state, blockers, downtime, what Azure creates, runbook commands.")
        for t in sheets.plan(book, result)
    ]
    contents += [
        (t, "What the migrated resources count against ARM quotas, per subscription, region and VM family.")
        for t in sheets.quota(book, result)
    ]
    for name, titles in sheets.inventory(book, result).items():
        contents += [(t, f"Inventory {name}: {TABLES[name].doc}") for t in titles]
        notes.append(_split_note(f"Inventory {name}", titles))
    for what, titles in (
        (
            "Manual findings with their verification steps and remediation.",
            sheets.manual_checks(book, result),
        ),
        ("Every rule evaluated, with its verdict counts.", sheets.rule_catalog(book, result)),
        ("What was read, what was not, and what failed.", sheets.coverage(book, result)),
        ("Input files with SHA-256, rule pack version and scan id.", sheets.evidence(book, result)),
    ):
        contents += [(t, what) for t in titles]
    if not result.complete:
        notes.insert(0, "The scan is incomplete: see the Coverage sheet for what is missing.")
    if book.masked:
        notes.append("Identifiers are masked (stable pseudonyms): the workbook has no Azure portal links.")
    if book.link_formulas or book.plain_links:
        notes.append(
            f"Excel takes at most {MAX_HYPERLINKS:,} hyperlinks per sheet: {book.link_formulas:,} further "
            f"portal links are HYPERLINK() formulas and {book.plain_links:,} are plain text."
        )
    if book.truncated:
        notes.append(f"{book.truncated:,} cell(s) longer than Excel's {MAX_TEXT:,} characters were cut.")
    sheets.summary(summary, result, [n for n in notes if n], contents)
    book.wb.save(path)


def _split_note(what: str, titles: Sequence[str]) -> str:
    if len(titles) < 2:
        return ""
    return (
        f"{what} is split over {len(titles)} sheets ({', '.join(titles)}): "
        f"Excel holds at most {MAX_ROWS - 1:,} rows below the header of a sheet."
    )
