"""Each deploy/ sample's own command line, run against the ARG emulator with a stand-in credential:
two runs keep one history (the second scan's delta is against the first), a failed history download
or copy stops the job and leaves the durable history as it was, and the exit code's meaning is logged.
See deploy_runners.py for what is stood in for and how."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from deploy_runners import (
    DEPLOY,
    assert_round_trip,
    azure_devops_job,
    classic_scan_bin,
    documents,
    findings,
    github_job,
    run_shell,
    scan_config,
    stand_in_credential,
    write_standins,
)
from emulator import ArgEmulator
from emulator.serve import small_estate
from emulator.standin import write_fake_az

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the samples' scripts need bash")


@pytest.fixture(scope="module")
def emulator():
    with ArgEmulator(small_estate(), quota=1000) as server:
        yield server


@pytest.fixture
def env(emulator, tmp_path):
    """What the scheduler's machine has: classic-scan on PATH, the stand-in az/date/curl, ARG's address."""
    bin_dir = tmp_path / "bin"
    write_fake_az(bin_dir)
    write_standins(bin_dir)
    blobs = tmp_path / "blobs"
    blobs.mkdir()
    values = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "CLASSIC_SCAN_", "FAKE_"))},
        "PATH": os.pathsep.join([str(bin_dir), str(classic_scan_bin()), os.environ["PATH"]]),
        "CLASSIC_SCAN_ARM_ENDPOINT": emulator.base_url,
        "REQUESTS_CA_BUNDLE": emulator.ca_bundle,
        "FAKE_AZ_BLOBS": str(blobs),
        "FAKE_AZ_CALLS": str(tmp_path / "az-calls"),
    }
    return values


def reports(folder: Path) -> list[Path]:
    return sorted(p.parent for p in folder.glob("*/findings.json"))


# --- cron ----------------------------------------------------------------------------------------------


def test_cron_wrapper_keeps_history_across_runs(env, tmp_path):
    config = scan_config(DEPLOY / "config" / "contoso.toml", tmp_path / "etc" / "contoso.toml")
    # No contoso.env next to it: the wrapper leaves the credential to the config (on a VM, "msi").
    config.write_text(config.read_text(encoding="utf-8") + 'auth = "cli"\n', encoding="utf-8")
    state = tmp_path / "state"
    codes = []
    for stamp in ("2026-12-01T031700Z", "2026-12-02T031700Z"):
        run = run_shell(
            ["bash", str(DEPLOY / "cron" / "classic-scan-run"), str(config)],
            "",
            {**env, "CLASSIC_SCAN_STATE": str(state), "FAKE_DATE": stamp},
            tmp_path,
        )
        codes.append(run.returncode)
        assert run.returncode in (0, 3), run.stderr
        if run.returncode == 3:  # mailed: what it means and the verdict line
            assert "exit code 3: findings at or above fail_on" in run.stderr
            assert "classic-scan: verdicts: fail" in run.stderr
    first, second = (findings(p) for p in reports(state / "contoso" / "runs"))
    assert_round_trip(first, second)
    assert (state / "contoso" / "latest").resolve() == (state / "contoso" / "runs" / "2026-12-02T031700Z")
    log = (state / "contoso" / "scan.log").read_text(encoding="utf-8")
    assert f"exit code {codes[1]}: " in log and "since the previous scan" in log


# --- Kubernetes ----------------------------------------------------------------------------------------


def kubernetes_script(root: Path) -> str:
    cronjob = {d["kind"]: d for d in documents(DEPLOY / "kubernetes" / "cronjob.yaml")}["CronJob"]
    container = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["/bin/sh", "-c"]
    (args,) = container["args"]
    script = stand_in_credential(args.replace("$$(", "$("), "workload")  # Kubernetes' own escape
    for fixed, mapped in (
        ("/etc/classic-scan/scan.toml", root / "etc" / "scan.toml"),
        ("/dev/termination-log", root / "termination-log"),
        ("/reports", root / "reports"),
    ):
        script = script.replace(fixed, str(mapped))
    return script


def test_kubernetes_container_keeps_history_on_its_volume(env, tmp_path):
    scan_config(DEPLOY / "kubernetes-tenants" / "contoso" / "scan.toml", tmp_path / "etc" / "scan.toml")
    (tmp_path / "reports").mkdir()
    script = kubernetes_script(tmp_path)
    for stamp in ("2026-12-01T031700Z", "2026-12-02T031700Z"):
        run = run_shell(["/bin/sh", "-c"], script, {**env, "FAKE_DATE": stamp}, tmp_path)
        assert run.returncode in (0, 3), run.stdout + run.stderr
        message = (tmp_path / "termination-log").read_text(encoding="utf-8")
        assert message.startswith(f"classic-scan: exit code {run.returncode}: ")
    first, second = (findings(p) for p in reports(tmp_path / "reports" / "runs"))
    assert_round_trip(first, second)
    assert (tmp_path / "reports" / "history.sqlite").exists()


# --- Azure Container Apps ------------------------------------------------------------------------------


def container_apps_script(share: Path, local: Path) -> str:
    text = (DEPLOY / "container-apps" / "job.bicep").read_text(encoding="utf-8")
    script = text.split("var script = '''", 1)[1].split("'''", 1)[0]
    script = stand_in_credential(script, "msi")
    return script.replace("/tmp/history.sqlite", str(local)).replace("/reports", str(share))


def test_container_apps_job_copies_history_back_and_stops_on_a_failed_copy(env, tmp_path):
    share = tmp_path / "share"
    scan_config(DEPLOY / "config" / "contoso.toml", share / "scan.toml")
    for day, local in (("01", tmp_path / "local1.sqlite"), ("02", tmp_path / "local2.sqlite")):
        run = run_shell(
            ["/bin/sh", "-c"],
            container_apps_script(share, local),
            {**env, "FAKE_DATE": f"2026-12-{day}"},
            tmp_path,
        )
        assert run.returncode in (0, 3), run.stdout + run.stderr
        assert f"classic-scan: exit code {run.returncode}: " in run.stdout.splitlines()[-1]
    first, second = (findings(p) for p in reports(share / "runs"))
    assert_round_trip(first, second)

    # The local copy cannot be written: the job stops before scanning; the share's history stays.
    durable = (share / "history.sqlite").read_bytes()
    broken = tmp_path / "no-such-dir" / "history.sqlite"
    run = run_shell(
        ["/bin/sh", "-c"], container_apps_script(share, broken), {**env, "FAKE_DATE": "2026-12-03"}, tmp_path
    )
    assert run.returncode != 0
    assert (share / "history.sqlite").read_bytes() == durable
    assert not (share / "runs" / "2026-12-03").exists()


def test_container_apps_job_without_its_config_starts_no_history(env, tmp_path):
    share = tmp_path / "share"  # as an unmounted share looks: empty
    share.mkdir()
    run = run_shell(["/bin/sh", "-c"], container_apps_script(share, tmp_path / "l.sqlite"), env, tmp_path)
    assert run.returncode == 2
    assert "scan.toml" in run.stderr
    assert list(share.iterdir()) == []


# --- GitHub Actions ------------------------------------------------------------------------------------


def github_workspace(root: Path) -> Path:
    workspace = root / "workspace"
    scan_config(DEPLOY / "config" / "contoso.toml", workspace / "deploy" / "config" / "contoso.toml")
    return workspace


GITHUB = {
    "vars.AZURE_CLIENT_ID": "33333333-3333-3333-3333-333333333333",
    "vars.AZURE_TENANT_ID": "99999999-9999-9999-9999-999999999999",
    "vars.HISTORY_CLIENT_ID": "44444444-4444-4444-4444-444444444444",
    "vars.HISTORY_TENANT_ID": "55555555-5555-5555-5555-555555555555",
    "vars.HISTORY_ACCOUNT": "stclassicscanhistory",
    "vars.HISTORY_CONTAINER": "classic-scan-history",
    "secrets.CLASSIC_SCAN_MASK_KEY": "",
    "github.run_number": "7",
}
GITHUB_ENV = {
    "ACTIONS_ID_TOKEN_REQUEST_URL": "https://127.0.0.1:9/token?api-version=2.0",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token",
}


def test_github_workflow_round_trip_and_a_failed_download(env, tmp_path):
    workflow = DEPLOY / "github-actions" / "classic-scan.yml"
    blob = Path(env["FAKE_AZ_BLOBS"]) / "contoso.sqlite"
    results = []
    for attempt in ("first", "second"):
        job = github_job(
            workflow, "contoso", github_workspace(tmp_path / attempt), {**env, **GITHUB_ENV}, GITHUB
        )
        results.append(job)
        assert job.step("Scan").code == 0, job.step("Scan").output
        assert job.step("Upload history").code == 0, job.step("Upload history").output
        assert blob.exists()
        verdict = job.step("Verdict")
        assert verdict.ran and verdict.code in (0, 3), verdict.output
        assert f"exit code {verdict.code}" in verdict.output
    assert "no history yet for contoso" in results[0].step("Download history").output
    assert "history of contoso downloaded" in results[1].step("Download history").output
    first, second = (findings(tmp_path / a / "workspace" / "report") for a in ("first", "second"))
    assert_round_trip(first, second)
    summary = (tmp_path / "second" / "workspace-runner-temp" / "step-summary.md").read_text(encoding="utf-8")
    # summary.md (format "md" in the tenant config) is what the step appends
    assert "## Verdicts" in summary and "## Changes since the previous scan" in summary
    # The scan signed in with the OIDC token file the step keeps fresh.
    assert (tmp_path / "second" / "workspace-runner-temp" / "oidc-token").read_text().strip()

    durable = blob.read_bytes()
    for failing in ("exists", "download"):
        job = github_job(
            workflow,
            "contoso",
            github_workspace(tmp_path / f"fail-{failing}"),
            {**env, **GITHUB_ENV, "FAKE_AZ_FAIL": failing},
            GITHUB,
        )
        assert job.step("Download history").code != 0
        assert not job.step("Scan").ran and not job.step("Upload history").ran
        assert job.step("Verdict").code == 1
        assert blob.read_bytes() == durable


# --- Azure DevOps --------------------------------------------------------------------------------------


def test_azure_devops_round_trip_and_a_failed_download(env, tmp_path):
    pipeline = DEPLOY / "azure-devops" / "azure-pipelines.yml"
    (tenant,) = documents(pipeline)[0]["parameters"][0]["default"]
    blob = Path(env["FAKE_AZ_BLOBS"]) / f"{tenant['name']}.sqlite"

    def job(name: str, extra: dict[str, str]):
        workspace = tmp_path / name / "s"
        scan_config(
            DEPLOY / "config" / "contoso.toml", workspace / "deploy" / "config" / f"{tenant['name']}.toml"
        )
        predefined = {
            "Agent.TempDirectory": str(tmp_path / name / "_temp"),
            "Build.ArtifactStagingDirectory": str(tmp_path / name / "a"),
            "Build.BuildNumber": "20261202.1",
            "System.JobAttempt": "1",
        }
        (tmp_path / name / "_temp").mkdir(parents=True)
        return azure_devops_job(pipeline, tenant, workspace, {**env, **extra}, predefined)

    runs = [job("first", {}), job("second", {})]
    for run in runs:
        assert run.step(f"Scan {tenant['name']}").code == 0, run.step(f"Scan {tenant['name']}").output
        assert run.step("Upload history").code == 0, run.step("Upload history").output
        assert run.step("Verdict").code in (0, 3)
    assert "no history yet" in runs[0].step("Download history").output
    first, second = (findings(tmp_path / n / "a" / "report") for n in ("first", "second"))
    assert_round_trip(first, second)
    assert "##vso[task.uploadsummary]" in runs[1].step(f"Scan {tenant['name']}").output

    durable = blob.read_bytes()
    failed = job("failed", {"FAKE_AZ_FAIL": "download"})
    assert failed.step("Download history").code != 0
    assert not failed.step(f"Scan {tenant['name']}").ran and not failed.step("Upload history").ran
    assert failed.step("Verdict").code == 1
    assert blob.read_bytes() == durable
