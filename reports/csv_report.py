"""findings.csv: one row per finding; cells that a spreadsheet would run as formulas are neutralised."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from scanner.engine.evaluate import FINDING_COLUMNS, python_value
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


def write(result: ScanResult, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FINDING_COLUMNS)
        frame = result.findings.loc[:, list(FINDING_COLUMNS)].astype(object)
        for row in frame.itertuples(index=False, name=None):
            writer.writerow([cell(v) for v in row])
