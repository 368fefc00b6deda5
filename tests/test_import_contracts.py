"""The import contracts of pyproject.toml hold, and their lists name every scanner module."""

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import scanner

ROOT = Path(__file__).resolve().parents[1]
#: What reports may import from scanner; the model imports only the errors.
ALLOWED_TO_REPORTS = {"scanner.model", "scanner.errors"}


def contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["name"]: c for c in config["tool"]["importlinter"]["contracts"]}


def scanner_modules() -> set[str]:
    return {f"scanner.{m.name}" for m in pkgutil.iter_modules(scanner.__path__)}


def test_lint_imports_keeps_every_contract():
    command = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(command), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_reports_contract_forbids_every_scanner_module_but_the_model_and_errors():
    # A module added to scanner without joining the list would be importable by reports unchecked.
    forbidden = set(contracts()["Reports read only the model (and the errors)"]["forbidden_modules"])
    assert forbidden == scanner_modules() - ALLOWED_TO_REPORTS


def test_model_contract_forbids_every_other_scanner_module_and_reports():
    forbidden = set(contracts()["The model imports no stage and no report"]["forbidden_modules"])
    assert forbidden == scanner_modules() - ALLOWED_TO_REPORTS | {"reports"}
