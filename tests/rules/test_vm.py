"""VM-001..VM-014: readiness checks on each classic VM."""

from __future__ import annotations

import copy

import pytest
from arg_rows import SUB, classic_storage, classic_vm, classic_vnet, cloud_service, rid, verdicts
from rule_helpers import finding, verdicts_via_files

BGINFO_2 = {
    "extension": "BGInfo",
    "publisher": "Microsoft.Compute",
    "version": "2.*",
    "state": "Enable",
    "referenceName": "BGInfo",
}
VMSNAPSHOT = {
    "extension": "VMSnapshot",
    "publisher": "Microsoft.Azure.RecoveryServices",
    "version": "1.0",
    "state": "Enable",
    "referenceName": "VMSnapshot",
}


def vm_with(name, **changes):
    """classic_vm with nested edits: keys are dotted property paths; None deletes the key."""
    vm = classic_vm(name)
    for path, value in changes.items():
        *parents, last = path.split("__")
        obj = vm["properties"]
        for part in parents:
            obj = obj.setdefault(part, {})
        if value is None:
            obj.pop(last, None)
        else:
            obj[last] = copy.deepcopy(value)
    return vm


def without(name, *paths):
    return vm_with(name, **dict.fromkeys(paths))


# --- VM-001 guest agent ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent", "extensions", "state", "expected"),
    [
        ({"status": "NotReady", "guestAgentVersion": "2.7.41491.1010"}, [BGINFO_2], "ReadyRole", "fail"),
        ({"status": "Unresponsive", "guestAgentVersion": "2.7.41491.949"}, [BGINFO_2], "StoppedVM", "fail"),
        ({"status": "Ready", "guestAgentVersion": "2.7.41491.1010"}, [BGINFO_2], "ReadyRole", "pass"),
        ({"status": "ready"}, [BGINFO_2], "ReadyRole", "pass"),
        # the planning guide: without extensions the agent need not work
        ({"status": "NotReady"}, [], "ReadyRole", "pass"),
        ({"status": "NotReady"}, None, "ReadyRole", "pass"),  # explicit null: no extensions
        # ... and a stopped-deallocated VM's extensions need no work (every classic VM since 2023-09)
        ({"status": "NotReady"}, [BGINFO_2], "StoppedDeallocated", "pass"),
        ({"guestAgentVersion": "2.7.41491.1010"}, [], "StoppedDeallocated", "pass"),  # decided without agent
        ({"guestAgentVersion": "2.7.41491.1010"}, [BGINFO_2], "ReadyRole", "unknown"),  # status key absent
        ({"status": None}, [BGINFO_2], "ReadyRole", "unknown"),
    ],
)
def test_vm_001_agent_not_ready(agent, extensions, state, expected):
    vm = vm_with("vm1", instanceView__guestAgentStatus=agent, instanceView__status=state)
    vm["properties"]["extensions"] = extensions
    assert verdicts("VM-001", [vm]) == {"vm1": expected}


def test_vm_001_every_deallocated_vm_of_a_2026_estate_passes():
    vms = [
        vm_with(
            f"vm{i}",
            instanceView__guestAgentStatus={"status": "NotReady"},
            instanceView__status="StoppedDeallocated",
            extensions=[BGINFO_2, VMSNAPSHOT],
        )
        for i in range(3)
    ]
    assert set(verdicts("VM-001", vms).values()) == {"pass"}


def test_vm_001_unknown_without_guest_agent_status():
    vm = without("vm1", "instanceView__guestAgentStatus")
    vm["properties"]["extensions"] = [BGINFO_2]
    f = finding("VM-001", [vm], "vm1")
    assert f["status"] == "unknown"
    assert "agent_status" in f["message"]


def test_vm_001_unknown_when_extensions_are_not_in_the_data():
    vm = without("vm1", "extensions")
    vm["properties"]["instanceView"]["guestAgentStatus"]["status"] = "NotReady"
    assert verdicts("VM-001", [vm]) == {"vm1": "unknown"}


def test_vm_001_unknown_when_a_vm_with_extensions_has_no_state():
    vm = without("vm1", "instanceView__status")
    vm["properties"]["instanceView"]["guestAgentStatus"]["status"] = "NotReady"
    vm["properties"]["extensions"] = [BGINFO_2]
    assert verdicts("VM-001", [vm]) == {"vm1": "unknown"}


