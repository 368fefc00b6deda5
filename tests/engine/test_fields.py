"""Fields rules may name: `tags.<key>`, one tag's value (key case-insensitive, NA when absent)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from arg_rows import AS_OF, classic_vm, cloud_service
from typer.testing import CliRunner

from scanner.cli import app
from scanner.engine.conditions import ConditionError, Context, compile_condition
from scanner.engine.fields import field_column, tag_key
from scanner.inventory.columns import TABLES, Table
from scanner.scan import ScanOptions, run_scan

TABLE = Table("t", "test table", (), ())
FRAME = pd.DataFrame(
    {
        "id": ["a", "b", "c", "d", "e"],
        "tags": pd.Series(
            [{"Owner": "alice@contoso.com"}, {"OWNER": ""}, {}, {"owner": None}, {"env": "prod"}],
            dtype=object,
        ),
    }
)
README = Path(__file__).resolve().parents[2] / "rules" / "README.md"


def run(spec: dict) -> list[bool | None]:
    fn, fields = compile_condition(spec, TABLE)
    assert fields == [spec["field"]]
    mask = fn(FRAME, Context(as_of=date(2026, 11, 26)))
    return [bool(v) if k else None for v, k in zip(mask.value, mask.known, strict=True)]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"field": "tags.owner", "op": "missing"}, [False, False, True, True, True]),
        ({"field": "tags.OWNER", "op": "exists"}, [True, True, False, False, False]),
        ({"field": "tags.owner", "op": "eq", "value": "ALICE@contoso.com"}, [True, False, None, None, None]),
        ({"field": "tags.owner", "op": "empty"}, [False, True, None, None, None]),
        (
            {"field": "tags.owner", "op": "matches", "value": "@contoso\\.com$"},
            [True, False, None, None, None],
        ),
        ({"field": "tags.env", "op": "in", "value": ["prod", "production"]}, [None, None, None, None, True]),
    ],
)
def test_tag_field(spec, expected):
    assert run(spec) == expected


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ({"field": "tags.", "op": "exists"}, "no column 'tags.'"),
        ({"field": "tag.owner", "op": "exists"}, "no column 'tag.owner'"),
        ({"field": "tags.owner", "op": "len_gt", "value": 1}, "does not apply"),
    ],
)
def test_tag_field_errors(spec, fragment):
    with pytest.raises(ConditionError, match=re.escape(fragment)):
        compile_condition(spec, TABLE)


def test_tag_field_is_a_text_column_of_every_table():
    assert tag_key("tags.cost center") == "cost center"
    assert tag_key("tags") is None
    column = field_column(TABLES["classic_vm"], "tags.Owner")
    assert column is not None and column.kind == "str"


def _readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Example: owner tag missing") :]
    match = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert match, "the example is not in rules/README.md"
    return match.group(1)


def test_readme_owner_tag_example_validates_and_decides(tmp_path):
    pack = tmp_path / "pack"
    (pack / "acme").mkdir(parents=True)
    (pack / "acme" / "ACME-001.yaml").write_text(_readme_example(), encoding="utf-8")
    result = CliRunner().invoke(app, ["rules", "validate", str(pack)])
    assert result.exit_code == 0, result.output
    assert "1 rule valid: ACME-001" in result.output

    owned, orphan = classic_vm("vm-owned", "cs1"), classic_vm("vm-orphan", "cs1")
    owned["tags"], orphan["tags"] = {"Owner": "alice@contoso.com"}, {"env": "prod"}
    export = tmp_path / "export.json"
    export.write_text(json.dumps([owned, orphan, cloud_service("cs1")]), encoding="utf-8")
    scan = run_scan(ScanOptions(inputs=(export,), as_of=AS_OF, rules_dirs=(pack,)))
    found = scan.findings[scan.findings["rule_id"] == "ACME-001"].set_index("resource_name")
    assert found.at["vm-orphan", "status"] == "fail"
    assert found.at["vm-owned", "status"] == "pass"
    assert found.at["vm-owned", "message"] == "vm-owned is owned by alice@contoso.com."
    assert found.at["vm-owned", "evidence"] == {"tags.owner": "alice@contoso.com"}
    assert found.at["vm-orphan", "evidence"] == {"tags.owner": None}
