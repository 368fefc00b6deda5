"""IAM-001 / IAM-002: role assignments on classic scopes and converted classic administrators."""

from __future__ import annotations

import pytest
from arg_rows import SUB, rid, verdicts
from rule_helpers import (
    CONTRIBUTOR_GUID,
    CONVERSION_PRINCIPAL,
    OWNER_GUID,
    finding,
    role_assignment,
    role_definition_id,
)

CLASSIC_VM_SCOPE = rid("Microsoft.ClassicCompute/virtualMachines", "vm1", "cs1")


# --- IAM-001 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (CLASSIC_VM_SCOPE, "fail"),
        # migration keeps role assignments scoped to a classic storage account
        (rid("Microsoft.ClassicStorage/storageAccounts", "stor1", "storage"), "pass"),
        (rid("Microsoft.ClassicStorage/storageAccounts", "stor1", "storage").upper(), "pass"),
        (
            rid("Microsoft.ClassicStorage/storageAccounts", "stor1", "storage") + "/blobServices/default",
            "pass",
        ),
        (rid("Microsoft.ClassicNetwork/virtualNetworks", "vnet1", "net").upper(), "fail"),
        (f"/subscriptions/{SUB}/resourceGroups/cs1/providers/Microsoft.ClassicCompute", "fail"),
        (f"/subscriptions/{SUB}", "pass"),
        (f"/subscriptions/{SUB}/resourceGroups/cs1", "pass"),
        (rid("Microsoft.Compute/virtualMachines", "vm1", "cs1-Migrated"), "pass"),
    ],
)
def test_iam_001_classic_scope(scope, expected):
    # Owner: the live query reads Owner assignments at any scope, so every case here is evaluated.
    ra = role_assignment("ra1", {"scope": scope, "roleDefinitionId": role_definition_id(OWNER_GUID)})
    assert verdicts("IAM-001", [ra]) == {"ra1": expected}


def test_iam_001_classic_storage_scope_passes_with_the_reason():
    scope = rid("Microsoft.ClassicStorage/storageAccounts", "stor1", "storage")
    ra = role_assignment("ra1", {"scope": scope, "roleDefinitionId": role_definition_id(CONTRIBUTOR_GUID)})
    f = finding("IAM-001", [ra], "ra1")
    assert f["status"] == "pass"
    assert "classic storage" in f["message"]


def test_iam_001_unknown_without_scope():
    ra = role_assignment("ra1", {"roleDefinitionId": role_definition_id(OWNER_GUID)})
    del ra["properties"]["scope"]
    assert verdicts("IAM-001", [ra]) == {"ra1": "unknown"}


@pytest.mark.parametrize("rule_id", ["IAM-001", "IAM-002"])
def test_other_role_assignments_are_outside_every_scan(rule_id):
    """Neither on a classic scope nor Owner: the live query never returns it, so an export of it is
    set aside too (no pass row that a live scan of the same tenant would not have)."""
    ra = role_assignment("ra1", {"roleDefinitionId": role_definition_id(CONTRIBUTOR_GUID)})
    assert verdicts(rule_id, [ra]) == {}


def test_iam_001_message_and_evidence():
    ra = role_assignment(
        "ra1",
        {
            "scope": CLASSIC_VM_SCOPE,
            "roleDefinitionId": role_definition_id(CONTRIBUTOR_GUID),
            "principalId": "aaaa1111-0000-4000-8000-000000000009",
        },
    )
    f = finding("IAM-001", [ra], "ra1")
    assert f["severity"] == "medium"
    assert CLASSIC_VM_SCOPE in f["message"] and CONTRIBUTOR_GUID in f["message"]
    assert f["evidence"]["scope"] == CLASSIC_VM_SCOPE
    assert f["evidence"]["principal_id"] == "aaaa1111-0000-4000-8000-000000000009"
    assert f["evidence"]["role_definition_guid"] == CONTRIBUTOR_GUID


# --- IAM-002 ----------------------------------------------------------------------------------------

CONVERTED_DESCRIPTION = "The Classic Admin role was converted to an Azure Owner role by Microsoft."


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"roleDefinitionId": role_definition_id(OWNER_GUID), "createdBy": CONVERSION_PRINCIPAL}, "fail"),
        (
            {
                "roleDefinitionId": role_definition_id(OWNER_GUID.upper()),
                "createdBy": CONVERSION_PRINCIPAL.upper(),
            },
            "fail",
        ),
        (
            {
                "roleDefinitionId": role_definition_id(OWNER_GUID),
                "createdBy": "aff66105-5d39-558e-8fe8-2e3581477fb9",
                "description": CONVERTED_DESCRIPTION,
            },
            "fail",
        ),
        (
            {
                "roleDefinitionId": role_definition_id(OWNER_GUID),
                "createdBy": "aff66105-5d39-558e-8fe8-2e3581477fb9",
            },
            "pass",
        ),
        (
            {"roleDefinitionId": role_definition_id(OWNER_GUID), "createdBy": None, "description": None},
            "pass",
        ),
        (
            {"roleDefinitionId": role_definition_id(CONTRIBUTOR_GUID), "createdBy": CONVERSION_PRINCIPAL},
            "pass",
        ),
        ({"createdBy": "aff66105-5d39-558e-8fe8-2e3581477fb9"}, "pass"),  # no role: not converted decides
        ({"createdBy": CONVERSION_PRINCIPAL}, "unknown"),  # converted, but role not in the data
    ],
)
def test_iam_002_owner_from_classic_admin_conversion(props, expected):
    # On a classic scope, so that the live query reads it whatever its role.
    ra = role_assignment("ra1", {"scope": CLASSIC_VM_SCOPE, **props})
    assert verdicts("IAM-002", [ra]) == {"ra1": expected}


def test_iam_002_message_and_evidence():
    ra = role_assignment(
        "ra1",
        {
            "roleDefinitionId": role_definition_id(OWNER_GUID),
            "createdBy": CONVERSION_PRINCIPAL,
            "description": CONVERTED_DESCRIPTION,
            "principalId": "bbbb2222-0000-4000-8000-000000000002",
        },
    )
    f = finding("IAM-002", [ra], "ra1")
    assert f["severity"] == "medium"
    assert "bbbb2222-0000-4000-8000-000000000002" in f["message"] and CONVERSION_PRINCIPAL in f["message"]
    assert f["evidence"]["created_by"] == CONVERSION_PRINCIPAL
    assert f["evidence"]["role_definition_guid"] == OWNER_GUID
    assert f["evidence"]["scope"] == f"/subscriptions/{SUB}"
