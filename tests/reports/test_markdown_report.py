"""summary.md: counts, readiness, blockers, retirements, waivers and changes, with tenant text escaped."""

from __future__ import annotations

import json
from datetime import date

from arg_rows import classic_vm

from reports import markdown_report
from scanner.scan import ScanOptions, run_scan

AS_OF = date(2026, 11, 26)


def test_summary_of_the_second_scan_has_every_section(two_scans):
    result = two_scans.second
    text = markdown_report.render(result)
    for heading in (
        "## Verdicts",
        "## Migration readiness of classic resources",
        "## Blockers",
        "## Retirements",
        "## Waivers",
        "## Changes since the previous scan",
    ):
        assert f"\n{heading}\n" in text
    by_status = result.summary()["by_status"]
    assert "| " + " | ".join(f"{n:,}" for n in by_status.values()) + " |" in text
    counts = result.history.delta.counts()
    assert f"| {counts['new']:,} | {counts['regressed']:,} | {counts['waiver_expired']:,} |" in text
    assert "### Waiver expired or removed" in text
    assert "IaaS VMs \\(classic\\)" not in text and "| IaaS VMs (classic) | 2023-09-01 |" in text


def test_without_history_or_waivers_those_sections_are_left_out():
    text = markdown_report.render(run_scan(ScanOptions(demo=True, as_of=AS_OF)))
    assert "## Changes since" not in text and "## Waivers" not in text
    assert "incomplete" not in text


def test_tenant_text_cannot_become_markup_or_a_mention(tmp_path):
    assert markdown_report.md("<img src=x> | *b* [l](u) @team\nnext") == (
        "&lt;img src=x&gt; \\| \\*b\\* \\[l\\](u) &#64;team next"
    )
    page1 = tmp_path / "page<b>1.json"  # the coverage issue names the file
    page1.write_text(json.dumps({"data": [classic_vm("vm1")], "skip_token": "next", "total_records": 9}))
    text = markdown_report.render(run_scan(ScanOptions(inputs=(page1,), as_of=AS_OF)))
    assert "> **The scan is incomplete**" in text
    assert "<b>" not in text and "page&lt;b&gt;1.json" in text
