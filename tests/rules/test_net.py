"""NET-001..NET-007: checks on each classic VNet (and NET-007 on reserved IPs)."""

from __future__ import annotations

import pytest
from arg_rows import SUB, SUB2, classic_vm, classic_vnet, rid, row, verdicts
from rule_helpers import finding

CLASSIC_VNET_ID = rid("Microsoft.ClassicNetwork/virtualNetworks", "vnet1", "net")


def arm_vnet(name, remote_ids):
    return row(
        "Microsoft.Network/virtualNetworks",
        name,
        {
            "addressSpace": {"addressPrefixes": ["10.10.0.0/16"]},
            "virtualNetworkPeerings": [
                {
                    "name": f"peer-{i}",
                    "id": rid(
                        "Microsoft.Network/virtualNetworks", f"{name}/virtualNetworkPeerings/peer-{i}", "hub"
                    ),
                    "properties": {
                        "peeringState": "Connected",
                        "allowVirtualNetworkAccess": True,
                        "remoteVirtualNetwork": {"id": remote},
                    },
                }
                for i, remote in enumerate(remote_ids)
            ],
        },
        rg="hub",
    )


# --- NET-001 ARM peering --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        (CLASSIC_VNET_ID, "fail"),
        (
            f"/subscriptions/{SUB.upper()}/resourceGroups/NET/providers/Microsoft.ClassicNetwork/virtualNetworks/VNET1",
            "fail",
        ),
        # the classic VNet's id with another resource group: resolved by subscription and name
        (rid("Microsoft.ClassicNetwork/virtualNetworks", "vnet1", "Default-Networking"), "fail"),
        (rid("Microsoft.Network/virtualNetworks", "spoke1", "spokes"), "pass"),
        (rid("Microsoft.ClassicNetwork/virtualNetworks", "vnet1", "net", SUB2), "pass"),
    ],
)
def test_net_001_arm_vnet_peered(remote, expected):
    rows = [classic_vnet("vnet1"), arm_vnet("hub", [remote])]
    assert verdicts("NET-001", rows) == {"vnet1": expected}


def test_net_001_no_arm_vnet_passes_and_message_names_the_peer():
    assert verdicts("NET-001", [classic_vnet("vnet1")]) == {"vnet1": "pass"}
    hub = arm_vnet("hub", [CLASSIC_VNET_ID])
    f = finding("NET-001", [classic_vnet("vnet1"), hub], "vnet1")
    assert f["severity"] == "high"
    assert hub["id"] in f["message"]
    assert f["evidence"]["arm_peerings"] == [hub["id"]]


# --- NET-002 / NET-003 unsupported tenants --------------------------------------------------------


def ase(name, vnet_id):
    return row(
        "Microsoft.Web/hostingEnvironments",
        name,
        {"virtualNetwork": {"id": vnet_id, "subnet": "ase-subnet"}, "status": "Ready"},
        kind="ASEV1",
        rg="web",
    )


def hdinsight(name, vnet_id):
    return row(
        "Microsoft.HDInsight/clusters",
        name,
        {
            "clusterVersion": "3.6",
            "computeProfile": {
                "roles": [
                    {
                        "name": "headnode",
                        "virtualNetworkProfile": {"id": vnet_id, "subnet": f"{vnet_id}/subnets/hd"},
                    },
                    {
                        "name": "workernode",
                        "virtualNetworkProfile": {"id": vnet_id, "subnet": f"{vnet_id}/subnets/hd"},
                    },
                ]
            },
        },
        rg="data",
    )


def apim(name, subnet_id):
    return row(
        "Microsoft.ApiManagement/service",
        name,
        {"virtualNetworkType": "Internal", "virtualNetworkConfiguration": {"subnetResourceId": subnet_id}},
        rg="api",
        sku={"name": "Developer", "capacity": 1},
    )


ARM_VNET_ID = rid("Microsoft.Network/virtualNetworks", "armvnet", "hub")


@pytest.mark.parametrize(
    ("tenant", "expected"),
    [
        (ase("ase1", CLASSIC_VNET_ID), "fail"),
        (ase("ase1", CLASSIC_VNET_ID.upper().replace("/SUBSCRIPTIONS/", "/subscriptions/")), "fail"),
        (hdinsight("hd1", CLASSIC_VNET_ID), "fail"),
        (ase("ase1", ARM_VNET_ID), "pass"),
        (hdinsight("hd1", ARM_VNET_ID), "pass"),
        (None, "pass"),
    ],
)
def test_net_002_ase_or_hdinsight_in_vnet(tenant, expected):
    rows = [classic_vnet("vnet1")] + ([tenant] if tenant else [])
    assert verdicts("NET-002", rows) == {"vnet1": expected}


def test_net_002_message_names_the_tenant():
    cluster = hdinsight("hd1", CLASSIC_VNET_ID)
    f = finding("NET-002", [classic_vnet("vnet1"), cluster], "vnet1")
    assert cluster["id"] in f["message"]
    assert f["evidence"]["unsupported_tenants"] == [cluster["id"]]


