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
    KEY_ENV,
    Identifiers,
    Masker,
    mask_key,
    mask_message,
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


# --- token replacement -------------------------------------------------------------------------------


def masker(**names: str) -> Masker:
    found = Identifiers()
    for value, kind in names.items():
        found.add(value.replace("_", "-"), kind)
    return Masker(found.pseudonyms(KEY), KEY)


def test_whole_tokens_only_and_case_insensitive():
    m = masker(web="vm", fab_web="cs")
    web, fab_web = m.text("web"), m.text("fab-web")
    assert web.startswith("vm-")
    assert fab_web.startswith("cs-")
    assert m.text("webapp") == "webapp"
    assert m.text("web-01 and web_02") == "web-01 and web_02"
    assert m.text("Web Deploy") == f"{web} Deploy"  # a data value: the name stands alone
    assert m.text("WEB.cloudapp.net") == f"{web}.cloudapp.net"
    assert m.text("fab-web, web; (web)") == f"{fab_web}, {web}; ({web})"
    assert m.text("fab-webs") == "fab-webs"


def test_rule_text_around_values_is_never_replaced():
    m = masker(web="vm", deploy="vm")
    web = m.text("web")
    template = "Install Web Deploy on {name}; web servers need it."
    message = "Install Web Deploy on web; web servers need it."
    assert mask_message(m, message, [template]) == f"Install Web Deploy on {web}; web servers need it."
    # a message that fits no template is masked as text
    assert mask_message(m, "web", ["Other {x} text"]) == web


def test_longest_value_wins():
    m = masker(fab_web="cs", fab_web_01="vm")
    assert m.text("fab-web-01-os.vhd") == "fab-web-01-os.vhd"  # not a known value: untouched
    assert m.text("fab-web-01.vhd") == f"{m.text('fab-web-01')}.vhd"
    assert m.text("fab-web-01 in fab-web") == f"{m.text('fab-web-01')} in {m.text('fab-web')}"


def test_guids_are_replaced_wherever_they_appear():
    sub = "3B9E6D2A-41C7-4F85-A0D3-8E2C5F7B1A94"
    found = Identifiers()
    found.add_id(
        f"/subscriptions/{sub.lower()}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1"
    )
    m = Masker(found.pseudonyms(KEY), KEY)
    pseudonym = m.text(sub.lower())
    assert pseudonym.startswith("sub-")
    assert m.text(f"subscription {sub}: no read access") == f"subscription {pseudonym}: no read access"
    assert m.text(f"{{{sub}}}") == f"{{{pseudonym}}}"
    assert m.text(f"northeurope ({sub.lower()})") == f"northeurope ({pseudonym})"
    assert m.value({sub.lower(): {"status": "denied"}}) == {pseudonym: {"status": "denied"}}


def test_resource_ids_are_masked_segment_by_segment():
    found = Identifiers()
    rid = (
        "/subscriptions/3b9e6d2a-41c7-4f85-a0d3-8e2c5f7b1a94/resourceGroups/fab-prod-ops/providers/"
        "Microsoft.RecoveryServices/vaults/fab-rsv/backupFabrics/Azure/protectionContainers/"
        "IaasVMContainer;iaasvmcontainer;fab-app;fab-app-01/protectedItems/VM;iaasvmcontainer;fab-app;fab-app-01"
    )
    found.add_id(rid)
    m = Masker(found.pseudonyms(KEY), KEY)
    masked = m.text(rid)
    for original in ("3b9e6d2a", "fab-prod-ops", "fab-rsv", "fab-app"):
        assert original not in masked
    assert "/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainer;cs-" in masked
    assert "/providers/Microsoft.RecoveryServices/vaults/rsv-" in masked


def test_stop_names_and_short_values_are_not_identifiers():
    m = masker(default="snet", Production="role", a="vm", **{"12": "vm"})
    assert m.text("default") == "default"
    assert m.text("Production") == "Production"
    assert m.text("n/a") == "n/a"
    assert m.text("12 VMs") == "12 VMs"


def test_emails_are_masked_everywhere():
    m = masker(web="vm")
    text = m.text("owner Ops.Lead@Fabrikam.example, web")
    assert re.fullmatch(r"owner user-[0-9a-f]{10}@masked\.invalid, vm-[0-9a-f]{10}", text)
    assert m.text("ops.lead@fabrikam.example") == m.text("OPS.LEAD@FABRIKAM.EXAMPLE")


def test_dict_keys_that_are_column_names_stay():
    found = Identifiers()
    found.add("state", "vm")
    m = Masker(found.pseudonyms(KEY), KEY, keep_keys=frozenset({"state"}))
    assert m.value({"state": "state"}) == {"state": m.text("state")}


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


def test_fields_added_to_the_result_later_are_masked_too(demo):
    """A field a later version adds (a delta, the waivers) is masked generically, not left out."""
    import dataclasses
    from collections.abc import Mapping
    from typing import Any

    @dataclasses.dataclass(frozen=True)
    class Extended(ScanResult):
        delta: Mapping[str, Any] = dataclasses.field(default_factory=dict)
        table: pd.DataFrame | None = None

    vm = demo.inventory.table("classic_vm").iloc[0]
    extended = Extended(
        **{f.name: getattr(demo, f.name) for f in dataclasses.fields(ScanResult)},
        delta={"resolved": [{"resource_id": vm["id"], "note": f"{vm['name']} is gone"}]},
        table=pd.DataFrame({"resource_name": [vm["name"]], "count": [1]}),
    )
    masked = mask_result(extended, KEY)
    assert isinstance(masked, Extended)
    name = masked.inventory.table("classic_vm").iloc[0]["name"]
    resolved = masked.delta["resolved"][0]
    assert resolved["resource_id"] == masked.inventory.table("classic_vm").iloc[0]["id"]
    assert resolved["note"] == f"{name} is gone"
    assert masked.table is not None
    assert masked.table["resource_name"].tolist() == [name]
    assert masked.table["count"].tolist() == [1]
