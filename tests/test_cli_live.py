"""Live CLI paths end to end on the ARG emulator, authenticated by AzureCliCredential with a stand-in `az`.

Covers `collect`, `scan` live with `--save-snapshot`, `scan --input` on that snapshot (same verdicts),
exit codes 0/2/4, and that nothing but POSTs to the ARG path ever leaves the scanner (read-only).
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from arg_rows import (
    PLANTED_SECRETS,
    SUB,
    SUB2,
    classic_vm,
    cloud_service,
    er_circuit_with_keys,
    row,
    secret_rows,
)
from emulator import ARG_PATH, ArgEmulator
from fake_az import install_fake_az
from typer.testing import CliRunner

from scanner.cli import app
from scanner.sources.pacing import QuotaPacer, RetryPolicy

TOKEN = "fake-cli-token-0123456789"
runner = CliRunner()


def estate() -> list[dict]:
    rows = [
        classic_vm("vm1", "cs1"),
        cloud_service("cs1"),
        classic_vm("vm2", "cs2", sub=SUB2),
        cloud_service("cs2", sub=SUB2),
    ]
    rows.append(er_circuit_with_keys("er1"))
    for sub, name in ((SUB, "Prod"), (SUB2, "Dev")):
        sub_row = row("Microsoft.Resources/subscriptions", name, {}, sub=sub, location="")
        sub_row.update(id=f"/subscriptions/{sub}", resourceGroup="")
        rows.append(sub_row)
    return rows


@pytest.fixture
def fake_az(tmp_path, monkeypatch):
    """An `az` on PATH that answers `az account get-access-token` like the real CLI."""
    bin_dir = tmp_path / "bin"
    script = install_fake_az(bin_dir, TOKEN, SUB)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return script


@pytest.fixture
def emu(monkeypatch, fake_az):
    with ArgEmulator(estate(), quota=100) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_bundle)
        monkeypatch.setenv("CLASSIC_SCAN_ARM_ENDPOINT", server.base_url)
        yield server


def cli(*args: str):
    return runner.invoke(app, list(args))


def all_text(directory: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in directory.rglob("*") if p.is_file())


def test_collect_writes_a_verifiable_snapshot(emu, tmp_path):
    out = tmp_path / "snap"
    result = cli("collect", "--auth", "cli", "--out", str(out))
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format"] == "classic-scan-snapshot"
    assert manifest["cloud"] == "public"
    assert manifest["coverage"]["complete"] is True
    assert set(manifest["datasets"]) == {
        "resources",
        "recoveryservicesresources",
        "authorizationresources",
        "resourcecontainers",
    }
    for entry in manifest["datasets"].values():
        assert entry["query"].strip()
        assert len(entry["sha256"]) == 64
    text = all_text(out)
    assert "SECRET" not in text
    assert TOKEN not in text and TOKEN not in result.output
    for entry in emu.requests:
        assert (entry["method"], entry["path"]) == ("POST", ARG_PATH)
        assert entry["authenticated"]


def test_live_scan_and_its_snapshot_give_the_same_verdicts(emu, tmp_path):
    live_out, snap, offline_out = tmp_path / "live", tmp_path / "snap", tmp_path / "offline"
    live = cli(
        "scan",
        "--auth",
        "cli",
        "--out",
        str(live_out),
        "--save-snapshot",
        str(snap),
        "--format",
        "json",
        "--as-of",
        "2026-11-26",
    )
    assert live.exit_code == 0, live.output
    offline = cli(
        "scan", "--input", str(snap), "--out", str(offline_out), "--format", "json", "--as-of", "2026-11-26"
    )
    assert offline.exit_code == 0, offline.output
    a = json.loads((live_out / "findings.json").read_text())
    b = json.loads((offline_out / "findings.json").read_text())
    assert a["scan"]["source"] == "live" and b["scan"]["source"] == "files"
    assert [(f["finding_id"], f["status"]) for f in a["findings"]] == [
        (f["finding_id"], f["status"]) for f in b["findings"]
    ]
    assert {f["rule_id"] for f in a["findings"] if f["status"] == "fail"} >= {"RET-001", "ER-001"}
    assert {f["rule_id"] for f in a["findings"] if f["status"] == "manual"} >= {"ER-002"}
    assert "SECRET" not in all_text(live_out) + all_text(snap)


def test_denied_subscription_exits_4_and_names_it(emu, tmp_path):
    emu.deny_subscription(SUB2)
    out = tmp_path / "out"
    result = cli("scan", "--auth", "cli", "-s", SUB, "-s", SUB2, "--out", str(out), "--format", "json")
    assert result.exit_code == 4, result.output
    doc = json.loads((out / "findings.json").read_text())
    coverage = doc["scan"]["coverage"]
    assert coverage["complete"] is False
    assert any(SUB2 in issue for issue in coverage["issues"])
    assert {f["resource_name"] for f in doc["findings"] if f["rule_id"] == "RET-001"} == {"vm1"}
    assert SUB2 in result.output


def test_subscriptions_from_a_file(emu, tmp_path):
    listing = tmp_path / "subs.txt"
    listing.write_text(f"# production only\n{SUB.upper()}\n\n")
    out = tmp_path / "out"
    result = cli("scan", "--auth", "cli", "-s", f"@{listing}", "--out", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    bodies = [e["body"] for e in emu.requests if e["body"]]
    assert all(b.get("subscriptions") == [SUB] for b in bodies)


def test_unreachable_endpoint_is_one_line_exit_2(fake_az, tmp_path, monkeypatch):
    monkeypatch.setenv("CLASSIC_SCAN_ARM_ENDPOINT", "https://127.0.0.1:9")
    fast = RetryPolicy(max_transient_retries=1, backoff_base=0.01)
    monkeypatch.setattr("scanner.sources.graph.QuotaPacer", lambda: QuotaPacer(fast))
    result = cli("collect", "--auth", "cli", "--out", str(tmp_path / "snap"))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "snap").exists()


def test_az_missing_is_a_clear_credential_error(emu, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = cli("collect", "--auth", "cli", "--out", str(tmp_path / "snap"))
    assert result.exit_code == 2, result.output
    assert "authentication failed" in result.output


def _foreign_folder(directory: Path) -> dict[str, bytes]:
    """A folder that happens to hold a manifest.json (a browser extension) and other files."""
    directory.mkdir()
    (directory / "manifest.json").write_text('{"manifest_version": 3, "name": "my extension"}')
    (directory / "background.js").write_text("console.log('keep me')")
    return {p.name: p.read_bytes() for p in directory.iterdir()}


@pytest.mark.parametrize("command", ["collect", "scan"])
def test_a_folder_with_a_foreign_manifest_is_never_replaced(emu, tmp_path, command):
    target = tmp_path / "extension"
    before = _foreign_folder(target)
    args = ["--auth", "cli", "--out"]
    if command == "collect":
        result = cli("collect", *args, str(target))
    else:
        result = cli("scan", *args, str(tmp_path / "reports"), "--save-snapshot", str(target))
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        f"classic-scan: error: {target}: not empty and not a classic-scan snapshot; "
        "choose a new or empty directory"
    ]
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "extension"]
    assert not emu.requests  # refused before anything was read


def test_a_manifest_of_another_version_is_not_replaced(emu, tmp_path):
    target = tmp_path / "snap"
    target.mkdir()
    (target / "manifest.json").write_text('{"format": "classic-scan-snapshot", "format_version": 99}')
    result = cli("collect", "--auth", "cli", "--out", str(target))
    assert result.exit_code == 2
    assert json.loads((target / "manifest.json").read_text())["format_version"] == 99


def test_collect_replaces_its_own_snapshot(emu, tmp_path):
    target = tmp_path / "snap"
    assert cli("collect", "--auth", "cli", "--out", str(target)).exit_code == 0
    (target / "resources.jsonl").write_text("")
    assert cli("collect", "--auth", "cli", "--out", str(target)).exit_code == 0
    assert (target / "resources.jsonl").read_text().strip()


def test_live_collect_and_scan_keep_no_secret(fake_az, monkeypatch, tmp_path):
    with ArgEmulator(estate() + secret_rows(), quota=100) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_bundle)
        monkeypatch.setenv("CLASSIC_SCAN_ARM_ENDPOINT", server.base_url)
        collected = cli("collect", "--auth", "cli", "--out", str(tmp_path / "collected"))
        scanned = cli(
            "scan",
            "--auth",
            "cli",
            "--out",
            str(tmp_path / "reports"),
            "--save-snapshot",
            str(tmp_path / "saved"),
            "--format",
            "xlsx,html,json,csv",
        )
    assert collected.exit_code == 0, collected.output
    assert scanned.exit_code == 0, scanned.output
    snapshot = all_text(tmp_path / "collected")
    assert "conn1" in snapshot and "WebRole1" in snapshot  # the rows are there, their secrets are not
    text = snapshot + all_text(tmp_path / "saved") + collected.output + scanned.output
    text += "\n".join(
        zipfile.ZipFile(p).read(n).decode("utf-8", "replace")
        for p in (tmp_path / "reports").glob("*.xlsx")
        for n in zipfile.ZipFile(p).namelist()
    )
    text += all_text(tmp_path / "reports")
    assert [s for s in (*PLANTED_SECRETS, "SECRET") if s in text] == []
