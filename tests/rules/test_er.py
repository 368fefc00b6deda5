"""ER-001..ER-003: ExpressRoute circuits and connections."""

from __future__ import annotations

import pytest
from arg_rows import SUB, SUB2, rid, row, verdicts
from rule_helpers import finding, verdicts_via_files

MISSING = object()


def circuit(name="er1", allow=False, authorizations=MISSING, *, sub=SUB):
    props = {
        "provisioningState": "Succeeded",
        "peerings": [],
        "serviceProviderProperties": {
            "serviceProviderName": "Equinix",
            "peeringLocation": "Amsterdam",
            "bandwidthInMbps": 200,
        },
        "circuitProvisioningState": "Enabled",
        "gatewayManagerEtag": "113",
        "serviceProviderProvisioningState": "Provisioned",
    }
    if allow is not MISSING:
        props["allowClassicOperations"] = allow
    if authorizations is not MISSING:
        props["authorizations"] = authorizations
    return row(
        "Microsoft.Network/expressRouteCircuits",
        name,
        props,
        rg="connectivity",
        sub=sub,
        sku={"name": "Standard_MeteredData", "tier": "Standard", "family": "MeteredData"},
    )


def auth(name, status, *, nested=True):
    body = {"provisioningState": "Succeeded", "authorizationUseStatus": status}
    if nested:
        return {
            "name": name,
            "id": f"{rid('Microsoft.Network/expressRouteCircuits', 'er1')}/authorizations/{name}",
            "properties": body,
        }
    return {"name": name, **body}


# --- ER-001 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allow", "expected"),
    [
        (True, "fail"),
        ("true", "fail"),
        ("True", "fail"),
        (False, "pass"),
        ("false", "pass"),
        (MISSING, "unknown"),
        (None, "unknown"),
    ],
)
def test_er_001_allows_classic_operations(allow, expected):
    assert verdicts("ER-001", [circuit("er1", allow, [])]) == {"er1": expected}


def test_er_001_message_and_evidence():
    f = finding("ER-001", [circuit("er1", True, [auth("a1", "Available")])], "er1")
    assert f["severity"] == "medium"
    assert "er1" in f["message"] and "Equinix" in f["message"] and "Standard" in f["message"]
    assert f["evidence"]["allow_classic_operations"] is True
    assert f["evidence"]["authorization_count"] == 1


# --- ER-002 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allow", "authorizations", "expected"),
    [
        (True, [auth("a1", "InUse")], "manual"),
        (True, [auth("a1", "Available"), auth("a2", "InUse", nested=False)], "manual"),
        ("true", [auth("a1", "inuse")], "manual"),
        (True, [auth("a1", "Available")], "pass"),
        (True, [], "pass"),
        (False, [auth("a1", "InUse")], "pass"),
        (False, MISSING, "pass"),  # classic operations off decides
        (True, MISSING, "unknown"),  # authorizations not in the data
        (MISSING, [auth("a1", "InUse")], "unknown"),
    ],
)
def test_er_002_classic_operations_with_authorization_in_use(allow, authorizations, expected):
    assert verdicts("ER-002", [circuit("er1", allow, authorizations)]) == {"er1": expected}


def test_er_002_message_names_the_authorization():
    f = finding(
        "ER-002", [circuit("er1", True, [auth("contoso-link", "InUse"), auth("spare", "Available")])], "er1"
    )
    assert (f["status"], f["severity"]) == ("manual", "high")  # a heuristic: checked by hand
    assert f["remediation"].startswith("Verify by hand:")
    assert "contoso-link" in f["message"] and "spare" not in f["message"]
    assert f["evidence"]["authorizations_in_use"] == ["contoso-link"]


def test_er_002_authorization_keys_are_not_kept(tmp_path):
    circuit_row = circuit("er1", True, [auth("a1", "InUse")])
    circuit_row["properties"]["serviceKey"] = "a1410692-secret"
    circuit_row["properties"]["authorizations"][0]["properties"]["authorizationKey"] = "secret-key"
    assert verdicts_via_files("ER-002", [circuit_row], tmp_path) == {"er1": "manual"}
    f = finding("ER-002", [circuit_row], "er1")
    assert "secret" not in str(f)


# --- ER-003 -----------------------------------------------------------------------------------------


def connection(name, peer_sub=None, kind="ExpressRoute", *, peer_id=None):
    props = {
        "provisioningState": "Succeeded",
        "connectionType": kind,
        "routingWeight": 0,
        "virtualNetworkGateway1": {"id": rid("Microsoft.Network/virtualNetworkGateways", "ergw", "hub")},
    }
    if peer_id is None and peer_sub is not None:
        peer_id = rid("Microsoft.Network/expressRouteCircuits", "er1", "connectivity", peer_sub)
    if peer_id is not None:
        props["peer"] = {"id": peer_id}
    return row("Microsoft.Network/connections", name, props, rg="hub")


@pytest.mark.parametrize(
    ("conn", "circuit_allows", "expected"),
    [
        # the FAQ's downtime case: a cross-subscription link to a circuit that still serves classic VNets
        (connection("c1", SUB2), True, "fail"),
        (connection("c1", SUB2.upper()), True, "fail"),
        # an ordinary ARM cross-subscription connection is not affected
        (connection("c1", SUB2), False, "pass"),
        (connection("c1", SUB), True, "pass"),
        (connection("c1", SUB.upper()), True, "pass"),  # the same subscription in another case
        (connection("c1", SUB), None, "pass"),  # same subscription decides without the circuit
        (connection("c1", SUB2), None, "unknown"),  # circuit not in the scan
        (connection("c1", SUB2), MISSING, "unknown"),  # circuit in the scan, flag not in the data
        (connection("c1", None), True, "unknown"),  # no peer id
        (connection("c1", None, peer_id="not-a-resource-id"), True, "unknown"),
    ],
)
def test_er_003_cross_subscription_link_to_a_classic_enabled_circuit(conn, circuit_allows, expected):
    rows = [conn]
    if circuit_allows is not None:
        rows.append(circuit("er1", circuit_allows, [], sub=SUB2 if SUB2 in str(conn).lower() else SUB))
    assert verdicts("ER-003", rows) == {"c1": expected}


def test_er_003_other_connection_types_get_no_finding():
    vpn = connection("s2s", None, kind="IPsec")
    vpn["properties"]["virtualNetworkGateway2"] = {
        "id": rid("Microsoft.Network/localNetworkGateways", "onprem")
    }
    rows = [vpn, connection("c1", SUB2), circuit("er1", True, [], sub=SUB2)]
    assert verdicts("ER-003", rows) == {"c1": "fail"}


def test_er_003_message_names_both_subscriptions():
    f = finding("ER-003", [connection("c1", SUB2), circuit("er1", True, [], sub=SUB2)], "c1")
    assert f["severity"] == "medium"
    assert SUB in f["message"] and SUB2 in f["message"]
    assert f["evidence"]["circuit_subscription_id"] == SUB2
    assert f["evidence"]["cross_subscription"] is True
    assert f["evidence"]["circuit_allows_classic_operations"] is True
