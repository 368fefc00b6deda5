"""--mask: no subscription id, tenant id or resource name of the demo estate survives in the outputs;
pseudonyms are stable per key and consistent across findings, inventory and metadata; rule texts stay."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from reports import csv_report, html_data, json_report
from scanner.errors import InputError
from scanner.masking import (
    KEPT_FIELDS,
    KEY_ENV,
    MASKED_FIELDS,
    mask_key,
    mask_result,
    pseudonyms_for,
)
from scanner.model import ScanResult
from scanner.scan import ScanOptions, run_scan
from scanner.sources import DEMO_ESTATE

KEY = bytes(range(32))
PSEUDONYM = re.compile(r"^[a-z]+-[0-9a-f]{10}$")


def demo_scan() -> ScanResult:
    from datetime import date

    return run_scan(ScanOptions(demo=True, as_of=date(2026, 11, 2)))


@pytest.fixture(scope="module")
def demo() -> ScanResult:
    return demo_scan()


@pytest.fixture(scope="module")
def masked(demo) -> ScanResult:
    return mask_result(demo, KEY)


def estate_values() -> dict[str, set[str]]:
    """The identifiers the demo estate's raw rows carry."""
    found: dict[str, set[str]] = {"names": set(), "subscriptions": set(), "tenants": set(), "groups": set()}
    for path in sorted(Path(DEMO_ESTATE).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            found["names"].add(row["name"])
            found["subscriptions"].add(row.get("subscriptionId") or "")
            found["tenants"].add(row.get("tenantId") or "")
            found["groups"].add(row.get("resourceGroup") or "")
    return {k: {v for v in values if v} for k, values in found.items()}


def rendered(result: ScanResult, tmp_path: Path) -> str:
    csv_path = tmp_path / "findings.csv"
    csv_report.write(result, csv_path)
    document = json.dumps(json_report.document(result), ensure_ascii=False, default=str)
    return document + "\n" + csv_path.read_text(encoding="utf-8")


def test_no_original_identifier_survives_in_json_or_csv(demo, masked, tmp_path):
    values = estate_values()
    original = rendered(demo, tmp_path).lower()
    text = rendered(masked, tmp_path).lower()
    assert all(v.lower() in original for v in values["subscriptions"] | values["tenants"])
    sample = sorted(values["names"])[::20]
    assert sum(v.lower() in original for v in sample) > 0.9 * len(sample)
    for kind, items in values.items():
        assert items, kind
        leaked = sorted(v for v in items if v.lower() in text)
        assert not leaked, f"{kind} leaked: {leaked[:10]}"
    assert "@fabrikam.example" in original
    assert "@fabrikam.example" not in text
    assert "@masked.invalid" in text


def test_no_original_identifier_survives_in_the_html_and_excel_reports(masked, tmp_path):
    import openpyxl

    from reports import write_reports

    written = write_reports(masked, tmp_path, ("xlsx", "html"))
    texts = []
    for path in written:
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            texts.extend(
                str(cell)
                for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True)
                for cell in row
                if cell is not None
            )
        else:  # report.html with its data blocks decoded: what the page carries
            texts.append(html_data.readable(path.read_text(encoding="utf-8")))
    text = "\n".join(texts).lower()
    everything = set().union(*estate_values().values())
    assert not sorted(v for v in everything if v.lower() in text)[:10]


def test_inventory_and_meta_carry_no_original_identifier(masked):
    values = estate_values()
    everything = set().union(*values.values())
    tables = "\n".join(frame.astype(str).to_csv() for frame in masked.inventory.tables.values()).lower()
    meta = json.dumps({"scope": masked.meta.scope, "coverage": masked.meta.coverage}, default=str).lower()
    assert not sorted(v for v in everything if v.lower() in tables)[:10]
    assert not sorted(v for v in everything if v.lower() in meta)[:10]
    assert masked.meta.scope["masked"] is True


