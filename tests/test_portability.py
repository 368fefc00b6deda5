"""Windows and macOS: no POSIX-only module on a command's path, Windows replace semantics, CRLF and
byte-order marks in the files users write, Windows paths, and consoles on legacy code pages.

CI runs on Linux, so Windows is stood in for by tests/windows_standin/sitecustomize.py: a subprocess
in which fcntl, termios, pwd, grp and resource cannot be imported, os.sysconf and signal.SIGUSR1 are
gone, and /proc and /sys do not exist (psutil and filelock, the platform layer, keep their backends).
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import stat
import subprocess
import sys
from pathlib import Path, PureWindowsPath

import pytest
from arg_rows import SUB, SUB2, classic_vm, cloud_service, row
from emulator import ArgEmulator
from fake_az import install_fake_az
from filelock import FileLock
from typer.testing import CliRunner

import reports
from reports import folder
from scanner.cli import _subscriptions, app
from scanner.config import load_config, path_from_config
from scanner.engine.rules import load_pack, validate_dir
from scanner.errors import InputError
from scanner.sources import files as files_source
from scanner.waivers import load_waivers

ROOT = Path(__file__).resolve().parents[1]
STANDIN = Path(__file__).resolve().parent / "windows_standin"
FORMATS = ("xlsx", "html", "json", "csv")
runner = CliRunner()


def cli_subprocess(*args: str, env: dict[str, str] | None = None, windows: bool = False):
    """The CLI's console entry point in a fresh Python (the Windows stand-in if `windows`)."""
    paths = [str(STANDIN), str(ROOT)] if windows else [str(ROOT)]
    return subprocess.run(
        [sys.executable, "-c", "from scanner.cli import main; main()", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths), **(env or {})},
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=600,
        check=False,
    )


def visible(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file() and not p.name.startswith(".")}


# --- the Windows stand-in ----------------------------------------------------------------------------


