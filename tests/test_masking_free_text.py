"""--mask on a custom estate whose every free-text field carries the customer's own words: none of them
may survive in any output (HTML, JSON, CSV, the xlsx unzipped, JUnit, Markdown), nor the names of
local files."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from arg_rows import SUB, TENANT, classic_vm, cloud_service, row
from typer.testing import CliRunner

from reports import html_data
from scanner.cli import app

runner = CliRunner()
#: Every planted word contains "qx": a masked output must not contain it anywhere, in any case.
MARK = re.compile("qx", re.IGNORECASE)
FORMATS = "xlsx,html,json,csv,junit,md"


def estate() -> list[dict]:
    cs = cloud_service("qxcs1", rg="qxrg")
    cs["properties"]["label"] = "Qxlabel Payroll"
    cs["tags"] = {"QxTagKey": "Qxtagvalue Finance", "environment": "production"}
    vm = classic_vm("qxvm1", "qxcs1", rg="qxrg")
    vm["tags"] = {
        "owner": "qxguest_qxfabrikam.com#EXT#@qxcontoso.onmicrosoft.com",
        "contact": "qxadmin@qxhost",
        "mail": "mailto:qxpct%40qxdomain.com",
        "note": "Qxnote Zürich wörds",
        "nested": {"deeper": "qxnestedvalue"},
    }
    assignment = row(
        "Microsoft.Authorization/roleAssignments",
        "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
        {
            "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/"
            "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            "principalId": "22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb",
            "scope": f"/subscriptions/{SUB}/resourceGroups/qxrg",
            "description": "Qxdescription for the payroll admins",
            "createdBy": "33333333-cccc-4ccc-8ccc-cccccccccccc",
        },
        rg="qxrg",
    )
    admin = row(
        "Microsoft.Authorization/classicAdministrators",
        "qxadmin1",
        {"emailAddress": "qxjürgen.müller@qxexample.de", "role": "CoAdministrator", "adminState": "Enabled"},
        rg="",
    )
    subscription = row("Microsoft.Resources/subscriptions", SUB, {"displayName": "Qxsubname Contoso"}, rg="")
    subscription.update(id=f"/subscriptions/{SUB}", resourceGroup="", tenantId=TENANT)
    return [cs, vm, assignment, admin, subscription]


WAIVERS = {
    "waivers": [
        {
            "rule": "RET-001",
            "resource": classic_vm("qxvm1", "qxcs1", rg="qxrg")["id"],
            "justification": "Qxjustification: the payroll VM stays until March",
            "owner": "qxowner@qxcorp.com",
            "ticket": "QX-1234",
            "approved_by": "Qxapprover Name",
            "expires": "2099-01-01",
        },
        {
            "rule": "RET-*",
            "resource_regex": "qxregex-[0-9]+$",
            "justification": "j",
            "owner": "o",
            "expires": "2099-01-01",
        },
        {
            "rule": "VM-*",
            "resource": "qxunusedvm",
            "justification": "j",
            "owner": "o",
            "expires": "2099-01-01",
        },
        {
            "rule": "RET-*",
            "tags": {"qxwaivertag": "qxwaivervalue"},
            "justification": "j",
            "owner": "o",
            "expires": "2099-01-01",
        },
    ]
}


def every_text(directory: Path) -> str:
    parts: list[str] = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        parts.append(path.name)
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                parts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        elif path.suffix == ".html":  # its data blocks decoded: what the page carries
            parts.append(html_data.readable(path.read_text(encoding="utf-8")))
        else:
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("qxcustomerdir")
    export = folder / "qxcustomer-export.json"
    export.write_text(json.dumps(estate(), ensure_ascii=False), encoding="utf-8")
    waivers = folder / "qxcustomer-waivers.yaml"
    waivers.write_text(yaml.safe_dump(WAIVERS, allow_unicode=True), encoding="utf-8")
    texts = {}
    for mode in ("--no-mask", "--mask"):
        out = folder / mode.strip("-")
        args = [
            "scan",
            "--input",
            str(export),
            "--waivers",
            str(waivers),
            "--out",
            str(out),
            "--format",
            FORMATS,
        ]
        result = runner.invoke(app, [*args, mode, "--as-of", "2026-11-26"])
        assert result.exit_code in (0, 4), result.output
        texts[mode] = every_text(out)
    return {
        "plain": texts["--no-mask"],
        "masked": texts["--mask"],
        "export_sha": hashlib.sha256(export.read_bytes()).hexdigest(),
        "waivers_sha": hashlib.sha256(waivers.read_bytes()).hexdigest(),
        "folder": str(folder),
    }


def test_the_planted_words_reach_the_unmasked_outputs(scanned):
    plain = str(scanned["plain"]).lower()
    for word in (
        "qxlabel payroll",
        "qxtagvalue finance",
        "qxdescription",
        "#ext#@qxcontoso",
        "qxadmin@qxhost",
        "qxpct%40qxdomain.com",
        "qxjürgen.müller@qxexample.de",
        "qxsubname",
        "qxregex",
        "qxunusedvm",
        "qxjustification",
        "qxcustomer-export.json",
        "qxcustomer-waivers.yaml",
    ):
        assert word in plain, word


def test_a_waiver_is_active_so_findings_carry_it(scanned):
    assert "Qxjustification: the payroll VM stays until March" in str(scanned["plain"])
    assert '"state": "active"' in str(scanned["masked"])


def test_no_planted_word_survives_masking(scanned):
    masked = str(scanned["masked"])
    leaks = sorted({masked[max(0, m.start() - 30) : m.end() + 30] for m in MARK.finditer(masked)})
    assert leaks == []
    assert "Zürich" not in masked and "wörds" not in masked
    assert str(scanned["folder"]) not in masked


def test_local_files_appear_under_neutral_names_with_their_sha256(scanned):
    masked = str(scanned["masked"])
    assert "input-1.json" in masked and str(scanned["export_sha"]) in masked
    assert "waivers.yaml" in masked and str(scanned["waivers_sha"]) in masked


def test_a_snapshot_folder_named_after_the_customer_disappears():
    from scanner.masking_meta import _neutral_inputs

    coverage = {
        "inputs": [
            "/home/ana/qxcontoso-snap/manifest.json sha256:" + "a" * 64,
            "/home/ana/qxcontoso-snap/resources.jsonl sha256:" + "b" * 64,
            "C:\\Users\\ana\\qxcontoso export.csv sha256:" + "c" * 64,
        ],
        "issues": [
            "/home/ana/qxcontoso-snap: the snapshot is marked incomplete",
            "qxcontoso export.csv: 1 of 9 rows",
        ],
    }
    masked = _neutral_inputs(coverage)
    assert masked["inputs"] == [
        "manifest.json sha256:" + "a" * 64,
        "resources.jsonl sha256:" + "b" * 64,
        "input-1.csv sha256:" + "c" * 64,
    ]
    assert masked["issues"] == ["snapshot: the snapshot is marked incomplete", "input-1.csv: 1 of 9 rows"]
