"""`manual_when`: rows where it holds get `manual` (with the verification steps); the rest keep
fail / pass / unknown."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from arg_rows import AS_OF, classic_vm, cloud_service, inventory

from scanner.engine.evaluate import evaluate
from scanner.engine.rules import RulePack, load_pack, validate_dir
from scanner.errors import InputError

RULE = {
    "id": "ACME-010",
    "title": "Guest agent checked unless the VM is stopped",
    "severity": "low",
    "category": "vm-readiness",
    "target": "classic_vm",
    "requires": ["agent_status"],
    "condition": {"field": "agent_status", "op": "ne", "value": "Ready"},
    "manual_when": {"field": "state", "op": "eq", "value": "StoppedVM"},
    "message": "VM {name}: agent {agent_status}",
    "manual_message": "VM {name} is stopped: check its agent by hand",
    "pass_message": "VM {name}: agent Ready",
    "rationale": "A stopped VM reports no agent status that could be trusted.",
    "remediation": "Fix the agent before the migration.",
    "verification": ["Start the VM and read its agent status."],
    "references": [{"title": "Agent", "url": "https://example.com/agent"}],
}


def write(root: Path, data: dict) -> None:
    path = root / "acme" / f"{data['id']}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data))


def test_manual_when_turns_only_its_rows_manual(tmp_path):
    write(tmp_path, RULE)
    full = load_pack((tmp_path,))
    rule = full.get("ACME-010")
    assert rule is not None
    agent = {"status": "ReadyRole", "guestAgentStatus": {"status": "NotReady"}}
    stopped = {"status": "StoppedVM"}  # no agent status at all: manual wins over unknown
    rows = [
        classic_vm("ok", "cs1"),
        classic_vm("bad", "cs1", instanceView=agent),
        classic_vm("off", "cs1", instanceView=stopped),
        classic_vm("blind", "cs1", instanceView={"status": "ReadyRole"}),
        cloud_service("cs1"),
    ]
    result = evaluate(RulePack((rule,), full.calendar, full.version), inventory(rows), AS_OF, "public")
    got = {f["resource_name"]: f for f in result.findings.to_dict("records")}
    assert {n: f["status"] for n, f in got.items()} == {
        "ok": "pass",
        "bad": "fail",
        "off": "manual",
        "blind": "unknown",
    }
    assert got["off"]["message"] == "VM off is stopped: check its agent by hand"
    assert got["off"]["remediation"].startswith("Verify by hand: 1) Start the VM")
    assert got["bad"]["remediation"] == "Fix the agent before the migration."
    assert got["bad"]["message"] == "VM bad: agent NotReady"


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"verification": None}, "verification steps"),
        ({"manual_when": None}, "manual_message needs manual_when"),
        ({"manual_when": {"field": "nope", "op": "exists"}}, "no column 'nope'"),
        ({"manual_message": "VM {nope}"}, "{nope}"),
    ],
)
def test_manual_when_is_validated(tmp_path, change, fragment):
    data = {k: v for k, v in {**RULE, **change}.items() if v is not None}
    write(tmp_path, data)
    with pytest.raises(InputError, match=fragment.replace("{", r"\{").replace("}", r"\}")):
        validate_dir(tmp_path)
