"""Verdicts and findings: the two steps of evaluation agree with each other and with the report order."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from scanner.engine.evaluate import FINDING_COLUMNS, STATUSES, evaluate, finding_id, findings, judge
from scanner.engine.rules import SEVERITIES, load_pack
from scanner.inventory import build_inventory
from scanner.sources import DEMO_ESTATE
from scanner.sources.files import FilesSource

AS_OF = date(2026, 11, 26)


def _demo():
    return load_pack(), build_inventory(FilesSource((DEMO_ESTATE,)).read())


def test_findings_follow_the_verdicts_one_for_one():
    pack, inventory = _demo()
    verdicts = judge(pack, inventory, AS_OF, "public")
    frame, errors = findings(verdicts, inventory)
    assert not verdicts.errors and not errors
    assert len(frame) == verdicts.count
    assert list(frame.columns) == list(FINDING_COLUMNS)
    for rule_verdicts in verdicts.rules:
        rows = frame[frame["rule_id"] == rule_verdicts.rule.id]
        expected = sorted(STATUSES[code] for code in rule_verdicts.status)
        assert sorted(rows["status"]) == expected
        table = inventory.table(rule_verdicts.rule.spec.target)
        assert set(rows["resource_id"]) == {str(table["id"].iloc[r]) for r in rule_verdicts.rows}


def test_report_order_and_ids():
    pack, inventory = _demo()
    frame = evaluate(pack, inventory, AS_OF, "public").findings
    keys = list(
        zip(
            frame["severity"].map(SEVERITIES.index),
            frame["rule_id"],
            frame["resource_id"].str.lower(),
            strict=True,
        )
    )
    assert keys == sorted(keys)
    sample = frame.iloc[0]
    assert sample["finding_id"] == finding_id(sample["rule_id"], sample["resource_id"])
    assert frame["finding_id"].is_unique


def test_messages_follow_the_status():
    pack, inventory = _demo()
    frame = evaluate(pack, inventory, AS_OF, "public").findings
    unknown = frame[frame["status"] == "unknown"]
    assert len(unknown) and unknown["message"].str.startswith("Cannot be evaluated for ").all()
    passed = frame[frame["status"] == "pass"]
    assert (passed["remediation"] == "").all()
    failed = frame[frame["status"] == "fail"]
    assert (failed["remediation"] != "").all()
    assert not failed["message"].str.startswith("Checked; not affected").any()


def test_a_rule_that_raises_is_an_error_and_the_others_still_run():
    pack, inventory = _demo()

    def boom(*_args: object) -> None:
        raise RuntimeError("broken condition")

    broken = replace(pack.rules[0], condition=boom)
    evaluation = evaluate(replace(pack, rules=(broken, *pack.rules[1:])), inventory, AS_OF, "public")
    assert evaluation.errors == (f"{broken.id}: RuntimeError: broken condition",)
    assert broken.id not in set(evaluation.findings["rule_id"])
    assert len(evaluation.findings) > 0


def test_findings_rendered_from_another_inventory_keep_the_identities_ids_and_order():
    """--mask renders from a renamed copy of the inventory: values from the copy, finding ids and
    report order from the inventory the verdicts were reached on."""
    import pytest

    pack, inventory = _demo()
    verdicts = judge(pack, inventory, AS_OF, "public")
    real, _ = findings(verdicts, inventory)
    tables = {}
    for name, frame in inventory.tables.items():
        renamed = frame.copy()
        # Reversed names sort differently from the real ones: the order must not follow them.
        renamed["id"] = [f"/x/{i:06d}/{str(v)[::-1]}" for i, v in enumerate(frame["id"])]
        renamed["name"] = [f"n{len(frame) - i:06d}" for i in range(len(frame))]
        tables[name] = renamed
    copy = replace(inventory, tables=tables)
    shown, errors = findings(verdicts, copy, identities=inventory)
    assert not errors
    assert shown["finding_id"].tolist() == real["finding_id"].tolist()
    assert shown["status"].tolist() == real["status"].tolist()
    assert shown["resource_id"].str.startswith("/x/").all()
    assert shown["resource_name"].str.fullmatch(r"n\d{6}").all()
    assert not shown["message"].equals(real["message"])
    assert findings(verdicts, copy)[0]["finding_id"].tolist() != real["finding_id"].tolist()
    short = {name: frame.iloc[:0] for name, frame in inventory.tables.items()}
    with pytest.raises(ValueError, match="identity table"):
        findings(verdicts, copy, identities=replace(inventory, tables=short))
