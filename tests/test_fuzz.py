"""Fuzzing: the files source, the whole offline pipeline and the rule loader accept valid input or fail
with one InputError line — never a traceback. Bounded (a fixed number of examples, no deadline flakes).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from arg_rows import classic_storage, classic_vm, classic_vnet, cloud_service, row
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.engine.evaluate import evaluate
from scanner.engine.rules import load_pack, load_rule
from scanner.errors import InputError
from scanner.inventory import build_inventory
from scanner.sources.files import FilesSource

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PACK = load_pack()
TYPES = [
    "microsoft.classiccompute/virtualmachines",
    "microsoft.classiccompute/domainnames",
    "microsoft.classicstorage/storageaccounts",
    "microsoft.classicnetwork/virtualnetworks",
    "microsoft.classicnetwork/reservedips",
    "microsoft.network/expressroutecircuits",
    "microsoft.network/connections",
    "microsoft.authorization/roleassignments",
    "microsoft.authorization/classicadministrators",
    "microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems",
    "microsoft.compute/virtualmachines",
    "microsoft.network/publicipaddresses",
    "microsoft.insights/alertrules",
    "microsoft.resources/subscriptions/resourcegroups",
    "microsoft.web/sites",
]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False), st.text(max_size=30)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=25,
)
KNOWN_PATHS = [
    "instanceView",
    "networkProfile",
    "storageProfile",
    "extensions",
    "hardwareProfile",
    "domainName",
    "debugProfile",
    "subnets",
    "addressSpace",
    "authorizations",
    "attachedTo",
    "role",
    "adminState",
    "peer",
    "scope",
    "sourceResourceId",
    "protectedItemType",
    "protectionState",
    "condition",
]


@st.composite
def arg_rows(draw: Any) -> dict[str, Any]:
    """Rows that are mostly ARG-shaped, with nulls, wrong types, unicode and odd ids mixed in."""
    name = draw(st.text(min_size=1, max_size=20))
    rtype = draw(st.sampled_from(TYPES))
    sub = draw(st.sampled_from(["11111111-1111-1111-1111-111111111111", "AAAA", ""]))
    rid = draw(
        st.one_of(
            st.just(f"/subscriptions/{sub}/resourceGroups/rg/providers/{rtype}/{name}"),
            st.just(f"/SUBSCRIPTIONS/{sub}/resourceGroups//providers/{rtype.upper()}/{name}"),
            st.text(min_size=1, max_size=40),
        )
    )
    props = draw(
        st.one_of(
            st.dictionaries(st.sampled_from(KNOWN_PATHS), json_values, max_size=6),
            json_values,
        )
    )
    out: dict[str, Any] = {
        "id": rid,
        "type": draw(st.sampled_from([rtype, rtype.upper()])),
        "name": name,
        "properties": props,
    }
    for key in ("subscriptionId", "resourceGroup", "location", "tags", "sku", "kind", "tenantId"):
        if draw(st.booleans()):
            out[key] = draw(json_values)
    return out


def run_pipeline(path: Path) -> None:
    try:
        snapshot = FilesSource((path,)).read()
    except InputError as exc:
        assert "\n" not in str(exc)
        assert str(path) in str(exc)
        return
    inventory = build_inventory(snapshot)
    result = evaluate(PACK, inventory, __import__("datetime").date(2026, 11, 26), "public")
    assert not result.errors, result.errors


@FUZZ
@given(rows=st.lists(arg_rows(), max_size=12))
def test_json_array_of_odd_rows_never_crashes(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("fz") / "rows.json"
    path.write_text(json.dumps(rows))
    run_pipeline(path)


@FUZZ
@given(rows=st.lists(arg_rows(), min_size=1, max_size=8), dup=st.booleans())
def test_json_lines_and_duplicates_never_crash(tmp_path_factory, rows, dup):
    if dup:
        rows = [*rows, dict(rows[0], id=str(rows[0]["id"]).swapcase())]
    path = tmp_path_factory.mktemp("fz") / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    run_pipeline(path)


@FUZZ
@given(
    rows=st.lists(arg_rows(), min_size=1, max_size=8), drop=st.sampled_from(["", "ID", "TYPE", "PROPERTIES"])
)
def test_csv_exports_with_missing_and_extra_columns(tmp_path_factory, rows, drop):
    columns = ["ID", "NAME", "TYPE", "PROPERTIES", "EXTRA"]
    columns = [c for c in columns if c != drop]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for r in rows:
        cells = {
            "ID": r["id"],
            "NAME": r["name"],
            "TYPE": r["type"],
            "PROPERTIES": json.dumps(r["properties"]),
            "EXTRA": "x",
        }
        writer.writerow([cells[c] for c in columns])
    path = tmp_path_factory.mktemp("fz") / "export.csv"
    path.write_text(buffer.getvalue())
    run_pipeline(path)


@FUZZ
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes(tmp_path_factory, data):
    for suffix in (".json", ".jsonl", ".csv"):
        path = tmp_path_factory.mktemp("fz") / f"blob{suffix}"
        path.write_bytes(data)
        run_pipeline(path)


@FUZZ
@given(doc=json_values)
def test_arbitrary_json_documents(tmp_path_factory, doc):
    path = tmp_path_factory.mktemp("fz") / "doc.json"
    path.write_text(json.dumps(doc))
    run_pipeline(path)


def test_huge_properties_unicode_names_and_nulls(tmp_path):
    vm = classic_vm("ẅëb-😀-01")
    vm["properties"]["blob"] = "x" * 2_000_000
    nulls = {k: None for k in classic_vm("n")}
    nulls.update(
        id="/subscriptions/x/resourceGroups/r/providers/Microsoft.ClassicCompute/virtualMachines/n",
        type="microsoft.classiccompute/virtualmachines",
    )
    weird = [
        vm,
        nulls,
        cloud_service("cs1"),
        classic_storage("stor1"),
        classic_vnet("vnet1"),
        row("Microsoft.ClassicNetwork/virtualNetworks", "arr", ["not", "an", "object"]),
        row("Microsoft.Network/expressRouteCircuits", "er", {"authorizations": {"not": "a list"}}),
    ]
    path = tmp_path / "weird.json"
    path.write_text(json.dumps(weird))
    run_pipeline(path)


BASE_RULE = yaml.safe_load((Path(__file__).resolve().parents[1] / "rules" / "vm" / "VM-001.yaml").read_text())


@FUZZ
@given(changes=st.dictionaries(st.sampled_from([*sorted(BASE_RULE), "extra"]), json_values, max_size=4))
def test_rule_loader_accepts_or_rejects_in_one_line(tmp_path_factory, changes):
    data = {**BASE_RULE, **changes}
    folder = tmp_path_factory.mktemp("rules") / "vm"
    folder.mkdir()
    path = folder / "VM-001.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    try:
        load_rule(path)
    except InputError as exc:
        assert "\n" not in str(exc)
        assert "VM-001.yaml" in str(exc)


@FUZZ
@given(condition=json_values)
def test_rule_loader_on_arbitrary_conditions(tmp_path_factory, condition):
    folder = tmp_path_factory.mktemp("rules") / "vm"
    folder.mkdir()
    path = folder / "VM-001.yaml"
    path.write_text(yaml.safe_dump({**BASE_RULE, "condition": condition}, allow_unicode=True))
    try:
        load_rule(path)
    except InputError as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize("text", ["", "::", "- [", "id: !!python/object:os.system {}", "\x00", "a: b\n  c"])
def test_rule_loader_on_broken_yaml(tmp_path, text):
    folder = tmp_path / "vm"
    folder.mkdir()
    path = folder / "VM-001.yaml"
    path.write_text(text)
    with pytest.raises(InputError):
        load_rule(path)
