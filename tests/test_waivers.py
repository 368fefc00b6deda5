"""Waivers: loading and strict validation, matching by every target kind, expiry, unused waivers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from scanner.engine.evaluate import FINDING_COLUMNS, finding_id
from scanner.errors import InputError
from scanner.waivers import Waiver, apply_waivers, load_waivers, resource_tags

AS_OF = date(2026, 11, 26)
VM1 = "/subscriptions/s1/resourceGroups/RG-A/providers/Microsoft.ClassicCompute/virtualMachines/vm1"
VM2 = "/subscriptions/s1/resourceGroups/rg-b/providers/Microsoft.ClassicCompute/virtualMachines/vm2"
SA1 = "/subscriptions/s2/resourceGroups/rg-c/providers/Microsoft.ClassicStorage/storageAccounts/sa1"
TAGS = {VM1.lower(): {"Env": "prod", "app": "ftp"}, VM2.lower(): {"env": "dev"}, SA1.lower(): {"ENV": "prod"}}


def findings(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """Findings with every column; rows are (rule_id, resource_id, status)."""
    records = []
    for rule, rid, status in rows:
        record = {c: f"{c} of {rule}" for c in FINDING_COLUMNS}
        record.update(
            finding_id=finding_id(rule, rid),
            rule_id=rule,
            resource_id=rid,
            status=status,
            evidence={"state": "Running"},
            references=["https://example.com"],
            waiver=None,
            first_seen=None,
            last_seen=None,
        )
        records.append(record)
    return pd.DataFrame(records, columns=list(FINDING_COLUMNS))


SAMPLE = findings(
    ("VM-001", VM1, "fail"),
    ("VM-002", VM1, "unknown"),
    ("VM-003", VM1, "manual"),
    ("VM-004", VM1, "pass"),
    ("VM-001", VM2, "fail"),
    ("ST-001", SA1, "fail"),
)


def waiver(
    rule: str = "VM-001", expires: date = date(2027, 1, 1), entry: int = 1, **target: object
) -> Waiver:
    return Waiver(entry=entry, rule=rule, justification="why", owner="ops", expires=expires, **target)  # type: ignore[arg-type]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def statuses(result_findings: pd.DataFrame) -> list[str]:
    return result_findings["status"].tolist()


# --- loading ---------------------------------------------------------------------------------


def test_load_full_file_with_every_target_kind(tmp_path):
    path = write(
        tmp_path,
        f"""
waivers:
  - rule: VM-001
    resource: {VM1}
    justification: Vendor appliance
    owner: ops@example.com
    expires: 2027-03-31
    ticket: 1234
    approved_by: CISO
  - rule: "VM-00*"
    resource_regex: "/resourcegroups/rg-b/"
    justification: Lab
    owner: lab
    expires: "2027-01-01"
  - rule: ST-*
    tags: {{Env: prod}}
    justification: Archive
    owner: storage
    expires: 2026-12-31
