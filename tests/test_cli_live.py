"""Live CLI paths end to end on the ARG emulator, authenticated by AzureCliCredential with a stand-in `az`.

Covers `collect`, `scan` live with `--save-snapshot`, `scan --input` on that snapshot (same verdicts),
exit codes 0/2/4, and that nothing but POSTs to the ARG path ever leaves the scanner (read-only).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from arg_rows import SUB, SUB2, classic_vm, cloud_service, er_circuit_with_keys, row
from emulator import ARG_PATH, ArgEmulator
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
    bin_dir.mkdir()
    script = bin_dir / "az"
    payload = json.dumps(
        {
            "accessToken": TOKEN,
            "expiresOn": "2099-01-01 00:00:00.000000",
            "expires_on": 4070908800,
            "subscription": SUB,
            "tenant": "t",
            "tokenType": "Bearer",
        }
    )
    script.write_text(f"#!/bin/sh\ncat <<'EOF'\n{payload}\nEOF\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
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
