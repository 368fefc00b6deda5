"""Hostile documents: YAML alias bombs and nesting bombs in every input end in one line and exit 2."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from arg_rows import classic_vm
from typer.testing import CliRunner

from scanner.cli import app
from scanner.limits import MAX_DEPTH, depth_exceeds

runner = CliRunner()
RULE = """id: ACME-001
title: Acme rule
severity: low
category: manual-check
target: classic_vm
description: A rule.
remediation: Fix it.
message: "{name}"
condition: {column: name, equals: x}
"""


def one_error_line(result, exit_code: int = 2) -> str:
    assert result.exit_code == exit_code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("classic-scan: error: "), result.output
    return lines[0]


def nested_list(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_depth_exceeds_is_exact():
    value: list = []
    for _ in range(MAX_DEPTH - 1):
        value = [value]
    assert not depth_exceeds(value)
    assert depth_exceeds([value])
    assert depth_exceeds({"a": [value]})


def _limited_memory() -> None:
    limit = 1536 << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_an_alias_bomb_in_a_rule_pack_is_refused_with_bounded_memory(tmp_path):
    pack = tmp_path / "pack" / "acme"
    pack.mkdir(parents=True)
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        levels.append(f"a{i}: &a{i} [{refs}]")
    (pack / "ACME-001.yaml").write_text(RULE + "\n".join(levels) + "\nextra: *a8\n")
    assert len((pack / "ACME-001.yaml").read_bytes()) < 2048
    done = subprocess.run(
        [str(Path(sys.executable).parent / "classic-scan"), "rules", "validate", str(tmp_path / "pack")],
        capture_output=True,
        text=True,
        preexec_fn=_limited_memory,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert "aliases" in done.stderr


def test_an_alias_in_a_waivers_file_is_refused(tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - &w {rule: VM-001, resource: vm1, justification: j, owner: o, expires: 2099-01-01}\n"
        "  - *w\n"
    )
    result = runner.invoke(app, ["scan", "--demo", "--out", str(tmp_path / "out"), "--waivers", str(waivers)])
    assert "aliases" in one_error_line(result)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 5_000])
def test_deep_yaml_in_waivers_and_rules_is_refused(tmp_path, depth):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers: " + nested_list(depth) + "\n")
    result = runner.invoke(app, ["scan", "--demo", "--out", str(tmp_path / "out"), "--waivers", str(waivers)])
    assert "nested deeper" in one_error_line(result)
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "ACME-001.yaml").write_text(RULE + "extra: " + nested_list(depth) + "\n")
    assert "nested deeper" in one_error_line(runner.invoke(app, ["rules", "validate", str(pack)]))


def deep_tags(depth: int) -> str:
    return '{"t": ' * depth + '"deep"' + "}" * depth


def vm_with_tags(depth: int) -> str:
    """A VM row (JSON text) whose tags nest `depth` deep (built as text: json.dumps would recurse)."""
    vm = json.dumps({**classic_vm("vm1"), "tags": "TAGS"})
    return vm.replace('"TAGS"', deep_tags(depth))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("deep.json", nested_list(100_000)),
        ("deep-rows.json", f"[{vm_with_tags(MAX_DEPTH + 2)}]"),
        ("deep-az.json", f'{{"data": [{vm_with_tags(950)}], "count": 1}}'),
        ("deep.jsonl", vm_with_tags(950) + "\n"),
        (
            "deeper.jsonl",
            json.dumps(classic_vm("vm0")) + "\n" + '{"id": "x", "a": ' + nested_list(100_000) + "}\n",
        ),
    ],
)
def test_deep_json_inputs_are_refused(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    result = runner.invoke(app, ["scan", "--input", str(path), "--out", str(tmp_path / "out"), "--mask"])
    line = one_error_line(result)
    assert "nested deeper than" in line and str(path) in line
    assert not (tmp_path / "out").exists()


def test_deep_json_in_a_csv_cell_is_refused(tmp_path):
    path = tmp_path / "export.csv"
    vm = classic_vm("vm1")
    path.write_text(
        "id,name,type,properties,tags\n"
        f'{vm["id"]},vm1,{vm["type"]},{{}},"{deep_tags(200).replace(chr(34), chr(34) * 2)}"\n'
    )
    result = runner.invoke(app, ["scan", "--input", str(path), "--out", str(tmp_path / "out")])
    assert "column 'tags' nested deeper" in one_error_line(result)


def test_deep_toml_config_is_refused(tmp_path):
    config = tmp_path / "scan.toml"
    config.write_text("[scan]\nx = " + nested_list(100_000) + "\n")
    result = runner.invoke(app, ["scan", "--demo", "--config", str(config), "--out", str(tmp_path / "out")])
    assert "nested too deeply" in one_error_line(result)
    config.write_text("[scan]\nx = " + nested_list(MAX_DEPTH + 1) + "\n")
    result = runner.invoke(app, ["scan", "--demo", "--config", str(config), "--out", str(tmp_path / "out")])
    assert "nested deeper than" in one_error_line(result)


def test_a_bundled_or_realistic_document_is_well_within_the_bound():
    demo = Path(__file__).resolve().parents[1] / "scanner" / "demo" / "estate" / "resources.jsonl"
    rows = [json.loads(line) for line in demo.read_text().splitlines() if line.strip()]
    assert rows and not any(depth_exceeds(r, 16) for r in rows)
