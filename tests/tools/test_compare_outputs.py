"""tools/compare_outputs.py: two scans of the demo match apart from their run; a changed output does not."""

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from reports import FORMATS, write_reports
from scanner.scan import ScanOptions, run_scan

TOOL = Path(__file__).resolve().parents[2] / "tools" / "compare_outputs.py"
AS_OF = "2026-12-02"


def _load_tool():
    spec = importlib.util.spec_from_file_location("compare_outputs", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


compare_outputs = _load_tool()


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    from datetime import date

    base = tmp_path_factory.mktemp("compare")
    folders = []
    for name in ("old", "new"):
        result = run_scan(ScanOptions(demo=True, as_of=date.fromisoformat(AS_OF)))
        write_reports(result, base / name, FORMATS)
        folders.append(base / name)
    return folders


def test_two_runs_of_the_same_scan_match(two_runs, capsys):
    old, new = two_runs
    assert (
        json.loads((old / "findings.json").read_text())["scan"]["id"]
        != json.loads((new / "findings.json").read_text())["scan"]["id"]
    )
    assert compare_outputs.main([str(old), str(new)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{name}: same" for name in compare_outputs.COMPARERS]


def test_a_changed_finding_summary_or_page_text_is_reported(two_runs, tmp_path, capsys):
    old, new = two_runs
    changed = tmp_path / "changed"
    shutil.copytree(new, changed)
    doc = json.loads((changed / "findings.json").read_text())
    doc["findings"][3]["status"] = "pass" if doc["findings"][3]["status"] != "pass" else "fail"
    (changed / "findings.json").write_text(json.dumps(doc))
    summary = (changed / "summary.md").read_text().replace("## Blockers", "## Blocks")
    (changed / "summary.md").write_text(summary)
    page = (changed / "report.html").read_text()
    (changed / "report.html").write_text(page.replace("</h1>", " (edited)</h1>", 1))
    assert compare_outputs.main([str(old), str(changed)]) == 1
    out = capsys.readouterr().out
    assert "findings.json: DIFFERS\n  /findings[3]/status:" in out
    assert "summary.md: DIFFERS" in out and "## Blocks" in out
    assert "report.html: DIFFERS" in out and "(edited)" in out
    assert "findings.csv: same" in out and "report.xlsx: same" in out


def test_a_changed_workbook_cell_is_reported(two_runs, tmp_path, capsys):
    from openpyxl import load_workbook

    old, new = two_runs
    changed = tmp_path / "changed"
    shutil.copytree(new, changed)
    book = load_workbook(changed / "report.xlsx")
    sheet = book.worksheets[0]
    sheet["A1"] = "Edited title"
    book.save(changed / "report.xlsx")
    assert compare_outputs.main([str(old), str(changed), "--limit", "1"]) == 1
    out = capsys.readouterr().out
    assert f"report.xlsx: DIFFERS\n  {sheet.title}!A1:" in out and "'Edited title'" in out


def test_a_missing_folder_is_an_input_error(tmp_path, capsys):
    assert compare_outputs.main([str(tmp_path / "nowhere"), str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("compare_outputs: error: ")
