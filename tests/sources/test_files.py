"""The files source: every accepted format, routing by type, and every kind of bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from arg_rows import SUB, classic_storage, classic_vm, cloud_service, row

from scanner.errors import InputError
from scanner.inventory.columns import TYPE_TO_TABLE
from scanner.snapshot import DATASETS, write_snapshot
from scanner.sources.files import FilesSource

ROWS = [
    classic_vm("vm1"),
    cloud_service("cs1"),
    classic_storage("stor1"),
    row(
        "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems",
        "item1",
        {"protectedItemType": "Microsoft.ClassicCompute/virtualMachines"},
    ),
    row("Microsoft.Authorization/classicAdministrators", "admin1", {"role": "CoAdministrator"}),
    row("Microsoft.Resources/subscriptions/resourceGroups", "rg1", {}),
]


def read(*paths: Path):
    return FilesSource(paths, TYPE_TO_TABLE).read()


def counts(snap) -> dict[str, int]:
    return {k: len(v) for k, v in snap.rows.items() if v}


EXPECTED = {
    "resources": 3,
    "recoveryservicesresources": 1,
    "authorizationresources": 1,
    "resourcecontainers": 1,
}


def test_json_array(tmp_path):
    p = tmp_path / "rows.json"
    p.write_text(json.dumps(ROWS))
    snap = read(p)
    assert counts(snap) == EXPECTED
    assert snap.collected == frozenset(DATASETS)
    assert not snap.issues


def test_az_graph_query_output(tmp_path):
    p = tmp_path / "az.json"
    p.write_text(
        json.dumps({"count": len(ROWS), "data": ROWS, "skip_token": None, "total_records": len(ROWS)})
    )
    assert counts(read(p)) == EXPECTED


def test_az_output_with_skip_token_is_flagged_incomplete(tmp_path):
    p = tmp_path / "az.json"
    p.write_text(json.dumps({"count": 2, "data": ROWS[:2], "skip_token": "abc", "total_records": 5000}))
    snap = read(p)
    assert len(snap.issues) == 1
    assert "2 of 5000" in snap.issues[0]


def test_rest_table_format(tmp_path):
    cols = ["id", "name", "type", "subscriptionId", "properties"]
    p = tmp_path / "table.json"
    p.write_text(
        json.dumps(
            {
                "data": {
                    "columns": [{"name": c, "type": "string"} for c in cols],
                    "rows": [[r[c] for c in cols] for r in ROWS],
                }
            }
        )
    )
    assert counts(read(p)) == EXPECTED


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson", ".json"])
def test_json_lines(tmp_path, suffix):
    p = tmp_path / f"rows{suffix}"
    p.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n\n")
    assert counts(read(p)) == EXPECTED


def test_csv_from_resource_graph_explorer(tmp_path):
    p = tmp_path / "export.csv"
    with p.open("w", newline="", encoding="utf-8-sig") as fh:  # Explorer writes a BOM
        writer = csv.writer(fh)
        writer.writerow(
            ["ID", "NAME", "TYPE", "LOCATION", "RESOURCEGROUP", "SUBSCRIPTIONID", "PROPERTIES", "TAGS"]
        )
        for r in ROWS:
            writer.writerow(
                [
                    r["id"],
                    r["name"],
                    r["type"].upper(),
                    r["location"],
                    r["resourceGroup"],
                    r["subscriptionId"],
                    json.dumps(r["properties"]),
                    "",
                ]
            )
    snap = read(p)
    assert counts(snap) == EXPECTED
    vm = snap.rows["resources"][0]
    assert vm["type"] == "microsoft.classiccompute/virtualmachines"  # routed case-insensitively
    assert vm["properties"]["instanceView"]["status"] == "ReadyRole"
    assert "tags" not in vm


def test_snapshot_round_trip_and_merge(tmp_path):
    write_snapshot(tmp_path / "snap", {"resources": ROWS[:3]}, {"cloud": "usgov"})
    extra = tmp_path / "more.json"
    extra.write_text(json.dumps([ROWS[0], ROWS[3]]))  # vm1 again: merged once
    snap = read(tmp_path / "snap", extra)
    assert counts(snap) == {"resources": 3, "recoveryservicesresources": 1}
    assert snap.manifest["cloud"] == "usgov"
    assert len(snap.sources) == 3  # manifest, resources.jsonl, more.json
    only = read(tmp_path / "snap" / "manifest.json")
    assert only.collected == frozenset({"resources"})


def test_secrets_are_dropped_on_load(tmp_path):
    circuit = row(
        "Microsoft.Network/expressRouteCircuits",
        "er1",
        {
            "serviceKey": "SECRET-1",
            "allowClassicOperations": True,
            "authorizations": [
                {
                    "name": "a",
                    "properties": {"authorizationKey": "SECRET-2", "authorizationUseStatus": "InUse"},
                }
            ],
        },
    )
    p = tmp_path / "er.json"
    p.write_text(json.dumps([circuit]))
    assert "SECRET" not in json.dumps(read(p).rows)


def test_ids_differing_only_in_case_merge(tmp_path):
    upper = dict(ROWS[0], id=ROWS[0]["id"].upper())
    p = tmp_path / "dup.json"
    p.write_text(json.dumps([ROWS[0], upper]))
    assert counts(read(p)) == {"resources": 1}


BAD_INPUTS = [
    ("missing.json", None, "no such file"),
    ("empty.json", "", "empty"),
    ("text.json", "hello world", "not JSON"),
    ("trunc.json", json.dumps(ROWS)[:200], "invalid JSON at line 1"),
    ("object.json", json.dumps({"rows": ROWS}), "expected a JSON array"),
    ("noid.json", json.dumps([{"type": "x"}]), "row 1: the row has no 'id'"),
    ("notype.jsonl", json.dumps(ROWS[0]) + "\n" + json.dumps({"id": "/x"}), "line 2: the row has no 'type'"),
    ("scalar.json", json.dumps([1, 2]), "row 1: expected an object"),
    ("badline.jsonl", json.dumps(ROWS[0]) + "\n{oops\n", "line 2: invalid JSON"),
    ("bin.json", b"\xff\xfe\x00garbage", "not UTF-8"),
    (
        "badprops.csv",
        f"id,type,properties\n/subscriptions/{SUB}/x,t,{{not json\n",
        "line 2: column 'properties'",
    ),
    ("ragged.csv", "id,type\n/a,t,extra\n", "line 2: more cells"),
    ("table.json", json.dumps({"data": {"columns": [{"name": "id"}], "rows": [[1, 2]]}}), "malformed table"),
]


@pytest.mark.parametrize(("name", "content", "fragment"), BAD_INPUTS)
def test_bad_input_is_one_clear_line(tmp_path, name, content, fragment):
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    elif content is not None:
        p.write_text(content)
    with pytest.raises(InputError) as err:
        read(p)
    message = str(err.value)
    assert fragment in message
    assert name in message
    assert "\n" not in message


def test_snapshot_problems(tmp_path):
    d = tmp_path / "snap"
    write_snapshot(d, {"resources": ROWS[:2]}, {})
    (d / "resources.jsonl").write_text((d / "resources.jsonl").read_text()[:50])
    with pytest.raises(InputError, match="SHA-256 does not match"):
        read(d)
    (d / "resources.jsonl").unlink()
    with pytest.raises(InputError, match="missing"):
        read(d)
    (d / "manifest.json").write_text("{}")
    with pytest.raises(InputError, match="not a classic-scan snapshot"):
        read(d)
    (d / "manifest.json").unlink()
    with pytest.raises(InputError, match="must be a snapshot"):
        read(d)


def test_incomplete_snapshot_carries_its_issues(tmp_path):
    write_snapshot(
        tmp_path / "s",
        {"resources": ROWS[:1]},
        {"coverage": {"complete": False, "issues": ["subscription x denied"]}},
    )
    assert read(tmp_path / "s").issues == ("subscription x denied",)


def test_input_larger_than_memory_is_refused_cleanly(tmp_path, monkeypatch):
    p = tmp_path / "big.json"
    p.write_text(json.dumps(ROWS * 50))
    monkeypatch.setattr("scanner.memory.resident", lambda: 0)  # the budget is what the input may add
    monkeypatch.setenv("CLASSIC_SCAN_MEMORY_LIMIT", str(p.stat().st_size * 2))
    with pytest.raises(
        InputError, match=r"of memory and the budget is \d+ MiB \(set by CLASSIC_SCAN_MEMORY_LIMIT\)"
    ) as err:
        read(p)
    assert "\n" not in str(err.value)
    monkeypatch.setenv("CLASSIC_SCAN_MEMORY_LIMIT", str(p.stat().st_size * 100))
    assert counts(read(p))["resources"] == 3


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_secrets_are_dropped_in_every_format(tmp_path, fmt):
    circuit = row(
        "Microsoft.Network/expressRouteCircuits",
        "er1",
        {
            "ServiceKey": "SECRET-1",
            "allowClassicOperations": True,
            "authorizations": [{"name": "a", "properties": {"authorizationKey": "SECRET-2"}}],
        },
    )
    rows = [classic_vm("vm1"), circuit]
    p = tmp_path / f"rows.{fmt}"
    if fmt == "json":
        p.write_text(json.dumps(rows))
    elif fmt == "jsonl":
        p.write_text("\n".join(json.dumps(r) for r in rows))
    else:
        with p.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["id", "type", "properties"])
            for r in rows:
                writer.writerow([r["id"], r["type"], json.dumps(r["properties"])])
    assert "SECRET" not in json.dumps(read(p).rows)


def test_symlinks_inside_a_snapshot_are_refused(tmp_path):
    d = tmp_path / "snap"
    write_snapshot(d, {"resources": ROWS[:2]}, {})
    outside = tmp_path / "outside.jsonl"
    (d / "resources.jsonl").rename(outside)
    (d / "resources.jsonl").symlink_to(outside)
    with pytest.raises(InputError, match=r"resources\.jsonl: is a symbolic link"):
        read(d)
    (d / "resources.jsonl").unlink()
    outside.rename(d / "resources.jsonl")
    (d / "manifest.json").rename(tmp_path / "manifest.json")
    (d / "manifest.json").symlink_to(tmp_path / "manifest.json")
    with pytest.raises(InputError, match=r"manifest\.json: is a symbolic link"):
        read(d)


def test_a_dataset_without_its_sha256_is_refused(tmp_path):
    d = tmp_path / "snap"
    write_snapshot(d, {"resources": ROWS[:2]}, {})
    manifest = json.loads((d / "manifest.json").read_text())
    del manifest["datasets"]["resources"]["sha256"]
    (d / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="dataset 'resources' has no sha256"):
        read(d)


def test_a_non_json_input_is_named_by_position_not_by_its_bytes(tmp_path):
    p = tmp_path / "export.json"
    p.write_text("\n  AccountKey=c2VjcmV0\x1b[31m rest of the file")
    with pytest.raises(InputError) as err:
        read(p)
    message = str(err.value)
    assert message == f"{p}: not JSON, JSON Lines or CSV (line 2 starts with neither '[' nor '{{')"
    assert "AccountKey" not in message and "\x1b" not in message


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.json", "[]", "holds no rows"),
        ("az.json", json.dumps({"data": [], "count": 0}), "holds no rows"),
        ("header.csv", "id,name,type,properties\n", "holds no rows"),
        (
            "other.json",
            json.dumps([row("Microsoft.Web/sites", "site1", {})]),
            "none of its 1 row is of a type the rules read (it holds microsoft.web/sites)",
        ),
    ],
)
def test_export_with_nothing_to_scan_is_an_issue_naming_the_file(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content)
    snap = read(path)
    assert len(snap.issues) == 1
    assert snap.issues[0].startswith(f"{path}: ")
    assert expected in snap.issues[0]


def test_export_with_one_row_the_rules_read_has_no_issue(tmp_path):
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([row("Microsoft.Web/sites", "site1", {}), classic_vm("vm1")]))
    assert read(path).issues == ()
