"""The emulator's data layer (no HTTP): routing rows to tables, KQL over a scope, value conversion, quota."""

from __future__ import annotations

from pathlib import Path

import pytest
from arg_rows import SUB, SUB2, row
from emulator import QuotaTracker, format_resets_after, load_estate, split_rows, table_for_type
from emulator.estate import EstateDatabase, QueryError, QueryTimeout
from emulator_support import ESTATE, SUB3

DEMO = Path(__file__).resolve().parents[2] / "scanner" / "demo" / "estate"


@pytest.fixture(scope="module")
def db():
    database = EstateDatabase(ESTATE)
    yield database
    database.close()


@pytest.mark.parametrize(
    ("arg_type", "table"),
    [
        ("microsoft.classiccompute/virtualmachines", "resources"),
        ("Microsoft.RecoveryServices/vaults", "resources"),
        (
            "microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems",
            "recoveryservicesresources",
        ),
        ("microsoft.recoveryservices/vaults/backuppolicies", "recoveryservicesresources"),
        ("microsoft.authorization/roleassignments", "authorizationresources"),
        ("microsoft.authorization/classicadministrators", "authorizationresources"),
        ("microsoft.resources/subscriptions", "resourcecontainers"),
        ("microsoft.resources/subscriptions/resourcegroups", "resourcecontainers"),
    ],
)
def test_rows_are_routed_to_their_arg_table(arg_type, table):
    assert table_for_type(arg_type) == table


def test_split_rows_takes_a_mapping_as_is():
    vm = row("Microsoft.ClassicCompute/virtualMachines", "vm")
    assert split_rows({"Resources": [vm]})["resources"] == [vm]
    with pytest.raises(ValueError, match="unknown ARG table"):
        split_rows({"securityresources": [vm]})


def test_demo_estate_loads_with_every_row():
    tables = load_estate(DEMO)
    database = EstateDatabase(tables)
    try:
        for table, rows in tables.items():
            assert database.row_counts[table] == len(rows)
            result = database.run(f"{table} | count", database.subscriptions)
            assert result.rows == [(len(rows),)]
    finally:
        database.close()


def test_scope_filters_the_data_the_query_runs_on(db):
    assert db.run("resources | count", [SUB2]).rows == [(2,)]
    assert db.run("resources | count", [SUB3.upper()]).rows == [(2,)]
    assert db.run("resources | count", []).rows == [(0,)]
    both = db.run(
        "resources | summarize n = count() by s = tolower(subscriptionId) | order by s asc", [SUB, SUB2]
    )
    assert both.rows == [(SUB, 6), (SUB2, 2)]


def test_rows_without_subscription_only_at_tenant_scope():
    tenant_row = row("Microsoft.Management/managementGroups", "mg1", sub="")
    tenant_row.update(subscriptionId="", id="/providers/Microsoft.Management/managementGroups/mg1")
    database = EstateDatabase([tenant_row, row("Microsoft.Network/publicIPAddresses", "pip")])
    try:
        assert database.run("resourcecontainers | count", [SUB]).rows == [(0,)]
        assert database.run("resourcecontainers | count", [SUB], include_unscoped=True).rows == [(1,)]
    finally:
        database.close()


def test_values_come_back_as_arg_gives_them(db):
    result = db.run(
        "resources | where name == 'vm-a1' | project id, props = properties, nothing = properties.nope, "
        "sizes = pack_array('a', 1), bag = bag_pack('k', name), at = datetime(2024-01-02 03:04:05), "
        "span = 1d + 2h, g = toguid('00000000-0000-0000-0000-000000000001'), r = 0.5, n = 3, b = true",
        [SUB],
    )
    values = dict(zip(result.columns, result.rows[0], strict=True))
    assert isinstance(values["props"], dict)
    assert values["nothing"] is None
    assert values["sizes"] == ["a", 1]
    assert values["bag"] == {"k": "vm-a1"}
    assert values["at"] == "2024-01-02T03:04:05.0000000Z"
    assert values["span"] == "1.02:00:00"
    assert values["g"] == "00000000-0000-0000-0000-000000000001"
    assert (values["r"], values["n"], values["b"]) == (0.5, 3, True)
    assert dict(zip(result.columns, result.types, strict=True)) == {
        "id": "string",
        "props": "object",
        "nothing": "object",
        "sizes": "object",
        "bag": "object",
        "at": "datetime",
        "span": "string",
        "g": "string",
        "r": "number",
        "n": "integer",
        "b": "boolean",
    }


def test_aggregated_lists_become_arrays(db):
    result = db.run("resources | summarize names = make_list(name) by subscriptionId", [SUB2])
    assert result.types == ("string", "object")
    assert sorted(result.rows[0][1]) == ["vm-b1", "vm-b2"]


def test_queries_reach_only_the_scoped_tables(db):
    secret = ["not", "a", "table"]  # DuckDB would scan a Python variable by this name if allowed
    assert secret
    with pytest.raises(QueryError):
        db.run("secret | take 1", [SUB])
    with pytest.raises(QueryError):
        db.run("database('__estate').resources | count", [SUB])
    with pytest.raises(QueryError):
        db.run(".set-or-replace resources <| resources | take 1", [SUB])
    with pytest.raises(QueryError):
        db.run("// a comment first\n.show tables", [SUB])


def test_long_queries_are_interrupted():
    database = EstateDatabase(ESTATE, query_timeout=0.2)
    try:
        with pytest.raises(QueryTimeout):
            database.run(
                "range a from 1 to 300000 step 1 | extend k = 1 "
                "| join kind=inner (range b from 1 to 300000 step 1 | extend k = 1) on k | count",
                [SUB],
            )
        assert database.run("resources | count", [SUB]).rows == [(6,)]  # still usable
    finally:
        database.close()


def test_quota_windows():
    now = [100.0]
    quota = QuotaTracker(quota=2, window_seconds=5.0, clock=lambda: now[0])
    assert quota.peek("u").remaining == 2
    first = quota.consume("u")
    assert (first.allowed, first.remaining, first.resets_after) == (True, 1, 5.0)
    now[0] += 1.5
    second = quota.consume("u")
    assert (second.allowed, second.remaining) == (True, 0)
    assert second.headers()["x-ms-user-quota-resets-after"] == "00:00:04"  # 3.5 s rounded up
    refused = quota.consume("u")
    assert (refused.allowed, refused.remaining) == (False, 0)
    assert quota.consume("other").allowed
    now[0] += 3.5  # the window started at 100.0 and lasts 5 s
    assert quota.consume("u").remaining == 1
    assert quota.throttled == 1


def test_format_resets_after():
    assert format_resets_after(0) == "00:00:00"
    assert format_resets_after(0.2) == "00:00:01"
    assert format_resets_after(5.0) == "00:00:05"
    assert format_resets_after(3661) == "01:01:01"
