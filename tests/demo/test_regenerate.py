"""The demo estate the wheel ships (scanner/demo/estate) is what tools/demo builds, byte for byte, and the
generator stays out of the runtime: no module of scanner/, rules/ or reports/ imports tools/, tests/ or
bench/, and no generator module reaches the size the runtime's modules are held to."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from scanner.sources import DEMO_ESTATE

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ("scanner", "rules", "reports")
DEVELOPMENT = ("tools", "tests", "bench")
MAX_LINES = 600


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_the_generator_rebuilds_the_shipped_estate_byte_for_byte(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "tools.demo.build", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    shipped = _files(DEMO_ESTATE)
    assert set(shipped) >= {"manifest.json", "resources.jsonl", "arm_classic_vms.jsonl"}
    assert _files(tmp_path) == shipped


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def test_the_runtime_imports_nothing_from_the_development_trees():
    offending = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for package in RUNTIME
        for path in (ROOT / package).rglob("*.py")
        for name in _imported(path)
        if name.split(".")[0] in DEVELOPMENT
    )
    assert offending == []


def test_the_runtime_package_holds_no_generator_code():
    assert not list((ROOT / "scanner" / "demo").rglob("*.py"))


def test_every_generator_module_is_short():
    lengths = {
        path.name: len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "tools" / "demo").glob("*.py")
    }
    assert "build.py" in lengths
    assert {name: n for name, n in lengths.items() if n >= MAX_LINES} == {}
