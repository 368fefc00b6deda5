"""The benchmark estate generator (bench/generate.py): deterministic, complete mix, right scale, valid rows.

No timing here: speed and memory are measured by bench/run.py only.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date

import pytest

from bench.generate import MIX, Estate, counts, rows_by_dataset, split, write_jsonl, write_snapshot_streaming
from scanner.engine.evaluate import evaluate
from scanner.engine.rules import load_pack
from scanner.inventory import build_inventory
from scanner.inventory.columns import TYPE_TO_TABLE
from scanner.snapshot import DATASETS, MANIFEST, write_snapshot
from scanner.sources.files import FilesSource

SIZE = 1500


def _digest(directory) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def snapshot_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("estate")
    write_snapshot_streaming(directory, SIZE, seed=7)
    return directory


def test_same_seed_same_bytes(snapshot_dir, tmp_path):
    again = tmp_path / "again"
    write_snapshot_streaming(again, SIZE, seed=7)
    assert _digest(again) == _digest(snapshot_dir)


#: sha256 of `write_jsonl(path, 1500, seed=7)` as the generator wrote it before its rows came from
#: tests/rowfactory: moving the row building must not move a byte (benchmark estates stay comparable).
JSONL_1500_SEED_7 = "8574cfb95e78716e472001936c2286352b33434df73e37b92f5a4208adeaecba"


def test_the_row_factory_keeps_the_bytes_of_a_seed(tmp_path):
    path = tmp_path / "estate.jsonl"
    write_jsonl(path, SIZE, seed=7)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == JSONL_1500_SEED_7


def test_another_seed_other_rows(snapshot_dir, tmp_path):
    other = tmp_path / "other"
    write_snapshot_streaming(other, SIZE, seed=8)
    assert _digest(other)["resources.jsonl"] != _digest(snapshot_dir)["resources.jsonl"]


def test_jsonl_export_is_deterministic(tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert write_jsonl(first, 300, seed=3) == write_jsonl(second, 300, seed=3)
    assert first.read_bytes() == second.read_bytes()


def test_streamed_snapshot_is_what_write_snapshot_writes(snapshot_dir, tmp_path):
    """Byte for byte the files scanner.snapshot.write_snapshot writes for the same rows and manifest."""
    manifest = json.loads((snapshot_dir / MANIFEST).read_text(encoding="utf-8"))
    meta = {k: v for k, v in manifest.items() if k not in ("format", "format_version", "datasets")}
    queries = {name: entry["query"] for name, entry in manifest["datasets"].items()}
    reference = tmp_path / "reference"
    write_snapshot(reference, rows_by_dataset(SIZE, seed=7), meta, queries=queries)
    assert _digest(reference) == _digest(snapshot_dir)


def test_mix_has_every_type_the_rules_read():
    rows = [r for table in rows_by_dataset(SIZE, seed=7).values() for r in table]
    types = Counter(r["type"] for r in rows)
    assert set(TYPE_TO_TABLE) <= set(types)  # every type an inventory table reads
    assert types["microsoft.resources/subscriptions"] == counts(SIZE)["subscription"]
    routed = Counter(TYPE_TO_TABLE[t] for t in types.elements() if t in TYPE_TO_TABLE)
    assert set(MIX) <= set(routed)
    # Realistic shapes: classic VMs with extensions and disks, cloud services of at most 50 VMs.
    vms = [r for r in rows if r["type"] == "microsoft.classiccompute/virtualmachines"]
    assert sum(1 for r in vms if r["properties"].get("extensions")) > len(vms) / 2
    assert all(r["properties"]["storageProfile"]["operatingSystemDisk"]["vhdUri"] for r in vms)
    per_service = Counter(r["properties"]["domainName"]["id"] for r in vms)
    assert max(per_service.values()) <= 50


@pytest.mark.parametrize("size", [1000, 5000, 20000])
def test_scale_is_roughly_right(size):
    estate = Estate(size, seed=1)
    n = sum(1 for _ in estate.rows())
    assert 0.9 * size <= n <= 1.1 * size


def test_split_keeps_the_total():
    assert sum(split(1001, [0.3, 2.0, 1.1])) == 1001
    assert split(10, [1, 1]) == [5, 5]


def test_rows_pass_the_files_source_and_every_rule_runs(snapshot_dir):
    snapshot = FilesSource([snapshot_dir]).read()
    assert snapshot.collected == frozenset(DATASETS)
    assert not snapshot.issues
    inventory = build_inventory(snapshot)
    assert not inventory.unrouted_types  # every row is one the scanner's queries return
    result = evaluate(load_pack(), inventory, date(2026, 11, 26), "public")
    assert not result.errors
    statuses = Counter(result.findings["status"])
    assert {"fail", "pass", "unknown", "manual"} <= set(statuses)
    # Each rule family sees failures (the generator's rates are not all zero).
    failing = set(result.findings.loc[result.findings["status"] == "fail", "rule_id"])
    for prefix in ("RET-", "VM-", "CS-", "NET-", "ER-", "ST-", "BK-", "IAM-", "MON-", "POST-"):
        assert any(r.startswith(prefix) for r in failing), prefix
