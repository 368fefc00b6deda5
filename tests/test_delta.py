"""The scan-to-scan delta: every category, edge cases, findings.json loading and the diff output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from reports.json_report import history_json
from scanner.delta import (
    CATEGORIES,
    Delta,
    DeltaItem,
    compute_delta,
    diff_command,
    diff_outcome,
    load_findings_json,
    render_text,
)
from scanner.engine.evaluate import STATUSES
from scanner.errors import InputError
from scanner.model import HistoryReport

ABSENT = None


def row(name: str, status: str, rule: str = "VM-001") -> dict[str, str]:
    return {
        "finding_id": f"id-{name}",
        "rule_id": rule,
        "resource_id": f"/subscriptions/s/providers/x/{name}",
        "status": status,
    }


def pair(old: str | None, new: str | None) -> Delta:
    """Delta of one finding going from `old` to `new` (None = absent)."""
    return compute_delta([row("a", old)] if old else [], [row("a", new)] if new else [])


def category(delta: Delta) -> str | None:
    """The one category the single finding landed in ('persisting', or None for no change)."""
    found = [c for c in CATEGORIES if getattr(delta, c)]
    if delta.persisting:
        found.append("persisting")
    assert len(found) <= 1, found
    return found[0] if found else None


EXPECTED = {
    # failing now, by the old status
    (None, "fail"): "new",
    ("unknown", "fail"): "new",
    ("manual", "fail"): "new",
    ("pass", "fail"): "regressed",
    ("waived", "fail"): "waiver_expired",
    ("fail", "fail"): "persisting",
    # was a problem (fail or waived), not failing now
    ("fail", "pass"): "resolved",
    ("fail", None): "resolved",
    ("waived", "pass"): "resolved",
    ("waived", None): "resolved",
    ("fail", "waived"): "waived",
    ("fail", "unknown"): "unverified",
    ("fail", "manual"): "unverified",
    ("waived", "unknown"): "unverified",
    ("waived", "manual"): "unverified",
}


@pytest.mark.parametrize("old", [None, *STATUSES])
@pytest.mark.parametrize("new", [None, *STATUSES])
def test_every_transition_lands_in_at_most_one_category(old, new):
    assert category(pair(old, new)) == EXPECTED.get((old, new))


def test_items_carry_both_statuses():
    delta = pair(None, "fail")
    assert delta.new == (
        DeltaItem(
            finding_id="id-a",
            rule_id="VM-001",
            resource_id="/subscriptions/s/providers/x/a",
            status="fail",
            old_status="absent",
        ),
    )
    gone = pair("fail", None).resolved[0]
    assert (gone.status, gone.old_status, gone.rule_id) == ("absent", "fail", "VM-001")


def test_mixed_scans_counts_and_order():
    old = [
        row("p1", "fail"),
        row("p2", "fail", rule="ST-001"),
        row("r1", "fail"),
        row("g1", "pass"),
        row("w1", "waived"),
        row("gone", "fail"),
        row("u1", "unknown"),
        row("ok", "pass"),
    ]
    new = [
        row("ok", "pass"),
        row("u1", "fail"),
        row("w1", "fail"),
        row("g1", "fail"),
        row("r1", "pass"),
        row("p2", "fail", rule="ST-001"),
        row("p1", "fail"),
        row("n2", "fail", rule="AAA-001"),
        row("n1", "fail"),
    ]
    delta = compute_delta(old, new)
    assert delta.counts() == {
        "new": 3,
        "regressed": 1,
        "waiver_expired": 1,
        "resolved": 2,
        "waived": 0,
        "unverified": 0,
        "persisting": 2,
    }
    # sorted by rule id, then resource id
    assert [i.finding_id for i in delta.new] == ["id-n2", "id-n1", "id-u1"]
    assert {i.finding_id for i in delta.resolved} == {"id-r1", "id-gone"}


def test_resource_ids_sort_case_insensitively_and_keep_the_new_spelling():
    old = [{**row("b", "pass"), "resource_id": "/X/b"}]
    new = [{**row("b", "fail"), "resource_id": "/x/B"}, {**row("a", "fail"), "resource_id": "/x/a"}]
    delta = compute_delta(old, new)
    assert [i.resource_id for i in delta.new + delta.regressed] == ["/x/a", "/x/B"]


def test_empty_scans_and_dataframes():
    assert compute_delta([], []).counts() == dict.fromkeys((*CATEGORIES, "persisting"), 0)
    frame = pd.DataFrame([row("a", "fail"), row("b", "pass")]).assign(extra=1)
    delta = compute_delta(frame.iloc[:0], frame)
    assert [i.finding_id for i in delta.new] == ["id-a"]
    assert compute_delta(frame, frame).persisting == 1


def test_findings_json_delta_is_json_ready():
    delta = compute_delta([row("a", "pass")], [row("a", "fail")])
    history = HistoryReport(scope_key="k", previous_scan_id="p", delta=delta, trend=())
    doc = json.loads(json.dumps(history_json(history)))["delta"]
    assert doc["counts"]["regressed"] == 1
    assert doc["regressed"][0] == {
        "finding_id": "id-a",
        "rule_id": "VM-001",
        "resource_id": "/subscriptions/s/providers/x/a",
        "status": "fail",
        "old_status": "pass",
    }
    assert doc["persisting"] == 0
    assert set(CATEGORIES) <= set(doc)


def test_render_text_lists_non_empty_categories_with_a_limit():
    new = [row(f"n{i}", "fail") for i in range(5)]
    text = render_text(compute_delta([row("a", "fail")], [*new, row("a", "fail")]), limit=2)
    assert text.startswith("5 new, 0 regressed, 0 waiver expired, 0 resolved, 0 newly waived")
    assert "; 1 persisting" in text.splitlines()[0]
    assert "New (5):" in text
    assert "... and 3 more" in text
    assert "Resolved" not in text


def document(rows: list[dict[str, str]], **scan: object) -> dict[str, object]:
    base = {"id": "scan", "started_at": "2026-11-26T01:02:03Z", "as_of": "2026-11-26", "source": "files"}
    full = [{**r, "title": "t", "severity": "high", "waiver": None} for r in rows]
    return {"schema_version": "1", "scan": {**base, **scan}, "findings": full}


def write(path: Path, doc: object) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_load_findings_json_keeps_the_row_keys(tmp_path):
    path = write(tmp_path / "f.json", document([row("a", "fail")]))
    assert load_findings_json(path) == (row("a", "fail"),)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot read findings.json"),
        (json.dumps([1, 2]), "not a classic-scan findings.json"),
        (json.dumps({"schema_version": "9", "findings": []}), "unsupported schema_version '9'"),
        (json.dumps({"schema_version": "1", "findings": [{"finding_id": "x"}]}), "finding 1 lacks one of"),
        (json.dumps(document([row("a", "broken")])), "finding 1 has an unknown status 'broken'"),
    ],
)
def test_bad_findings_files_are_input_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=f"^{re.escape(str(path))}: ") as err:
        load_findings_json(path)
    assert message in str(err.value)


def test_missing_findings_file(tmp_path):
    with pytest.raises(InputError, match=r"cannot read findings\.json"):
        load_findings_json(tmp_path / "none.json")


def test_diff_command_text_and_json(tmp_path):
    scope = {"tenant_ids": ["T"], "subscriptions": ["S1"]}
    old = write(tmp_path / "old.json", document([row("a", "fail"), row("b", "pass")], id="one", scope=scope))
    new_scope = {"tenant_id": "t", "tenant_ids": [], "subscriptions": ["s1"]}
    new = write(tmp_path / "new.json", document([row("b", "fail")], id="two", scope=new_scope))
    text = diff_command(old, new)
    assert f"old: {old} (scan one" in text
    assert "warning" not in text  # same scope, spelled differently
    assert "0 new, 1 regressed, 0 waiver expired, 1 resolved" in text
    doc = json.loads(diff_command(old, new, as_json=True))
    assert doc["old_scan"]["id"] == "one"
    assert doc["new_scan"]["id"] == "two"
    assert doc["counts"]["resolved"] == 1
    assert doc["warnings"] == []


def test_diff_command_warns_about_scope_and_incomplete_scans(tmp_path):
    old = write(tmp_path / "old.json", document([row("a", "fail")], scope={"subscriptions": ["s1"]}))
    new = write(
        tmp_path / "new.json",
        document([], scope={"subscriptions": ["s2"]}, coverage={"complete": False}),
    )
    warnings = json.loads(diff_command(old, new, as_json=True))["warnings"]
    assert any("different scopes" in w for w in warnings)
    assert any("incomplete" in w for w in warnings)
    assert "warning: the new scan is incomplete" in diff_command(old, new)


def test_diff_of_real_findings_json(tmp_path):
    from datetime import date

    from reports import json_report
    from scanner.scan import ScanOptions, run_scan

    result = run_scan(ScanOptions(demo=True, as_of=date(2026, 11, 26)))
    path = tmp_path / "findings.json"
    json_report.write(result, path)
    rows = load_findings_json(path)
    assert len(rows) == len(result.findings)
    delta = compute_delta(rows, rows)
    assert delta.persisting == int((result.findings["status"] == "fail").sum())
    assert all(not getattr(delta, c) for c in CATEGORIES)
    assert "0 new" in diff_command(path, path)


@pytest.mark.parametrize(
    ("new_rows", "fail_on", "code"),
    [
        ([row("a", "fail"), row("b", "fail"), row("c", "fail")], None, 0),
        ([row("a", "fail"), row("b", "pass"), row("c", "fail")], "new", 3),  # c: absent before
        ([row("a", "fail"), row("b", "pass")], "new", 0),
        ([row("a", "fail"), row("b", "fail")], "regressed", 3),  # b passed before
        ([row("a", "fail"), row("b", "pass"), row("c", "fail")], "regressed", 0),
        ([row("a", "fail"), row("b", "pass"), row("d", "fail")], "any", 3),  # d: waived before
        ([row("a", "pass"), row("b", "pass"), row("d", "unknown")], "any", 0),  # only improvements
    ],
)
def test_diff_fail_on_exits_3_for_those_changes_only(tmp_path, new_rows, fail_on, code):
    old = write(tmp_path / "old.json", document([row("a", "fail"), row("b", "pass"), row("d", "waived")]))
    new = write(tmp_path / "new.json", document(new_rows))
    text, exit_code = diff_outcome(old, new, fail_on=fail_on)
    assert exit_code == code
    assert (f"--fail-on {fail_on}: " in text) == bool(code)
    assert diff_outcome(old, new, as_json=True, fail_on=fail_on)[1] == code
