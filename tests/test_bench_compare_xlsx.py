"""bench/compare_xlsx.py, the cell-by-cell check of a workbook refactoring: it must see a changed cell,
a changed style and a missing sheet, and let only the scan's id and times differ."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from bench.compare_xlsx import compare

SCAN_ID = "0a60dd22-39a3-4de4-b71e-2261621663d6"
OTHER_ID = "9a570a74-8110-462a-b9a4-741d996c7c88"


def book(path: Path, **change: Any) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    wb.set_properties({"created": change.get("created", datetime(2026, 12, 2, 21, 0))})
    ws = wb.add_worksheet("Summary")
    bold = wb.add_format({"bold": True})
    ws.write_string(0, 0, "Scan id", bold)
    ws.write_string(0, 1, change.get("scan_id", SCAN_ID))
    ws.write_string(1, 0, "Findings", change.get("style", bold))
    ws.write_number(1, 1, change.get("count", 42))
    if not change.get("drop_sheet"):
        wb.add_worksheet("Findings").write_string(0, 0, "Rule")
    wb.close()
    return path


def test_same_cells(tmp_path):
    problems, specific = compare(book(tmp_path / "a.xlsx"), book(tmp_path / "b.xlsx"))
    assert problems == [] and specific == 0


def test_scan_id_and_creation_time_are_scan_specific(tmp_path):
    before = book(tmp_path / "a.xlsx")
    after = book(tmp_path / "b.xlsx", scan_id=OTHER_ID, created=datetime(2026, 12, 3, 8, 30))
    problems, specific = compare(before, after)
    assert problems == [] and specific == 2


def test_a_changed_value_style_or_sheet_is_a_difference(tmp_path):
    before = book(tmp_path / "a.xlsx")
    changed = compare(before, book(tmp_path / "b.xlsx", count=43))[0]
    assert any("B2" in line and "42" in line and "43" in line for line in changed)
    assert compare(before, book(tmp_path / "c.xlsx", style=None))[0]
    assert compare(before, book(tmp_path / "d.xlsx", drop_sheet=True))[0]
