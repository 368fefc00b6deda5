"""The wheel users install: it holds every runtime file git tracks, and a live scan runs from it.

The rest of the suite imports the editable checkout, where a file left out of the package data is
still found next to the code; these tests build the wheel from the tracked files only and run the
installed copy from outside the checkout.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from emulator import ArgEmulator
from emulator.serve import small_estate
from emulator.standin import write_fake_az

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("scanner", "rules", "reports")


def tracked(*paths: str) -> list[str]:
    listing = subprocess.run(
        ["git", "ls-files", "-z", *paths], cwd=ROOT, capture_output=True, check=True, timeout=60
    )
    return [p for p in listing.stdout.decode().split("\0") if p]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """classic-scanner's wheel, built by pip from a copy of the tracked files (no stray file helps)."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "src"
    for name in tracked():
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((ROOT / name).read_bytes())
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(source), "-w", str(base / "dist")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (found,) = (base / "dist").glob("classic_scanner-*.whl")
    return found


def test_the_wheel_holds_every_tracked_runtime_file(wheel):
    runtime = {p for p in tracked(*PACKAGES) if not p.endswith(".py")}
    assert "scanner/queries/resources.kql" in runtime  # the file whose absence broke live scans
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    assert sorted(runtime - shipped) == []
    modules = {p for p in tracked(*PACKAGES) if p.endswith(".py")}
    assert sorted(modules - shipped) == []


def test_the_wheel_ships_no_development_code_and_imports_none(wheel):
    """tools/ (the demo generator), tests/ (the row factory) and bench/ stay out of the wheel, and no
    module in it imports them: the demo ships as data only."""
    development = ("tools", "tests", "bench")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert [n for n in names if n.split("/")[0] in development] == []
        assert "scanner/demo/estate/manifest.json" in names
        imports = set()
        for name in (n for n in names if n.endswith(".py")):
            for node in ast.walk(ast.parse(archive.read(name))):
                if isinstance(node, ast.Import):
                    imports.update((name, alias.name) for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    imports.add((name, node.module))
    assert sorted((n, m) for n, m in imports if m.split(".")[0] in development) == []


def test_a_live_scan_runs_from_the_installed_wheel(wheel, tmp_path):
    site = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    bin_dir = write_fake_az(tmp_path / "bin").parent
    out = tmp_path / "out"
    # The installed copy first on the path, run from a folder outside the checkout.
    program = (
        "import sys, scanner; "
        f"assert scanner.__file__.startswith({str(site)!r}), scanner.__file__; "
        "from scanner.cli import main; sys.argv[0] = 'classic-scan'; main()"
    )
    with ArgEmulator(small_estate(), quota=100) as emu:
        env = {
            **os.environ,
            "PYTHONPATH": str(site),
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "CLASSIC_SCAN_ARM_ENDPOINT": emu.base_url,
            "REQUESTS_CA_BUNDLE": emu.ca_bundle,
        }
        run = subprocess.run(
            [sys.executable, "-c", program, "scan", "--auth", "cli", "--out", str(out), "--format", "json"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    assert run.returncode == 0, run.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert doc["scan"]["source"] == "live"
    assert doc["scan"]["coverage"]["complete"] is True
    assert {f["rule_id"] for f in doc["findings"] if f["status"] == "fail"} >= {"RET-001"}


def test_ci_checks_what_users_install():
    """.ci/run fails on any failed step, scans from the wheel outside the checkout, then runs the suite
    last (so pytest's closing line closes the run)."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in script.splitlines() if line.strip() and not line.startswith("#")]
    assert lines[0] == "set -euo pipefail"  # pytest's exit code 5 (nothing collected) fails CI too
    assert "python -m pytest -q" in lines
    assert lines[-1] == "python -m pytest -q"
    wheel_part = script[script.index("pip wheel") - 200 : script.rindex("python -m pytest -q")]
    assert "pip wheel" in wheel_part and "--no-deps" in wheel_part
    install = next(line for line in lines if 'user-venv/bin/python" -m pip install' in line)
    assert " -e " not in install and ".whl" in install
    for check in (
        '"$scan" rules list',
        '"$scan" scan --demo',
        "tests/emulator/serve.py",
        '"$scan" scan --auth cli',
    ):
        assert check in wheel_part, check
