"""report.html at the 10k-resource bench estate: small enough to mail (at most 5 MB), and showing what
the uncompressed page showed before the data was compressed.

tests/reports/data/first_page_10k.json was recorded from the page as it was before (commit 9788ef9,
data as plain JSON): the verdict chips' counts, the count line and the cells of the first page of
findings, without and with pass rows, at 1366 px in headless Chromium.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from report_fixtures import needs_chromium

from bench.generate import write_snapshot_streaming
from reports import html, html_data
from scanner.model import ScanResult
from scanner.scan import ScanOptions, run_scan

BEFORE = Path(__file__).parent / "data" / "first_page_10k.json"
#: What the page shows: the chips' counts, the count line, and the first page's cells but the expander.
SHOWN = """() => ({
  chips: Object.fromEntries([...document.querySelectorAll('#findings-app .chip')].map(
    c => [c.getAttribute('data-status'), c.querySelector('.chip-n').textContent])),
  count: document.getElementById('f-count').textContent,
  rows: [...document.querySelectorAll('#findings-body > tr.frow')].map(
    tr => [...tr.querySelectorAll('td')].slice(1).map(td => td.innerText)),
})"""


@pytest.fixture(scope="module")
def estate_10k(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScanResult, Path]:
    folder = tmp_path_factory.mktemp("estate-10k")
    write_snapshot_streaming(folder / "snapshot", 10_000, 1)
    result = run_scan(ScanOptions(inputs=(folder / "snapshot",), as_of=date(2026, 11, 26)))
    path = folder / "report.html"
    html.write(result, path)
    return result, path


def test_report_at_10k_resources_is_at_most_5_mb(estate_10k):
    result, path = estate_10k
    assert len(result.findings) > 50_000
    assert path.stat().st_size <= 5_000_000, path.stat().st_size
    # every finding is in the data, pass rows too, each message and id as the scan has them
    data = html_data.read_blocks(path.read_text(encoding="utf-8"))["scan-data"]
    rows = html_data.finding_rows(data)
    assert [r[4] for r in rows] == result.findings["message"].tolist()
    assert [data["statuses"][r[1]] for r in rows] == result.findings["status"].tolist()
    resources = [r[0] for r in html_data.resources(data)]
    rules = [r[0] for r in data["rules"]]
    assert [html_data.derived_id(rules[r[0]], resources[r[3]]) for r in rows] == result.findings[
        "finding_id"
    ].tolist()
    # most messages are one text per rule with the resource's name in it
    assert len(data["msgs"]) + len(data["lit"]) < len(rows) / 3


@needs_chromium
def test_report_at_10k_resources_shows_what_it_showed_uncompressed(browser, estate_10k):
    result, path = estate_10k
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector("#findings-body tr.frow", timeout=120_000)
    shown = page.evaluate(SHOWN)
    page.click('#findings-app .chip[data-status="pass"]')
    shown["with_pass"] = page.evaluate(SHOWN)
    assert shown["chips"] == before["chips"]
    assert shown["count"] == before["count"]
    assert shown["rows"] == before["rows"]
    assert shown["with_pass"] == before["with_pass"]
    # a finding's id, derived in the page, is the scan's
    rule_id, name = (
        shown["with_pass"]["rows"][0][2].split("\n")[0],
        shown["with_pass"]["rows"][0][3].split("\n")[0],
    )
    f = result.findings
    expected = f.loc[(f["rule_id"] == rule_id) & (f["resource_name"] == name), "finding_id"].tolist()
    page.locator("#findings-body > tr.frow").first.click()
    page.wait_for_selector("html[data-loaded]")
    shown_id = page.locator("#findings-body tr.drow dt:text-is('Finding id') + dd").inner_text()
    assert expected == [shown_id]
    assert errors == []
    page.close()
