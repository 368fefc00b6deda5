"""MON-001 / MON-002: classic alert rules and autoscale settings that target classic resources."""

from __future__ import annotations

import pytest
from arg_rows import SUB, rid, row, verdicts
from rule_helpers import finding

CLASSIC_VM = rid("Microsoft.ClassicCompute/virtualMachines", "vm1", "cs1")
CLASSIC_ROLE = f"{rid('Microsoft.ClassicCompute/domainNames', 'cs1', 'cs1')}/slots/Production/roles/WebRole1"
ARM_VM = rid("Microsoft.Compute/virtualMachines", "vm1", "cs1-Migrated")
ARM_VMSS = rid("Microsoft.Compute/virtualMachineScaleSets", "web", "app")


def alert_rule(name, target, *, enabled=True):
    source = {
        "odata.type": "Microsoft.Azure.Management.Insights.Models.RuleMetricDataSource",
        "metricName": "Percentage CPU",
    }
    if target is not None:
        source["resourceUri"] = target
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
            "actions": [
                {
                    "odata.type": "Microsoft.Azure.Management.Insights.Models.RuleEmailAction",
                    "sendToServiceOwners": True,
                }
            ],
        },
        rg="monitoring",
        location="westeurope",
    )


def autoscale(name, target, *, enabled=True):
    props = {
        "name": name,
        "enabled": enabled,
        "profiles": [
            {"name": "default", "capacity": {"minimum": "1", "maximum": "4", "default": "2"}, "rules": []}
        ],
    }
    if target is not None:
        props["targetResourceUri"] = target
    return row("Microsoft.Insights/autoscaleSettings", name, props, rg="monitoring")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (CLASSIC_VM, "fail"),
        (CLASSIC_VM.lower(), "fail"),
        (rid("Microsoft.ClassicStorage/storageAccounts", "stor1", "storage"), "fail"),
        (ARM_VM, "pass"),
        (None, "unknown"),
    ],
)
def test_mon_001_alert_rule_on_classic_resource(target, expected):
    assert verdicts("MON-001", [alert_rule("cpu-high", target)]) == {"cpu-high": expected}


def test_mon_001_unknown_without_condition():
    rule = alert_rule("cpu-high", CLASSIC_VM)
    del rule["properties"]["condition"]
    assert verdicts("MON-001", [rule]) == {"cpu-high": "unknown"}


def test_mon_001_message_and_evidence():
    f = finding("MON-001", [alert_rule("cpu-high", CLASSIC_VM, enabled="false")], "cpu-high")
    assert f["severity"] == "low"
    assert "cpu-high" in f["message"] and CLASSIC_VM in f["message"]
    assert f["evidence"]["target_resource_id"] == CLASSIC_VM
    assert f["evidence"]["enabled"] is False


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (CLASSIC_ROLE, "fail"),
        (CLASSIC_ROLE.upper(), "fail"),
        (ARM_VMSS, "pass"),
        (None, "unknown"),
    ],
)
def test_mon_002_autoscale_on_classic_resource(target, expected):
    assert verdicts("MON-002", [autoscale("scale-web", target)]) == {"scale-web": expected}


def test_mon_002_message_and_evidence():
    f = finding("MON-002", [autoscale("scale-web", CLASSIC_ROLE, enabled="true")], "scale-web")
    assert f["severity"] == "medium"
    assert "scale-web" in f["message"] and "WebRole1" in f["message"] and "enabled true" in f["message"]
    assert f["evidence"]["enabled"] is True
    assert f["evidence"]["target_resource_id"] == CLASSIC_ROLE
    assert f["subscription_id"] == SUB