def test_the_standin_hides_what_windows_lacks():
    code = (
        "import os, signal, pathlib\n"
        "for name in ('fcntl', 'termios', 'pwd', 'grp', 'resource'):\n"
        "    try:\n        __import__(name)\n    except ImportError:\n        pass\n"
        "    else:\n        raise SystemExit(name + ' importable')\n"
        "assert not hasattr(os, 'sysconf') and not hasattr(signal, 'SIGUSR1')\n"
        "assert not pathlib.Path('/proc/self/statm').exists()\n"
        "assert not pathlib.Path('/sys/fs/cgroup').exists()\n"
        "from scanner import memory\n"
        "assert memory.resident() > 0 and memory.available() and memory._cgroup_free() is None\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(STANDIN), str(ROOT)])},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


@pytest.fixture
def fake_az(tmp_path, monkeypatch):
    """An `az` on PATH that answers `az account get-access-token` like the real CLI."""
    bin_dir = tmp_path / "bin"
    install_fake_az(bin_dir, "fake-cli-token-portability", SUB)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")


def test_demo_history_and_collect_run_where_posix_modules_are_missing(tmp_path, fake_az):
    """Issue 14's "done when": the three commands in the Windows stand-in (the old code exited 1 on
    `import fcntl`)."""
    out, db = tmp_path / "out", tmp_path / "history.sqlite"
    demo = cli_subprocess("scan", "--demo", "--out", str(out), windows=True)
    assert demo.returncode == 0, demo.stderr
    assert sorted(visible(out)) == ["findings.csv", "findings.json", "report.html", "report.xlsx"]
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no lock file handed over

    for _ in range(2):
        hist = cli_subprocess(
            "scan", "--demo", "--out", str(out), "--history", str(db), "--format", "json", windows=True
        )
        assert hist.returncode == 0, hist.stderr
    assert json.loads((out / "findings.json").read_text())["history"]["previous_scan_id"]

    estate = [classic_vm("vm1", "cs1"), cloud_service("cs1"), classic_vm("vm2", "cs2", sub=SUB2)]
    estate.append(cloud_service("cs2", sub=SUB2))
    for sub, name in ((SUB, "Prod"), (SUB2, "Dev")):
        sub_row = row("Microsoft.Resources/subscriptions", name, {}, sub=sub, location="")
        sub_row.update(id=f"/subscriptions/{sub}", resourceGroup="")
        estate.append(sub_row)
    snap = tmp_path / "snap"
    with ArgEmulator(estate, quota=100) as emu:
        env = {"REQUESTS_CA_BUNDLE": emu.ca_bundle, "CLASSIC_SCAN_ARM_ENDPOINT": emu.base_url}
        collected = cli_subprocess(
            "collect", "--auth", "cli", "-s", SUB, "-s", SUB2, "--out", str(snap), env=env, windows=True
        )
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((snap / "manifest.json").read_text())
    assert manifest["coverage"]["complete"] is True
    assert manifest["datasets"]["resources"]["rows"] == 4
    assert "wrote snapshot" in collected.stderr


def test_the_memory_watch_interrupts_where_sigusr1_and_proc_are_missing(tmp_path):
    code = (
        "import time\n"
        "from scanner import memory\n"
        "ballast = []\n"
        "try:\n"
        "    with memory.watch(memory.resident() + 64 * 2**20):\n"
        "        for _ in range(300):\n"
        "            ballast.append(bytearray(10 * 2**20))\n"
        "            time.sleep(0.02)\n"
        "except memory.MemoryBudgetError:\n"
        "    print('stopped after', len(ballast))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(STANDIN), str(ROOT)])},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("stopped after"), done.stdout + done.stderr


# --- replacing reports: files open in another program, files the scanner did not write -------------


def _scan(out: Path, *extra: str):
    return runner.invoke(app, ["scan", "--demo", "--out", str(out), "--as-of", "2026-12-01", *extra])


@pytest.mark.parametrize("open_file", ["report.xlsx", "findings.csv"])
def test_a_report_open_in_another_program_leaves_the_folder_as_it_was(tmp_path, monkeypatch, open_file):
    """Windows refuses to rename a file Excel has open (PermissionError). Nothing is replaced, the
    message names the file, and the new reports are kept where the message says."""
    out = tmp_path / "out"
    assert _scan(out).exit_code == 0
    before = visible(out)
    real_replace = os.replace

    def replace(src, dst):
        if Path(src) == out / open_file:  # the old report is moved aside first: that is what Windows refuses
            raise PermissionError(13, "The process cannot access the file because it is being used")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    result = _scan(out, "--as-of", "2026-12-02", "--customer", "Second run")
    assert result.exit_code == 2, result.output
    [line] = [x for x in result.output.splitlines() if x.startswith("classic-scan: error")]
    assert str(out / open_file) in line and "close it in the program that has it open" in line
    assert "Traceback" not in result.output
    assert {n: d for n, d in visible(out).items() if n in before} == before  # no report replaced
    kept = Path(line.rsplit("the new reports are in ", 1)[1])
    assert kept.parent == out and kept.is_dir()
    assert sorted(p.name for p in kept.iterdir()) == sorted(before)
    assert "Second run" in (kept / "report.html").read_text()
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_a_failure_after_some_reports_moved_puts_every_old_one_back(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert _scan(out).exit_code == 0
    before = visible(out)
    real_replace = os.replace

    def replace(src, dst):
        new_csv = Path(src).name == "findings.csv" and Path(src).parent != out
        if new_csv and Path(dst) == out / "findings.csv":  # the last new report cannot be placed
            raise OSError(5, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    result = _scan(out, "--as-of", "2026-12-02")
    assert result.exit_code == 1 and "Input/output error" in result.output
    assert visible(out) == before  # the three reports already placed were taken back
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_a_report_that_cannot_even_be_read_is_reported_as_open(tmp_path, monkeypatch):
    """Some programs deny reading too: that is "open elsewhere", not "not written by classic-scan"."""
    out = tmp_path / "out"
    assert _scan(out).exit_code == 0
    before = visible(out)
    real_check = folder.written_by_classic_scan

    def check(path):
        if path.name == "report.xlsx":
            raise PermissionError(13, "The process cannot access the file because it is being used")
        return real_check(path)

    monkeypatch.setattr(folder, "written_by_classic_scan", check)
    result = _scan(out, "--customer", "Second run")
    assert result.exit_code == 2
    [line] = [x for x in result.output.splitlines() if x.startswith("classic-scan: error")]
    assert str(out / "report.xlsx") in line and "close it in the program that has it open" in line
    assert visible(out) == before and sorted(p.name for p in out.iterdir()) == sorted(before)


def test_a_report_held_for_a_moment_is_replaced_after_a_retry(tmp_path, monkeypatch):
    """Windows indexers and virus scanners open new files briefly: a short PermissionError is retried."""
    out = tmp_path / "out"
    assert _scan(out).exit_code == 0
    real_replace = os.replace
    refusals = {"left": 2}

    def replace(src, dst):
        if Path(src) == out / "report.html" and refusals["left"]:
            refusals["left"] -= 1
            raise PermissionError(13, "The process cannot access the file because it is being used")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(folder, "MOVE_RETRY_WAITS", (0.01, 0.01, 0.01))
    result = _scan(out, "--customer", "Second run")
    assert result.exit_code == 0, result.output
    assert refusals["left"] == 0 and "Second run" in (out / "report.html").read_text()


def test_a_folder_locked_by_another_scan_is_one_line_after_the_timeout(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(folder, "LOCK_TIMEOUT", 0.2)
    with FileLock(out / reports.LOCK_NAME):  # another scan is moving its reports
        result = _scan(out, "--format", "json")
    assert result.exit_code == 2
    [line] = [x for x in result.output.splitlines() if x.startswith("classic-scan: error")]
    assert "another scan" in line and "Traceback" not in result.output
    assert not (out / "findings.json").exists()
    assert [p.name for p in out.iterdir() if p.name != reports.LOCK_NAME] == []


def test_a_file_the_scanner_did_not_write_is_never_replaced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("<html>the customer's own page</html>")
    result = _scan(out)
    assert result.exit_code == 2
    assert "was not written by classic-scan" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]  # nothing written, nothing left
    assert (out / "report.html").read_text() == "<html>the customer's own page</html>"


def test_every_format_the_scanner_writes_is_recognised_as_its_own(tmp_path):
    """A format whose file the signature check does not recognise could never be rewritten."""
    out = tmp_path / "out"
    assert _scan(out, "--format", ",".join(reports.FORMATS)).exit_code == 0
    written = [p for p in out.iterdir() if p.is_file()]
    assert len(written) == len(reports.FORMATS)
    assert [p.name for p in written if not folder.written_by_classic_scan(p)] == []
    assert _scan(out, "--format", ",".join(reports.FORMATS)).exit_code == 0


@pytest.mark.parametrize(
    ("name", "content", "ours"),
    [
        ("findings.json.gz", b'{\n"schema_version": "1",\n"scan": {\n "tool_version": "0.1.0"', True),
        ("findings.csv.gz", b"finding_id,rule_id,title\r\n", True),
        ("findings.json.gz", b'{"name": "my-package", "version": "1.0.0"}', False),
        ("junit.xml", b'<?xml version="1.0"?>\n<testsuites name="classic-scan">', True),
        ("junit.xml", b'<?xml version="1.0"?>\n<project><modelVersion/></project>', False),
        ("summary.md", b"# classic-scan summary\n", True),
        ("summary.md", b"# Meeting notes\n", False),
        ("report.xlsx", b"PK\x03\x04 not a workbook", False),
    ],
)
def test_signatures_of_the_reports(tmp_path, name, content, ours):
    import gzip

    path = tmp_path / name
    path.write_bytes(gzip.compress(content) if name.endswith(".gz") else content)
    assert folder.written_by_classic_scan(path) is ours


def _symlink(link: Path, target: Path) -> None:
    try:
        link.symlink_to(target)
    except OSError:  # Windows without Developer Mode or the privilege
        pytest.skip("cannot create symbolic links here")


def test_a_symlink_with_a_report_name_is_not_replaced(tmp_path):
    out, target = tmp_path / "out", tmp_path / "elsewhere.json"
    out.mkdir()
    target.write_text("{}")
    _symlink(out / "findings.json", target)
    result = _scan(out, "--format", "json")
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert (out / "findings.json").is_symlink() and target.read_text() == "{}"


def test_reports_the_scanner_wrote_are_replaced(tmp_path):
    out = tmp_path / "out"
    assert _scan(out).exit_code == 0
    again = _scan(out, "--customer", "Second run")
    assert again.exit_code == 0, again.output
    assert "Second run" in (out / "report.html").read_text()


def test_a_symlinked_lock_file_is_refused_and_its_target_not_created(tmp_path):
    out, target = tmp_path / "out", tmp_path / "created-by-the-lock"
    out.mkdir()
    _symlink(out / reports.LOCK_NAME, target)
    result = _scan(out, "--format", "json")
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert not target.exists() and not os.path.lexists(out / "findings.json")


def test_no_lock_file_stays_in_the_folder_handed_over(tmp_path):
    out = tmp_path / "out"
    (out).mkdir()
    (out / reports.LOCK_NAME).write_text("")  # left by an earlier version
    assert _scan(out, "--format", "json").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["findings.json"]


@pytest.mark.skipif(os.name == "nt", reason="file modes: Windows protects reports with ACLs")
def test_reports_are_readable_by_their_owner_only(tmp_path):
    out = tmp_path / "out"
    assert _scan(out).exit_code == 0
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == dict.fromkeys(
        ("report.xlsx", "report.html", "findings.json", "findings.csv"), 0o600
    )


# --- line endings and byte-order marks in the files users write ------------------------------------


def _windows_text(text: str, encoding: str = "utf-8") -> bytes:
    data = text.replace("\n", "\r\n").encode(encoding)
    return (codecs.BOM_UTF8 + data) if encoding == "utf-8" else data


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])  # Notepad; PowerShell 5.1's `>` and Out-File
def test_subscription_lists_written_on_windows(tmp_path, encoding):
    listing = tmp_path / "subs.txt"
    listing.write_bytes(_windows_text(f"# production\n{SUB}\n{SUB2.upper()}  # dev\n\n", encoding))
    assert _subscriptions([f"@{listing}"]) == (SUB, SUB2)


def test_a_subscription_list_that_is_not_text_is_one_line(tmp_path):
    listing = tmp_path / "subs.txt"
    listing.write_bytes(b"\x80\x81 not text")
    with pytest.raises(InputError, match="not UTF-8 text"):
        _subscriptions([f"@{listing}"])


def test_a_toml_config_written_on_windows(tmp_path):
    config = tmp_path / "contoso.toml"
    config.write_bytes(_windows_text('[scan]\nout = "reports\\\\contoso"\nformat = ["json", "csv"]\n'))
    values = load_config(config)
    assert values["formats"] == "json,csv"
    assert values["out"] == tmp_path / "reports\\contoso"  # on Windows: the folder contoso in reports


def test_waivers_written_on_windows(tmp_path):
    waivers = tmp_path / "waivers.yaml"
    text = (
        "waivers:\n"
        "  - rule: VM-001\n"
        '    resource_regex: "/resourcegroups/rg-b/"\n'
        "    justification: >\n"
        "      Migration booked for\n"
        "      the next quarter.\n"
        "    owner: ops\n"
        "    expires: 2099-01-01\n"
    )
    waivers.write_bytes(_windows_text(text))
    [waiver] = load_waivers(waivers)
    assert waiver.justification.strip() == "Migration booked for the next quarter."
    assert "\r" not in waiver.justification


RULE = """\
id: ACME-001
title: Classic VM not named prod-*
severity: low
category: vm-readiness
target: classic_vm
condition:
  not: {field: name, op: matches, value: "^prod-"}
message: VM {name} is not named prod-*
pass_message: VM {name} is named prod-*
rationale: >
  Our naming standard says
  production VMs start with prod-.
remediation: Rename the VM during migration, or waive the finding.
references:
  - {title: Naming, url: "https://example.com/naming"}
"""


def test_a_rule_pack_written_on_windows_loads_and_keeps_its_version(tmp_path):
    """A pack edited in Notepad (CRLF) is the same pack: same rules, same version in findings.json."""
    lf, crlf = tmp_path / "lf", tmp_path / "crlf"
    for pack, text in ((lf, RULE), (crlf, RULE.replace("\n", "\r\n"))):
        (pack / "acme").mkdir(parents=True)
        (pack / "acme" / "ACME-001.yaml").write_bytes(text.encode())
    assert [r.id for r in validate_dir(crlf)] == ["ACME-001"]
    assert load_pack((crlf,)).get("ACME-001").spec == load_pack((lf,)).get("ACME-001").spec
    assert load_pack((crlf,)).version == load_pack((lf,)).version


def test_exports_written_on_windows(tmp_path):
    vm = classic_vm("vm1", "cs1")
    jsonl = tmp_path / "estate.jsonl"
    jsonl.write_bytes(codecs.BOM_UTF8 + (json.dumps(vm) + "\r\n").encode())
    csv_file = tmp_path / "estate.csv"
    with csv_file.open("w", encoding="utf-8-sig", newline="") as fh:  # Excel's "CSV UTF-8"
        writer = csv.writer(fh)  # the csv module ends rows with CRLF
        writer.writerow(["id", "name", "type", "location", "subscriptionId", "resourceGroup", "properties"])
        writer.writerow(
            [vm[k] for k in ("id", "name", "type", "location", "subscriptionId", "resourceGroup")]
            + [json.dumps(vm["properties"])]
        )
    for path in (jsonl, csv_file):
        snapshot = files_source.FilesSource([path]).read()
        assert [r["name"] for r in snapshot.rows["resources"]] == ["vm1"], path


def test_csv_cells_fit_a_32_bit_c_long(tmp_path, monkeypatch):
    """On Windows a C long is 32 bits: csv.field_size_limit(sys.maxsize) raises OverflowError there."""
    real = csv.field_size_limit

    def windows_limit(*new: int) -> int:
        if new and new[0] > 2**31 - 1:
            raise OverflowError("Python int too large to convert to C long")
        return real(*new)

    monkeypatch.setattr(csv, "field_size_limit", windows_limit)
    path = tmp_path / "estate.csv"
    vm = classic_vm("vm1", "cs1")
    path.write_text(
        "id,name,type,location,subscriptionId,resourceGroup\n"
        + ",".join(vm[k] for k in ("id", "name", "type", "location", "subscriptionId", "resourceGroup"))
        + "\n"
    )
    assert len(files_source.FilesSource([path]).read().rows["resources"]) == 1


# --- Windows paths ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "resolved"),
    [
        ("reports\\contoso", "C:\\audits\\reports\\contoso"),
        ("D:\\reports", "D:\\reports"),
        ("\\\\fileserver\\audits\\contoso", "\\\\fileserver\\audits\\contoso"),
        ("D:/reports/contoso", "D:\\reports\\contoso"),
    ],
)
def test_config_relative_paths_in_windows_form(text, resolved):
    assert path_from_config(PureWindowsPath("C:\\audits"), text) == PureWindowsPath(resolved)


def test_masked_coverage_drops_the_folders_of_windows_input_paths():
    """Consultants name folders after the customer: a masked report shows no folder of an input,
    whatever form the path took on Windows."""
    import dataclasses

    from scanner.masking import mask_result
    from scanner.scan import ScanOptions, run_scan

    result = run_scan(ScanOptions(demo=True))
    inputs = [
        "C:\\Users\\ann\\Contoso Ltd\\estate.json sha256:" + "a" * 64,
        "\\\\fileserver\\audits\\Contoso Ltd\\snapshot sha256:" + "b" * 64,
        "D:/audits/Contoso Ltd/vms.csv sha256:" + "c" * 64,
    ]
    coverage = {**result.meta.coverage, "inputs": inputs}
    result = dataclasses.replace(result, meta=dataclasses.replace(result.meta, coverage=coverage))
    shown = json.dumps(mask_result(result, bytes(32)).meta.coverage)
    assert "Contoso" not in shown and "ann" not in shown and "fileserver" not in shown
    assert "estate.json" not in shown and "vms.csv" not in shown  # neutral names (issue 13), same SHA-256
    assert all(name in shown for name in ("input-1.json", "input-3.csv", "a" * 64, "c" * 64))


# --- consoles on legacy code pages -----------------------------------------------------------------


@pytest.mark.parametrize("code_page", ["cp1252", "cp437"])
def test_a_legacy_code_page_console_gets_escapes_not_a_crash(tmp_path, code_page):
    """Names users and tenants choose (CJK, emoji) reach stderr, where a cp1252 console cannot
    encode them: they are escaped, and the scan completes."""
    out = tmp_path / "報告 📊 Contoso"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from scanner.cli import main; main()",
            "scan",
            "--demo",
            "--out",
            str(out),
            "--format",
            "json",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": code_page, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=300,
        check=False,
    )
    stderr = done.stderr.decode(code_page)
    assert done.returncode == 0, stderr
    assert "Traceback" not in stderr and "UnicodeEncodeError" not in stderr
    assert "\\u5831\\u544a \\U0001f4ca Contoso" in stderr  # escaped, still legible
    assert (out / "findings.json").is_file()