def test_vm_001_message_and_evidence_hold_the_deciding_values():
    vm = vm_with(
        "web01",
        instanceView__guestAgentStatus={"status": "NotReady", "guestAgentVersion": "2.6.1198.718"},
        extensions=[BGINFO_2],
    )
    f = finding("VM-001", [vm, cloud_service()], "web01")
    assert f["severity"] == "high"
    assert "web01" in f["message"] and "NotReady" in f["message"] and "2.6.1198.718" in f["message"]
    assert f["evidence"]["agent_status"] == "NotReady"
    assert f["evidence"]["agent_version"] == "2.6.1198.718"
    assert f["evidence"]["extension_names"] == ["BGInfo"]


# --- VM-002 extension handler status ---------------------------------------------------------------


def ext_vm(name, exts, status_list=None, agent="Ready"):
    vm = vm_with(name, extensions=exts)
    if status_list is not None:
        vm["properties"]["instanceView"]["resourceExtensionStatusList"] = status_list
    if agent is None:
        del vm["properties"]["instanceView"]["guestAgentStatus"]
    else:
        vm["properties"]["instanceView"]["guestAgentStatus"]["status"] = agent
    return vm


@pytest.mark.parametrize(
    ("exts", "status_list", "agent", "expected"),
    [
        # handler status reported in the ASM ResourceExtensionStatusList, matched by publisher.name
        ([BGINFO_2], [{"handlerName": "Microsoft.Compute.BGInfo", "status": "NotReady"}], "Ready", "fail"),
        ([BGINFO_2], [{"handlerName": "Microsoft.Compute.BGInfo", "status": "Ready"}], "Ready", "pass"),
        ([BGINFO_2], [{"handlerName": "Microsoft.Compute.BGInfo", "status": "Success"}], "Ready", "pass"),
        # status inline on the extension
        ([{**BGINFO_2, "status": "Unresponsive"}], None, "Ready", "fail"),
        ([{**BGINFO_2, "status": "Ready"}], None, "Ready", "pass"),
        # a status source exists but this extension reports nothing while the agent is Ready
        ([BGINFO_2], [], "Ready", "fail"),
        # ... while the agent is not Ready: VM-001's business, not VM-002's
        ([BGINFO_2], [], "NotReady", "pass"),
        # no extension at all
        ([], None, "Ready", "pass"),
        # extensions listed, no per-extension status anywhere
        ([BGINFO_2], None, "Ready", "unknown"),
        # silent extension, agent status unknown
        ([BGINFO_2], [], None, "unknown"),
    ],
)
def test_vm_002_extension_status(exts, status_list, agent, expected):
    vm = ext_vm("vm1", exts, status_list, agent)
    assert verdicts("VM-002", [vm]) == {"vm1": expected}


@pytest.mark.parametrize(
    ("state", "expected"),
    [("StoppedDeallocated", "pass"), ("ReadyRole", "fail"), ("StoppedVM", "fail"), (None, "unknown")],
)
def test_vm_002_stopped_deallocated_vms_need_no_extension_work(state, expected):
    vm = ext_vm("vm1", [BGINFO_2], [{"handlerName": "Microsoft.Compute.BGInfo", "status": "NotReady"}])
    if state is None:
        del vm["properties"]["instanceView"]["status"]
    else:
        vm["properties"]["instanceView"]["status"] = state
    assert verdicts("VM-002", [vm]) == {"vm1": expected}


def test_vm_002_unknown_without_extensions_key():
    assert verdicts("VM-002", [without("vm1", "extensions")]) == {"vm1": "unknown"}


def test_vm_002_message_names_the_bad_extension():
    vm = ext_vm(
        "vm1",
        [BGINFO_2, VMSNAPSHOT],
        [
            {"handlerName": "Microsoft.Compute.BGInfo", "status": "Ready"},
            {"handlerName": "Microsoft.Azure.RecoveryServices.VMSnapshot", "status": "NotReady"},
        ],
    )
    f = finding("VM-002", [vm], "vm1")
    assert f["status"] == "fail"
    assert "VMSnapshot: NotReady" in f["message"]
    assert f["evidence"]["extension_bad_statuses"] == ["VMSnapshot: NotReady"]


