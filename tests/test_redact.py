"""Secrets in raw rows never reach a snapshot or a report: connection shared keys, SAS query strings,
credentials in connection strings, and the .cscfg of a Cloud Services (extended support) (dropped whole;
only what the rules read is kept beside it)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from arg_rows import CSCFG, PLANTED_SECRETS, er_circuit_with_keys, secret_rows
from typer.testing import CliRunner

import scanner.redact as redact_module
from scanner.cli import app
from scanner.redact import REDACTED, SUMMARY_KEY, redact, redact_text, summarise_configuration
from scanner.snapshot import write_snapshot
from scanner.sources.files import FilesSource

runner = CliRunner()


def every_text(directory: Path) -> str:
    """The text of every file under `directory`, xlsx unzipped."""
    parts: list[str] = []
    for path in sorted(directory.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                parts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        else:
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def assert_no_secret(text: str) -> None:
    leaked = [s for s in (*PLANTED_SECRETS, "SECRET-SERVICE-KEY", "SECRET-AUTH-KEY") if s in text]
    assert leaked == []


#: A .cscfg whose setting value looks like no credential: only dropping the document keeps it out.
PLAIN_VALUE = "PLAIN-SETTING-VALUE-8"
PLAIN_CSCFG = CSCFG.replace(
    "</ConfigurationSettings>", f'<Setting name="Greeting" value="{PLAIN_VALUE}" /></ConfigurationSettings>'
)
#: What of the .cscfg may appear anywhere: none of its markup.
XML_MARKERS = ("<ServiceConfiguration", "<Setting", "<Role", "thumbprint", "ServiceHosting/2008")


def assert_no_configuration(text: str) -> None:
    assert_no_secret(text)
    assert PLAIN_VALUE not in text
    assert [m for m in XML_MARKERS if m in text] == []


def cses_props(document: str) -> dict[str, Any]:
    return {"properties": {"configuration": document, "upgradeMode": "Auto"}}


def test_the_configuration_is_dropped_and_what_rules_read_is_kept_beside_it():
    got = redact(cses_props(PLAIN_CSCFG))["properties"]
    assert "configuration" not in got
    assert got[SUMMARY_KEY] == {
        "osFamily": "6",
        "osVersion": "*",
        "roles": [
            {
                "name": "WebRole1",
                "instances": 3,
                "settingNames": ["StorageConnection", "AdminPassword", "Greeting"],
            }
        ],
    }
    assert got["upgradeMode"] == "Auto"
    assert_no_configuration(json.dumps(got))
    # A kept summary read back (a snapshot loaded again) stays as it is.
    assert redact({"properties": got}) == {"properties": got}


def test_a_configuration_that_is_not_a_plain_cscfg_leaves_no_summary():
    for document in (
        '<!DOCTYPE x [<!ENTITY e "CSCFG-PASSWORD-SECRET-5">]><x a="&e;"/>',
        "AccountKey=CSCFG-ACCOUNTKEY-SECRET-4 <not xml",
        f'<Other><Setting name="a" value="{PLAIN_VALUE}"/></Other>',
        "",
    ):
        got = redact(cses_props(document))["properties"]
        assert got == {"upgradeMode": "Auto"}, document


def test_a_dtd_or_entity_is_refused_before_any_parsing(monkeypatch):
    def parse(text: str) -> Any:
        raise AssertionError("parsed a document that declares a DTD or an entity")

    monkeypatch.setattr(redact_module.ET, "fromstring", parse)
    laughs = '<!DOCTYPE l [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]><ServiceConfiguration osFamily="&b;"/>'
    assert summarise_configuration(laughs) is None
    assert summarise_configuration('<ServiceConfiguration><!ENTITY x "y"></ServiceConfiguration>') is None


def test_properties_kept_as_json_text_are_walked_too():
    row = {
        "id": "x",
        "type": "microsoft.compute/cloudservices",
        "properties": json.dumps(cses_props(CSCFG)["properties"]),
    }
    got = redact(row)
    assert got["properties"][SUMMARY_KEY]["osFamily"] == "6"
    assert_no_configuration(json.dumps(got))


def test_uri_queries_and_credentials_in_text_are_redacted_paths_kept():
    uri = "https://acct.blob.core.windows.net/pkg/app.cspkg?sp=r&sig=abc%2Fdef&se=2099"
    assert redact_text(uri) == f"https://acct.blob.core.windows.net/pkg/app.cspkg?{REDACTED}"
    conn = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0==;EndpointSuffix=x"
    assert (
        redact_text(conn)
        == f"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={REDACTED};EndpointSuffix=x"
    )
    assert redact_text("sv=2022&sig=xyz&se=1") == f"sv=2022&sig={REDACTED}&se=1"
    assert redact_text("https://stor1.blob.core.windows.net/vhds/vm1-os.vhd") == (
        "https://stor1.blob.core.windows.net/vhds/vm1-os.vhd"
    )
    assert redact({"properties": {"SharedKey": "x", "nested": [{"serviceKey": "y", "keep": 1}]}}) == {
        "properties": {"nested": [{"keep": 1}]}
    }


def test_export_files_and_snapshots_keep_no_secret(tmp_path):
    rows = [*secret_rows(), er_circuit_with_keys()]
    export = tmp_path / "export.json"
    export.write_text(json.dumps(rows))
    lines = tmp_path / "export.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in rows))
    for path in (export, lines):
        snapshot = FilesSource([path]).read()
        assert_no_configuration(json.dumps(snapshot.rows))
    write_snapshot(tmp_path / "snap", {"resources": rows}, {"cloud": "public"})
    text = every_text(tmp_path / "snap")
    assert_no_secret(text)
    assert "https://acct.blob.core.windows.net/pkg/app.cspkg?[redacted]" in text
    assert_no_configuration(text)
    assert '"configurationSummary": {"osFamily": "6"' in text and "StorageConnection" in text


def test_reports_of_a_scan_keep_no_secret_and_no_configuration(tmp_path):
    rows = [*secret_rows(), er_circuit_with_keys()]
    cses = next(r for r in rows if r["type"].lower() == "microsoft.compute/cloudservices")
    cses["properties"]["configuration"] = PLAIN_CSCFG
    export = tmp_path / "export.json"
    export.write_text(json.dumps(rows))
    out = tmp_path / "out"
    formats = "xlsx,html,json,csv,md,junit"
    result = runner.invoke(app, ["scan", "--input", str(export), "--out", str(out), "--format", formats])
    assert result.exit_code in (0, 4), result.output
    written = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert written >= {
        "report.xlsx",
        "report.html",
        "findings.json",
        "findings.csv",
        "summary.md",
        "junit.xml",
    }
    assert_no_configuration(every_text(out) + result.output)
    # The kept fields still reach the rules: CSES-001 read the family from the summary.
    findings = json.loads((out / "findings.json").read_text())["findings"]
    assert {f["status"] for f in findings if f["rule_id"] == "CSES-001"} == {"pass"}