@pytest.mark.parametrize("code_page", ["cp1252", "cp437"])
def test_a_legacy_code_page_stdout_gets_escapes_not_a_crash(tmp_path, code_page):
    """stdout (unlike stderr) is strict by default: a rule title or a tenant's resource name in CJK
    or emoji ended `rules list` or `diff`, piped on a legacy code page, with UnicodeEncodeError."""
    (tmp_path / "acme").mkdir()
    title = "Classic VM not named prod-* (移行 ✓)"
    (tmp_path / "acme" / "ACME-001.yaml").write_text(
        RULE.replace("title: Classic VM not named prod-*", f"title: {title}"), encoding="utf-8"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from scanner.cli import main; main()",
            "rules",
            "list",
            "--rules",
            str(tmp_path),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": code_page, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(code_page)
    [line] = [x for x in done.stdout.decode(code_page).splitlines() if x.startswith("ACME-001")]
    assert line.endswith("Classic VM not named prod-* (\\u79fb\\u884c \\u2713)")


def test_a_legacy_code_page_console_gets_escaped_errors(tmp_path):
    missing = tmp_path / "données 🚫.json"
    done = subprocess.run(
        [sys.executable, "-c", "from scanner.cli import main; main()", "scan", "--input", str(missing)],
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "cp1252", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=300,
        check=False,
    )
    [line] = done.stderr.decode("cp1252").splitlines()
    assert done.returncode == 2
    assert line.startswith("classic-scan: error:") and "données \\U0001f6ab.json" in line