# --- VM-003..VM-006 installed extensions -------------------------------------------------------


def ext(extension, publisher, version="1.*"):
    return {
        "extension": extension,
        "publisher": publisher,
        "version": version,
        "state": "Enable",
        "referenceName": extension,
    }


@pytest.mark.parametrize(
    ("rule_id", "extensions", "expected"),
    [
        ("VM-003", [ext("VMSnapshot", "Microsoft.Azure.RecoveryServices")], "fail"),
        ("VM-003", [ext("VMSnapshotLinux", "Microsoft.Azure.RecoveryServices")], "fail"),
        ("VM-003", [BGINFO_2, ext("vmsnapshot", "microsoft.azure.recoveryservices")], "fail"),
        ("VM-003", [BGINFO_2], "pass"),
        ("VM-003", [], "pass"),
        ("VM-004", [ext("BGInfo", "Microsoft.Compute", "1.*")], "fail"),
        ("VM-004", [ext("BGInfo", "Microsoft.Compute", "1.1")], "fail"),
        (
            "VM-004",
            [ext("VSRemoteDebugger", "Microsoft.VisualStudio.WindowsAzure.RemoteDebug", "1.*")],
            "fail",
        ),
        ("VM-004", [ext("WebDeployForVSDevTest", "Microsoft.VisualStudio.WindowsAzure.DevTest")], "fail"),
        ("VM-004", [BGINFO_2], "pass"),
        ("VM-004", [ext("BGInfo", "Microsoft.Compute", "2.1")], "pass"),
        ("VM-004", [ext("IaaSAntimalware", "Microsoft.Azure.Security")], "pass"),
        ("VM-005", [ext("AzureSecurityWindowsAgent", "Microsoft.Azure.Security.Monitoring")], "fail"),
        ("VM-005", [ext("AzureSecurityLinuxAgent", "Microsoft.Azure.Security.Monitoring", "2.*")], "fail"),
        ("VM-005", [ext("WindowsAgent.AzureSecurityCenter", "Qualys")], "fail"),
        ("VM-005", [ext("IaaSAntimalware", "Microsoft.Azure.Security")], "pass"),
        ("VM-005", [BGINFO_2], "pass"),
        ("VM-006", [ext("Windows", "Microsoft.Azure.RecoveryServices.SiteRecovery")], "fail"),
        ("VM-006", [ext("LinuxRHEL7", "Microsoft.Azure.RecoveryServices.SiteRecovery2")], "fail"),
        ("VM-006", [ext("VMSnapshot", "Microsoft.Azure.RecoveryServices")], "pass"),
        ("VM-006", [], "pass"),
    ],
)
def test_vm_003_to_006_installed_extensions(rule_id, extensions, expected):
    assert verdicts(rule_id, [vm_with("vm1", extensions=extensions)]) == {"vm1": expected}


@pytest.mark.parametrize("rule_id", ["VM-003", "VM-004", "VM-005", "VM-006"])
def test_vm_003_to_006_unknown_without_extensions_key(rule_id):
    assert verdicts(rule_id, [without("vm1", "extensions")]) == {"vm1": "unknown"}


@pytest.mark.parametrize("rule_id", ["VM-003", "VM-004", "VM-005", "VM-006"])
def test_vm_003_to_006_extensions_null_means_none(rule_id):
    # an explicit null is "no extensions", unlike an absent key
    vm = classic_vm("vm1")
    vm["properties"]["extensions"] = None
    assert verdicts(rule_id, [vm]) == {"vm1": "pass"}


def test_vm_003_message_and_evidence():
    f = finding("VM-003", [vm_with("db01", extensions=[BGINFO_2, VMSNAPSHOT])], "db01")
    assert f["severity"] == "high"
    assert "db01" in f["message"] and "Microsoft.Azure.RecoveryServices.VMSnapshot" in f["message"]
    assert "Microsoft.Azure.RecoveryServices.VMSnapshot" in f["evidence"]["extension_ids"]
    assert f["evidence"]["extension_names"] == ["BGInfo", "VMSnapshot"]


