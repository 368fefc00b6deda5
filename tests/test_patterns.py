"""User-supplied patterns (waiver resource_regex, rule `matches`) run on RE2: linear time, and syntax RE2
does not support is refused when the file is loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from arg_rows import classic_vm, cloud_service

from scanner.patterns import PatternError, compile_pattern

ROOT = Path(__file__).resolve().parents[1]
#: Backtracking `re` needs ~2^len steps to reject a long name with this pattern; RE2 needs len.
CATASTROPHIC = "^([a-z0-9]+-?)+-prod$"
LONG_NAME = "a1" * 24 + "!"
CLI = str(Path(sys.executable).parent / "classic-scan")
RULE = {
    "id": "ACME-001",
    "title": "Production naming",
    "severity": "low",
    "category": "vm-readiness",
    "target": "classic_vm",
    "condition": {"field": "name", "op": "matches", "value": CATASTROPHIC},
    "message": "VM {name} is a production VM",
    "rationale": "Our naming standard says production VMs end with -prod.",
    "remediation": "Rename the VM during migration.",
    "references": [{"title": "Naming", "url": "https://example.com/naming"}],
}
#: Waivers search the resource id, so this one is not anchored at the start.
WAIVER = {
    "rule": "RET-001",
    "resource_regex": CATASTROPHIC.lstrip("^"),
    "justification": "j",
    "owner": "o",
    "expires": "2099-01-01",
}


def _patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["value"]] if node.get("op") in ("matches", "any_matches") else []
        return found + [p for v in node.values() for p in _patterns(v)]
    if isinstance(node, list):
        return [p for v in node for p in _patterns(v)]
    return []


def test_every_bundled_pattern_compiles_on_re2():
    patterns = [
        p for f in sorted((ROOT / "rules").rglob("*.yaml")) for p in _patterns(yaml.safe_load(f.read_text()))
    ]
    assert len(patterns) >= 5
    for pattern in patterns:
        compile_pattern(pattern)


@pytest.mark.parametrize(("pattern", "reason"), [("(?<!x)y", "lookaround"), (r"(a)\1", "backreferences")])
def test_syntax_re2_lacks_is_a_clear_error(pattern, reason):
    with pytest.raises(PatternError, match=reason):
        compile_pattern(pattern)


def _scan(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    rows = tmp_path / "rows.json"
    rows.write_text(
        json.dumps([classic_vm(LONG_NAME, "cs1"), classic_vm("web-prod", "cs1"), cloud_service("cs1")])
    )
    # A generous bound that only a backtracking engine could reach (2^48 steps); RE2 takes milliseconds.
    return subprocess.run(
        [CLI, "scan", "--input", str(rows), "--out", str(tmp_path / "out"), "--format", "json", *args],
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_a_catastrophic_waiver_regex_runs_in_linear_time(tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(yaml.safe_dump({"waivers": [WAIVER]}))
    done = _scan(tmp_path, "--waivers", str(waivers))
    assert done.returncode == 0, done.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    waived = {f["resource_name"] for f in doc["findings"] if f.get("waiver")}
    assert "web-prod" in waived and LONG_NAME not in waived


def test_a_catastrophic_rule_pattern_runs_in_linear_time(tmp_path):
    pack = tmp_path / "pack" / "acme"
    pack.mkdir(parents=True)
    (pack / "ACME-001.yaml").write_text(yaml.safe_dump(RULE))
    done = _scan(tmp_path, "--rules", str(tmp_path / "pack"))
    assert done.returncode == 0, done.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    verdicts = {f["resource_name"]: f["status"] for f in doc["findings"] if f["rule_id"] == "ACME-001"}
    assert verdicts == {LONG_NAME: "pass", "web-prod": "fail"}


def test_an_unsupported_pattern_in_a_user_file_is_one_line_exit_2(tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(yaml.safe_dump({"waivers": [{**WAIVER, "resource_regex": "(?=vm)vm1"}]}))
    done = _scan(tmp_path, "--waivers", str(waivers))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "lookaround" in done.stderr
    pack = tmp_path / "pack" / "acme"
    pack.mkdir(parents=True)
    (pack / "ACME-001.yaml").write_text(
        yaml.safe_dump({**RULE, "condition": {**RULE["condition"], "value": r"(a)\1"}})
    )
    done = subprocess.run(
        [CLI, "rules", "validate", str(tmp_path / "pack")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "backreferences" in done.stderr