def test_pseudonyms_are_readable_and_typed(masked):
    findings = masked.findings
    vm = findings.loc[findings["resource_type"] == "microsoft.classiccompute/virtualmachines"].iloc[0]
    assert re.fullmatch(r"vm-[0-9a-f]{10}", vm["resource_name"])
    assert re.fullmatch(r"sub-[0-9a-f]{10}", vm["subscription_id"])
    assert re.fullmatch(r"rg-[0-9a-f]{10}|cs-[0-9a-f]{10}", vm["resource_group"])
    assert vm["resource_id"].startswith(f"/subscriptions/{vm['subscription_id']}/resourceGroups/")
    assert vm["resource_id"].endswith(
        f"/providers/Microsoft.ClassicCompute/virtualMachines/{vm['resource_name']}"
    )
    tenants = masked.meta.scope["tenant_ids"]
    assert len(tenants) == 1
    assert re.fullmatch(r"tenant-[0-9a-f]{10}", tenants[0])
    kinds = {name.split("-")[0] for name in findings["resource_name"]}
    assert {"vm", "cs", "st", "vnet", "rip", "nsg", "erc", "subname"} <= kinds


def test_stable_across_runs_and_different_per_key(demo, masked):
    again = mask_result(demo_scan(), KEY)
    columns = ["finding_id", "resource_id", "resource_name", "subscription_id", "resource_group", "message"]
    pd.testing.assert_frame_equal(masked.findings[columns], again.findings[columns])
    other = mask_result(demo, bytes(32))
    assert set(other.findings["resource_name"]).isdisjoint(set(masked.findings["resource_name"]))


def test_finding_ids_and_order_are_those_of_the_original(demo, masked):
    assert masked.findings["finding_id"].tolist() == demo.findings["finding_id"].tolist()
    assert masked.findings["status"].tolist() == demo.findings["status"].tolist()


def test_consistent_across_findings_inventory_and_scope(masked):
    ids: dict[str, str] = {}
    for frame in masked.inventory.tables.values():
        ids.update(zip(frame["id"], frame["name"], strict=True))
    findings = masked.findings
    for resource_id, name in zip(findings["resource_id"], findings["resource_name"], strict=True):
        assert ids[resource_id] == name
    subscriptions = set(masked.meta.scope["subscriptions"])
    assert set(findings["subscription_id"]) <= subscriptions
    vms = masked.inventory.table("classic_vm")
    services = masked.inventory.table("cloud_service")
    assert set(vms["cloud_service_name"]) - {""} <= set(services["name"])
    for frame in masked.inventory.tables.values():
        assert (frame["key"] == frame["id"].str.lower()).all()


def test_evidence_and_messages_use_the_same_pseudonyms(masked):
    row = masked.findings.loc[
        (masked.findings["rule_id"] == "RET-002") & (masked.findings["status"] == "fail")
    ].iloc[0]
    assert row["message"].startswith(
        f"Cloud service {row['resource_name']} ({row['resource_name']}.cloudapp.net"
    )
    assert row["evidence"]["host_name"] == f"{row['resource_name']}.cloudapp.net"
    vms = row["evidence"]["vm_names"]
    assert vms
    assert all(PSEUDONYM.match(vm) and vm.startswith("vm-") for vm in vms)


def test_rule_texts_and_platform_values_are_untouched(demo, masked):
    for column in ("rule_id", "title", "remediation", "references", "severity", "category", "location"):
        assert masked.findings[column].tolist() == demo.findings[column].tolist(), column
    assert masked.findings["resource_type"].tolist() == demo.findings["resource_type"].tolist()
    assert masked.pack is demo.pack
    assert masked.branding == demo.branding
    ret = masked.findings.loc[masked.findings["rule_id"] == "RET-001"].iloc[0]
    assert ret["evidence"]["retirement_source"].startswith("https://learn.microsoft.com/")
    assert "IaaS VMs (classic) retired 2023-09-01" in ret["message"]


def test_migrated_suffix_stays_readable(masked):
    groups = set(masked.findings["resource_group"])
    migrated = [g for g in groups if g.lower().endswith("-migrated")]
    assert migrated
    assert all(PSEUDONYM.match(g[: -len("-Migrated")]) for g in migrated)


def test_input_paths_keep_only_the_file_name(masked):
    inputs = masked.meta.coverage["inputs"]
    assert inputs
    assert all("/" not in item and "\\" not in item for item in inputs)
    assert any(item.startswith("resources.jsonl sha256:") for item in inputs)


def test_the_original_result_is_not_modified(demo):
    before = demo.findings.copy()
    mask_result(demo, KEY)
    pd.testing.assert_frame_equal(demo.findings, before)


def test_pseudonyms_map_every_value_once(demo):
    mapping = pseudonyms_for(demo, KEY).mapping
    assert len(set(mapping.values())) == len(mapping)
    assert all(PSEUDONYM.match(p) for p in mapping.values())


