"""`scan --config`: the file is click's default_map (flags win), and the source or scope chosen on the
command line replaces the config's as a whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from scanner import cli
from scanner.clouds import Cloud

runner = CliRunner()
SUB = "0b1c2d3e-0000-4000-8000-000000000001"


@pytest.fixture
def captured(monkeypatch) -> list[dict[str, Any]]:
    """The settled options scan_command receives (nothing is scanned)."""
    seen: list[dict[str, Any]] = []

    def record(values: dict[str, Any], feedback: Any) -> int:
        seen.append(values)
        return 0

    monkeypatch.setattr(cli, "scan_command", record)
    return seen


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_fills_the_options_and_flags_win(tmp_path, captured):
    config = write(
        tmp_path,
        f'subscription = ["{SUB}"]\ncloud = "USGov"\ncustomer = "Contoso"\nformat = "json"\nout = "r"\n',
    )
    result = runner.invoke(cli.app, ["scan", "--customer", "Fabrikam", "--config", str(config)])
    assert result.exit_code == 0, result.output
    (values,) = captured
    assert values["customer"] == "Fabrikam"  # given on the command line, before or after --config
    assert values["subscription"] == [SUB] and values["cloud"] == Cloud.USGOV
    assert values["formats"] == "json" and values["out"] == tmp_path / "r"
    assert values["auth"] == "default"  # neither given nor in the file


def test_an_offline_source_on_the_command_line_drops_the_configs_live_scope(tmp_path, captured):
    config = write(tmp_path, f'subscription = ["{SUB}"]\nsave_snapshot = "snap"\ninput = ["x.json"]\n')
    result = runner.invoke(cli.app, ["scan", "--config", str(config), "--demo"])
    assert result.exit_code == 0, result.output
    (values,) = captured
    assert values["demo"] is True
    assert values["inputs"] is None and values["subscription"] is None and values["save_snapshot"] is None


def test_a_scope_on_the_command_line_drops_the_configs_offline_source(tmp_path, captured):
    config = write(tmp_path, 'demo = true\nmanagement_group = ["corp"]\nsave_snapshot = "snap"\n')
    result = runner.invoke(cli.app, ["scan", "--config", str(config), "-s", SUB])
    assert result.exit_code == 0, result.output
    (values,) = captured
    assert values["subscription"] == [SUB] and values["management_group"] is None
    assert values["demo"] is False
    assert values["save_snapshot"] == tmp_path / "snap"  # still a live scan


def test_a_bad_config_is_one_error_line_before_anything_runs(tmp_path, captured):
    config = write(tmp_path, "demo = 'yes'\n")
    result = runner.invoke(cli.app, ["scan", "--demo", "--config", str(config)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"classic-scan: error: --config {config}: 'demo' must be true or false, not a string"
    ]
    assert captured == []
