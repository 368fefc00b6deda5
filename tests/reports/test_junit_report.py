"""junit.xml: one suite per rule, one case per evaluated resource, verdicts as JUnit outcomes."""

from __future__ import annotations

import json
from datetime import date
from xml.etree import ElementTree

import pytest
from arg_rows import classic_vm

from reports import junit_report
from scanner.scan import ScanOptions, run_scan

AS_OF = date(2026, 11, 26)


@pytest.fixture(scope="module")
def two_scans_junit(two_scans, tmp_path_factory):
    path = tmp_path_factory.mktemp("junit") / "junit.xml"
    junit_report.write(two_scans.second, path)
    return two_scans.second, ElementTree.parse(path).getroot()


def test_one_suite_per_rule_one_case_per_finding(two_scans_junit):
    result, root = two_scans_junit
    assert root.tag == "testsuites"
    assert [s.get("name").split(":")[0] for s in root] == [r.id for r in result.pack.rules]
    findings = result.findings
    assert int(root.get("tests")) == len(findings) == sum(len(s) for s in root)
    for suite in root:
        rule_id = suite.get("name").split(":")[0]
        mine = findings.loc[findings["rule_id"] == rule_id]
        assert [c.get("name") for c in suite] == mine["resource_id"].tolist()
        assert {c.get("classname") for c in suite} <= {rule_id}
        assert int(suite.get("failures")) == int((mine["status"] == "fail").sum())
        assert int(suite.get("skipped")) == int(mine["status"].isin(["unknown", "manual", "waived"]).sum())


def test_verdicts_become_failures_skips_and_passes(two_scans_junit):
    result, root = two_scans_junit
    cases = {(c.get("classname"), c.get("name")): c for suite in root for c in suite}
    seen = set()
    for rule_id, resource_id, status, message, waiver in result.findings[
        ["rule_id", "resource_id", "status", "message", "waiver"]
    ].itertuples(index=False):
        case = cases[(rule_id, resource_id)]
        children = [child.tag for child in case]
        seen.add(status)
        if status == "fail":
            assert children == ["failure"] and case[0].get("message") == message
        elif status == "pass":
            assert children == []
        else:
            assert children == ["skipped"]
            reason = case[0].get("message")
            if status == "waived":
                assert reason.startswith(f"waived: {waiver['justification']}") and waiver["owner"] in reason
            else:
                assert reason.startswith("manual check: " if status == "manual" else "unknown: ")
                assert message in reason
    assert seen == {"fail", "pass", "unknown", "manual", "waived"}


def test_tenant_text_stays_well_formed_xml(tmp_path):
    vm = classic_vm("vm1")
    vm["name"] = 'a<b>&"c"\x01\x1f'
    vm["id"] = vm["id"].replace("vm1", 'a<b>&"c"')
    src = tmp_path / "rows.json"
    src.write_text(json.dumps([vm]))
    result = run_scan(ScanOptions(inputs=(src,), as_of=AS_OF))
    path = tmp_path / "junit.xml"
    junit_report.write(result, path)
    root = ElementTree.parse(path).getroot()  # raises on anything that is not well-formed
    names = {c.get("name") for suite in root for c in suite}
    assert vm["id"] in names
