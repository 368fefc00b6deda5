"""`--arm-details` end to end on the emulator: GETs only with the flag, only to the documented paths,
verdicts from ARM data, a denied subscription -> unknown + exit 4, and a detailed snapshot that scans
offline to the same verdicts."""

from __future__ import annotations

import copy
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from arg_rows import SUB, SUB2, classic_vm, cloud_service, full_cses, row
from emulator import ARG_PATH, ArgEmulator, ArmEstate, usage
from typer.testing import CliRunner

from scanner.cli import app

TOKEN = "fake-cli-token-arm-details"
runner = CliRunner()
SNAPSHOT_EXT = {"extension": "VMSnapshot", "publisher": "Microsoft.Azure.RecoveryServices", "status": "Ready"}
#: The only ARM paths --arm-details may GET (lower-cased).
ARM_PATHS = (
    re.compile(r"^/subscriptions/[0-9a-f-]{36}/providers/microsoft\.classiccompute/virtualmachines$"),
    re.compile(
        r"^/subscriptions/[0-9a-f-]{36}/resourcegroups/[^/]+/providers/microsoft\.classiccompute/virtualmachines/[^/]+$"
    ),
    re.compile(r"^/subscriptions/[0-9a-f-]{36}/providers/microsoft\.classicinfrastructuremigrate$"),
    re.compile(
        r"^/subscriptions/[0-9a-f-]{36}/resourcegroups/[^/]+/providers/microsoft\.compute/cloudservices/[^/]+$"
    ),
    re.compile(
        r"^/subscriptions/[0-9a-f-]{36}/providers/microsoft\.(compute|network)/locations/[a-z0-9]+/usages$"
    ),
)


def bare_vm(name: str, cs: str, sub: str = SUB) -> dict[str, Any]:
    """A classic VM as ARG may return it: no agent status, no extensions."""
    vm = classic_vm(name, cs, sub=sub)
    del vm["properties"]["extensions"]
    del vm["properties"]["instanceView"]["guestAgentStatus"]
    return vm


def arm_view(vm: dict[str, Any], agent: str, extensions: list[Any]) -> dict[str, Any]:
    props = copy.deepcopy(vm["properties"])
    props["instanceView"]["guestAgentStatus"] = {"status": agent, "guestAgentVersion": "2.7.1"}
    props["extensions"] = copy.deepcopy(extensions)
    return {
        "id": vm["id"],
        "name": vm["name"],
        "type": "Microsoft.ClassicCompute/virtualMachines",
        "location": vm["location"],
        "properties": props,
    }


BGINFO_EXT = {"extension": "BGInfo", "publisher": "Microsoft.Compute", "version": "2.1", "status": "Ready"}
VM1, VM2, VM3 = bare_vm("vm1", "cs1"), bare_vm("vm2", "cs1"), bare_vm("vm3", "cs2", SUB2)
ROOMY = [
    usage("standardDFamily", 0, 100),
    usage("cores", 0, 100),
    usage("NetworkInterfaces", 0, 1000),
    usage("PublicIPAddresses", 0, 100),
    usage("LoadBalancers", 0, 100),
]


def estate() -> list[dict[str, Any]]:
    rows = [VM1, VM2, VM3, cloud_service("cs1"), cloud_service("cs2", sub=SUB2)]
    for sub, name in ((SUB, "Prod"), (SUB2, "Dev")):
        sub_row = row("Microsoft.Resources/subscriptions", name, {}, sub=sub, location="")
        sub_row.update(id=f"/subscriptions/{sub}", resourceGroup="")
        rows.append(sub_row)
    return rows


