"""ARM details in the inventory and the rules that read them (VM-001..006, BK-002, MAN-001, CAP-001)."""

from __future__ import annotations

import copy
from typing import Any

from arg_rows import AS_OF, DATASETS, SUB, SUB2, classic_vm, cloud_service, full_cses, pack, row
from emulator import usage

from scanner.engine.evaluate import evaluate
from scanner.engine.rules import RulePack
from scanner.inventory import build_inventory
from scanner.inventory.arm_merge import merge_properties
from scanner.redact import redact
from scanner.snapshot import Snapshot, dataset_for_type
from scanner.sources.arm import ARM_DATASETS

SNAPSHOT_EXT = {
    "extension": "VMSnapshot",
    "publisher": "Microsoft.Azure.RecoveryServices",
    "version": "1.0",
    "status": "Ready",
}
BGINFO_EXT = {"extension": "BGInfo", "publisher": "Microsoft.Compute", "version": "2.1", "status": "Ready"}


def bare_vm(name: str, *, sub: str = SUB, cs: str = "cs1", size: str = "Standard_D2") -> dict[str, Any]:
    """A classic VM as ARG may return it: no agent status, no extensions."""
    vm = classic_vm(name, cs, sub=sub, hardwareProfile={"size": size})
    del vm["properties"]["extensions"]
    del vm["properties"]["instanceView"]["guestAgentStatus"]
    return vm


def arm_vm(vm: dict[str, Any], agent: str = "Ready", extensions: list[Any] | None = None) -> dict[str, Any]:
    """The ARM GET of the same VM (id in upper case: ARM and ARG ids differ in case)."""
    return {
        "id": vm["id"].upper(),
        "name": vm["name"],
        "type": "Microsoft.ClassicCompute/virtualMachines",
        "location": vm["location"],
        "properties": {
            "instanceView": {"guestAgentStatus": {"status": agent, "guestAgentVersion": "2.7.1"}},
            "extensions": copy.deepcopy(extensions or []),
        },
    }


def usage_rows(sub: str, region: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    base = f"/subscriptions/{sub}/providers/Microsoft.Compute/locations/{region}/usages"
    return [
        {
            "id": f"{base}/{i['name']['value']}",
            "type": "microsoft.compute/locations/usages",
            "subscriptionId": sub,
            "location": region,
            "name": i["name"]["value"],
            "currentValue": i["currentValue"],
            "limit": i["limit"],
        }
        for i in items
    ]


def provider_row(sub: str, state: str) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{sub}/providers/Microsoft.ClassicInfrastructureMigrate",
        "type": "microsoft.resources/providers",
        "subscriptionId": sub,
        "registrationState": state,
    }


def detailed(
    rows: list[dict[str, Any]],
    vms: list[dict[str, Any]] | None = None,
    providers: list[dict[str, Any]] | None = None,
    usages: list[dict[str, Any]] | None = None,
    *,
    arm: bool = True,
) -> Snapshot:
    by: dict[str, list[dict[str, Any]]] = {d: [] for d in DATASETS}
    for r in rows:
        by[dataset_for_type(r["type"])].append(r)
    collected = set(DATASETS)
    if arm:
        by.update(arm_classic_vms=vms or [], arm_providers=providers or [], arm_usages=usages or [])
        collected |= set(ARM_DATASETS)
    return Snapshot(rows=by, collected=frozenset(collected))


def statuses(rule_id: str, snap: Snapshot) -> dict[str, str]:
    full = pack()
    rule = full.get(rule_id)
    assert rule is not None
    result = evaluate(RulePack((rule,), full.calendar, full.version), build_inventory(snap), AS_OF, "public")
    assert not result.errors, result.errors
    return dict(zip(result.findings["resource_name"], result.findings["status"], strict=True))