def test_vm_004_message_names_the_extension_version():
    f = finding("VM-004", [vm_with("vm1", extensions=[ext("BGInfo", "Microsoft.Compute", "1.1")])], "vm1")
    assert "BGInfo 1.1" in f["message"]
    assert f["evidence"]["extension_versions"] == ["1.1"]


def test_vm_005_and_006_severity_is_medium():
    vm = vm_with(
        "vm1",
        extensions=[
            ext("AzureSecurityWindowsAgent", "Microsoft.Azure.Security.Monitoring"),
            ext("Windows", "Microsoft.Azure.RecoveryServices.SiteRecovery"),
        ],
    )
    assert finding("VM-005", [vm], "vm1")["severity"] == "medium"
    assert finding("VM-006", [vm], "vm1")["severity"] == "medium"


# --- VM-007 boot diagnostics on Premium storage ------------------------------------------------


def boot_vm(name, enabled, account="prem1"):
    return vm_with(
        name,
        debugProfile={
            "bootDiagnosticsEnabled": enabled,
            "serialOutputBlobUri": f"https://{account}.blob.core.windows.net/bootdiagnostics/{name}.log",
        },
    )


@pytest.mark.parametrize(
    ("enabled", "account", "account_type", "expected"),
    [
        (True, "prem1", "Premium-LRS", "fail"),
        (True, "prem1", "Premium_LRS", "fail"),
        ("true", "PREM1", "Premium-LRS", "fail"),  # text boolean, upper-case host
        (True, "stor1", "Standard-LRS", "pass"),
        (True, "stor1", "Standard_GRS", "pass"),
        (False, "prem1", "Premium-LRS", "pass"),
        ("false", "prem1", "Premium-LRS", "pass"),
    ],
)
def test_vm_007_boot_diagnostics_on_premium(enabled, account, account_type, expected):
    rows = [boot_vm("vm1", enabled, account), classic_storage(account.lower(), account_type)]
    assert verdicts("VM-007", rows) == {"vm1": expected}


def test_vm_007_unknown_when_account_not_in_scan():
    assert verdicts("VM-007", [boot_vm("vm1", True, "elsewhere"), classic_storage("stor1")]) == {
        "vm1": "unknown"
    }


def test_vm_007_off_is_pass_even_when_account_not_in_scan():
    assert verdicts("VM-007", [boot_vm("vm1", False, "elsewhere")]) == {"vm1": "pass"}


def test_vm_007_message_and_evidence():
    rows = [boot_vm("vm1", True, "prem1"), classic_storage("prem1", "Premium-LRS")]
    f = finding("VM-007", rows, "vm1")
    assert "prem1" in f["message"] and "Premium_LRS" in f["message"]
    assert f["evidence"]["boot_diagnostics"] is True
    assert f["evidence"]["boot_diagnostics_account"] == "prem1"
    assert f["evidence"]["boot_diagnostics_account_type"] == "Premium_LRS"


# --- VM-008 state -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("RoleStateUnknown", "fail"),
        ("ProvisioningTimeout", "fail"),
        ("CyclingRole", "fail"),
        ("ReadyRole", "pass"),
        ("StoppedVM", "pass"),
        ("Stopped", "pass"),
        ("StoppedDeallocated", "pass"),
        ("stoppeddeallocated", "pass"),
    ],
)
def test_vm_008_state_not_accepted(state, expected):
    assert verdicts("VM-008", [vm_with("vm1", instanceView__status=state)]) == {"vm1": expected}


def test_vm_008_unknown_without_instance_view_status():
    assert verdicts("VM-008", [without("vm1", "instanceView__status")]) == {"vm1": "unknown"}
    assert verdicts("VM-008", [without("vm2", "instanceView")]) == {"vm2": "unknown"}


def test_vm_008_message_names_the_state():
    f = finding("VM-008", [vm_with("vm1", instanceView__status="RoleStateUnknown")], "vm1")
    assert "RoleStateUnknown" in f["message"] and f["evidence"]["state"] == "RoleStateUnknown"


# --- VM-009 / VM-010 / VM-011 network placement -------------------------------------------------


def subnets_vm(name, subnets):
    vm = classic_vm(name)
    vnet = vm["properties"]["networkProfile"]["virtualNetwork"]
    if subnets is None:
        del vnet["subnetNames"]
    else:
        vnet["subnetNames"] = subnets
    return vm