def arm_estate(**kwargs: Any) -> ArmEstate:
    return ArmEstate(
        [
            arm_view(VM1, "Ready", [SNAPSHOT_EXT]),
            # VM-001 fails a running VM whose agent is not Ready only when it carries extensions
            arm_view(VM2, "NotReady", [BGINFO_EXT]),
            arm_view(VM3, "Ready", []),
        ],
        providers={SUB: "Registered", SUB2: "NotRegistered"},
        usages={
            (SUB, "westeurope"): ROOMY,
            (SUB2, "westeurope"): [usage("standardDFamily", 99, 100), *ROOMY[1:]],
        },
        **kwargs,
    )


@pytest.fixture
def fake_az(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "az"
    payload = json.dumps(
        {
            "accessToken": TOKEN,
            "expiresOn": "2099-01-01 00:00:00.000000",
            "expires_on": 4070908800,
            "tenant": "t",
        }
    )
    script.write_text(f"#!/bin/sh\ncat <<'EOF'\n{payload}\nEOF\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")


def serve(monkeypatch: pytest.MonkeyPatch, arm: ArmEstate) -> ArgEmulator:
    server = ArgEmulator(estate(), quota=100, arm=arm)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_bundle)
    monkeypatch.setenv("CLASSIC_SCAN_ARM_ENDPOINT", server.base_url)
    return server


@pytest.fixture
def emu(monkeypatch, fake_az):
    with serve(monkeypatch, arm_estate()) as server:
        yield server


def cli(*args: str) -> Any:
    return runner.invoke(app, list(args))


def scan(out: Path, *extra: str) -> Any:
    return cli(
        "scan", "--auth", "cli", "--out", str(out), "--format", "json", "--as-of", "2026-11-26", *extra
    )


def verdicts(out: Path, rule_ids: tuple[str, ...] = ()) -> dict[tuple[str, str], str]:
    doc = json.loads((out / "findings.json").read_text())
    return {
        (f["rule_id"], f["resource_name"]): f["status"]
        for f in doc["findings"]
        if not rule_ids or f["rule_id"] in rule_ids
    }