def test_merge_prefers_arm_values_and_keeps_what_only_arg_has():
    arg = {"instanceView": {"status": "ReadyRole", "PowerState": "Started"}, "extensions": [{"a": 1}]}
    arm = {
        "instanceview": {"powerState": "Stopped", "guestAgentStatus": {"status": "Ready"}},
        "extensions": [],
    }
    merged = merge_properties(arg, arm)
    assert merged["instanceView"] == {
        "status": "ReadyRole",
        "PowerState": "Stopped",
        "guestAgentStatus": {"status": "Ready"},
    }
    assert merged["extensions"] == []


def test_vm_rules_read_agent_and_extensions_from_arm_when_arg_lacks_them():
    vm1, vm2 = bare_vm("vm1"), bare_vm("vm2")
    rows = [vm1, vm2, cloud_service("cs1")]
    without = detailed(rows, arm=False)
    assert statuses("VM-001", without) == {"vm1": "unknown", "vm2": "unknown"}
    assert statuses("VM-003", without) == {"vm1": "unknown", "vm2": "unknown"}

    snap = detailed(
        rows, [arm_vm(vm1, extensions=[SNAPSHOT_EXT]), arm_vm(vm2, agent="NotReady", extensions=[BGINFO_EXT])]
    )
    # VM-001 fails a running VM whose agent is not Ready only when it carries extensions
    assert statuses("VM-001", snap) == {"vm1": "pass", "vm2": "fail"}
    assert statuses("VM-002", snap) == {"vm1": "pass", "vm2": "pass"}
    assert statuses("VM-003", snap) == {"vm1": "fail", "vm2": "pass"}
    for rule_id in ("VM-004", "VM-005", "VM-006"):
        assert statuses(rule_id, snap) == {"vm1": "pass", "vm2": "pass"}, rule_id


def test_arm_rows_never_add_resources_arg_did_not_list():
    vm1 = bare_vm("vm1")
    ghost = arm_vm(bare_vm("ghost"), agent="NotReady")
    snap = detailed([vm1, cloud_service("cs1")], [arm_vm(vm1), ghost])
    inventory = build_inventory(snap)
    assert inventory.table("classic_vm")["name"].tolist() == ["vm1"]
    assert statuses("VM-001", snap) == {"vm1": "pass"}


def test_bk_002_reads_merged_vms():
    """A backup item of a VM ARG listed is `pass` whatever ARM says about its extensions."""
    vm1 = bare_vm("vm1")
    item = row(
        "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems",
        "VM;iaasvmcontainer;cs1;vm1",
        {
            "sourceResourceId": vm1["id"],
            "protectedItemType": "Microsoft.ClassicCompute/virtualMachines",
            "friendlyName": "vm1",
            "protectionState": "Protected",
        },
    )
    snap = detailed([vm1, cloud_service("cs1"), item], [arm_vm(vm1, extensions=[SNAPSHOT_EXT])])
    assert statuses("BK-002", snap) == {"VM;iaasvmcontainer;cs1;vm1": "pass"}


def test_man_001_from_registration_state_manual_without_arm_unknown_when_not_read():
    rows = [
        bare_vm("vm1"),
        cloud_service("cs1"),
        bare_vm("vm3", sub=SUB2, cs="cs2"),
        cloud_service("cs2", sub=SUB2),
    ]
    assert statuses("MAN-001", detailed(rows, arm=False)) == {SUB: "manual", SUB2: "manual"}
    # SUB2's read was denied or failed: no registration state, so its verdict cannot be established.
    one = detailed(rows, providers=[provider_row(SUB, "Registered")])
    assert statuses("MAN-001", one) == {SUB: "pass", SUB2: "unknown"}
    both = detailed(rows, providers=[provider_row(SUB, "Registered"), provider_row(SUB2, "NotRegistered")])
    assert statuses("MAN-001", both) == {SUB: "pass", SUB2: "fail"}


