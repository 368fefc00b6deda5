"""CAP-001: ARM quota demand per subscription and region with classic VMs (manual)."""

from __future__ import annotations

import pytest
from arg_rows import SUB, SUB2, classic_vm, row, verdicts
from rule_helpers import finding

REGION_WE = f"westeurope ({SUB})"


def sized(name, size, *, cs="cs1", sub=SUB, location="westeurope"):
    vm = classic_vm(name, cs=cs, sub=sub, hardwareProfile={"size": size, "platformGuestAgent": True})
    vm["location"] = location
    return vm


def test_cap_001_region_with_classic_vms_is_manual():
    rows = [sized("a", "Standard_D2"), sized("b", "Small"), sized("c", "Standard_D2", cs="cs2")]
    assert verdicts("CAP-001", rows) == {REGION_WE: "manual"}


def test_cap_001_one_finding_per_subscription_and_region():
    rows = [
        sized("a", "Standard_D2"),
        sized("b", "Small", location="northeurope"),
        sized("c", "Medium", sub=SUB2),
        row(
            "Microsoft.Compute/virtualMachines",
            "armvm",
            {"hardwareProfile": {"vmSize": "Standard_D2s_v3"}},
            location="eastus",
        ),
    ]
    assert verdicts("CAP-001", rows) == {
        REGION_WE: "manual",
        f"northeurope ({SUB})": "manual",
        f"westeurope ({SUB2})": "manual",
    }


def test_cap_001_no_classic_vm_no_finding():
    arm = row(
        "Microsoft.Compute/virtualMachines", "armvm", {"hardwareProfile": {"vmSize": "Standard_D2s_v3"}}
    )
    assert verdicts("CAP-001", [arm]) == {}


def test_cap_001_evidence_holds_the_computed_demand():
    multi = sized("c", "Standard_D2", cs="cs2")
    multi["properties"]["networkProfile"]["virtualNetwork"]["networkInterfaces"] = [{"name": "NIC2"}]
    rows = [
        sized("a", "Standard_D2"),
        sized("b", "Small"),
        multi,
        sized("d", "Mystery_Size", cs="cs2"),
        row(
            "Microsoft.ClassicNetwork/reservedIps",
            "rip1",
            {"ipAddress": "52.1.2.3", "inUse": False},
            rg="net",
        ),
    ]
    f = finding("CAP-001", rows, REGION_WE)
    assert (f["status"], f["severity"]) == ("manual", "info")
    ev = f["evidence"]
    assert ev["vm_count"] == 4
    # Small lands on Standard_A1, a retired A-series v1 size: counted in the Av2 family it moves to
    assert ev["cores_by_family"] == {"standardAv2Family": 1, "standardDFamily": 4}
    assert ev["resize_needed"] == ["b: Small -> Standard_A1, resize to Standard_A1_v2"]
    assert ev["unsized_vms"] == ["d"]
    assert ev["nic_count"] == 5
    assert ev["load_balancer_count"] == 2  # one per cloud service
    assert ev["public_ip_count"] == 3  # one per cloud service plus the reserved IP
    assert "westeurope" in f["message"] and SUB in f["message"] and "standardDFamily" in f["message"]
    assert "standardAv2Family" in f["message"] and "resize" in f["message"]
    assert f["remediation"].startswith("Verify by hand")


@pytest.mark.parametrize(
    ("size", "family", "cores", "target"),
    [
        ("ExtraSmall", "standardAv2Family", 1, "Standard_A1_v2"),
        ("Large", "standardAv2Family", 4, "Standard_A4_v2"),
        ("A7", "standardAv2Family", 8, "Standard_A8m_v2"),
        ("Basic_A2", "standardAv2Family", 2, "Standard_A2_v2"),
        ("Standard_D3", "standardDFamily", 4, None),
        ("A9", "standardA8_A11Family", 16, None),
    ],
)
def test_cap_001_a_series_v1_demand_counts_in_the_resize_family(size, family, cores, target):
    f = finding("CAP-001", [sized("a", size)], REGION_WE)
    assert f["evidence"]["cores_by_family"] == {family: cores}
    if target:
        (entry,) = f["evidence"]["resize_needed"]
        assert entry.startswith(f"a: {size} -> ") and entry.endswith(f"resize to {target}")
    else:
        assert f["evidence"]["resize_needed"] == []