# --- the key -------------------------------------------------------------------------------------------

SCOPE = {"tenant_ids": ["72c1a9e4-5d3b-4f08-b6a2-9e17c4d05f83"], "subscriptions": ["s1", "s2"]}


def test_key_from_the_environment_hex_or_text():
    assert mask_key({KEY_ENV: "00" * 16}, SCOPE) == bytes(16)
    assert mask_key({KEY_ENV: "a long enough passphrase"}, SCOPE) == b"a long enough passphrase"


@pytest.mark.parametrize("value", ["", "   ", "short", "abcd" * 3])
def test_weak_keys_are_refused(value):
    with pytest.raises(InputError, match=KEY_ENV):
        mask_key({KEY_ENV: value}, SCOPE)


def test_derived_key_is_stable_per_tenant():
    derived = mask_key({}, SCOPE)
    assert derived == mask_key({}, {"tenant_ids": ["72C1A9E4-5D3B-4F08-B6A2-9E17C4D05F83"]})
    assert derived != mask_key({}, {"tenant_ids": ["00000000-5d3b-4f08-b6a2-9e17c4d05f83"]})
    assert derived != mask_key({KEY_ENV: "x" * 32}, SCOPE)
    assert mask_key({}, {"subscriptions": ["s1"]}) != mask_key({}, {"subscriptions": ["s2"]})
    assert len(derived) == 32


# --- rendering from the masked inventory ------------------------------------------------------------------


def test_every_result_field_has_a_masking_decision():
    import dataclasses

    assert MASKED_FIELDS.isdisjoint(KEPT_FIELDS)
    assert {f.name for f in dataclasses.fields(ScanResult)} == MASKED_FIELDS | KEPT_FIELDS


def test_a_result_field_masking_does_not_know_is_refused(demo):
    """A field a later version adds is never written unmasked: mask_result stops instead."""
    import dataclasses
    from collections.abc import Mapping
    from typing import Any

    from scanner.errors import ScanError

    @dataclasses.dataclass(frozen=True)
    class Extended(ScanResult):
        delta: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    extended = Extended(**{f.name: getattr(demo, f.name) for f in dataclasses.fields(ScanResult)})
    with pytest.raises(ScanError, match="delta"):
        mask_result(extended, KEY)


def test_readiness_is_keyed_by_the_masked_resource_ids(demo, masked):
    """The reports look a resource's readiness up by its (masked) id: every state must be found."""
    real, shown = demo.resource_readiness(), masked.resource_readiness()
    assert len(shown) == len(real) > 0
    pairs = zip(demo.findings["resource_id"], masked.findings["resource_id"], strict=True)
    for real_id, masked_id in pairs:
        if real_id.lower() in real:
            assert shown[masked_id.lower()] == real[real_id.lower()]
    assert not set(shown) & set(real)


def test_calendar_and_rule_texts_in_messages_are_never_masked(demo, masked):
    """A retirement's service text comes from the rule pack, not the tenant: it stays as written even
    when a word of it (an extension name) is also an identifier somewhere in the estate."""
    calendar = demo.pack.calendar.entries
    rules = {rule.id: rule.spec for rule in demo.pack.rules}
    checked = 0
    for rule_id, status, message in zip(
        masked.findings["rule_id"], masked.findings["status"], masked.findings["message"], strict=True
    ):
        spec = rules[rule_id]
        if spec.retirement and status == "fail" and "{service}" in spec.message:
            assert calendar[spec.retirement].service in message, (rule_id, message)
            checked += 1
    assert checked > 10


def test_messages_match_the_unmasked_ones_but_for_the_values(demo, masked):
    """Same wording, verdicts and finding ids; only identifiers differ."""
    assert masked.findings["finding_id"].tolist() == demo.findings["finding_id"].tolist()
    changed = sum(a != b for a, b in zip(demo.findings["message"], masked.findings["message"], strict=True))
    assert changed > len(demo.findings) / 10
    for a, b in zip(demo.findings["message"], masked.findings["message"], strict=True):
        assert a.split(" ")[0] == b.split(" ")[0]