def test_cap_001_fail_pass_manual_unknown():
    rows = [bare_vm("a"), bare_vm("b"), cloud_service("cs1")]  # 2 x Standard_D2: 4 vCPUs, 2 NICs, 1 LB
    region = f"westeurope ({SUB})"
    roomy = [
        usage("standardDFamily", 10, 20),
        usage("cores", 10, 100),
        usage("NetworkInterfaces", 0, 1000),
        usage("PublicIPAddresses", 0, 100),
        usage("LoadBalancers", 0, 100),
    ]
    tight = [usage("standardDFamily", 18, 20), *roomy[1:]]
    missing = roomy[1:]
    assert statuses("CAP-001", detailed(rows, arm=False)) == {region: "manual"}
    assert statuses("CAP-001", detailed(rows, usages=usage_rows(SUB, "westeurope", roomy))) == {
        region: "pass"
    }
    assert statuses("CAP-001", detailed(rows, usages=usage_rows(SUB, "westeurope", tight))) == {
        region: "fail"
    }
    # The family's usage is not in the answer: the fit cannot be shown.
    assert statuses("CAP-001", detailed(rows, usages=usage_rows(SUB, "westeurope", missing))) == {
        region: "unknown"
    }
    # Usages were asked for but not read (denied or failed) for this region.
    assert statuses("CAP-001", detailed(rows, usages=[])) == {region: "unknown"}


def test_cap_001_quota_columns_show_usage_limit_headroom():
    rows = [bare_vm("a"), cloud_service("cs1")]
    items = [usage("standardDFamily", 18, 20), usage("cores", 0, 100), usage("NetworkInterfaces", 1, 10)]
    table = build_inventory(detailed(rows, usages=usage_rows(SUB, "westeurope", items))).table("region")
    quota = table["quota"].iloc[0]
    assert quota["standardDFamily"] == {"demand": 2, "usage": 18, "limit": 20, "headroom": 2}
    assert quota["NetworkInterfaces"]["headroom"] == 9
    assert table["quota_shortfalls"].isna().iloc[0]  # public IPs / load balancers not in the answer


def test_demo_keeps_classic_vm_agent_and_extensions_in_the_arm_dataset():
    from scanner.sources import DEMO_ESTATE
    from scanner.sources.files import FilesSource

    snap = FilesSource((DEMO_ESTATE,)).read()
    assert "arm_classic_vms" in snap.collected
    vms = [r for r in snap.rows["resources"] if r["type"] == "microsoft.classiccompute/virtualmachines"]
    assert vms and len(snap.rows["arm_classic_vms"]) == len(vms)
    for vm in vms:
        assert "extensions" not in vm["properties"]
        assert "guestAgentStatus" not in (vm["properties"].get("instanceView") or {})
    got = statuses("VM-003", snap)
    assert got["fab-sql-01"] == "fail" and got["fab-web-01"] == "pass"
    assert statuses("VM-001", snap)["fab-sql-02"] == "fail"


def test_cloud_service_es_columns_come_from_arm_when_arg_lacks_the_profiles():
    arm = redact(full_cses("web"))  # as sources/arm.py keeps it: the .cscfg reduced
    arm["id"] = arm["id"].upper()
    arg = copy.deepcopy(full_cses("web"))
    arg["properties"] = {"upgradeMode": "Manual"}
    ghost = redact(full_cses("not-in-arg"))
    bare = detailed([arg])
    snap = Snapshot(rows={**bare.rows, "arm_cloud_services": [arm, ghost]}, collected=bare.collected)
    table = build_inventory(snap).table("cloud_service_es")
    assert list(table["name"]) == ["web"]  # ARM adds no resource ARG did not list
    cs = table.iloc[0]
    assert (cs["os_family"], cs["certificate_count"], cs["role_names"]) == ("6", 2, ["WebRole1", "Worker"])
    assert cs["upgrade_mode"] == "Auto"  # ARM's value over ARG's
    assert statuses("CSES-004", snap) == {"web": "fail"}
    assert statuses("CSES-004", detailed([arg])) == {"web": "unknown"}
