"""Secrets in raw rows never reach a snapshot or a report: connection shared keys, SAS query strings,
credentials in connection strings, and the setting values of a Cloud Services (extended support) .cscfg."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from arg_rows import CSCFG, PLANTED_SECRETS, er_circuit_with_keys, secret_rows
from lxml import etree
from typer.testing import CliRunner

from scanner.cli import app
from scanner.redact import REDACTED, redact, redact_configuration, redact_text
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


def test_the_configuration_keeps_what_rules_read_and_loses_setting_values():
    clean = redact_configuration(CSCFG)
    assert_no_secret(clean)
    root = etree.fromstring(clean.encode())
    ns = {"c": "http://schemas.microsoft.com/ServiceHosting/2008/10/ServiceConfiguration"}
    assert (root.get("osFamily"), root.get("osVersion")) == ("6", "*")
    assert root.xpath("c:Role/@name", namespaces=ns) == ["WebRole1"]
    assert root.xpath("c:Role/c:Instances/@count", namespaces=ns) == ["3"]
    settings = root.xpath("c:Role/c:ConfigurationSettings/c:Setting", namespaces=ns)
    assert [(s.get("name"), s.get("value")) for s in settings] == [
        ("StorageConnection", REDACTED),
        ("AdminPassword", REDACTED),
    ]
    assert root.xpath("//c:Certificate/@thumbprint", namespaces=ns) == [
        "0123456789ABCDEF0123456789ABCDEF01234567"
    ]


def test_a_configuration_that_is_not_plain_xml_is_dropped_whole():
    dtd = '<!DOCTYPE x [<!ENTITY e "CSCFG-PASSWORD-SECRET-5">]><x a="&e;"/>'
    assert redact_configuration(dtd) == REDACTED
    assert redact_configuration("AccountKey=CSCFG-ACCOUNTKEY-SECRET-4 <not xml") == REDACTED


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
        assert_no_secret(json.dumps(snapshot.rows))
    write_snapshot(tmp_path / "snap", {"resources": rows}, {"cloud": "public"})
    text = every_text(tmp_path / "snap")
    assert_no_secret(text)
    assert "https://acct.blob.core.windows.net/pkg/app.cspkg?[redacted]" in text
    assert "WebRole1" in text and 'osFamily=\\"6\\"' in text


def test_reports_of_a_scan_keep_no_secret(tmp_path):
    export = tmp_path / "export.json"
    export.write_text(json.dumps([*secret_rows(), er_circuit_with_keys()]))
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["scan", "--input", str(export), "--out", str(out), "--format", "xlsx,html,json,csv"]
    )
    assert result.exit_code in (0, 4), result.output
    assert {p.suffix for p in out.iterdir() if not p.name.startswith(".")} >= {
        ".html",
        ".json",
        ".csv",
        ".xlsx",
    }
    assert_no_secret(every_text(out) + result.output)