def test_without_the_flag_nothing_but_arg_posts(emu, tmp_path):
    result = scan(tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert emu.requests and all((e["method"], e["path"]) == ("POST", ARG_PATH) for e in emu.requests)
    got = verdicts(tmp_path / "out")
    assert got[("VM-001", "vm1")] == "unknown"
    assert got[("MAN-001", "Prod")] == "manual"
    assert got[("CAP-001", f"westeurope ({SUB})")] == "manual"


def test_with_the_flag_only_gets_to_the_documented_paths_and_verdicts_come_from_arm(emu, tmp_path):
    result = scan(tmp_path / "out", "--arm-details")
    assert result.exit_code == 0, result.output
    gets = [e for e in emu.requests if e["method"] == "GET"]
    assert gets
    for entry in emu.requests:
        assert entry["authenticated"]
        if entry["method"] == "POST":
            assert entry["path"] == ARG_PATH
            continue
        assert entry["method"] == "GET", entry
        assert any(p.match(entry["path"].lower()) for p in ARM_PATHS), entry["path"]
        assert entry["params"].get("api-version"), entry
    got = verdicts(tmp_path / "out")
    assert got[("VM-001", "vm1")] == "pass"
    assert got[("VM-001", "vm2")] == "fail"
    assert got[("VM-003", "vm1")] == "fail"
    assert got[("VM-003", "vm2")] == "pass"
    assert got[("MAN-001", "Prod")] == "pass"
    assert got[("MAN-001", "Dev")] == "fail"
    assert got[("CAP-001", f"westeurope ({SUB})")] == "pass"
    assert got[("CAP-001", f"westeurope ({SUB2})")] == "fail"


def test_a_denied_subscription_leaves_its_verdicts_unknown_and_the_scan_incomplete(
    monkeypatch, fake_az, tmp_path
):
    arm = arm_estate()
    arm.deny_subscription(SUB2)
    with serve(monkeypatch, arm):
        result = scan(tmp_path / "out", "--arm-details")
    assert result.exit_code == 4, result.output
    assert SUB2 in result.output
    got = verdicts(tmp_path / "out")
    assert got[("VM-001", "vm3")] == "unknown"
    assert got[("MAN-001", "Dev")] == "unknown"
    assert got[("CAP-001", f"westeurope ({SUB2})")] == "unknown"
    assert got[("VM-001", "vm2")] == "fail" and got[("MAN-001", "Prod")] == "pass"
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    issues = doc["scan"]["coverage"]["issues"]
    assert any(SUB2 in i and "denied" in i for i in issues), issues
    assert doc["scan"]["coverage"]["complete"] is False


def test_a_detailed_snapshot_scans_offline_to_the_same_verdicts(emu, tmp_path):
    live, snap, offline = tmp_path / "live", tmp_path / "snap", tmp_path / "offline"
    result = scan(live, "--arm-details", "--save-snapshot", str(snap))
    assert result.exit_code == 0, result.output
    manifest = json.loads((snap / "manifest.json").read_text())
    for name in ("arm_classic_vms", "arm_providers", "arm_usages"):
        entry = manifest["datasets"][name]
        assert entry["rows"] > 0 and len(entry["sha256"]) == 64
        assert "api-version=" in entry["query"] and entry["query"].startswith("GET /subscriptions/")
    assert manifest["arm_details"]["api_versions"]["classic_vms"] == "2017-04-01"
    assert TOKEN not in "".join(p.read_text() for p in snap.iterdir())
    emu.clear_log()
    again = cli(
        "scan", "--input", str(snap), "--out", str(offline), "--format", "json", "--as-of", "2026-11-26"
    )
    assert again.exit_code == 0, again.output
    assert emu.requests == []
    assert verdicts(offline) == verdicts(live)
    assert verdicts(offline)[("VM-001", "vm2")] == "fail"


def test_collect_with_the_flag_writes_the_arm_datasets(emu, tmp_path):
    result = cli("collect", "--auth", "cli", "--out", str(tmp_path / "snap"), "--arm-details")
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "snap" / "manifest.json").read_text())
    assert {"arm_classic_vms", "arm_providers", "arm_usages"} <= set(manifest["datasets"])
    assert "ARM read" in result.output


def test_throttling_paging_and_per_vm_fallback(monkeypatch, fake_az, tmp_path):
    """429 + Retry-After is waited out, lists are followed over nextLink, and VMs whose list entry
    lacks the instance view are read one by one."""
    arm = arm_estate(page_size=1, list_omits=("instanceView",))
    arm.throttle_next(2, retry_after="0")
    with serve(monkeypatch, arm) as server:
        result = scan(tmp_path / "out", "--arm-details", "--save-snapshot", str(tmp_path / "snap"))
        requests = server.requests
    assert result.exit_code == 0, result.output
    statuses = [e["status"] for e in requests if e["method"] == "GET"]
    assert statuses.count(429) == 2
    assert result.output.count("ARM throttled: waiting 0.0 s (Retry-After)") == 2
    assert any("$skiptoken" in e["params"] for e in requests if e["method"] == "GET")
    items = [e for e in requests if e["method"] == "GET" and "/resourcegroups/" in e["path"].lower()]
    assert len(items) == 3
    manifest = json.loads((tmp_path / "snap" / "manifest.json").read_text())
    assert manifest["arm_details"]["throttled"] == 2
    assert verdicts(tmp_path / "out")[("VM-001", "vm2")] == "fail"


