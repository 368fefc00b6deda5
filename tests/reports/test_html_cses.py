"""report.html's Cloud Services (extended support) section: the countdown and one card per deployment
in move order, numbered between the plan and the findings; absent when the scan has no CSES."""

from __future__ import annotations

import re
from datetime import date

from reports import html
from reports.json_report import plan_json
from scanner.scan import ScanOptions, run_scan


def test_demo_report_has_the_countdown_and_a_card_per_deployment():
    result = run_scan(ScanOptions(demo=True, as_of=date(2026, 11, 26)))
    page = html.render(result)
    section = page[page.index('<section id="cses"') : page.index('<section id="findings"')]
    assert re.search(r"<h2>\d+\. Cloud Services \(extended support\)</h2>", section)
    assert "<strong>125 days</strong> left as of 2026-11-26" in section
    deployments = plan_json(result.plan)["cses"]["deployments"]
    assert section.count('class="card cses-card"') == len(deployments) == 6
    assert "Step 1 · fab-dev-web" in section
    assert "Recommended target: Service Fabric managed cluster" in section
    assert "moves with fab-api-green" in section
    assert '<a href="#rule-CSES-002">CSES-002</a>' in section
    numbers = html.section_numbers(False, False, True)
    assert int(numbers["cses"]) == int(numbers["plan"]) + 1 == int(numbers["findings"]) - 1
    assert '<a href="#cses">' in page


def test_no_section_without_cloud_services_extended_support():
    numbers = html.section_numbers(False, False)
    assert "cses" not in numbers and int(numbers["findings"]) == int(numbers["plan"]) + 1
