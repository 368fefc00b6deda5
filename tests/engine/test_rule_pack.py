"""Meta-tests over every bundled rule, and schema checks on custom packs."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from arg_rows import SPEC_IDS

from scanner.engine import rules as rules_module
from scanner.engine.retirements import RetirementCalendar
from scanner.engine.rules import bundled_dir, load_pack, load_rule, validate_dir
from scanner.errors import InputError

RULES_MD = Path(__file__).resolve().parents[3] / "shared" / "RULES.md"


def test_every_specified_rule_is_bundled():
    ids = {r.id for r in load_pack().rules}
    assert set(SPEC_IDS) <= ids


@pytest.mark.skipif(not RULES_MD.is_file(), reason="shared/RULES.md not beside the checkout")
def test_rules_md_ids_are_bundled():
    spec = set(re.findall(r"^\| ([A-Z]+-\d{3}) \|", RULES_MD.read_text(), flags=re.M))
    assert spec, "no ids parsed from RULES.md"
    assert spec <= {r.id for r in load_pack().rules}


@pytest.mark.parametrize("path", sorted(bundled_dir().rglob("*-*.yaml")), ids=lambda p: p.stem)
def test_bundled_rule_metadata(path):
    rule = load_rule(path)  # schema, id == file name, folder == area, columns and templates exist
    spec = rule.spec
    assert path.stem == spec.id
    assert spec.references and all(ref.url.startswith("https://") for ref in spec.references)
    assert spec.rationale.strip() and spec.remediation.strip()
    assert not spec.title.lower().startswith("ensure")
    if spec.verdict == "manual":
        assert spec.verification
    if spec.id.startswith("RET-"):
        assert spec.retirement and spec.severity is None
    elif spec.retirement:
        # outside RET, only a check whose subject itself retires (CSES-005: the Diagnostics extension)
        assert spec.id == "CSES-005" and spec.severity is None
    else:
        assert spec.severity is not None
    raw = yaml.safe_load(path.read_text())
    assert "pass_message" in raw or spec.verdict == "manual", "every evaluable rule explains a pass"
    assert raw["migration"] in ("blocking", "preparation", "none")


#: The plan's hard-coded sets before the role became rule data: each keeps its role.
FORMER_BLOCKING = {
    *(f"VM-{i:03d}" for i in (1, 2, 3, 4, 7, 8, 9, 10, 12, 13, 14)),
    *("CS-001", "CS-002", "CS-003", "NET-001", "NET-002", "NET-004", "BK-001"),
}
# The December 2026 review made ER-002 a manual heuristic (preparation: verify the links before the
# circuit moves) and CS-004 a manual info check from a community toolset (no migration role).
FORMER_PREPARATION = {
    *("VM-005", "VM-006", "VM-011", "NET-003", "NET-005", "NET-006", "NET-007"),
    *("ER-001", "ER-002", "MON-001", "MON-002", "IAM-001"),
}


def test_bundled_migration_roles():
    roles = load_pack().migration_roles
    assert {r for r, role in roles.items() if role == "blocking"} >= FORMER_BLOCKING
    assert {r for r, role in roles.items() if role == "preparation"} >= FORMER_PREPARATION
    # retirements and residue never decide whether a unit can migrate
    assert all(role == "none" for r, role in roles.items() if r.startswith(("RET-", "POST-")))


def test_bundled_rules_must_declare_their_migration_role(tmp_path, monkeypatch):
    copy = tmp_path / "rules"
    for path in bundled_dir().rglob("*.yaml"):
        target = copy / path.relative_to(bundled_dir())
        target.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text()
        if path.stem == "VM-003":
            text = "\n".join(line for line in text.splitlines() if not line.startswith("migration:"))
        target.write_text(text)
    monkeypatch.setattr(rules_module, "bundled_dir", lambda: copy)
    with pytest.raises(InputError, match=r"VM-003\.yaml: migration is required"):
        load_pack()


def test_retirement_calendar_entries_are_sourced():
    pack = load_pack()
    used = {r.spec.retirement for r in pack.rules if r.spec.retirement}
    assert used <= set(pack.calendar.entries)
    for entry in pack.calendar.entries.values():
        assert entry.source.startswith("https://")
    vm = pack.calendar.entries["classic_vm"]
    assert vm.date == date(2023, 9, 1)
    assert date(2023, 9, 6) in {a.date for a in vm.alternative_dates}
    alerts = pack.calendar.entries["classic_alerts"]
    assert alerts.date_for("public") == date(2021, 5, 31)
    assert alerts.date_for("usgov") == date(2024, 2, 29) == alerts.date_for("china")


@pytest.mark.parametrize(
    ("days", "severity"),
    [
        (-400, "critical"),
        (0, "critical"),
        (1, "high"),
        (180, "high"),
        (181, "medium"),
        (365, "medium"),
        (366, "low"),
    ],
)
def test_calendar_severity(days, severity):
    as_of = date(2026, 1, 1)
    assert RetirementCalendar.severity(date.fromordinal(as_of.toordinal() + days), as_of) == severity


def test_pack_version_is_stable():
    assert load_pack().version == load_pack().version


GOOD = {
    "id": "ACME-001",
    "title": "Classic VM without an owner tag",
    "severity": "low",
    "category": "vm-readiness",
    "target": "classic_vm",
    "condition": {"not": {"field": "name", "op": "matches", "value": "^prod-"}},
    "message": "VM {name} is not named prod-*",
    "pass_message": "VM {name} is named prod-*",
    "rationale": "Our naming standard says production VMs start with prod-.",
    "remediation": "Rename the VM during migration, or waive the finding.",
    "references": [{"title": "Naming", "url": "https://example.com/naming"}],
}


def write_rule(root: Path, data: dict, folder: str = "acme", name: str | None = None) -> Path:
    path = root / folder / f"{name or data.get('id', 'X')}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data))
    return path


def test_custom_pack_validates_and_loads(tmp_path):
    write_rule(tmp_path, GOOD)
    assert [r.id for r in validate_dir(tmp_path)] == ["ACME-001"]
    rule = load_pack((tmp_path,)).get("ACME-001")
    assert rule is not None
    assert rule.migration == "none"  # a custom rule that does not say plays no part in readiness


@pytest.mark.parametrize("role", ["blocking", "preparation", "none"])
def test_custom_rule_may_declare_its_migration_role(tmp_path, role):
    write_rule(tmp_path, {**GOOD, "migration": role})
    pack = load_pack((tmp_path,))
    assert pack.migration_roles["ACME-001"] == role


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"severity": "urgent"}, "severity"),
        ({"category": "misc"}, "category"),
        ({"target": "nothing"}, "unknown target table"),
        ({"title": "x" * 121}, "title"),
        ({"references": []}, "references"),
        ({"references": [{"title": "Naming", "url": "http://insecure"}]}, "url"),
        ({"severity": None}, "severity is required"),
        ({"retirement": "classic_vm"}, "remove severity"),
        ({"verdict": "manual"}, "verification steps"),
        ({"message": "VM {nope} broken"}, "{nope}"),
        ({"condition": {"field": "nope", "op": "exists"}}, "no column 'nope'"),
        ({"condition": {"field": "name", "op": "len_gt", "value": 1}}, "does not apply"),
        ({"requires": ["nope"]}, "no column 'nope'"),
        ({"surprise": 1}, "surprise"),
        ({"id": "acme-1"}, "id"),
        ({"migration": "blocker"}, "migration"),
    ],
)
def test_custom_rule_schema_errors(tmp_path, change, fragment):
    data = {**GOOD, **change}
    data = {k: v for k, v in data.items() if v is not None}
    write_rule(tmp_path, data, name="ACME-001")
    with pytest.raises(InputError) as err:
        validate_dir(tmp_path)
    assert fragment in str(err.value)
    assert "ACME-001.yaml" in str(err.value)


def test_custom_pack_structure_errors(tmp_path):
    write_rule(tmp_path, GOOD, name="ACME-002")
    with pytest.raises(InputError, match="does not match the file name"):
        validate_dir(tmp_path)
    (tmp_path / "acme" / "ACME-002.yaml").unlink()
    write_rule(tmp_path, GOOD, folder="other")
    with pytest.raises(InputError, match="folder named acme"):
        validate_dir(tmp_path)
    (tmp_path / "other" / "ACME-001.yaml").unlink()
    write_rule(tmp_path, {**GOOD, "id": "VM-001"}, folder="vm")
    with pytest.raises(InputError, match="already in the bundled pack"):
        validate_dir(tmp_path)


def test_custom_pack_errors_on_bad_yaml_and_empty_dir(tmp_path):
    with pytest.raises(InputError, match="no rule files"):
        validate_dir(tmp_path)
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "ACME-001.yaml").write_text("id: [unclosed\n")
    with pytest.raises(InputError, match="not valid YAML"):
        validate_dir(tmp_path)
    with pytest.raises(InputError, match="not a directory"):
        validate_dir(tmp_path / "missing")


def test_custom_retirement_needs_calendar_entry(tmp_path):
    data = {**GOOD, "retirement": "acme_thing"}
    del data["severity"]
    write_rule(tmp_path, data)
    with pytest.raises(InputError, match=r"'acme_thing' is not in retirements\.yaml"):
        validate_dir(tmp_path)
    (tmp_path / "retirements.yaml").write_text(
        yaml.safe_dump(
            {
                "acme_thing": {
                    "service": "Acme thing",
                    "date": "2027-01-01",
                    "announcement": "Acme retires it.",
                    "source": "https://example.com/acme",
                }
            }
        )
    )
    assert [r.id for r in validate_dir(tmp_path)] == ["ACME-001"]
