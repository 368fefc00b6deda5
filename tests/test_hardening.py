"""Hardening: interrupted scans leave no partial files, concurrent scans do not corrupt each other, and
no planted secret reaches any output (reports, snapshots, history, logs)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from arg_rows import SUB, classic_vm, cloud_service, er_circuit_with_keys, row
from emulator import ARG_PATH, ArgEmulator
from fake_az import install_fake_az
from typer.testing import CliRunner

import reports
from reports import html_data
from scanner.cli import app
from scanner.snapshot import write_snapshot

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("xlsx", "html", "json", "csv")


def scan(*args: str):
    return runner.invoke(app, ["scan", *args])


def visible(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if not p.name.startswith(".")}


def leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.startswith(".")]  # the lock file included


@pytest.mark.parametrize("failing", FORMATS)
def test_interrupt_while_writing_any_report_keeps_the_previous_ones(tmp_path, monkeypatch, failing):
    out = tmp_path / "out"
    assert scan("--demo", "--out", str(out), "--as-of", "2026-11-26").exit_code == 0
    before = visible(out)
    real = reports.writer

    def flaky(fmt: str):
        if fmt != failing:
            return real(fmt)

        def interrupted(result, path):
            real(fmt)(result, path)  # the file is (partly) there, then Ctrl-C
            raise KeyboardInterrupt

        return interrupted

    monkeypatch.setattr(reports, "writer", flaky)
    result = scan("--demo", "--out", str(out), "--as-of", "2026-12-01")
    assert result.exit_code == 130
    assert visible(out) == before
    assert leftovers(out) == []


def test_error_while_writing_keeps_the_previous_reports(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert scan("--demo", "--out", str(out)).exit_code == 0
    before = visible(out)

    def broken(fmt: str):
        def fail(result, path):
            path.write_text("half")
            raise OSError(28, "No space left on device")

        return fail

    monkeypatch.setattr(reports, "writer", broken)
    result = scan("--demo", "--out", str(out))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert visible(out) == before and leftovers(out) == []


def test_interrupted_snapshot_keeps_the_previous_snapshot(tmp_path):
    target = tmp_path / "snap"
    write_snapshot(target, {"resources": [classic_vm("vm1")]}, {"cloud": "public"})
    before = {p.name: p.read_bytes() for p in target.iterdir()}

    def rows():
        yield classic_vm("vm2")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_snapshot(target, {"resources": rows()}, {"cloud": "public"})
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["snap"]


def test_snapshot_never_replaces_a_directory_that_is_not_a_snapshot(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    from scanner.errors import InputError

    with pytest.raises(InputError, match="not a classic-scan snapshot"):
        write_snapshot(tmp_path, {"resources": []}, {})
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_interrupted_history_record_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    db = tmp_path / "history.db"
    out = tmp_path / "out"
    assert scan("--demo", "--out", str(out), "--format", "json", "--history", str(db)).exit_code == 0
    count = sqlite3.connect(db).execute("select count(*) from sqlite_master").fetchone()
    rows_before = _row_counts(db)
    import scanner.history as history

    real_execute = sqlite3.Connection.execute
    calls = {"n": 0}

    class Interrupting(sqlite3.Connection):
        def execute(self, sql, *args, **kwargs):
            if str(sql).startswith("INSERT INTO scan_finding"):  # scan row and findings already written
                calls["n"] += 1
                raise KeyboardInterrupt
            return real_execute(self, sql, *args, **kwargs)

    real_connect = sqlite3.connect
    monkeypatch.setattr(
        history.sqlite3, "connect", lambda *a, **k: real_connect(*a, factory=Interrupting, **k)
    )
    result = scan("--demo", "--out", str(out), "--format", "json", "--history", str(db))
    assert result.exit_code == 130
    monkeypatch.undo()
    assert calls["n"] == 1
    assert _row_counts(db) == rows_before
    assert sqlite3.connect(db).execute("pragma integrity_check").fetchone() == ("ok",)
    assert sqlite3.connect(db).execute("select count(*) from sqlite_master").fetchone() == count


def _row_counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
    return {t: conn.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from scanner.cli import main; main()", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_scans_into_one_folder_and_one_history(tmp_path):
    out, db = tmp_path / "out", tmp_path / "history.db"
    procs = [
        _cli("scan", "--demo", "--out", str(out), "--history", str(db), "--customer", f"Customer {i}")
        for i in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    doc = json.loads((out / "findings.json").read_text())
    html = (out / "report.html").read_text()
    # every file of the folder comes from the same scan
    assert doc["scan"]["id"] in html
    assert leftovers(out) == []
    conn = sqlite3.connect(db)
    assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
    assert conn.execute("select count(*) from scan").fetchone() == (2,)  # both recorded, none lost
    assert doc["history"]["scope_key"]


SECRETS = ("SECRET-SERVICE-KEY-1234", "SECRET-AUTH-KEY-5678", "client-secret-9abc", "bearer-token-def0")


def test_no_planted_secret_reaches_any_output(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    install_fake_az(bin_dir, SECRETS[3], SUB)
    circuit = er_circuit_with_keys(service_key=SECRETS[0], authorization_key=SECRETS[1])
    sub_row = row("Microsoft.Resources/subscriptions", "Prod", {}, location="")
    sub_row.update(id=f"/subscriptions/{SUB}", resourceGroup="")
    estate = [classic_vm("vm1"), cloud_service("cs1"), circuit, sub_row]
    out, snap, db = tmp_path / "out", tmp_path / "snap", tmp_path / "history.db"
    with ArgEmulator(estate, quota=100) as emu:
        monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", emu.ca_bundle)
        monkeypatch.setenv("AZURE_CLIENT_SECRET", SECRETS[2])
        monkeypatch.setenv("CLASSIC_SCAN_DEBUG", "1")
        result = runner.invoke(
            app,
            [
                "scan",
                "--auth",
                "cli",
                "--arm-endpoint",
                emu.base_url,
                "--out",
                str(out),
                "--save-snapshot",
                str(snap),
                "--history",
                str(db),
            ],
        )
        log = emu.requests
    assert result.exit_code == 0, result.output
    assert all((e["method"], e["path"]) == ("POST", ARG_PATH) for e in log)
    blobs = [result.output.encode()]
    for folder in (out, snap):
        blobs += [p.read_bytes() for p in folder.rglob("*") if p.is_file()]
    # report.html's data blocks are compressed: look inside them too
    blobs.append(html_data.readable((out / "report.html").read_text(encoding="utf-8")).encode())
    blobs += [p.read_bytes() for p in tmp_path.glob("history.db*")]
    # the xlsx is a zip: look inside too
    import zipfile

    with zipfile.ZipFile(out / "report.xlsx") as book:
        blobs += [book.read(name) for name in book.namelist()]
    for secret in SECRETS:
        assert not any(secret.encode() in blob for blob in blobs), secret
