"""Command-line conventions: help and version flags, metavars, one error style, case-insensitive
values, outputs checked before reading, `--out -`, closed pipes, quiet and verbose, diff --fail-on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scanner.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def invoke(*args: str):
    return runner.invoke(app, list(args), terminal_width=100)


@pytest.mark.parametrize(
    "args", [["-h"], ["scan", "-h"], ["rules", "-h"], ["diff", "-h"], ["rules", "show", "-h"]]
)
def test_h_is_help(args):
    result = invoke(*args)
    assert result.exit_code == 0
    assert result.output.startswith("Usage: classic-scan")


def test_short_version_flag():
    result = invoke("-V")
    assert result.exit_code == 0 and result.output.startswith("classic-scan ")


def test_root_help_offers_completion_quiet_and_verbose():
    text = invoke("--help").output
    for flag in ("--install-completion", "-q, --quiet", "-v, --verbose", "-V, --version", "-h, --help"):
        assert flag in text


def test_scan_help_has_value_metavars_examples_and_exit_codes():
    text = invoke("scan", "--help").output
    for shown in (
        "--as-of DATE",
        "--logo FILE",
        "--format LIST",
        "--out DIR",
        "--history FILE",
        "--rules DIR",
    ):
        assert shown in text
    assert "<" not in text and "{" not in text  # no `<bool>`, `<list[Path]>` or `{OLD}`
    assert "Examples:" in text and "classic-scan scan --demo" in text
    for code in ("0  done", "2  usage", "3  a fail at or above --fail-on", "4  the scan is incomplete"):
        assert code in text
    diff_help = invoke("diff", "--help").output
    assert "Usage: classic-scan diff [OPTIONS] OLD NEW" in diff_help and "<path>" not in diff_help


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "--bogus"], "classic-scan: error: No such option: --bogus"),
        (["scan", "--as-of"], "classic-scan: error: Option '--as-of' requires an argument"),
        (["diff", "a.json"], "classic-scan: error: Missing argument 'NEW'"),
        (["nosuch"], "classic-scan: error: No such command 'nosuch'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.output.startswith(message)
    assert result.output.count("\n") == 1
    assert f"(see 'classic-scan {args[0]} --help')" in result.output or args == ["nosuch"]


def test_enum_values_are_case_insensitive(tmp_path):
    result = invoke(
        "scan",
        "--demo",
        "--out",
        str(tmp_path),
        "--format",
        "JSON",
        "--fail-on",
        "Critical",
        "--cloud",
        "Public",
    )
    assert result.exit_code == 3, result.output  # the demo has critical fails
    assert json.loads((tmp_path / "findings.json").read_text())["scan"]["cloud"] == "public"


@pytest.mark.parametrize("option", ["--out", "--history", "--waivers", "--logo"])
def test_outputs_and_side_files_are_checked_before_any_reading(tmp_path, option):
    """An input that does not exist would be reported first if it were read first."""
    not_a_dir = tmp_path / "file.txt"
    not_a_dir.write_text("x")
    bad = {
        "--out": ["--out", str(not_a_dir)],
        "--history": ["--history", str(tmp_path)],  # a directory
        "--waivers": ["--waivers", str(not_a_dir)],  # no 'waivers:' key
        "--logo": ["--logo", str(not_a_dir)],  # not an image
    }[option]
    out = [] if option == "--out" else ["--out", str(tmp_path / "out")]
    result = invoke("scan", "--input", str(tmp_path / "missing.json"), *out, *bad)
    assert result.exit_code == 2, result.output
    assert "missing.json" not in result.output
    assert result.output.startswith("classic-scan: error: ") and result.output.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_out_under_a_file_is_refused_before_reading(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    result = invoke("scan", "--input", str(tmp_path / "missing.json"), "--out", str(blocker / "reports"))
    assert result.exit_code == 2
    target = blocker / "reports"
    assert (
        result.output
        == f"classic-scan: error: --out {target}: cannot create the directory: {blocker} is a file\n"
    )


@pytest.mark.parametrize("fmt", ["json", "csv", "md"])
def test_out_dash_writes_the_one_format_to_stdout(tmp_path, fmt, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["scan", "--demo", "--out", "-", "--format", fmt])
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        assert json.loads(result.stdout)["schema_version"] == "1"
    elif fmt == "csv":
        assert result.stdout.startswith("finding_id,rule_id,")
    else:
        assert result.stdout.startswith("# Azure classic resources: scan summary")
    assert "classic-scan: " not in result.stdout and "classic-scan: read " in result.stderr
    assert list(tmp_path.iterdir()) == []  # no folder named '-', no report folder


@pytest.mark.parametrize("formats", ["json,csv", "html", "xlsx"])
def test_out_dash_takes_exactly_one_text_format(formats):
    result = invoke("scan", "--demo", "--out", "-", "--format", formats)
    assert result.exit_code == 2
    assert result.output == (
        "classic-scan: error: --out -: writes one format to stdout; give --format json or csv or md alone\n"
    )


def run_with_closed_stdout(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the console script with a stdout pipe whose reader has already gone (as `| head` leaves it)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-c", "from scanner.cli import main; main()", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
            check=False,
        )
    finally:
        os.close(write_end)


def test_a_closed_pipe_ends_a_listing_quietly():
    proc = run_with_closed_stdout("rules", "list")
    assert proc.returncode == 0
    assert proc.stderr == ""


def test_a_closed_pipe_keeps_the_scan_exit_code(tmp_path):
    proc = run_with_closed_stdout(
        "scan", "--demo", "-q", "--out", "-", "--format", "json", "--fail-on", "critical"
    )
    assert proc.returncode == 3
    assert "Error" not in proc.stderr and "Traceback" not in proc.stderr


def test_quiet_scan_prints_nothing_but_warnings(tmp_path):
    quiet = runner.invoke(app, ["scan", "--demo", "-q", "--out", str(tmp_path), "--format", "json"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    warned = runner.invoke(
        app, ["-q", "scan", "--input", str(empty), "--out", str(tmp_path), "--format", "json"]
    )
    assert warned.exit_code == 4
    assert (
        warned.stderr
        == f"classic-scan: incomplete: {empty}: the export holds no rows; nothing was read from it\n"
    )


def test_plain_progress_names_each_writer_in_order(tmp_path):
    result = runner.invoke(app, ["scan", "--demo", "--out", str(tmp_path), "--format", "json,md,junit"])
    assert result.exit_code == 0
    lines = [line for line in result.stderr.splitlines() if "] writing " in line]
    assert lines == [
        "classic-scan: [2/4] writing findings.json",
        "classic-scan: [3/4] writing summary.md",
        "classic-scan: [4/4] writing junit.xml",
    ]
    from scanner.sources import DEMO_ESTATE

    files = sorted(DEMO_ESTATE.glob("*.jsonl"))
    rows = sum(len(f.read_text(encoding="utf-8").splitlines()) for f in files)
    assert f"classic-scan: read {rows} rows from {len(files) + 1} files" in result.stderr  # + manifest.json


def test_diff_fail_on_from_the_command_line(tmp_path):
    def findings(statuses: dict[str, str]) -> Path:
        path = tmp_path / f"{len(list(tmp_path.iterdir()))}.json"
        rows = [
            {"finding_id": k, "rule_id": "VM-001", "resource_id": f"/x/{k}", "status": s, "severity": "high"}
            for k, s in statuses.items()
        ]
        path.write_text(json.dumps({"schema_version": "1", "scan": {}, "findings": rows}))
        return path

    old, new = findings({"a": "pass"}), findings({"a": "fail", "b": "fail"})
    assert invoke("diff", str(old), str(new)).exit_code == 0
    assert invoke("diff", str(old), str(new), "--fail-on", "New").exit_code == 3
    assert invoke("diff", str(old), str(new), "--fail-on", "regressed", "--json").exit_code == 3
    same = invoke("diff", str(new), str(new), "--fail-on", "any")
    assert same.exit_code == 0
    bad = invoke("diff", str(old), str(new), "--fail-on", "fixed")
    assert bad.exit_code == 2
    assert bad.output == "classic-scan: error: --fail-on: 'fixed' is not one of new, regressed, any\n"


def test_verbose_adds_the_traceback_of_an_unexpected_error(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.delenv("CLASSIC_SCAN_DEBUG", raising=False)
    monkeypatch.setattr("scanner.scan.run_scan", broken)
    plain = runner.invoke(app, ["scan", "--demo", "--out", str(tmp_path)])
    assert plain.exit_code == 1 and "Traceback" not in plain.stderr
    assert "classic-scan: unexpected error: RuntimeError: boom" in plain.stderr
    verbose = runner.invoke(app, ["scan", "--demo", "-v", "--out", str(tmp_path)])
    assert verbose.exit_code == 1 and "Traceback" in verbose.stderr
