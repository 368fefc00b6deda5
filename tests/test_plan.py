"""The migration plan: units, states, order, downtime, what Azure creates, quota, runbooks."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from arg_rows import SUB, classic_storage, classic_vm, classic_vnet, cloud_service, inventory, pack, row

from reports.json_report import plan_json
from scanner.engine.evaluate import evaluate
from scanner.model import Plan
from scanner.plan import build_plan
from scanner.scan import ScanOptions, run_scan


def plan_of(rows):
    inv = inventory(rows)
    findings = evaluate(pack(), inv, date(2026, 11, 26), "public").findings
    return plan_json(build_plan(inv, findings, pack().migration_roles))


def units(plan, kind=None):
    return {u["name"]: u for u in plan["units"] if kind in (None, u["kind"])}


def with_disk(vm, account):
    vm["properties"]["storageProfile"]["operatingSystemDisk"]["storageAccount"] = {"name": account}
    vm["properties"]["storageProfile"]["operatingSystemDisk"]["vhdUri"] = (
        f"https://{account}.blob.core.windows.net/vhds/{vm['name']}.vhd"
    )
    return vm


def test_vnet_without_vms_is_its_own_unit():
    plan = plan_of([classic_vnet("empty")])
    unit = units(plan)["empty"]
    assert (unit["kind"], unit["vm_count"], unit["state"]) == ("vnet", 0, "ready")
    assert unit["downtime"]["data_plane"].startswith("none")
    assert {c["name"] for c in unit["creates"] if c["name_documented"]} == {"empty-Migrated", "empty"}


def test_vms_outside_any_vnet_migrate_per_cloud_service_with_downtime():
    rows = [
        classic_vm("a1", "cs-a", None),
        classic_vm("a2", "cs-a", None),
        cloud_service("cs-a"),
        classic_storage("stor1"),
    ]
    plan = plan_of(rows)
    unit = units(plan, "cloud_service")["cs-a"]
    assert unit["vm_count"] == 2
    assert "restarted" in unit["downtime"]["data_plane"]
    assert unit["state"] == "needs-preparation"  # VM-011: reserve the VIP first
    # VM-011 (reserve the VIP) and MAN-010 (its load-balancer rules, which only prepare checks)
    assert {p["rule_id"] for p in unit["preparation"]} == {"VM-011", "MAN-010"}
    commands = " ".join(s["powershell"] for s in unit["runbook"]["steps"])
    assert "Move-AzureService -Validate -ServiceName 'cs-a'" in commands
    assert "-CreateNewVirtualNetwork" in commands
    assert any("Abort is possible only in the prepared state" in r for r in unit["runbook"]["rules"])


def test_storage_holding_disks_of_two_units_waits_for_both():
    rows = [
        with_disk(classic_vm("v1", "cs1", "net1"), "shared"),
        cloud_service("cs1"),
        classic_vnet("net1"),
        with_disk(classic_vm("v2", "cs2", None), "shared"),
        cloud_service("cs2"),
        classic_storage("shared"),
        classic_storage("lonely"),
    ]
    plan = plan_of(rows)
    by_name = units(plan)
    shared, lonely = by_name["shared"], by_name["lonely"]
    assert sorted(shared["depends_on"]) == sorted([by_name["net1"]["id"], by_name["cs2"]["id"]])
    assert shared["order"] > max(by_name["net1"]["order"], by_name["cs2"]["order"])
    assert lonely["depends_on"] == [] and lonely["wave"] == 1  # can go now, no downtime
    assert shared["wave"] == 3


def test_blocked_unit_lists_its_blockers_and_unknown_is_not_ready():
    # VM-001 needs an extension on a running VM (a deallocated one, or one without extensions, passes)
    bginfo = {"extension": "BGInfo", "publisher": "Microsoft.Compute", "version": "2.*", "status": "Ready"}
    bad = classic_vm("v1", "cs1", "net1", extensions=[bginfo])
    bad["properties"]["instanceView"]["guestAgentStatus"]["status"] = "NotReady"
    unsure = classic_vm("v2", "cs2", "net2", extensions=[bginfo])
    del unsure["properties"]["instanceView"]["guestAgentStatus"]
    rows = [
        bad,
        unsure,
        cloud_service("cs1"),
        cloud_service("cs2"),
        classic_vnet("net1"),
        classic_vnet("net2"),
        classic_storage("stor1"),
    ]
    plan = plan_of(rows)
    assert units(plan)["net1"]["state"] == "blocked"
    assert [b["rule_id"] for b in units(plan)["net1"]["blockers"]] == ["VM-001"]
    assert units(plan)["net2"]["state"] == "unknown"


def test_order_puts_non_production_first_by_tags():
    prod = classic_vnet("prodnet")
    prod["tags"] = {"Environment": "Production"}
    dev = classic_vnet("devnet")
    dev["tags"] = {"env": "dev"}
    plan = plan_of(
        [prod, dev, classic_vm("p1", "cs1", "prodnet"), cloud_service("cs1"), classic_storage("stor1")]
    )
    assert units(plan)["devnet"]["order"] < units(plan)["prodnet"]["order"]
    assert units(plan)["prodnet"]["environment"] == "production"


def test_downtime_follows_the_faq_anchors():
    few = plan_of(
        [classic_vnet("n")] + [classic_vm(f"v{i}", "cs", "n") for i in range(30)] + [cloud_service("cs")]
    )
    many = plan_of([classic_vnet("n")] + [classic_vm(f"v{i}", f"cs{i // 50}", "n") for i in range(300)])
    assert units(few)["n"]["downtime"]["lock_minutes"]["expected"] < 60  # a few tens of VMs: under an hour
    assert 120 <= units(many)["n"]["downtime"]["lock_minutes"]["expected"] <= 6 * 60  # hundreds: a few hours


def test_nothing_classic_left_says_so():
    plan = plan_of([row("Microsoft.Compute/virtualMachines", "armvm", {"storageProfile": {}})])
    assert plan["units"] == []
    assert plan["summary"]["message"] == "No classic resources remain: there is nothing to migrate."


def test_unattached_reserved_ip_and_unused_nsg_are_units():
    ip = row("Microsoft.ClassicNetwork/reservedIps", "ip1", {"ipAddress": "1.2.3.4", "inUse": False})
    nsg = row("Microsoft.ClassicNetwork/networkSecurityGroups", "nsg1", {"state": "Created"})
    plan = plan_of([ip, nsg])
    assert units(plan, "reserved_ip")["ip1"]["runbook"]["steps"][1]["powershell"].startswith(
        "Move-AzureReservedIP -Validate"
    )
    assert "nsg1" in units(plan, "nsg")


def test_demo_plan_has_quota_waves_and_a_unit_per_classic_network():
    result = run_scan(ScanOptions(demo=True, as_of=date(2026, 11, 26)))
    plan = plan_json(result.plan)
    assert plan["summary"]["units"] == len(plan["units"]) > 10
    assert plan["quota"] and all(q["cores_by_family"] for q in plan["quota"])
    assert [w["wave"] for w in plan["waves"]] == sorted(w["wave"] for w in plan["waves"])
    assert plan["waves"][0]["wave"] == 0  # ExpressRoute circuits first
    render = units(plan)["fabrendervnet"]
    assert render["vm_count"] == 405
    assert render["downtime"]["lock_minutes"]["expected"] > 120
    orders = [u["order"] for u in plan["units"]]
    assert orders == list(range(1, len(orders) + 1))
    assert SUB not in str(plan)  # the demo's own subscriptions, not the tests'


def typed_plan_of(rows):
    inv = inventory(rows)
    findings = evaluate(pack(), inv, date(2026, 11, 26), "public").findings
    return build_plan(inv, findings, pack().migration_roles)


def test_the_plan_is_typed_and_carries_one_runbook_per_kind_for_print():
    ip = row("Microsoft.ClassicNetwork/reservedIps", "ip1", {"ipAddress": "1.2.3.4", "inUse": False})
    plan = typed_plan_of([ip, classic_storage("stor1")])
    assert isinstance(plan, Plan)
    by_kind = {u.kind: u for u in plan.units}
    assert set(by_kind) == set(plan.runbooks) == {"reserved_ip", "storage"}
    template = {s.step: s.powershell for s in plan.runbooks["reserved_ip"].steps}
    own = {s.step: s.powershell for s in by_kind["reserved_ip"].runbook.steps}
    assert template["validate"] == "Move-AzureReservedIP -Validate -ReservedIPName '<name>'"
    assert own["validate"] == "Move-AzureReservedIP -Validate -ReservedIPName 'ip1'"
    assert by_kind["storage"].downtime.lock_minutes.expected == 15
    with pytest.raises(dataclasses.FrozenInstanceError):
        by_kind["storage"].state = "ready"  # type: ignore[misc]


def test_findings_json_keeps_disk_vms_for_storage_and_note_for_nsgs_only():
    nsg = row("Microsoft.ClassicNetwork/networkSecurityGroups", "nsg1", {"state": "Created"})
    ip = row("Microsoft.ClassicNetwork/reservedIps", "ip1", {"ipAddress": "1.2.3.4", "inUse": False})
    plan = typed_plan_of([nsg, ip, classic_storage("stor1")])
    written = {u["kind"]: u for u in plan_json(plan)["units"]}
    assert "disk_vms" in written["storage"] and "note" not in written["storage"]
    assert written["nsg"]["note"].startswith("No VM uses it") and "disk_vms" not in written["nsg"]
    assert not {"disk_vms", "note"} & set(written["reserved_ip"])
    assert list(written["storage"])[:8] == [
        "id", "kind", "name", "subscription_id", "location", "resources", "vm_count", "anchor_in_scan"
    ]  # fmt: skip
    assert "runbooks" not in plan_json(plan)
    assert plan_json(None) == {}
