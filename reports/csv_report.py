"""findings.csv: one row per finding; cells that a spreadsheet would run as formulas are neutralised."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd

from scanner.engine.evaluate import FINDING_COLUMNS, plain_values, python_value
from scanner.model import ScanResult

#: Leading characters that make Excel, LibreOffice or Sheets treat a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a formula-looking cell with an apostrophe so it stays text."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


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
    """A findings column as CSV cells; plain text columns take the short path."""
    if column.dtype != object and not column.hasnans and pd.api.types.is_string_dtype(column.dtype):
        return [neutralise(text) for text in column.tolist()]
    return [cell(value) for value in plain_values(column)]


def write(result: ScanResult, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FINDING_COLUMNS)
        frame = result.findings
        writer.writerows(zip(*(column_cells(frame[name]) for name in FINDING_COLUMNS), strict=True))
