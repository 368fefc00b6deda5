"""scan.pick_source and LiveSource: a live scan is one more Source; `--save-snapshot` is the source's."""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest
from arg_rows import SUB, classic_vm, cloud_service, row
from emulator import ArgEmulator, StaticTokenCredential

from scanner.live import LiveOptions, LiveSource
from scanner.scan import ScanOptions, pick_source, run_scan
from scanner.sources.events import ProgressEvent, QueriesPlanned, QueryDone
from scanner.sources.files import FilesSource


def estate() -> list[dict]:
    sub_row = row("Microsoft.Resources/subscriptions", "Prod", {}, sub=SUB, location="")
    sub_row.update(id=f"/subscriptions/{SUB}", resourceGroup="")
    return [classic_vm("vm1", "cs1"), cloud_service("cs1"), sub_row]


@pytest.fixture
def emu(monkeypatch):
    with ArgEmulator(estate(), quota=100) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_bundle)
        monkeypatch.setenv("CLASSIC_SCAN_ARM_ENDPOINT", server.base_url)
        yield server


def test_the_options_pick_the_source_and_its_kind(tmp_path):
    kind, source = pick_source(ScanOptions(demo=True), "1")
    assert kind == "demo" and isinstance(source, FilesSource)
    kind, source = pick_source(ScanOptions(inputs=(tmp_path,)), "1")
    assert kind == "files" and isinstance(source, FilesSource)
    live = ScanOptions(live=LiveOptions(), save_snapshot=tmp_path / "snap")
    kind, source = pick_source(live, "rules-7")
    assert kind == "live" and isinstance(source, LiveSource)
    assert (source.save_to, source.rules_version) == (tmp_path / "snap", "rules-7")


def test_live_source_reads_and_saves_what_it_read(emu, tmp_path):
    events: list[ProgressEvent] = []
    out = tmp_path / "snap"
    source = LiveSource(LiveOptions(), events.append, StaticTokenCredential(), out, "rules-7")
    snapshot = source.read()
    assert {r["name"] for r in snapshot.rows["resources"]} >= {"vm1", "cs1"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rules_version"] == "rules-7"
    assert manifest["datasets"]["resources"]["rows"] == len(snapshot.rows["resources"])
    (planned,) = [e for e in events if isinstance(e, QueriesPlanned)]
    assert sum(isinstance(e, QueryDone) for e in events) == planned.queries


def test_a_live_scan_runs_the_same_pipeline_and_logs_what_it_read(emu, tmp_path, caplog):
    options = ScanOptions(live=LiveOptions(), as_of=date(2026, 12, 2), save_snapshot=tmp_path / "snap")
    with caplog.at_level(logging.INFO, logger="classic_scan"):
        result = run_scan(options, credential=StaticTokenCredential())
    assert result.meta.source == "live"
    assert (tmp_path / "snap" / "manifest.json").is_file()
    assert set(result.findings["resource_name"]) >= {"vm1", "cs1"}
    messages = [r.getMessage() for r in caplog.records if r.name == "classic_scan.scan"]
    assert messages[0].startswith("read ") and messages[0].endswith(" from 0 files")
    assert messages[1].startswith("evaluated ")