@pytest.mark.parametrize(
    ("subnets", "expected"),
    [(["Subnet-1", "Subnet-2"], "fail"), (["Subnet-1"], "pass"), ([], "pass")],
)
def test_vm_009_more_than_one_subnet(subnets, expected):
    assert verdicts("VM-009", [subnets_vm("vm1", subnets), classic_vnet()]) == {"vm1": expected}


def nic(name, *subnets):
    """A secondary NIC as ASM describes it: IP configurations that name their subnet."""
    return {"name": name, "ipConfigurations": [{"subnetName": s, "address": "10.0.1.9"} for s in subnets]}


@pytest.mark.parametrize(
    ("nics", "expected"),
    [
        ([nic("nic2", "BackEnd")], "fail"),  # the documented case: a secondary NIC in another subnet
        ([{"name": "nic2", "subnetName": "BackEnd"}], "fail"),
        ([nic("nic2", "Subnet-1")], "pass"),
        ([nic("nic2", "subnet-1")], "pass"),  # subnet names ignore case
        ([nic("nic2")], "unknown"),  # the NIC's subnet is not in the data
        ([{"name": "nic2"}], "unknown"),
    ],
)
def test_vm_009_secondary_nic_in_another_subnet(nics, expected):
    vm = classic_vm("vm1")
    vm["properties"]["networkProfile"]["virtualNetwork"]["networkInterfaces"] = nics
    assert verdicts("VM-009", [vm, classic_vnet()]) == {"vm1": expected}


def test_vm_009_subnet_list_decides_even_when_a_nic_subnet_is_unknown():
    vm = subnets_vm("vm1", ["FrontEnd", "BackEnd"])
    vm["properties"]["networkProfile"]["virtualNetwork"]["networkInterfaces"] = [{"name": "nic2"}]
    assert verdicts("VM-009", [vm, classic_vnet()]) == {"vm1": "fail"}


def test_vm_009_message_lists_the_subnets():
    f = finding("VM-009", [subnets_vm("vm1", ["FrontEnd", "BackEnd"]), classic_vnet()], "vm1")
    assert "FrontEnd, BackEnd" in f["message"] and "vnet1" in f["message"]
    assert f["evidence"]["subnet_names"] == ["FrontEnd", "BackEnd"]


@pytest.mark.parametrize(
    ("vm", "expected"),
    [
        (subnets_vm("vm1", []), "fail"),
        (subnets_vm("vm1", None), "fail"),  # subnetNames absent inside a present virtualNetwork
        (subnets_vm("vm1", ["Subnet-1"]), "pass"),
        (classic_vm("vm1", vnet=None), "pass"),
    ],
)
def test_vm_010_vnet_without_subnet(vm, expected):
    assert verdicts("VM-010", [vm, classic_vnet()]) == {"vm1": expected}


@pytest.mark.parametrize(
    ("vm", "expected"),
    [
        (classic_vm("vm1", vnet=None), "fail"),
        (without("vm1", "networkProfile"), "fail"),  # AOE reads an absent network profile as no VNet
        (classic_vm("vm1"), "pass"),
    ],
)
def test_vm_011_not_in_vnet(vm, expected):
    assert verdicts("VM-011", [vm, classic_vnet()]) == {"vm1": expected}


def test_vm_011_vnet_referenced_by_name_only_is_in_a_vnet():
    vm = classic_vm("vm1")
    vm["properties"]["networkProfile"]["virtualNetwork"] = {"name": "VNET1", "subnetNames": ["Subnet-1"]}
    assert verdicts("VM-011", [vm, classic_vnet("vnet1")]) == {"vm1": "pass"}


def test_vm_011_message_names_the_cloud_service():
    f = finding("VM-011", [classic_vm("vm1", cs="legacy", vnet=None), cloud_service("legacy")], "vm1")
    assert f["severity"] == "medium"
    assert "vm1" in f["message"] and "legacy" in f["message"]


# --- VM-012 / VM-013 disks ----------------------------------------------------------------------