def test_a_delta_item_of_a_resource_this_scan_lacks_is_masked_whole(demo):
    import dataclasses

    gone = (
        f"/subscriptions/{demo.findings['subscription_id'].iloc[0]}/resourceGroups/fab-gone-rg/providers/"
        "Microsoft.ClassicCompute/virtualMachines/fab-gone-vm"
    )
    from scanner.model import Delta, DeltaItem, HistoryReport

    item = DeltaItem(
        finding_id="f" * 32, rule_id="RET-001", resource_id=gone, status="absent", old_status="fail"
    )
    empty: tuple[DeltaItem, ...] = ()
    delta = Delta(
        new=empty,
        regressed=empty,
        waiver_expired=empty,
        resolved=(item,),
        waived=empty,
        unverified=empty,
        persisting=0,
    )
    history = HistoryReport(scope_key="k", previous_scan_id=None, delta=delta, trend=())
    masked = mask_result(dataclasses.replace(demo, history=history), KEY)
    assert masked.history is not None and masked.history.delta is not None
    shown = masked.history.delta.resolved[0]
    assert "fab-gone" not in repr(masked.history).lower()
    assert shown.finding_id == "f" * 32 and shown.status == "absent"
    assert shown.resource_id.startswith("/subscriptions/sub-")
    assert "/providers/Microsoft.ClassicCompute/virtualMachines/vm-" in shown.resource_id
    assert masked.history.delta.counts()["resolved"] == 1


RULE = """\
id: ACME-001
title: Classic VM carries a cost code
severity: low
category: vm-readiness
target: classic_vm
condition:
  field: tags.CostCode
  op: missing
message: "Install Web Deploy on {name}; web servers need it. No cost code."
pass_message: "Install Web Deploy on {name}; web servers need it. Cost code {tags.CostCode}."
evidence: [tags.CostCode]
rationale: Costs of the migrated VM are charged to the code its owner gives.
remediation: Add a CostCode tag to the VM before its migration wave is planned.
references:
  - title: Use tags to organize your Azure resources and management hierarchy
    url: https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources
"""


def test_a_custom_rule_keeps_its_wording_and_shows_masked_tag_values(tmp_path):
    """The rule's own words stay even where they equal a resource name (`web`); a tag whose name is
    masked in the inventory still fills the message and the evidence, with its masked value."""
    from datetime import date

    from arg_rows import classic_vm, cloud_service

    vm = classic_vm("web", "websvc", rg="websvc")
    vm["tags"] = {"CostCode": "Payroll 4711"}
    export = tmp_path / "export.json"
    export.write_text(json.dumps([cloud_service("websvc", rg="websvc"), vm]), encoding="utf-8")
    (tmp_path / "rules" / "acme").mkdir(parents=True)
    (tmp_path / "rules" / "acme" / "ACME-001.yaml").write_text(RULE, encoding="utf-8")
    options = ScanOptions(inputs=(export,), rules_dirs=(tmp_path / "rules",), as_of=date(2026, 11, 26))
    real = run_scan(options)
    shown = mask_result(real, KEY)
    row = shown.findings.loc[shown.findings["rule_id"] == "ACME-001"].iloc[0]
    name = row["resource_name"]
    assert PSEUDONYM.match(name) and name.startswith("vm-")
    code = row["evidence"]["tags.CostCode"]
    assert PSEUDONYM.match(code) and code.startswith("text-")
    assert row["message"] == f"Install Web Deploy on {name}; web servers need it. Cost code {code}."
    tags = shown.inventory.table("classic_vm").iloc[0]["tags"]
    assert "CostCode" not in tags and code in tags.values()


def test_findings_that_do_not_follow_from_the_inventory_stop_masking(demo):
    """Messages are written again from the inventory: a finding whose verdict or id the inventory does
    not give (a result altered after the scan) stops --mask rather than getting a wrong message."""
    import dataclasses

    from scanner.errors import ScanError

    flipped = demo.findings.copy()
    first_fail = flipped.index[flipped["status"] == "fail"][0]
    flipped.loc[first_fail, "status"] = "pass"
    with pytest.raises(ScanError, match="another verdict"):
        mask_result(dataclasses.replace(demo, findings=flipped), KEY)
    foreign = demo.findings.copy()
    foreign.loc[foreign.index[0], "finding_id"] = "0" * 32
    with pytest.raises(ScanError, match="could not render 1 finding"):
        mask_result(dataclasses.replace(demo, findings=foreign), KEY)
    waived = demo.findings.copy()
    waived.loc[first_fail, "status"] = "waived"
    assert (
        mask_result(dataclasses.replace(demo, findings=waived), KEY).findings.loc[first_fail, "status"]
        == "waived"
    )