@pytest.mark.parametrize(
    ("subnet", "expected"),
    [
        (f"{CLASSIC_VNET_ID}/subnets/apim", "fail"),
        (f"{CLASSIC_VNET_ID.lower()}/subnets/APIM", "fail"),
        (f"{ARM_VNET_ID}/subnets/apim", "pass"),
        (None, "pass"),
    ],
)
def test_net_003_apim_in_vnet(subnet, expected):
    rows = [classic_vnet("vnet1"), apim("apim1", subnet)]
    assert verdicts("NET-003", rows) == {"vnet1": expected}


def test_net_003_severity_and_message():
    service = apim("apim1", f"{CLASSIC_VNET_ID}/subnets/apim")
    f = finding("NET-003", [classic_vnet("vnet1"), service], "vnet1")
    assert (f["status"], f["severity"]) == ("fail", "medium")
    assert service["id"] in f["message"]


# --- NET-004 non-canonical CIDR --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefixes", "subnets", "expected"),
    [
        (["10.0.0.5/16"], [], "fail"),
        (["10.0.0.0/16"], [{"name": "Subnet-1", "addressPrefix": "10.0.1.0/23"}], "fail"),
        (["10.0.0.0/16"], [{"name": "Subnet-1", "addressPrefix": "10.0.1.0"}], "fail"),
        (["10.0.0.0/16", "172.16.0.0/12"], [{"name": "Subnet-1", "addressPrefix": "10.0.2.0/24"}], "pass"),
        (["10.0.0.0/16"], [{"name": "GatewaySubnet", "addressPrefix": "10.0.255.0/29"}], "pass"),
    ],
)
def test_net_004_prefix_not_canonical(prefixes, subnets, expected):
    assert verdicts("NET-004", [classic_vnet("vnet1", prefixes, subnets)]) == {"vnet1": expected}


def test_net_004_unknown_without_address_space():
    vnet = classic_vnet("vnet1")
    del vnet["properties"]["addressSpace"]
    assert verdicts("NET-004", [vnet]) == {"vnet1": "unknown"}


def test_net_004_message_names_the_bad_prefix():
    vnet = classic_vnet("vnet1", ["10.0.0.0/16"], [{"name": "Subnet-1", "addressPrefix": "10.0.1.0/23"}])
    f = finding("NET-004", [vnet], "vnet1")
    assert "10.0.1.0/23" in f["message"]
    assert f["evidence"]["invalid_prefixes"] == ["10.0.1.0/23"]
    assert f["evidence"]["subnet_prefixes"] == ["10.0.1.0/23"]


# --- NET-005 more than 400 VMs -------------------------------------------------------------------


@pytest.mark.parametrize(("count", "expected"), [(401, "fail"), (400, "pass"), (0, "pass")])
def test_net_005_more_than_400_vms(count, expected):
    vms = [classic_vm(f"vm{i:03d}", cs=f"cs{i // 50}") for i in range(count)]
    assert verdicts("NET-005", [classic_vnet("vnet1"), *vms]) == {"vnet1": expected}


def test_net_005_vms_referencing_the_vnet_by_name_count():
    vms = []
    for i in range(401):
        vm = classic_vm(f"vm{i:03d}")
        if i % 2:
            vm["properties"]["networkProfile"]["virtualNetwork"] = {
                "name": "VNet1",
                "subnetNames": ["Subnet-1"],
            }
        vms.append(vm)
    f = finding("NET-005", [classic_vnet("vnet1"), *vms], "vnet1")
    assert (f["status"], f["severity"]) == ("fail", "medium")
    assert "401" in f["message"] and f["evidence"]["vm_count"] == 401


# --- NET-006 GatewaySubnet (manual) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("subnets", "expected"),
    [
        (
            [
                {"name": "Subnet-1", "addressPrefix": "10.0.0.0/24"},
                {"name": "GatewaySubnet", "addressPrefix": "10.0.255.0/29"},
            ],
            "manual",
        ),
        ([{"name": "gatewaysubnet", "addressPrefix": "10.0.255.0/29"}], "manual"),
        ([{"name": "Subnet-1", "addressPrefix": "10.0.0.0/24"}], "pass"),
        ([], "pass"),
    ],
)
def test_net_006_gateway_subnet_manual(subnets, expected):
    assert verdicts("NET-006", [classic_vnet("vnet1", subnets=subnets)]) == {"vnet1": expected}


def test_net_006_unknown_without_subnets():
    vnet = classic_vnet("vnet1")
    del vnet["properties"]["subnets"]
    assert verdicts("NET-006", [vnet]) == {"vnet1": "unknown"}


def test_net_006_manual_finding_carries_verification_steps():
    vnet = classic_vnet("vnet1", subnets=[{"name": "GatewaySubnet", "addressPrefix": "10.0.255.0/29"}])
    f = finding("NET-006", [vnet], "vnet1")
    assert f["severity"] == "medium"
    assert "vnet1" in f["message"]
    assert f["remediation"].startswith("Verify by hand")
    assert f["evidence"]["has_gateway_subnet"] is True


