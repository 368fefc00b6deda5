"""findings.csv: no cell a spreadsheet would run as a formula, however the file is split into cells."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from arg_rows import classic_vm, cloud_service

from reports import csv_report
from scanner.scan import ScanOptions, run_scan

STARTERS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
HOSTILE_NAMES = (
    "\n=1+1",
    "\r\n@SUM(1)",
    ' "=HYPERLINK(""http://x"")"',
    'vm;=HYPERLINK("http://evil","open")',
    "vm|=cmd|' /C calc'!A0",
    "vm,+1",
    "vm\t-1",
    "\uff1d1+1",
)


@pytest.fixture(scope="module")
def findings_csv(tmp_path_factory) -> str:
    rows = [cloud_service("cs1")]
    for i, name in enumerate(HOSTILE_NAMES):
        vm = classic_vm(f"vm{i}", "cs1")
        vm["name"] = name
        vm["tags"] = {"note": f"ok;{name}"}
        rows.append(vm)
    folder = tmp_path_factory.mktemp("csv")
    (folder / "rows.json").write_text(json.dumps(rows))
    result = run_scan(ScanOptions(inputs=(folder / "rows.json",), as_of=date(2026, 11, 26)))
    assert set(HOSTILE_NAMES) <= set(result.findings["resource_name"])
    csv_report.write(result, folder / "findings.csv")
    return (folder / "findings.csv").read_text(encoding="utf-8")


def _pieces(text: str, delimiter: str, quotes: bool) -> list[str]:
    if quotes:
        return [c for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for c in r]
    return [c for line in text.splitlines() for c in line.split(delimiter)]


@pytest.mark.parametrize("delimiter", [",", ";", "|", "\t"])
@pytest.mark.parametrize("quotes", [True, False])
def test_no_cell_starts_a_formula_however_it_is_split(findings_csv, delimiter, quotes):
    risky = [
        piece
        for cell in _pieces(findings_csv, delimiter, quotes)
        for piece in cell.splitlines() or [""]
        if piece.strip().lstrip('"').strip().startswith(STARTERS)
    ]
    assert risky == []


def test_plain_text_is_left_as_it_was():
    for text in ("fab-web-01", "Standard_A1, which is retired; resize it", "a|b", "2026-11-26"):
        assert csv_report.neutralise(text) == text
    assert csv_report.neutralise("-1") == "'-1"
    assert csv_report.neutralise("\n=1+1") == "'\n'=1+1"


def test_text_columns_with_gaps_and_chunks_give_the_same_cells(tmp_path, monkeypatch):
    """Distinct values are neutralised once and spread back; a missing text is an empty cell; the
    file does not depend on how many rows are converted at a time."""
    import pandas as pd

    column = pd.Series(["=1", None, "ok", "=1", "a;-b", None], dtype="str")
    assert csv_report.column_cells(column) == ["'=1", "", "ok", "'=1", "a;'-b", ""]
    result = run_scan(ScanOptions(demo=True, as_of=date(2026, 12, 2)))
    csv_report.write(result, tmp_path / "whole.csv")
    monkeypatch.setattr(csv_report, "CHUNK", 7)
    csv_report.write(result, tmp_path / "chunked.csv")
    assert (tmp_path / "chunked.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert len(result.findings) > 7 * 100
