"""The command line end to end: demo scan, outputs, exit codes, one-line errors."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from arg_rows import SPEC_IDS, classic_vm, cloud_service
from typer.testing import CliRunner

from scanner.cli import app

runner = CliRunner()


def scan(*args: str):
    return runner.invoke(app, ["scan", *args])


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = scan("--demo", "--out", str(out), "--as-of", "2026-11-26")
    assert result.exit_code == 0, result.output
    return out


def test_demo_writes_json_and_csv_with_every_rule(demo_report):
    doc = json.loads((demo_report / "findings.json").read_text())
    assert doc["schema_version"] == "1"
    assert doc["scan"]["source"] == "demo"
    assert doc["scan"]["as_of"] == "2026-11-26"
    assert doc["scan"]["coverage"]["complete"] is True
    rule_ids = {f["rule_id"] for f in doc["findings"]}
    assert set(SPEC_IDS) <= rule_ids
    statuses = {f["status"] for f in doc["findings"]}
    assert {"fail", "pass", "unknown", "manual"} <= statuses
    for field in (
        "finding_id",
        "rule_id",
        "title",
        "status",
        "severity",
        "category",
        "resource_id",
        "resource_name",
        "resource_type",
        "subscription_id",
        "resource_group",
        "location",
        "message",
        "evidence",
        "remediation",
        "references",
        "waiver",
        "first_seen",
        "last_seen",
    ):
        assert field in doc["findings"][0]
    summary = doc["summary"]
    assert sum(summary["by_status"].values()) == len(doc["findings"])
    with (demo_report / "findings.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(doc["findings"])
    assert [r["finding_id"] for r in rows] == [f["finding_id"] for f in doc["findings"]]


def test_demo_every_rule_fails_somewhere_and_passes_where_possible(demo_report):
    doc = json.loads((demo_report / "findings.json").read_text())
    by_rule: dict[str, set[str]] = {}
    for f in doc["findings"]:
        by_rule.setdefault(f["rule_id"], set()).add(f["status"])
    for rule_id, statuses in by_rule.items():
        assert statuses & {"fail", "manual"}, f"{rule_id} never fails in the demo: {statuses}"


def test_scan_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert scan("--demo", "--out", str(a), "--as-of", "2026-11-26").exit_code == 0
    assert scan("--demo", "--out", str(b), "--as-of", "2026-11-26").exit_code == 0
    assert (a / "findings.csv").read_bytes() == (b / "findings.csv").read_bytes()
    da, db = (json.loads((d / "findings.json").read_text()) for d in (a, b))
    assert da["findings"] == db["findings"]


def test_format_selection(tmp_path):
    assert scan("--demo", "--out", str(tmp_path), "--format", "csv").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["findings.csv"]


def test_input_file_scan(tmp_path):
    src = tmp_path / "rows.json"
    src.write_text(json.dumps([classic_vm("vm1"), cloud_service("cs1")]))
    result = scan("--input", str(src), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert doc["scan"]["source"] == "files"
    assert any(f["rule_id"] == "RET-001" and f["status"] == "fail" for f in doc["findings"])
    assert "sha256:" in doc["scan"]["coverage"]["inputs"][0]


def test_incomplete_input_exits_4_but_writes_reports(tmp_path):
    src = tmp_path / "page1.json"
    src.write_text(json.dumps({"data": [classic_vm("vm1")], "skip_token": "next", "total_records": 9}))
    result = scan("--input", str(src), "--out", str(tmp_path / "out"))
    assert result.exit_code == 4
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert doc["scan"]["coverage"]["complete"] is False
    assert doc["scan"]["coverage"]["issues"]


@pytest.mark.parametrize("content", ["[]", "id,name,type\n"])
def test_empty_export_is_incomplete_not_a_clean_estate(tmp_path, content):
    src = tmp_path / ("empty.csv" if "," in content else "empty.json")
    src.write_text(content)
    result = scan("--input", str(src), "--out", str(tmp_path / "out"), "--format", "json")
    assert result.exit_code == 4, result.output
    assert f"incomplete: {src}: the export holds no rows" in result.output
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert doc["scan"]["coverage"]["complete"] is False


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--auth", "nope"], "--auth"),
        (["--subscription", "not-a-guid"], "not a subscription id"),
        (["--demo", "--subscription", "11111111-1111-1111-1111-111111111111"], "live scans only"),
        (["--arm-endpoint", "http://insecure.example"], "must be an https:// URL"),
        (["--demo", "--input", "x.json"], "either --demo or --input"),
        (["--input", "does-not-exist.json"], "does-not-exist.json: no such file"),
        (["--demo", "--as-of", "2026-13-01"], "--as-of"),
        (["--demo", "--format", "pdf"], "unknown format pdf"),
        (["--demo", "--cloud", "mars"], "--cloud"),
        (["--demo", "--rules", "no-such-dir"], "not a directory"),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path, args, fragment):
    result = runner.invoke(app, ["scan", *args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_failed_scan_keeps_previous_reports(tmp_path):
    out = tmp_path / "out"
    assert scan("--demo", "--out", str(out)).exit_code == 0
    before = (out / "findings.json").read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text("[{")
    assert scan("--input", str(bad), "--out", str(out)).exit_code == 2
    assert (out / "findings.json").read_bytes() == before
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "findings.csv",
        "findings.json",
        "report.html",
        "report.xlsx",
    ]


def test_rules_commands(tmp_path):
    listing = runner.invoke(app, ["rules", "list"])
    assert listing.exit_code == 0
    assert all(rule_id in listing.output for rule_id in SPEC_IDS)
    show = runner.invoke(app, ["rules", "show", "ret-001"])
    assert show.exit_code == 0
    assert "retirement_entry" in show.output and "2023-09-01" in show.output
    missing = runner.invoke(app, ["rules", "show", "NOPE-001"])
    assert missing.exit_code == 2
    columns = runner.invoke(app, ["rules", "columns", "classic_vm"])
    assert columns.exit_code == 0 and "agent_status" in columns.output
    bad = tmp_path / "acme"
    bad.mkdir()
    (bad / "x.yaml").write_text("id: 1\n")
    result = runner.invoke(app, ["rules", "validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "x.yaml" in result.output


def test_console_script_runs_without_traceback(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from scanner.cli import main; main()",
            "scan",
            "--input",
            str(tmp_path / "nope"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "no such file" in proc.stderr
    version = subprocess.run(
        [sys.executable, "-c", "from scanner.cli import main; main()", "--version"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert version.returncode == 0 and version.stdout.startswith("classic-scan ")


def test_fail_on_waivers_history_and_diff(tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - rule: 'RET-*'\n"
        "    tags: {}\n"
        "    resource_regex: '.'\n"
        "    justification: 'accepted'\n"
        "    owner: 'me'\n"
        "    expires: '2030-01-01'\n"
    )
    bad = runner.invoke(app, ["scan", "--demo", "--out", str(tmp_path / "x"), "--waivers", str(waivers)])
    assert bad.exit_code == 2  # two targets in one entry
    assert "entry 1" in bad.output
    waivers.write_text(
        "waivers:\n"
        "  - rule: 'RET-*'\n"
        "    resource_regex: '.'\n"
        "    justification: 'retirements are tracked in the programme plan'\n"
        "    owner: 'pmo@fabrikam.example'\n"
        "    expires: '2030-01-01'\n"
        "  - rule: 'CSES-*'\n"
        "    resource_regex: '.'\n"
        "    justification: 'the Cloud Services (extended support) exit is its own programme'\n"
        "    owner: 'pmo@fabrikam.example'\n"
        "    expires: '2030-01-01'\n"
    )
    history = tmp_path / "history.db"
    first = runner.invoke(
        app,
        [
            "scan",
            "--demo",
            "--out",
            str(tmp_path / "a"),
            "--format",
            "json",
            "--as-of",
            "2026-11-26",
            "--history",
            str(history),
            "--waivers",
            str(waivers),
            "--fail-on",
            "critical",
        ],
    )
    assert first.exit_code == 0, first.output  # every critical fail is a waived retirement or CSES finding
    second = runner.invoke(
        app,
        [
            "scan",
            "--demo",
            "--out",
            str(tmp_path / "b"),
            "--format",
            "json",
            "--as-of",
            "2026-11-26",
            "--history",
            str(history),
            "--fail-on",
            "critical",
        ],
    )
    assert second.exit_code == 3, second.output  # without waivers the retirements fail again
    a = json.loads((tmp_path / "a" / "findings.json").read_text())
    b = json.loads((tmp_path / "b" / "findings.json").read_text())
    assert {f["status"] for f in a["findings"] if f["rule_id"] == "RET-001"} == {"waived"}
    first_ret = next(f for f in a["findings"] if f["rule_id"] == "RET-001")
    assert first_ret["waiver"]["owner"] == "pmo@fabrikam.example"
    assert b["history"]["delta"]["counts"]["waiver_expired"] > 0
    first_seen = {f["finding_id"]: f["first_seen"] for f in a["findings"]}
    assert all(f["first_seen"] == first_seen[f["finding_id"]] for f in b["findings"])
    assert all(f["last_seen"] >= f["first_seen"] for f in b["findings"])
    diff = runner.invoke(
        app, ["diff", str(tmp_path / "a" / "findings.json"), str(tmp_path / "b" / "findings.json"), "--json"]
    )
    assert diff.exit_code == 0
    delta = json.loads(diff.output)
    assert delta["waiver_expired"] and isinstance(delta["persisting"], int)
    assert set(delta["waiver_expired"][0]) >= {"finding_id", "rule_id", "resource_id", "status"}
    broken = runner.invoke(app, ["diff", str(waivers), str(tmp_path / "b" / "findings.json")])
    assert broken.exit_code == 2


def test_config_file_and_mask(tmp_path, monkeypatch):
    cfg = tmp_path / "scan.toml"
    cfg.write_text(
        'demo = true\nformat = ["json", "csv"]\nas_of = "2026-11-26"\nout = "from-config"\nmask = true\n'
    )
    monkeypatch.setenv("CLASSIC_SCAN_MASK_KEY", "0" * 64)
    result = runner.invoke(app, ["scan", "--config", str(cfg), "--format", "json"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "from-config"  # relative to the config file's folder
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "findings.json"
    ]  # flag wins
    text = (out / "findings.json").read_text()
    assert "fab-sql-01" not in text and "3b9e6d2a-41c7-4f85-a0d3-8e2c5f7b1a94" not in text
    assert json.loads(text)["scan"]["scope"]["masked"] is True
    bad = tmp_path / "bad.toml"
    bad.write_text("demo = true\nbogus = 1\n")
    broken = runner.invoke(app, ["scan", "--config", str(bad)])
    assert broken.exit_code == 2
    assert "bogus" in broken.output


def test_control_characters_from_tenant_data_are_escaped_on_stderr(tmp_path):
    from scanner.snapshot import write_snapshot

    hostile = "pwned\x1b]0;owned\x07\x1b[2J\r\u202eevil"
    snap = tmp_path / "snap"
    vm = classic_vm("vm1", "cs1")
    write_snapshot(
        snap,
        {"resources": [vm, cloud_service("cs1")]},
        {
            "cloud": "public",
            "coverage": {"complete": False, "issues": [f"subscription {hostile} was throttled"]},
        },
    )
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        'waivers:\n  - {rule: VM-001, resource: "vm\\e[31m9", justification: j, owner: o,\n'
        "     expires: 2099-01-01}\n"
    )
    result = scan("--input", str(snap), "--out", str(tmp_path / "out"), "--waivers", str(waivers))
    assert result.exit_code == 4, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output and "\r" not in result.output
    assert "\u202e" not in result.output
    assert "pwned\\x1b]0;owned\\x07\\x1b[2J\\x0d\\u202eevil" in result.output
    assert "vm\\x1b[31m9" in result.output


def test_waiver_for_no_such_rule_warns_and_is_listed_so(tmp_path):
    from openpyxl import load_workbook

    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - rule: 'VM-01'\n"
        "    resource_regex: '.'\n"
        "    justification: 'typo of VM-001'\n"
        "    owner: 'me'\n"
        "    expires: '2030-01-01'\n"
    )
    out = tmp_path / "out"
    result = scan("--demo", "--out", str(out), "--format", "json,xlsx", "--waivers", str(waivers))
    assert result.exit_code == 0, result.output
    assert "waiver entry 1: no such rule VM-01 in the loaded rule pack" in result.output
    doc = json.loads((out / "findings.json").read_text())
    assert [(w["rule"], w["no_such_rule"]) for w in doc["waivers"]["unused"]] == [("VM-01", True)]
    sheet = load_workbook(out / "report.xlsx")["Waivers"]
    assert [c.value for c in sheet[2]][:3] == ["no such rule", 1, "VM-01"]


def test_waivers_file_without_the_waivers_key_exits_2(tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "- {rule: VM-001, resource_regex: '.', justification: j, owner: o, expires: 2030-01-01}\n"
    )
    result = scan("--demo", "--out", str(tmp_path / "out"), "--waivers", str(waivers))
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"classic-scan: error: {waivers}: no top-level 'waivers:' key (found a list); "
        "put the entries under 'waivers:', or write 'waivers: []' for none"
    )
    assert not (tmp_path / "out").exists()
