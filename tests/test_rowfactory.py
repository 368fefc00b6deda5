"""tests/rowfactory, the one builder of ARG rows behind the tests, the benchmark estate and the demo:
rows carry ARG's columns in ARG's order, ids are built one way, and a projected row keeps exactly what
the scanner's query of its table keeps."""

from __future__ import annotations

import re

import pytest

from scanner.queries import query_text
from scanner.snapshot import DATASETS, dataset_for_type
from tests.rowfactory import (
    COLUMNS,
    PROJECTED,
    arg_row,
    authorization_row,
    backup_item_row,
    container_row,
    project,
    resource_id,
    resource_row,
)

SUB = "11111111-1111-1111-1111-111111111111"
TENANT = "99999999-9999-9999-9999-999999999999"


def _projected_columns(kql: str) -> tuple[str, ...]:
    (line,) = [line for line in kql.splitlines() if line.strip().startswith("| project ")]
    return tuple(re.sub(r"\['(\w+)'\]", r"\1", c.strip()) for c in line.split("project", 1)[1].split(","))


@pytest.mark.parametrize("table", DATASETS)
def test_projection_is_what_the_table_query_keeps(table):
    assert PROJECTED[table] == _projected_columns(query_text(table))


def test_a_row_has_every_arg_column_in_order_and_extra_keys_after():
    row = arg_row("/x", "x", "Microsoft.Compute/virtualMachines", SUB, "rg", "westeurope", {}, tenant=TENANT)
    assert tuple(row) == COLUMNS
    assert row["type"] == "microsoft.compute/virtualmachines"
    assert row["tags"] == {} and row["tenantId"] == TENANT
    odd = arg_row("/x", "x", "t", SUB, "rg", "", None, tenant=TENANT, sku={"name": "Basic"}, bogus=1)
    assert odd["sku"] == {"name": "Basic"} and list(odd)[-1] == "bogus"


def test_each_table_builder_routes_to_its_table():
    vm = resource_row(
        SUB, "rg", "Microsoft.ClassicCompute/virtualMachines", "vm1", "westeurope", {}, tenant=TENANT
    )
    assert vm["id"] == resource_id(SUB, "rg", "Microsoft.ClassicCompute/virtualMachines", "vm1")
    assert (
        vm["id"]
        == f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.ClassicCompute/virtualMachines/vm1"
    )
    subscription = container_row(SUB, "Production", {}, tenant=TENANT)
    group = container_row(SUB, "app", {}, tenant=TENANT, rg="app", location="westeurope")
    assert subscription["id"] == f"/subscriptions/{SUB}" and subscription["resourceGroup"] == ""
    assert group["id"] == f"/subscriptions/{SUB}/resourceGroups/app"
    admin = authorization_row(
        f"/subscriptions/{SUB}", "classicAdministrators", "0001", {}, sub=SUB, tenant=TENANT
    )
    assert admin["id"] == f"/subscriptions/{SUB}/providers/Microsoft.Authorization/classicAdministrators/0001"
    vault = resource_id(SUB, "ops", "Microsoft.RecoveryServices/vaults", "rsv")
    item = backup_item_row(
        vault, "IaasVMContainer;c", "VM;c", {}, sub=SUB, rg="ops", location="", tenant=TENANT
    )
    assert (
        item["id"]
        == f"{vault}/backupFabrics/Azure/protectionContainers/IaasVMContainer;c/protectedItems/VM;c"
    )
    tables = [dataset_for_type(r["type"]) for r in (vm, subscription, group, admin, item)]
    assert tables == [
        "resources",
        "resourcecontainers",
        "resourcecontainers",
        "authorizationresources",
        "recoveryservicesresources",
    ]


def test_project_keeps_the_query_columns_in_query_order():
    vm = resource_row(
        SUB, "rg", "Microsoft.Compute/virtualMachines", "vm1", "westeurope", {"a": 1}, tenant=TENANT
    )
    assert tuple(project(vm)) == PROJECTED["resources"]
    assert project(vm)["properties"] == {"a": 1}