# --- NET-007 unattached reserved IP ---------------------------------------------------------------


def reserved_ip(name, **props):
    body = {"ipAddress": "52.174.10.20", "status": "Created", "provisioningState": "Succeeded", **props}
    return row("Microsoft.ClassicNetwork/reservedIps", name, body, rg="net")


CS_ID = rid("Microsoft.ClassicCompute/domainNames", "cs1", "cs1")


@pytest.mark.parametrize(
    ("reserved", "expected"),
    [
        (reserved_ip("rip", inUse=False), "fail"),
        (reserved_ip("rip", inUse=False, attachedTo=None), "fail"),
        (reserved_ip("rip", inUse="false", attachedTo={}), "fail"),
        (reserved_ip("rip"), "fail"),  # no inUse, no attachedTo
        (
            reserved_ip(
                "rip",
                inUse=True,
                attachedTo={"id": CS_ID, "name": "cs1", "type": "Microsoft.ClassicCompute/domainNames"},
            ),
            "pass",
        ),
        (reserved_ip("rip", inUse=True), "unknown"),  # in use, but by what is not in the data
        (reserved_ip("rip", inUse="true"), "unknown"),
    ],
)
def test_net_007_unattached_reserved_ip(reserved, expected):
    assert verdicts("NET-007", [reserved]) == {"rip": expected}


def test_net_007_unknown_without_properties():
    assert verdicts("NET-007", [row("Microsoft.ClassicNetwork/reservedIps", "rip", {}, rg="net")]) == {
        "rip": "unknown"
    }


def test_net_007_message_names_the_address():
    f = finding("NET-007", [reserved_ip("rip", inUse=False)], "rip")
    assert f["severity"] == "low"
    assert "rip" in f["message"] and "52.174.10.20" in f["message"]
    assert f["evidence"]["ip_address"] == "52.174.10.20"
    assert f["evidence"]["attached_to"] == ""


# --- NET-008 ExpressRoute gateway may use a classic circuit ----------------------------------------


@pytest.mark.parametrize(
    ("subnets", "expected"),
    [
        (
            [
                {"name": "Subnet-1", "addressPrefix": "10.0.0.0/24"},
                {"name": "GatewaySubnet", "addressPrefix": "10.0.255.0/27"},
            ],
            "manual",
        ),
        ([{"name": "Subnet-1", "addressPrefix": "10.0.0.0/24"}], "pass"),
    ],
)
def test_net_008_gateway_subnet_needs_a_circuit_check(subnets, expected):
    assert verdicts("NET-008", [classic_vnet("vnet1", subnets=subnets)]) == {"vnet1": expected}


def test_net_008_unknown_without_subnets():
    vnet = classic_vnet("vnet1")
    del vnet["properties"]["subnets"]
    assert verdicts("NET-008", [vnet]) == {"vnet1": "unknown"}


def test_net_008_manual_finding_carries_the_verification_steps():
    gateway = [{"name": "GatewaySubnet", "addressPrefix": "10.0.255.0/27"}]
    f = finding("NET-008", [classic_vnet("vnet1", subnets=gateway)], "vnet1")
    assert f["remediation"].startswith("Verify by hand:")
    assert "Get-AzureDedicatedCircuit" in f["remediation"]


# --- NET-009 classic VMs and web/worker roles in one VNet ------------------------------------------


def role_service(name, vnet=None, *, key="virtualNetwork", location="westeurope"):
    """A cloud service without classic VMs (web/worker roles); `vnet` names the deployment's VNet."""
    props = {"hostName": f"{name}.cloudapp.net", "status": "Created", "label": name}
    if vnet is not None:
        props[key] = {"name": vnet} if key == "virtualNetwork" else vnet
    return row("Microsoft.ClassicCompute/domainNames", name, props, rg=name, location=location)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([classic_vm("vm1"), role_service("web", "vnet1")], "fail"),
        ([classic_vm("vm1"), role_service("web", "VNET1", key="virtualNetworkName")], "fail"),
        ([classic_vm("vm1"), role_service("web", "other-vnet")], "pass"),
        ([classic_vm("vm1")], "pass"),  # no cloud service without VMs at all
        ([role_service("web", "vnet1")], "pass"),  # roles but no VM in the VNet
        ([classic_vm("vm1"), role_service("web")], "unknown"),  # the roles cannot be placed
        ([classic_vm("vm1"), role_service("web", location="eastus")], "pass"),  # another region
    ],
)
def test_net_009_vms_and_roles_in_one_vnet(rows, expected):
    assert verdicts("NET-009", [classic_vnet("vnet1"), *rows]) == {"vnet1": expected}


def test_net_009_message_names_the_role_services():
    f = finding("NET-009", [classic_vnet("vnet1"), classic_vm("vm1"), role_service("web", "vnet1")], "vnet1")
    assert (f["status"], f["severity"]) == ("fail", "high")
    assert "web" in f["message"] and "vm1" in str(f["evidence"]["vm_names"])
    assert f["evidence"]["role_service_names"] == ["web"]