def disk_vm(name, os_uri, data=(), *, os_account=None):
    vm = classic_vm(name)
    os_disk = vm["properties"]["storageProfile"]["operatingSystemDisk"]
    if os_uri is None:
        del os_disk["vhdUri"]
    else:
        os_disk["vhdUri"] = os_uri
    if os_account is None:
        del os_disk["storageAccount"]
    else:
        os_disk["storageAccount"] = os_account
    vm["properties"]["storageProfile"]["dataDisks"] = list(data)
    return vm


OS_OK = "https://stor1.blob.core.windows.net/vhds/vm1-os.vhd"
OS_SLASH = "https://stor1.blob.core.windows.net/vhds/2015/vm1-os.vhd"


@pytest.mark.parametrize(
    ("vm", "expected"),
    [
        (disk_vm("vm1", OS_SLASH), "fail"),
        (
            disk_vm(
                "vm1",
                OS_OK,
                [
                    {
                        "lun": 0,
                        "diskName": "d0",
                        "vhdUri": "https://stor1.blob.core.windows.net/data/sql/d0.vhd",
                    }
                ],
            ),
            "fail",
        ),
        (disk_vm("vm1", OS_SLASH, [{"lun": 0, "diskName": "d0"}]), "fail"),  # known '/' decides
        (disk_vm("vm1", OS_OK), "pass"),
        (
            disk_vm("vm1", OS_OK, [{"lun": 0, "vhdUri": "https://stor1.blob.core.windows.net/vhds/d0.vhd"}]),
            "pass",
        ),
        (disk_vm("vm1", None), "unknown"),  # OS disk without vhdUri
        (disk_vm("vm1", OS_OK, [{"lun": 0, "diskName": "d0"}]), "unknown"),  # data disk without vhdUri
        (without("vm1", "storageProfile"), "unknown"),
    ],
)
def test_vm_012_blob_name_with_slash(vm, expected):
    assert verdicts("VM-012", [vm, classic_storage("stor1")]) == {"vm1": expected}


def test_vm_012_message_names_the_blob():
    f = finding("VM-012", [disk_vm("vm1", OS_SLASH), classic_storage("stor1")], "vm1")
    assert "2015/vm1-os.vhd" in f["message"]
    assert f["evidence"]["disk_blob_names"] == ["2015/vm1-os.vhd"]


@pytest.mark.parametrize(
    ("vm", "expected"),
    [
        # data disk in an account that is not in the scan
        (
            disk_vm(
                "vm1",
                OS_OK,
                [{"lun": 0, "vhdUri": "https://stor2.blob.core.windows.net/vhds/d0.vhd"}],
                os_account={"name": "stor1"},
            ),
            "fail",
        ),
        # account only in the URI, upper-case host
        (disk_vm("vm1", "https://STOR1.blob.core.windows.net/vhds/vm1-os.vhd"), "pass"),
        # account by id, with another resource group and other casing than the account's row
        (
            disk_vm(
                "vm1",
                OS_OK,
                os_account={
                    "id": f"/subscriptions/{SUB.upper()}/resourceGroups/Default-Storage-WestEurope"
                    "/providers/Microsoft.ClassicStorage/storageAccounts/STOR1",
                    "type": "Microsoft.ClassicStorage/storageAccounts",
                },
            ),
            "pass",
        ),
        (disk_vm("vm1", OS_OK, os_account={"name": "Stor1"}), "pass"),
        (without("vm1", "storageProfile"), "unknown"),
        # a data disk that names neither an account nor a URI; the known one is scanned
        (disk_vm("vm1", OS_OK, [{"lun": 0, "diskName": "d0"}], os_account={"name": "stor1"}), "unknown"),
    ],
)
def test_vm_013_disk_account_not_scanned(vm, expected):
    assert verdicts("VM-013", [vm, classic_storage("stor1")]) == {"vm1": expected}


def test_vm_013_message_names_the_missing_account():
    vm = disk_vm(
        "vm1",
        OS_OK,
        [{"lun": 0, "vhdUri": "https://gone01.blob.core.windows.net/vhds/d0.vhd"}],
        os_account={"name": "stor1"},
    )
    f = finding("VM-013", [vm, classic_storage("stor1")], "vm1")
    assert f["severity"] == "medium"
    assert "gone01" in f["message"]
    assert f["evidence"]["disk_accounts_missing"] == ["gone01"]
    assert f["evidence"]["disk_accounts"] == ["stor1", "gone01"]


