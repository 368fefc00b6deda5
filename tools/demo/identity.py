"""Role assignments and classic administrators (ARG table authorizationresources)."""

from __future__ import annotations

from typing import Any

from tests.rowfactory import Row, authorization_row, resource_id
from tools.demo.classic_builders import STORAGE, classic_vnet_id, cloud_service_id
from tools.demo.company import (
    CONVERSION_PRINCIPAL,
    NET_RG,
    NONPROD_CLASSIC_RG,
    PROD_CLASSIC_RG,
    ROLE_CLASSIC_NETWORK_CONTRIBUTOR,
    ROLE_CLASSIC_STORAGE_CONTRIBUTOR,
    ROLE_CLASSIC_VM_CONTRIBUTOR,
    ROLE_CONTRIBUTOR,
    ROLE_NETWORK_CONTRIBUTOR,
    ROLE_OWNER,
    ROLE_READER,
    SUB_NET,
    SUB_NONPROD,
    SUB_PROD,
    TENANT_ID,
    guid,
)

CONVERSION_DESCRIPTION = (
    "The Classic Admin role was converted to an Azure Owner role as part of the retirement of classic "
    "administrators."
)


def role_assignment(
    sub: str,
    scope: str,
    role: str,
    principal: str,
    principal_type: str,
    created_on: str,
    created_by: str | None,
    description: str | None = None,
) -> Row:
    """An RBAC role assignment at `scope` (a subscription, resource group or resource id)."""
    name = guid(f"ra:{scope}:{role}:{principal}")
    parts = scope.split("/")
    rg = parts[4] if len(parts) > 4 and parts[3].lower() == "resourcegroups" else ""
    props: dict[str, Any] = {
        "roleDefinitionId": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{role}",
        "principalId": principal,
        "principalType": principal_type,
        "scope": scope,
        "createdOn": created_on,
        "updatedOn": created_on,
        "createdBy": created_by,
        "updatedBy": created_by,
        "condition": None,
        "conditionVersion": None,
    }
    if description is not None:
        props["description"] = description
    return authorization_row(scope, "roleAssignments", name, props, sub=sub, tenant=TENANT_ID, rg=rg)


def classic_admin(sub: str, puid: str, email: str, role: str, state: str | None) -> Row:
    """A classic subscription administrator (`state=None` leaves adminState out)."""
    props: dict[str, Any] = {"emailAddress": email, "role": role}
    if state is not None:
        props["adminState"] = state
    return authorization_row(
        f"/subscriptions/{sub}", "classicAdministrators", puid, props, sub=sub, tenant=TENANT_ID
    )


def identity_rows() -> list[Row]:
    p, n, s = SUB_PROD, SUB_NONPROD, SUB_NET
    dba_group, ops_group, net_group = guid("group:dba"), guid("group:ops"), guid("group:network")
    it_admin, cto, dev_owner, auditor = (
        guid("user:it-admin"),
        guid("user:cto"),
        guid("user:dev-owner"),
        guid("user:auditor"),
    )
    creator = guid("user:cloud-platform-team")
    classic_vnet_scope = classic_vnet_id(s, "fabcorevnet").replace(
        "/resourceGroups/Default-Networking/providers/", "/resourcegroups/default-networking/providers/"
    )
    return [
        role_assignment(
            p,
            resource_id(p, PROD_CLASSIC_RG, "Microsoft.ClassicCompute/virtualMachines", "fab-sql-01"),
            ROLE_CLASSIC_VM_CONTRIBUTOR,
            dba_group,
            "Group",
            "2018-04-09T11:20:00Z",
            creator,
        ),
        role_assignment(
            p,
            STORAGE["fabprodvhds01"].id("fabprodvhds01"),
            ROLE_CLASSIC_STORAGE_CONTRIBUTOR,
            ops_group,
            "Group",
            "2018-04-09T11:25:00Z",
            creator,
        ),
        role_assignment(
            p,
            f"/subscriptions/{p}",
            ROLE_OWNER,
            it_admin,
            "User",
            "2024-09-03T02:14:51Z",
            CONVERSION_PRINCIPAL,
            CONVERSION_DESCRIPTION,
        ),
        role_assignment(p, f"/subscriptions/{p}", ROLE_OWNER, cto, "User", "2019-01-15T09:00:00Z", it_admin),
        role_assignment(
            p,
            f"/subscriptions/{p}/resourceGroups/fab-prod-ops",
            ROLE_CONTRIBUTOR,
            ops_group,
            "Group",
            "2021-05-03T08:45:00Z",
            it_admin,
        ),
        role_assignment(
            n,
            f"/subscriptions/{n}",
            ROLE_OWNER,
            dev_owner,
            "User",
            "2024-09-03T02:15:07Z",
            None,
            CONVERSION_DESCRIPTION,
        ),
        role_assignment(
            n,
            cloud_service_id(n, NONPROD_CLASSIC_RG, "fab-dev"),
            ROLE_CLASSIC_VM_CONTRIBUTOR,
            guid("group:developers"),
            "Group",
            "2017-10-02T13:00:00Z",
            dev_owner,
        ),
        role_assignment(
            n, f"/subscriptions/{n}", ROLE_READER, auditor, "User", "2025-02-20T10:00:00Z", it_admin
        ),
        role_assignment(
            s,
            classic_vnet_scope,
            ROLE_CLASSIC_NETWORK_CONTRIBUTOR,
            net_group,
            "Group",
            "2016-08-22T15:30:00Z",
            creator,
        ),
        role_assignment(
            s,
            f"/subscriptions/{s}/resourceGroups/{NET_RG}",
            ROLE_NETWORK_CONTRIBUTOR,
            net_group,
            "Group",
            "2020-06-01T07:00:00Z",
            it_admin,
        ),
        classic_admin(
            p,
            "0003BFFD8A4C2E91",
            "it-admin@fabrikam.example",
            "ServiceAdministrator;AccountAdministrator",
            "Enabled",
        ),
        classic_admin(p, "00037FFE5B1D9A40", "ops-lead@fabrikam.example", "CoAdministrator", "Enabled"),
        classic_admin(p, "0003BFFDC2E8F713", "contractor@contoso.example", "CoAdministrator", "Disabled"),
        classic_admin(n, "00037FFE9D04B6C2", "dev-owner@fabrikam.example", "ServiceAdministrator", "Enabled"),
        classic_admin(n, "0003BFFD1F7A3E58", "billing@fabrikam.example", "AccountAdministrator", "Enabled"),
        classic_admin(s, "00037FFE6A2C0D95", "net-admin@fabrikam.example", "CoAdministrator", None),
    ]
