"""RET-001..RET-012: one fail per existing resource of a retired kind; severity from the calendar.
RET-013..RET-019 are in test_ret_next.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from arg_rows import (
    AS_OF,
    SUB,
    classic_storage,
    classic_vm,
    classic_vnet,
    cloud_service,
    pack,
    rid,
    row,
    verdicts,
    vnet_gateway,
)
from rule_helpers import classic_admin, finding, verdicts_via_files

RET_DATES = {
    "RET-001": date(2023, 9, 1),
    "RET-002": date(2024, 8, 31),
    "RET-003": date(2024, 8, 31),
    "RET-004": date(2024, 8, 31),
    "RET-005": date(2024, 8, 31),
    "RET-006": date(2024, 8, 31),
    "RET-007": date(2024, 8, 31),
    "RET-008": date(2027, 3, 31),
    "RET-009": date(2026, 3, 31),
    "RET-010": date(2025, 9, 30),
    "RET-011": date(2025, 9, 30),
    "RET-012": date(2021, 5, 31),
}


def reserved_ip(name="rip1", props=None):
    body = {
        "ipAddress": "52.174.10.20",
        "status": "Created",
        "provisioningState": "Succeeded",
        "inUse": False,
    }
    return row("Microsoft.ClassicNetwork/reservedIps", name, body if props is None else props, rg="net")


def classic_nsg(name="nsg1"):
    return row(
        "Microsoft.ClassicNetwork/networkSecurityGroups",
        name,
        {"networkSecurityGroupId": "0f5c1d4e-1b2a-4c3d-9e8f-7a6b5c4d3e2f", "state": "Created"},
        rg="net",
    )


def cloud_service_es(name="cses1"):
    return row(
        "Microsoft.Compute/cloudServices",
        name,
        {"provisioningState": "Succeeded", "uniqueId": "3c1d2e4f-aaaa-4bbb-8ccc-1234567890ab"},
        rg="web-Migrated",
    )


def arm_vm(name="armvm1", storage_profile=None, *, drop_profile=False):
    profile = storage_profile or {
        "osDisk": {
            "osType": "Windows",
            "name": f"{name}-os",
            "createOption": "Attach",
            "caching": "ReadWrite",
            "vhd": {"uri": f"https://stor1.blob.core.windows.net/vhds/{name}-os.vhd"},
        },
        "dataDisks": [],
    }
    props = {"vmId": "a1b2", "hardwareProfile": {"vmSize": "Standard_D2"}, "storageProfile": profile}
    if drop_profile:
        del props["storageProfile"]
    return row("Microsoft.Compute/virtualMachines", name, props, rg="app-Migrated")


MANAGED_PROFILE = {
    "osDisk": {
        "osType": "Linux",
        "name": "m-os",
        "createOption": "FromImage",
        "managedDisk": {
            "id": rid("Microsoft.Compute/disks", "m-os", "app"),
            "storageAccountType": "Premium_LRS",
        },
    },
    "dataDisks": [
        {
            "lun": 0,
            "name": "m-data0",
            "createOption": "Empty",
            "managedDisk": {"id": rid("Microsoft.Compute/disks", "m-data0", "app")},
        }
    ],
}


def public_ip(name="pip1", sku=None, *, allocation="Static", attached=None):
    """A public IP; `attached` is the id of the IP configuration using it (None: unattached)."""
    props = {
        "publicIPAllocationMethod": allocation,
        "ipAddress": "20.1.2.3",
        "publicIPAddressVersion": "IPv4",
    }
    if attached is not None:
        props["ipConfiguration"] = {"id": attached}
    return row("Microsoft.Network/publicIPAddresses", name, props, rg="cs1-Migrated", sku=sku)


def load_balancer(name="lb1", sku=None, frontends=None):
    return row(
        "Microsoft.Network/loadBalancers",
        name,
        {"frontendIPConfigurations": frontends or [], "backendAddressPools": []},
        rg="cs1-Migrated",
        sku=sku,
    )


def alert_rule(name="alert1", target=None, enabled=True):
    source: dict = {"odata.type": "Microsoft.Azure.Management.Insights.Models.RuleMetricDataSource"}
    if target is not None:
        source["resourceUri"] = target
    source["metricName"] = "Percentage CPU"
    return row(
        "Microsoft.Insights/alertRules",
        name,
        {
            "name": name,
            "isEnabled": enabled,
            "condition": {
                "odata.type": "Microsoft.Azure.Management.Insights.Models.ThresholdRuleCondition",
                "dataSource": source,
                "operator": "GreaterThan",
                "threshold": 80,
                "windowSize": "PT5M",
            },
            "actions": [],
        },
        rg="monitoring",
        location="global",
    )


def one_of_each():
    """rule id -> (rows, name of the resource that must fail)."""
    vm = classic_vm("vm1")
    return {
        "RET-001": ([vm], "vm1"),
        "RET-002": ([cloud_service("cs1"), vm], "cs1"),
        "RET-003": ([classic_storage("stor1")], "stor1"),
        "RET-004": ([classic_vnet("vnet1")], "vnet1"),
        "RET-005": ([reserved_ip("rip1")], "rip1"),
        "RET-006": ([classic_nsg("nsg1")], "nsg1"),
        "RET-007": (
            [
                classic_admin(
                    "00037FFE5B1D9A40",
                    {"adminState": "Enabled", "emailAddress": "ops@example.com", "role": "CoAdministrator"},
                )
            ],
            "00037FFE5B1D9A40",
        ),
        "RET-008": ([cloud_service_es("cses1")], "cses1"),
        "RET-009": ([arm_vm("armvm1")], "armvm1"),
        "RET-010": ([public_ip("pip1", {"name": "Basic", "tier": "Regional"})], "pip1"),
        "RET-011": ([load_balancer("lb1", {"name": "Basic", "tier": "Regional"})], "lb1"),
        "RET-012": ([alert_rule("alert1", vm["id"])], "alert1"),
    }


def expected_severity(retire: date, as_of: date) -> str:
    days = (retire - as_of).days
    if days <= 0:
        return "critical"
    if days <= 180:
        return "high"
    if days <= 365:
        return "medium"
    return "low"


@pytest.mark.parametrize("rule_id", sorted(RET_DATES))
def test_ret_each_rule_fails_its_resource_with_calendar_severity(rule_id):
    rows, name = one_of_each()[rule_id]
    f = finding(rule_id, rows, name)
    assert f["status"] == "fail"
    assert f["severity"] == expected_severity(RET_DATES[rule_id], AS_OF)
    retire = RET_DATES[rule_id]
    assert f["evidence"]["retirement_date"] == retire.isoformat()
    assert f["evidence"]["days_from_as_of"] == (retire - AS_OF).days
    assert retire.isoformat() in f["message"]
    assert name in f["message"] or rule_id == "RET-007"  # RET-007 names the admin by e-mail


@pytest.mark.parametrize(
    ("rule_id", "as_of", "severity"),
    [
        ("RET-001", date(2023, 9, 2), "critical"),
        ("RET-001", date(2023, 9, 1), "critical"),  # on the date
        ("RET-001", date(2023, 8, 1), "high"),
        ("RET-003", date(2024, 8, 31) - timedelta(days=180), "high"),
        ("RET-003", date(2024, 8, 31) - timedelta(days=181), "medium"),
        ("RET-003", date(2024, 8, 31) - timedelta(days=365), "medium"),
        ("RET-003", date(2024, 8, 31) - timedelta(days=366), "low"),
        ("RET-008", AS_OF, "high"),  # 2027-03-31 is 125 days after 2026-11-26
        ("RET-008", date(2026, 6, 1), "medium"),
        ("RET-008", date(2025, 1, 1), "low"),
        ("RET-008", date(2027, 4, 1), "critical"),
        ("RET-009", date(2025, 12, 1), "high"),
        ("RET-010", date(2025, 1, 1), "medium"),
        ("RET-011", date(2024, 1, 1), "low"),
    ],
)
def test_ret_severity_follows_the_calendar_relative_to_as_of(rule_id, as_of, severity):
    rows, name = one_of_each()[rule_id]
    f = finding(rule_id, rows, name, as_of=as_of)
    assert (f["status"], f["severity"]) == ("fail", severity)


def test_ret_message_states_days_overdue_or_remaining():
    rows, _ = one_of_each()["RET-003"]
    overdue = finding("RET-003", rows, "stor1")
    days = (AS_OF - date(2024, 8, 31)).days
    assert f"{days} days ago" in overdue["message"]
    assert "Standard_LRS" in overdue["message"]  # "Standard-LRS" in the row, normalised
    assert overdue["evidence"]["account_type"] == "Standard_LRS"
    ahead = finding("RET-003", rows, "stor1", as_of=date(2024, 8, 1))
    assert "in 30 days" in ahead["message"]
    assert ahead["evidence"]["days_from_as_of"] == 30


def test_ret_001_classic_vm_message_names_cloud_service_and_state():
    vm = classic_vm("web01", cs="shop", instanceView={"status": "StoppedDeallocated"})
    f = finding("RET-001", [vm, cloud_service("shop")], "web01")
    assert f["status"] == "fail"
    assert "shop" in f["message"] and "StoppedDeallocated" in f["message"]
    assert f["evidence"]["cloud_service_name"] == "shop"
    assert f["evidence"]["state"] == "StoppedDeallocated"


def test_ret_001_every_classic_vm_fails_even_without_properties():
    bare = classic_vm("bare")
    bare["properties"] = {}
    assert verdicts("RET-001", [classic_vm("vm1"), bare]) == {"vm1": "fail", "bare": "fail"}


def test_ret_001_type_casing_and_empty_resource_group_via_files(tmp_path):
    vm = classic_vm("vm1")
    vm["type"] = "Microsoft.ClassicCompute/virtualMachines"
    vm["resourceGroup"] = ""
    vm["id"] = f"/subscriptions/{SUB}/resourceGroups//providers/Microsoft.ClassicCompute/virtualMachines/vm1"
    other = classic_vm("vm2")
    other["type"] = "MICROSOFT.CLASSICCOMPUTE/VIRTUALMACHINES"
    assert verdicts_via_files("RET-001", [vm, other], tmp_path) == {"vm1": "fail", "vm2": "fail"}


def test_ret_002_cloud_service_without_vms_still_fails():
    f = finding("RET-002", [cloud_service("empty")], "empty")
    assert f["status"] == "fail"
    assert f["evidence"]["vm_count"] == 0


def test_ret_002_to_006_every_classic_kind_fails(tmp_path):
    rows = [
        cloud_service("cs1"),
        classic_storage("stor1", "Standard_RAGRS"),
        classic_vnet("vnet1"),
        reserved_ip("rip1"),
        classic_nsg("nsg1"),
    ]
    for r in rows:
        r["type"] = r["type"].replace("microsoft.classic", "Microsoft.Classic")
    got = {
        rule: verdicts_via_files(rule, rows, tmp_path)
        for rule in ("RET-002", "RET-003", "RET-004", "RET-005", "RET-006")
    }
    assert got == {
        "RET-002": {"cs1": "fail"},
        "RET-003": {"stor1": "fail"},
        "RET-004": {"vnet1": "fail"},
        "RET-005": {"rip1": "fail"},
        "RET-006": {"nsg1": "fail"},
    }


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"adminState": "Enabled", "role": "CoAdministrator"}, "fail"),
        ({"adminState": "Enabled", "role": "ServiceAdministrator;AccountAdministrator"}, "fail"),
        ({"adminState": "enabled", "role": "ServiceAdministrator"}, "fail"),
        ({"adminState": "Enabled", "role": "AccountAdministrator"}, "pass"),
        ({"adminState": "Disabled", "role": "CoAdministrator"}, "pass"),
        ({"role": "CoAdministrator"}, "unknown"),  # no adminState
        ({"adminState": "Enabled"}, "unknown"),  # no role
    ],
)
def test_ret_007_enabled_classic_administrator(props, expected):
    admin = classic_admin("0003BFFD8A4C2E91", {"emailAddress": "it-admin@example.com", **props})
    assert verdicts("RET-007", [admin]) == {"0003BFFD8A4C2E91": expected}


def test_ret_007_message_and_evidence():
    admin = classic_admin(
        "0003BFFD8A4C2E91",
        {
            "adminState": "Enabled",
            "emailAddress": "it-admin@example.com",
            "role": "ServiceAdministrator;AccountAdministrator",
        },
    )
    f = finding("RET-007", [admin], "0003BFFD8A4C2E91")
    assert "it-admin@example.com" in f["message"] and SUB in f["message"]
    assert f["evidence"]["roles"] == ["ServiceAdministrator", "AccountAdministrator"]
    assert f["evidence"]["admin_state"] == "Enabled"
    assert f["severity"] == "critical"
    assert f["resource_group"] == ""


def test_ret_008_cloud_service_extended_support():
    f = finding("RET-008", [cloud_service_es("cses1")], "cses1")
    assert (f["status"], f["severity"]) == ("fail", "high")
    assert "in 125 days" in f["message"] and "web-Migrated" in f["message"]


@pytest.mark.parametrize(
    ("vm", "expected"),
    [
        (arm_vm("unmanaged_os"), "fail"),
        (
            arm_vm(
                "unmanaged_data",
                {
                    "osDisk": MANAGED_PROFILE["osDisk"],
                    "dataDisks": [
                        {
                            "lun": 0,
                            "name": "data0",
                            "createOption": "Attach",
                            "vhd": {"uri": "https://stor1.blob.core.windows.net/vhds/data0.vhd"},
                        }
                    ],
                },
            ),
            "fail",
        ),
        (arm_vm("managed", MANAGED_PROFILE), "pass"),
        (arm_vm("noprofile", drop_profile=True), "unknown"),
    ],
)
def test_ret_009_arm_vm_with_unmanaged_disks(vm, expected):
    assert verdicts("RET-009", [vm]) == {vm["name"]: expected}


def test_ret_009_message_names_the_unmanaged_disk():
    f = finding("RET-009", [arm_vm("armvm1")], "armvm1")
    assert "armvm1-os" in f["message"]
    assert f["evidence"]["unmanaged_disks"] == ["armvm1-os"]


@pytest.mark.parametrize(
    ("sku", "expected"),
    [
        ({"name": "Basic", "tier": "Regional"}, "fail"),
        ({"name": "basic"}, "fail"),
        ({"name": "Standard", "tier": "Regional"}, "pass"),
        (None, "unknown"),
    ],
)
def test_ret_010_basic_public_ip(sku, expected):
    assert verdicts("RET-010", [public_ip("pip1", sku)]) == {"pip1": expected}


def test_ret_010_message_names_allocation():
    f = finding("RET-010", [public_ip("pip1", {"name": "Basic"}, allocation="Dynamic")], "pip1")
    assert "Dynamic" in f["message"] and "pip1" in f["message"]
    assert f["evidence"]["sku_name"] == "Basic"


@pytest.mark.parametrize(
    ("sku", "expected"),
    [
        ({"name": "Basic", "tier": "Regional"}, "fail"),
        ({"name": "Standard", "tier": "Regional"}, "pass"),
        ({"name": "Gateway", "tier": "Regional"}, "pass"),
        (None, "unknown"),
    ],
)
def test_ret_011_basic_load_balancer(sku, expected):
    assert verdicts("RET-011", [load_balancer("lb1", sku)]) == {"lb1": expected}


@pytest.mark.parametrize(
    ("cloud", "as_of", "severity", "retire"),
    [
        ("public", date(2024, 1, 1), "critical", "2021-05-31"),
        ("usgov", date(2024, 1, 1), "high", "2024-02-29"),
        ("china", date(2024, 1, 1), "high", "2024-02-29"),
        ("usgov", date(2024, 3, 1), "critical", "2024-02-29"),
        ("china", date(2023, 6, 1), "medium", "2024-02-29"),
        ("public", date(2021, 5, 1), "high", "2021-05-31"),
    ],
)
def test_ret_012_date_depends_on_cloud(cloud, as_of, severity, retire):
    f = finding("RET-012", [alert_rule("alert1", None)], "alert1", cloud=cloud, as_of=as_of)
    assert (f["status"], f["severity"]) == ("fail", severity)
    assert f["evidence"]["retirement_date"] == retire
    assert retire in f["message"]


def test_ret_012_every_alert_rule_fails_whatever_it_targets():
    arm_target = rid("Microsoft.Compute/virtualMachines", "armvm1")
    rows = [alert_rule("a_arm", arm_target, enabled="false"), alert_rule("a_none", None)]
    assert verdicts("RET-012", rows) == {"a_arm": "fail", "a_none": "fail"}


def test_ret_012_activity_log_rules_are_outside_the_retirement():
    activity = alert_rule("a_activity", None)
    activity["properties"]["condition"] = {
        "odata.type": "Microsoft.Azure.Management.Insights.Models.ManagementEventRuleCondition",
        "dataSource": {
            "odata.type": "Microsoft.Azure.Management.Insights.Models.RuleManagementEventDataSource"
        },
    }
    rows = [activity, alert_rule("a_metric", None)]
    assert verdicts("RET-012", rows) == {"a_activity": "pass", "a_metric": "fail"}
    f = finding("RET-012", rows, "a_activity")
    assert "ManagementEventRuleCondition" in f["message"]


def test_ret_012_unknown_when_the_condition_type_is_not_in_the_data():
    rule = alert_rule("a1", None)
    del rule["properties"]["condition"]["odata.type"]
    f = finding("RET-012", [rule], "a1")
    assert f["status"] == "unknown"
    assert "condition_type" in f["message"]


# --- RET-010 by attachment, and the Cloud Services (extended support) exemption --------------------

BASIC = {"name": "Basic", "tier": "Regional"}
NIC_CONFIG = (
    rid("Microsoft.Network/networkInterfaces", "nic1", "cs1-Migrated") + "/ipConfigurations/ipconfig1"
)
GW_CONFIG = (
    rid("Microsoft.Network/virtualNetworkGateways", "gw1", "net-Migrated") + "/ipConfigurations/default"
)
CSES_CONFIG = (
    rid("Microsoft.Compute/cloudServices", "web", "web-Migrated") + "/roleInstances/r_0/ipConfigurations/x"
)


@pytest.mark.parametrize(
    ("attached", "expected", "kind"),
    [
        (NIC_CONFIG, "fail", "microsoft.network/networkinterfaces"),
        (GW_CONFIG, "fail", "microsoft.network/virtualnetworkgateways"),
        (None, "fail", ""),  # unattached
        (CSES_CONFIG, "pass", "microsoft.compute/cloudservices"),  # exempt from the Basic IP retirement
    ],
)
def test_ret_010_attachment(attached, expected, kind):
    f = finding("RET-010", [public_ip("pip1", BASIC, attached=attached)], "pip1")
    assert f["status"] == expected
    assert f["evidence"]["attached_resource_type"] == kind


def test_ret_010_ip_referenced_by_a_cloud_service_extended_support_passes_with_the_reason():
    ip = public_ip("pip1", BASIC)
    cses = cloud_service_es("web")
    cses["properties"]["networkProfile"] = {
        "loadBalancerConfigurations": [
            {
                "name": "lb",
                "properties": {
                    "frontendIpConfigurations": [
                        {"name": "fe", "properties": {"publicIPAddress": {"id": ip["id"]}}}
                    ]
                },
            }
        ]
    }
    f = finding("RET-010", [ip, cses], "pip1")
    assert f["status"] == "pass"
    assert "extended support" in f["message"] and "exempt" in f["message"]


def test_ret_010_gateway_type_of_the_attached_gateway():
    ip = public_ip("pip1", BASIC, attached=GW_CONFIG)
    gw = vnet_gateway("gw1", "ExpressRoute", "Standard", [ip["id"]])
    f = finding("RET-010", [ip, gw], "pip1")
    assert f["status"] == "fail"
    assert f["evidence"]["attached_gateway_type"] == "ExpressRoute"
    assert "ExpressRoute" in f["message"]
    # gateway not in the scan: the type stays open, the verdict does not depend on it
    alone = finding("RET-010", [ip], "pip1")
    assert alone["status"] == "fail" and alone["evidence"]["attached_gateway_type"] is None


def test_ret_010_remediation_branches_on_what_the_ip_is_attached_to():
    remediation = pack().get("RET-010").spec.remediation
    for branch in ("loadbalancers", "VPN gateway", "ExpressRoute gateway", "networkinterfaces", "Unattached"):
        assert branch in remediation
    assert "new ExpressRoute gateway" in remediation


def test_ret_010_unknown_when_properties_are_absent():
    ip = public_ip("pip1", BASIC)
    ip["properties"] = {}
    assert verdicts("RET-010", [ip]) == {"pip1": "unknown"}
    standard = public_ip("pip2", {"name": "Standard"})
    standard["properties"] = {}
    assert verdicts("RET-010", [standard]) == {"pip2": "pass"}  # the SKU decides


# --- RET-011 public or internal --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frontends", "kind"),
    [
        (
            [
                {
                    "name": "fe",
                    "properties": {
                        "publicIPAddress": {"id": rid("Microsoft.Network/publicIPAddresses", "p")}
                    },
                }
            ],
            "public",
        ),
        (
            [{"name": "fe", "properties": {"subnet": {"id": "x/subnets/s"}, "privateIPAddress": "10.0.0.9"}}],
            "internal",
        ),
        ([], None),
    ],
)
def test_ret_011_message_says_public_or_internal(frontends, kind):
    f = finding("RET-011", [load_balancer("lb1", BASIC, frontends)], "lb1")
    assert f["status"] == "fail"
    assert f["evidence"]["frontend_kind"] == kind
    assert (kind or "n/a") in f["message"]


def test_ret_011_remediation_distinguishes_public_and_internal_outbound():
    remediation = pack().get("RET-011").spec.remediation
    assert "public load balancer the module creates an outbound rule" in remediation
    assert "internal load balancer" in remediation and "NAT gateway" in remediation


# --- remediation and source corrections -------------------------------------------------------------


def test_ret_009_deallocates_before_converting():
    remediation = pack().get("RET-009").spec.remediation
    assert remediation.index("Stop-AzVM") < remediation.index("ConvertTo-AzVMManagedDisk")
    assert "unconfirmed" in pack().get("RET-009").spec.rationale.lower()


def test_ret_006_cites_the_classic_networking_retirement():
    urls = [r.url for r in pack().get("RET-006").spec.references]
    assert not any("classic-administrators" in u for u in urls)
    assert any("classic-networking" in u for u in urls)
    assert "classic-networking" in pack().calendar.entries["classic_nsg"].source


def test_ret_007_april_2024_cut_off_is_marked_unconfirmed():
    rationale = pack().get("RET-007").spec.rationale
    assert "3 April 2024" in rationale and "unconfirmed" in rationale


def test_cloud_service_calendar_cites_the_retirement_announcement():
    entry = pack().calendar.entries["cloud_service"]
    assert "cloud-services-retirement-announcement" in entry.source


@pytest.mark.parametrize("rule_id", ["RET-002", "CS-003"])
def test_paas_remediations_lead_with_redeploying(rule_id):
    remediation = pack().get(rule_id).spec.remediation
    assert remediation.index("redeploy") < remediation.index("extended support")
    assert "unconfirmed" in remediation


@pytest.mark.parametrize("rule_id", ["CS-001", "VM-008", "VM-010", "VM-012", "MAN-009"])
def test_vm_remediations_rebuild_in_arm_instead_of_recreating_classic_vms(rule_id):
    remediation = pack().get(rule_id).spec.remediation
    assert "New-AzDisk" in remediation or "New-AzVM" in remediation
    assert "New-AzureVM" not in remediation and "Add-AzureDisk -OS" not in remediation