# --- VM-014 deallocated static-IP conflicts -----------------------------------------------------


def dealloc_vm(name, ip, state="StoppedDeallocated", *, vnet_id=None, cs=None):
    vm = classic_vm(name, cs=cs or f"cs-{name}", instanceView={"status": state})
    vnet = vm["properties"]["networkProfile"]["virtualNetwork"]
    vnet["staticIpAddress"] = ip
    if vnet_id:
        vnet["id"] = vnet_id
    return vm


def test_vm_014_deallocated_vms_sharing_a_static_ip():
    rows = [
        dealloc_vm("a", "10.0.0.10"),
        dealloc_vm("b", "10.0.0.10"),
        dealloc_vm("c", "10.0.0.11"),
        dealloc_vm("d", "10.0.0.10", state="ReadyRole"),
        classic_vnet("vnet1"),
    ]
    assert verdicts("VM-014", rows) == {"a": "fail", "b": "fail", "c": "pass", "d": "pass"}


def test_vm_014_vnet_ids_differing_in_case_and_group_still_conflict():
    other_id = rid("Microsoft.ClassicNetwork/virtualNetworks", "VNET1", "Default-Networking", SUB.upper())
    rows = [
        dealloc_vm("a", "10.0.0.10"),
        dealloc_vm("b", "10.0.0.10", vnet_id=other_id),
        classic_vnet("vnet1"),
    ]
    assert verdicts("VM-014", rows) == {"a": "fail", "b": "fail"}
    # without the VNet's row, ids that differ only in case still match
    lower = rid("Microsoft.ClassicNetwork/virtualNetworks", "vnet1", "net").lower()
    rows = [dealloc_vm("a", "10.0.0.10"), dealloc_vm("b", "10.0.0.10", vnet_id=lower)]
    assert verdicts("VM-014", rows) == {"a": "fail", "b": "fail"}


def test_vm_014_same_ip_in_different_vnets_is_no_conflict():
    other = rid("Microsoft.ClassicNetwork/virtualNetworks", "vnet2", "net")
    rows = [
        dealloc_vm("a", "10.0.0.10"),
        dealloc_vm("b", "10.0.0.10", vnet_id=other),
        classic_vnet("vnet1"),
        classic_vnet("vnet2"),
    ]
    assert verdicts("VM-014", rows) == {"a": "pass", "b": "pass"}


def test_vm_014_message_names_the_other_vm_and_ip():
    rows = [dealloc_vm("a", "10.0.0.10"), dealloc_vm("b", "10.0.0.10"), classic_vnet("vnet1")]
    f = finding("VM-014", rows, "a")
    assert "10.0.0.10" in f["message"] and "b" in f["evidence"]["deallocated_ip_conflicts"]
    assert f["evidence"]["static_ip"] == "10.0.0.10"
    assert f["evidence"]["state"] == "StoppedDeallocated"


# --- the real input path ------------------------------------------------------------------------


def test_vm_rules_on_rows_loaded_from_an_export(tmp_path):
    """Mixed-case type strings and an empty resourceGroup, read through the files source."""
    bad = vm_with("bad", instanceView__guestAgentStatus={"status": "NotReady"}, extensions=[VMSNAPSHOT])
    bad["type"] = "Microsoft.ClassicCompute/virtualMachines"
    bad["resourceGroup"] = ""
    bad["id"] = f"/subscriptions/{SUB}/resourceGroups/providers/Microsoft.ClassicCompute/virtualMachines/bad"
    good = classic_vm("good")
    good["type"] = "microsoft.classicCompute/VirtualMachines"
    store = classic_storage("stor1")
    store["type"] = "Microsoft.ClassicStorage/StorageAccounts"
    rows = [bad, good, store]
    assert verdicts_via_files("VM-001", rows, tmp_path) == {"bad": "fail", "good": "pass"}
    assert verdicts_via_files("VM-003", rows, tmp_path) == {"bad": "fail", "good": "pass"}
    assert verdicts_via_files("VM-013", rows, tmp_path) == {"bad": "pass", "good": "pass"}
