"""`--compress`: findings.json.gz and findings.csv.gz, streamed, deterministic, read back by diff."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reports import csv_report, file_name, json_report, write_reports
from reports.compressed import open_text
from scanner.cli import app
from scanner.delta import load_findings_json
from scanner.model import ScanResult
from scanner.scan import ScanOptions, run_scan

runner = CliRunner()


@pytest.fixture(scope="module")
def demo() -> ScanResult:
    return run_scan(ScanOptions(demo=True, as_of=date(2026, 12, 2)))


def test_compressed_files_hold_exactly_the_plain_text(demo, tmp_path):
    for module, name in ((json_report, "findings.json"), (csv_report, "findings.csv")):
        module.write(demo, tmp_path / name)
        module.write(demo, tmp_path / f"{name}.gz")
        packed = (tmp_path / f"{name}.gz").read_bytes()
        assert packed[:2] == b"\x1f\x8b"
        assert gzip.decompress(packed) == (tmp_path / name).read_bytes()
        assert len(packed) < (tmp_path / name).stat().st_size / 4


def test_same_text_gives_the_same_bytes(demo, tmp_path):
    """No time stamp or file name in the gzip header: two writes of one result are byte-identical."""
    first, second = tmp_path / "a" / "findings.json.gz", tmp_path / "b" / "findings.json.gz"
    for path in (first, second):
        path.parent.mkdir()
        json_report.write(demo, path)
    assert first.read_bytes() == second.read_bytes()
    header = first.read_bytes()[:10]
    assert header[4:8] == b"\0\0\0\0"  # MTIME
    assert header[3] & 0x08 == 0  # no FNAME field


def test_open_text_streams(tmp_path):
    """Text goes out as it is written: the compressed file grows before the handle is closed."""
    path = tmp_path / "big.json.gz"
    with open_text(path) as fh:
        for i in range(50_000):  # hashes: text gzip cannot shrink much, ~2 MB compressed
            fh.write(json.dumps({"id": hashlib.sha256(str(i).encode()).hexdigest()}) + "\n")
        size_while_open = path.stat().st_size
    assert size_while_open > 1_000_000
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        assert sum(1 for _ in fh) == 50_000


def test_file_names():
    assert file_name("json", True) == "findings.json.gz"
    assert file_name("csv", True) == "findings.csv.gz"
    assert file_name("xlsx", True) == "report.xlsx"
    assert file_name("json") == "findings.json"


def test_write_reports_compress_replaces_the_other_form(demo, tmp_path):
    out = tmp_path / "out"
    write_reports(demo, out, ["json", "csv"])
    written = write_reports(demo, out, ["json", "csv"], compress=True)
    assert sorted(p.name for p in written) == ["findings.csv.gz", "findings.json.gz"]
    assert sorted(p.name for p in out.iterdir()) == ["findings.csv.gz", "findings.json.gz"]
    write_reports(demo, out, ["json"])  # and back: the plain file replaces the scanner's .gz
    assert sorted(p.name for p in out.iterdir()) == ["findings.csv.gz", "findings.json"]


def test_a_file_the_scanner_did_not_write_is_left_alone(demo, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "findings.json").write_text('{"mine": true}\n', encoding="utf-8")
    write_reports(demo, out, ["json"], compress=True)
    assert (out / "findings.json").read_text(encoding="utf-8") == '{"mine": true}\n'
    assert (out / "findings.json.gz").exists()


def test_cli_compress_round_trip_and_diff_against_plain(tmp_path):
    plain, packed = tmp_path / "plain", tmp_path / "packed"
    for out, extra in ((plain, []), (packed, ["--compress"])):
        args = ["scan", "--demo", "--as-of", "2026-12-02", "--format", "json,csv", "--out", str(out)]
        result = runner.invoke(app, [*args, *extra])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in packed.iterdir()) == ["findings.csv.gz", "findings.json.gz"]
    assert load_findings_json(packed / "findings.json.gz") == load_findings_json(plain / "findings.json")
    assert gzip.decompress((packed / "findings.csv.gz").read_bytes()) == (plain / "findings.csv").read_bytes()
    diff = runner.invoke(app, ["diff", str(plain / "findings.json"), str(packed / "findings.json.gz")])
    assert diff.exit_code == 0, diff.output
    assert "0 new, 0 regressed" in diff.output
    assert "0 resolved" in diff.output


def test_config_compress_and_the_command_line_wins(tmp_path):
    config = tmp_path / "scan.toml"
    text = 'demo = true\nas_of = "2026-12-02"\nformat = "json"\ncompress = true\n'
    config.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["scan", "--config", str(config), "--out", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["findings.json.gz"]
    args = ["scan", "--config", str(config), "--no-compress", "--out", str(tmp_path / "b")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["findings.json"]


def test_compress_to_stdout_is_refused():
    result = runner.invoke(app, ["scan", "--demo", "--format", "json", "--compress", "--out", "-"])
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line == (
        "classic-scan: error: --compress writes files into --out DIR; "
        "to stdout, pipe the plain output to gzip"
    )


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"\x1f\x8bnot really gzip", "damaged"),
        (gzip.compress(b'{"schema_version": "1", "findings": [')[:-12], "damaged"),  # truncated
        (gzip.compress(b"[1, 2"), "cannot read findings.json"),
    ],
)
def test_diff_of_a_bad_gzip_exits_2_with_one_line(tmp_path, content, fragment):
    bad = tmp_path / "findings.json.gz"
    bad.write_bytes(content)
    result = runner.invoke(app, ["diff", str(bad), str(bad)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("classic-scan: error: ") and fragment in lines[0]
    assert "Traceback" not in result.output


def _scan_input(path: Path) -> list[str]:
    result = runner.invoke(app, ["scan", "--input", str(path), "--out", str(path.parent / "out")])
    assert result.exit_code == 2
    assert not (path.parent / "out").exists()
    return result.output.strip().splitlines()


@pytest.mark.parametrize("name", ["findings.json", "findings.json.gz", "findings.csv", "findings.csv.gz"])
def test_input_of_a_findings_file_says_what_it_is(demo, tmp_path, name):
    module = json_report if ".json" in name else csv_report
    module.write(demo, tmp_path / name)
    [line] = _scan_input(tmp_path / name)
    assert "is a classic-scan findings file" in line and "classic-scan diff" in line


def test_input_of_other_gzip_files_is_refused_in_one_line(tmp_path):
    export = tmp_path / "export.json.gz"
    export.write_bytes(gzip.compress(b'{"data": []}'))
    [line] = _scan_input(export)
    assert "gzip-compressed; decompress it first" in line
    export.write_bytes(b"\x1f\x8b\x08\x00broken")
    [line] = _scan_input(export)
    assert "cannot be decompressed" in line
