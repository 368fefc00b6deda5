"""findings.csv: one row per finding; cells that a spreadsheet would run as formulas are neutralised."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reports.compressed import open_text
from scanner.model import FINDING_COLUMNS, ScanResult, plain_values, python_value

#: Findings turned into CSV cells at a time.
CHUNK = 50_000
#: Leading characters that make Excel, LibreOffice or Sheets treat a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Formula starters, ASCII and the full-width forms some East Asian Excel locales also accept.
_STARTERS = "=+\\-@\uff1d\uff0b\uff0d\uff20"
#: A cell that opens, after blanks, line breaks or quotes (which an importer may trim), with a starter.
_RISKY_START = re.compile(f'[\\s"]*[{_STARTERS}]')
#: A starter right after a character a spreadsheet may split cells or rows on (`;` in locales whose
#: list separator it is, `|`, tab, a line break when quotes are not honoured): the piece after the
#: split would begin with it.
_RISKY_SPLIT = re.compile(f'([;,|\\t\\r\\n])(?=[\\s"]*[{_STARTERS}])')
#: First characters after which _RISKY_START has to look.
_START_CHARS = frozenset('=+-@\t\r\n "\uff1d\uff0b\uff0d\uff20\u00a0\u3000')


def neutralise(text: str) -> str:
    """Text a spreadsheet cannot run as a formula: an apostrophe before a cell that starts (after
    blanks or quotes) with = + - @ (or tab, CR), and after any separator a starter follows (`x;=cmd()`)."""
    risky = bool(text) and (text[0] in _START_CHARS or not text[0].isprintable())
    lead = "'" if risky and (text.startswith(FORMULA_PREFIXES) or _RISKY_START.match(text)) else ""
    if ";" in text or "," in text or "|" in text or "\t" in text or "\n" in text or "\r" in text:
        text = _RISKY_SPLIT.sub(r"\1'", text)
    return lead + text


def cell(value: Any) -> str:
    value = python_value(value)
    if value is None:
        return ""
    if isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    elif isinstance(value, list):
        text = " ".join(str(v) for v in value)
    else:
        text = str(value)
    return neutralise(text)


def column_cells(column: pd.Series[Any]) -> list[str]:
    """A findings column as CSV cells. A text column is neutralised once per distinct value (rule
    ids, titles, locations repeat thousands of times) and missing text is an empty cell."""
    if column.dtype != object and pd.api.types.is_string_dtype(column.dtype):
        codes, distinct = pd.factorize(column)
        cells = np.array([*(neutralise(text) for text in distinct.tolist()), ""], dtype=object)
        listed: list[str] = cells[codes].tolist()  # code -1 (missing) takes the last cell, ""
        return listed
    return [cell(value) for value in plain_values(column)]


def write(result: ScanResult, path: Path) -> None:
    """Write findings.csv to `path` (gzip-compressed when it ends in .gz: findings.csv.gz), CHUNK
    rows at a time, so that only that many rows of cells are ever held as text."""
    frame = result.findings
    with open_text(path, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FINDING_COLUMNS)
        for start in range(0, len(frame), CHUNK):
            part = frame.iloc[start : start + CHUNK]
            writer.writerows(zip(*(column_cells(part[name]) for name in FINDING_COLUMNS), strict=True))