""",
    )
    loaded = load_waivers(path)
    assert [w.entry for w in loaded] == [1, 2, 3]
    assert loaded[0].resource == VM1
    assert loaded[0].ticket == "1234"
    assert loaded[0].approved_by == "CISO"
    assert loaded[0].expires == date(2027, 3, 31)
    assert loaded[1].resource_regex == "/resourcegroups/rg-b/"
    assert loaded[1].expires == date(2027, 1, 1)
    assert loaded[2].tags == {"env": "prod"}
    assert loaded[2].ticket is None


def test_an_empty_waivers_list_is_accepted(tmp_path):
    assert load_waivers(write(tmp_path, "waivers: []\n")) == ()
    assert load_waivers(write(tmp_path, "waivers:\n")) == ()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (f"- {{rule: X-1, resource: {VM1}, justification: j, owner: o, expires: 2027-01-01}}\n", "a list"),
        ("", "an empty file"),
        ("# nothing waived yet\n", "an empty file"),
        ("waiver:\n  - rule: X-1\n", "keys ['waiver']"),
        ("just text\n", "the value 'just text'"),
    ],
)
def test_a_file_without_the_waivers_key_is_refused(tmp_path, text, found):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_waivers(path)
    assert str(err.value).startswith(f"{path}: no top-level 'waivers:' key (found {found}")


GOOD = {"rule": "VM-001", "resource": VM1, "justification": "j", "owner": "o", "expires": "2027-01-01"}


def entry_yaml(**changes: object) -> str:
    """A file whose 3rd entry is GOOD with changes (None removes a key)."""
    import yaml

    bad = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    # Copies, so the dumper writes each entry out instead of an alias (aliases are refused).
    entries = [dict(GOOD), dict(GOOD), bad]
    return yaml.safe_dump({"waivers": entries}, sort_keys=False)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"expires": None}, "entry 3 (rule VM-001): 'expires' is required"),
        ({"justification": None}, "entry 3 (rule VM-001): 'justification' is required"),
        ({"owner": None}, "entry 3 (rule VM-001): 'owner' is required"),
        ({"rule": None}, "entry 3: 'rule' is required"),
        ({"justification": "   "}, "entry 3 (rule VM-001): 'justification' must not be empty"),
        ({"expires": "2027-13-01"}, "entry 3 (rule VM-001): 'expires' must be a date YYYY-MM-DD"),
        ({"expires": "next year"}, "'expires' must be a date YYYY-MM-DD, got 'next year'"),
        ({"expires": "2027-01-01T10:00:00"}, "'expires' must be a date"),
        ({"resource": None, "resource_regex": "vm[1"}, "'resource_regex' is not a valid regular expression"),
        ({"colour": "red"}, "entry 3 (rule VM-001): unknown key(s) 'colour'"),
        ({"resource": None}, "a target is required"),
        ({"tags": {"env": "prod"}}, "only one target is allowed, got 'resource' and 'tags'"),
        ({"resource": None, "tags": {}}, "'tags' must be a non-empty mapping"),
        ({"resource": None, "tags": {"env": 1}}, "tag 'env': value must be text"),
        ({"resource": None, "tags": {"Env": "a", "env": "b"}}, "tag 'env' is given twice"),
        ({"owner": ["a", "b"]}, "'owner' must be text, got list"),
    ],
)
def test_malformed_entries_name_the_file_and_entry(tmp_path, changes, message):
    path = write(tmp_path, entry_yaml(**changes))
    with pytest.raises(InputError) as err:
        load_waivers(path)
    assert str(err.value).startswith(f"{path}: entry 3")
    assert message in str(err.value)


def test_datetime_expiry_is_rejected(tmp_path):
    path = write(tmp_path, entry_yaml().replace("'2027-01-01'", "2027-01-01 10:00:00", 3))
    with pytest.raises(InputError, match=r"entry 1 \(rule VM-001\): 'expires' must be a date"):
        load_waivers(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("waivers: [\n", "not valid YAML"),
        ("waivers: {rule: x}\n", "expected a list of waivers"),
        ("exceptions: []\n", "no top-level 'waivers:' key (found keys ['exceptions'])"),
        ("waivers: []\nextra: 1\n", "unknown top-level key(s) ['extra']; only 'waivers:' is allowed"),
        ("waivers:\n- just text\n", "entry 1: must be a mapping"),
        ("waivers:\n- {rule: a, rule: b}\n", "duplicate key 'rule'"),
        ("42\n", "no top-level 'waivers:' key (found the value '42')"),
    ],
)
def test_malformed_files(tmp_path, text, message):
    with pytest.raises(InputError, match=r"waivers\.yaml: ") as err:
        load_waivers(write(tmp_path, text))
    assert message in str(err.value)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match=r"nope.yaml: cannot read waivers file"):
        load_waivers(tmp_path / "nope.yaml")


# --- applying --------------------------------------------------------------------------------


def test_resource_target_is_case_insensitive_and_waives_fail():
    result = apply_waivers(SAMPLE, [waiver(resource=VM1.upper())], AS_OF, TAGS)
    assert statuses(result.findings) == ["waived", "unknown", "manual", "pass", "fail", "fail"]
    record = result.findings.loc[0, "waiver"]
    assert record == {
        "rule": "VM-001",
        "target": f"resource {VM1.upper()}",
        "justification": "why",
        "owner": "ops",
        "expires": "2027-01-01",
        "ticket": None,
        "approved_by": None,
        "state": "active",
        "entry": 1,
    }
    assert result.findings["waiver"].iloc[1:].isna().all()
    assert [w.matched for w in result.active] == [1]
    assert result.expired == ()
    assert result.unused == ()


def test_waived_findings_keep_their_data_and_the_input_is_untouched():
    before = SAMPLE.copy(deep=True)
    result = apply_waivers(SAMPLE, [waiver(rule="*", resource=VM1)], AS_OF, TAGS)
    assert list(result.findings.columns) == list(FINDING_COLUMNS)
    assert result.findings.index.equals(SAMPLE.index)
    untouched = [c for c in FINDING_COLUMNS if c not in ("status", "waiver")]
    pd.testing.assert_frame_equal(result.findings[untouched], SAMPLE[untouched])
    pd.testing.assert_frame_equal(SAMPLE, before)
    # fail, unknown and manual are waived; pass stays pass and gets no waiver
    assert statuses(result.findings)[:4] == ["waived", "waived", "waived", "pass"]
    assert result.findings.loc[3, "waiver"] is None


def test_rule_glob_is_case_insensitive():
    result = apply_waivers(SAMPLE, [waiver(rule="vm-00[12]", resource_regex="rg-a")], AS_OF, TAGS)
    assert statuses(result.findings) == ["waived", "waived", "manual", "pass", "fail", "fail"]
    result = apply_waivers(SAMPLE, [waiver(rule="vm-?0?", resource_regex=".")], AS_OF, TAGS)
    assert statuses(result.findings) == ["waived", "waived", "waived", "pass", "waived", "fail"]


def test_rule_glob_matches_whole_ids():
    result = apply_waivers(SAMPLE, [waiver(rule="VM-00", resource_regex=".")], AS_OF, TAGS)
    assert "waived" not in statuses(result.findings)
    assert len(result.unused) == 1


def test_regex_target_searches_case_insensitively():
    result = apply_waivers(SAMPLE, [waiver(rule="*", resource_regex="RESOURCEGROUPS/rg-[bc]/")], AS_OF, TAGS)
    assert statuses(result.findings) == ["fail", "unknown", "manual", "pass", "waived", "waived"]
    anchored = apply_waivers(SAMPLE, [waiver(rule="*", resource_regex="^vm2$")], AS_OF, TAGS)
    assert "waived" not in statuses(anchored.findings)


def test_tags_target_key_case_insensitive_value_exact():
    result = apply_waivers(SAMPLE, [waiver(rule="*", tags={"env": "prod"})], AS_OF, TAGS)
    assert statuses(result.findings) == ["waived", "waived", "waived", "pass", "fail", "waived"]
    assert result.findings.loc[0, "waiver"]["target"] == "tags env=prod"
    wrong_case = apply_waivers(SAMPLE, [waiver(rule="*", tags={"env": "PROD"})], AS_OF, TAGS)
    assert "waived" not in statuses(wrong_case.findings)


def test_tags_target_needs_every_tag():
    both = waiver(rule="*", tags={"env": "prod", "app": "ftp"})
    assert statuses(apply_waivers(SAMPLE, [both], AS_OF, TAGS).findings).count("waived") == 3
    missing = waiver(rule="*", tags={"env": "prod", "owner": "x"})
    assert "waived" not in statuses(apply_waivers(SAMPLE, [missing], AS_OF, TAGS).findings)
    assert "waived" not in statuses(apply_waivers(SAMPLE, [both], AS_OF, {}).findings)


def test_expired_waiver_keeps_the_verdict_and_is_listed():
    old = waiver(rule="VM-*", resource=VM1, expires=date(2026, 11, 25))
    result = apply_waivers(SAMPLE, [old], AS_OF, TAGS)
    assert statuses(result.findings) == statuses(SAMPLE)
    assert result.findings.loc[0, "waiver"]["state"] == "expired"
    assert result.findings.loc[3, "waiver"] is None  # pass findings never carry a waiver
    assert [(w.entry, w.state, w.matched) for w in result.expired] == [(1, "expired", 3)]
    assert result.active == ()
    assert result.unused == ()


def test_waiver_expiring_on_as_of_still_applies():
    today = waiver(resource=VM1, expires=AS_OF)
    assert statuses(apply_waivers(SAMPLE, [today], AS_OF, TAGS).findings)[0] == "waived"


def test_active_beats_expired_and_first_in_file_wins():
    waivers = [
        waiver(entry=1, rule="*", resource=VM1, expires=date(2020, 1, 1)),
        waiver(entry=2, rule="VM-001", resource=VM1),
        waiver(entry=3, rule="VM-00*", resource_regex="vm1"),
    ]
    result = apply_waivers(SAMPLE, waivers, AS_OF, TAGS)
    assert statuses(result.findings) == ["waived", "waived", "waived", "pass", "fail", "fail"]
    assert [result.findings.loc[i, "waiver"]["entry"] for i in range(3)] == [2, 3, 3]
    assert [(w.entry, w.matched) for w in result.active] == [(2, 1), (3, 3)]
    assert [(w.entry, w.matched) for w in result.expired] == [(1, 3)]


def test_unused_waivers_match_no_non_pass_finding():
    waivers = [
        waiver(entry=1, rule="VM-004", resource=VM1),  # only a pass finding
        waiver(entry=2, rule="NET-*", resource_regex="."),
        waiver(entry=3, rule="*", tags={"env": "staging"}),
        waiver(entry=4, rule="*", resource="/subscriptions/s9/gone", expires=date(2020, 1, 1)),
    ]
    result = apply_waivers(SAMPLE, waivers, AS_OF, TAGS)
    assert statuses(result.findings) == statuses(SAMPLE)
    assert [(w.entry, w.state, w.matched) for w in result.unused] == [
        (1, "unused", 0),
        (2, "unused", 0),
        (3, "unused", 0),
    ]
    assert [w.entry for w in result.expired] == [4]  # expired waivers are listed as expired


def test_already_waived_findings_and_empty_inputs():
    empty = findings()
    result = apply_waivers(empty, [waiver(resource=VM1)], AS_OF, TAGS)
    assert result.findings.empty
    assert list(result.findings.columns) == list(FINDING_COLUMNS)
    assert len(result.unused) == 1
    none = apply_waivers(SAMPLE, [], AS_OF, TAGS)
    pd.testing.assert_frame_equal(none.findings, SAMPLE)


def test_non_default_index_is_preserved():
    shuffled = SAMPLE.iloc[::-1].set_axis([10, 20, 30, 40, 50, 60])
    result = apply_waivers(shuffled, [waiver(resource=VM2)], AS_OF, TAGS)
    assert result.findings.loc[20, "status"] == "waived"
    assert result.findings.loc[20, "resource_id"] == VM2


def test_resource_tags_from_a_real_inventory():
    from scanner.scan import ScanOptions, run_scan

    result = run_scan(ScanOptions(demo=True, as_of=AS_OF))
    tags = resource_tags(result.inventory)
    assert tags
    assert all(rid == rid.lower() for rid in tags)
    tagged = next(iter(tags))
    rows = result.findings[result.findings["resource_id"].str.lower() == tagged]
    key, value = next(iter(tags[tagged].items()))
    applied = apply_waivers(result.findings, [waiver(rule="*", tags={key.upper(): value})], AS_OF, tags)
    waived = applied.findings[applied.findings["status"] == "waived"]
    assert set(rows.index[rows["status"] != "pass"]) <= set(waived.index)


def test_a_waiver_for_no_loaded_rule_says_so():
    waivers = [
        waiver(entry=1, rule="VM-01", resource=VM1),  # a typo of VM-001
        waiver(entry=2, rule="NET-*", resource_regex="."),  # a rule that exists but has no open finding
        waiver(entry=3, rule="NET-999", resource=VM1, expires=date(2020, 1, 1)),
    ]
    rule_ids = ["VM-001", "VM-002", "VM-004", "NET-001"]
    result = apply_waivers(SAMPLE, waivers, AS_OF, TAGS, rule_ids)
    assert [(w.entry, w.no_such_rule) for w in result.unused] == [(1, True), (2, False)]
    assert [(w.entry, w.no_such_rule) for w in result.expired] == [(3, True)]
    unknown = apply_waivers(SAMPLE, waivers, AS_OF, TAGS)  # without the pack's ids nothing is claimed
    assert not any(w.no_such_rule for w in unknown.unused)


def test_the_entry_model_is_the_documented_schema():
    from scanner.waivers import ALLOWED_KEYS, WaiverFileEntry

    assert tuple(WaiverFileEntry.model_fields) == ALLOWED_KEYS
    assert WaiverFileEntry.model_config["extra"] == "forbid"


def test_a_missing_key_is_named_before_a_bad_value_and_unknown_keys_before_both(tmp_path):
    path = write(tmp_path, entry_yaml(expires=None, owner=["a"]))
    with pytest.raises(InputError, match=r"entry 3 \(rule VM-001\): 'expires' is required$"):
        load_waivers(path)
    path = write(tmp_path, entry_yaml(expires=None, colour="red", size=1))
    with pytest.raises(InputError, match=r"unknown key\(s\) 'colour', 'size'; allowed: rule, "):
        load_waivers(path)