def test_config_key_turns_the_reads_on(emu, tmp_path):
    config = tmp_path / "scan.toml"
    config.write_text('arm_details = true\nauth = "cli"\nformat = "json"\nas_of = "2026-11-26"\n')
    result = cli("scan", "--config", str(config), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert any(e["method"] == "GET" for e in emu.requests)


def test_the_flag_is_refused_for_offline_scans(tmp_path):
    result = cli("scan", "--demo", "--arm-details", "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "classic-scan: error: --arm-details applies to live scans only" in result.output
    assert not (tmp_path / "out").exists()


def test_quota_sheet_and_html_table_show_usage_limit_and_headroom(emu, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "out"
    result = cli(
        "scan",
        "--auth",
        "cli",
        "--out",
        str(out),
        "--format",
        "xlsx,html",
        "--as-of",
        "2026-11-26",
        "--arm-details",
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out / "report.xlsx")["Quota"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)]
    by_sub = {r["Subscription"]: r for r in rows}
    assert (by_sub[SUB]["vCPUs in use"], by_sub[SUB]["vCPU limit"], by_sub[SUB]["vCPU headroom"]) == (
        0,
        100,
        100,
    )
    assert by_sub[SUB]["Quota check"] == "fits"
    assert by_sub[SUB2]["Quota check"].startswith("short: standardDFamily: needs 2, 99 of 100 in use")
    assert "NetworkInterfaces: needs 2, 0 of 1000 used, headroom 1000" in by_sub[SUB]["Other usages"]
    html = (out / "report.html").read_text(encoding="utf-8")
    quota = html[html.index('id="plan-quota"') :]
    assert "99 / 100 (1 free)" in quota
    assert "ARM usage: short: standardDFamily" in quota
    assert "ARM usage: fits" in quota


def test_an_offline_source_on_the_command_line_drops_the_configs_arm_details(tmp_path):
    config = tmp_path / "scan.toml"
    config.write_text('arm_details = true\nformat = "json"\nas_of = "2026-11-26"\n')
    result = cli("scan", "--config", str(config), "--demo", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "findings.json").is_file()


# -- Cloud Services (extended support) ------------------------------------------------------------

#: A setting value that looks like no credential: only dropping the .cscfg keeps it out of the snapshot.
PLANTED_VALUE = "ARM-CSCFG-PLAIN-VALUE-9"
ARM_CSCFG = (
    '<ServiceConfiguration serviceName="cses-web" osFamily="4" osVersion="*" '
    'xmlns="http://schemas.microsoft.com/ServiceHosting/2008/10/ServiceConfiguration">'
    '<Role name="WebRole1"><Instances count="3" /><ConfigurationSettings>'
    f'<Setting name="Greeting" value="{PLANTED_VALUE}" /></ConfigurationSettings></Role>'
    "</ServiceConfiguration>"
)


def cses_pair() -> tuple[dict[str, Any], dict[str, Any]]:
    """(the ARG row of a Cloud Service (extended support) without the profiles ARG may leave out, what
    its ARM GET returns: every profile, a family 4 .cscfg and two Key Vault certificates)."""
    arm = full_cses("cses-web")
    arm["properties"]["configuration"] = ARM_CSCFG
    arm["type"] = "Microsoft.Compute/cloudServices"
    arg = copy.deepcopy(arm)
    arg["type"] = "microsoft.compute/cloudservices"
    arg["properties"] = {"provisioningState": "Succeeded", "upgradeMode": "Auto"}
    return arg, arm


def serve_cses(monkeypatch: pytest.MonkeyPatch, arm: ArmEstate) -> ArgEmulator:
    server = ArgEmulator([*estate(), cses_pair()[0]], quota=100, arm=arm)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_bundle)
    monkeypatch.setenv("CLASSIC_SCAN_ARM_ENDPOINT", server.base_url)
    return server


def cses_estate(**kwargs: Any) -> ArmEstate:
    base = arm_estate(**kwargs)
    base.cloud_services = {cses_pair()[1]["id"].lower(): cses_pair()[1]}
    return base


CSES_RULES = ("CSES-001", "CSES-004")


def test_cloud_services_are_read_one_get_each_and_their_verdicts_come_from_arm(
    monkeypatch, fake_az, tmp_path
):
    with serve_cses(monkeypatch, cses_estate()) as server:
        without = scan(tmp_path / "arg-only")
        server.clear_log()
        result = scan(tmp_path / "live", "--arm-details", "--save-snapshot", str(tmp_path / "snap"))
        gets = [e for e in server.requests if e["method"] == "GET" and "/cloudservices/" in e["path"].lower()]
    assert without.exit_code == 0 and result.exit_code == 0, result.output
    assert verdicts(tmp_path / "arg-only", CSES_RULES) == {
        ("CSES-001", "cses-web"): "unknown",
        ("CSES-004", "cses-web"): "unknown",
    }
    assert [(e["path"], e["params"]["api-version"], e["status"]) for e in gets] == [
        (cses_pair()[0]["id"], "2022-09-04", 200)
    ]
    assert verdicts(tmp_path / "live", CSES_RULES) == {
        ("CSES-001", "cses-web"): "fail",
        ("CSES-004", "cses-web"): "fail",
    }
    manifest = json.loads((tmp_path / "snap" / "manifest.json").read_text())
    assert manifest["datasets"]["arm_cloud_services"]["rows"] == 1
    assert manifest["arm_details"]["reads"][SUB]["cloud_services"] == "read"
    kept = [
        json.loads(line) for line in (tmp_path / "snap" / "arm_cloud_services.jsonl").read_text().splitlines()
    ]
    assert kept[0]["properties"]["configurationSummary"]["osFamily"] == "4"
    assert "configuration" not in kept[0]["properties"]
    snapshot_text = "".join(p.read_text() for p in (tmp_path / "snap").iterdir())
    assert PLANTED_VALUE not in snapshot_text and "<ServiceConfiguration" not in snapshot_text
    live_text = "".join(p.read_text(errors="replace") for p in (tmp_path / "live").iterdir())
    assert PLANTED_VALUE not in live_text and "<ServiceConfiguration" not in live_text


def test_an_offline_rescan_of_the_snapshot_gives_the_same_cloud_service_verdicts(
    monkeypatch, fake_az, tmp_path
):
    with serve_cses(monkeypatch, cses_estate()):
        result = scan(tmp_path / "live", "--arm-details", "--save-snapshot", str(tmp_path / "snap"))
    assert result.exit_code == 0, result.output
    again = cli(
        "scan",
        "--input",
        str(tmp_path / "snap"),
        "--out",
        str(tmp_path / "offline"),
        "--format",
        "json",
        "--as-of",
        "2026-11-26",
    )
    assert again.exit_code == 0, again.output
    assert verdicts(tmp_path / "offline") == verdicts(tmp_path / "live")
    assert verdicts(tmp_path / "offline", CSES_RULES)[("CSES-001", "cses-web")] == "fail"


@pytest.mark.parametrize(
    ("fault", "expected"),
    [("missing", "failed: HTTP 404 ResourceNotFound"), ("denied", "denied: HTTP 403 AuthorizationFailed")],
)
def test_a_cloud_service_arm_cannot_read_stays_unknown_and_the_scan_incomplete(
    monkeypatch, fake_az, tmp_path, fault, expected
):
    arm = cses_estate()
    if fault == "missing":
        arm.cloud_services = {}
    else:
        arm.deny(cses_pair()[0]["id"])
    with serve_cses(monkeypatch, arm):
        result = scan(tmp_path / "out", "--arm-details")
    assert result.exit_code == 4, result.output
    assert verdicts(tmp_path / "out", CSES_RULES) == {
        ("CSES-001", "cses-web"): "unknown",
        ("CSES-004", "cses-web"): "unknown",
    }
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    issues = doc["scan"]["coverage"]["issues"]
    prefix = f"ARM details: subscription {SUB}: cloud_services: failed for 1 cloud service(s)"
    assert f"{prefix}: cses-web: {expected}" in issues
    assert doc["scan"]["coverage"]["complete"] is False
    # The other ARM reads of the subscription were not affected.
    assert verdicts(tmp_path / "out")[("MAN-001", "Prod")] == "pass"
