"""--mask token replacement (scanner.masking_text): whole tokens only, case-insensitive, longest value
first, ids segment by segment, e-mail addresses in every form, dict keys that are column names kept."""

from __future__ import annotations

import re

from scanner.masking_names import Identifiers
from scanner.masking_text import Masker

KEY = bytes(range(32))


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
