"""The deployment samples: they parse, the image runs as a non-root user with the classic-scan
entry point, every classic-scan option they use exists, and the cron wrapper passes the exit code on.
No container engine or cluster is needed (and none is used)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from scanner.cli import app
from scanner.config import load_config

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
YAML_FILES = sorted([*DEPLOY.rglob("*.yml"), *DEPLOY.rglob("*.yaml")])
#: Files whose text may run `classic-scan scan` (option usage is checked in all of them).
SAMPLE_SUFFIXES = {".yml", ".yaml", ".bicep", ".cron", ".md", ""}
SAMPLES = [
    *sorted(p for p in DEPLOY.rglob("*") if p.is_file() and p.suffix in SAMPLE_SUFFIXES),
    ROOT / "Dockerfile",
]

#: Options the samples use that `scan` does not have yet: they are being wired into scanner/cli.py.
#: Drop each one from this set once `classic-scan scan --help` lists it.
PENDING_OPTIONS: frozenset[str] = frozenset()


def test_yaml_samples_parse():
    assert len(YAML_FILES) >= 5
    for path in YAML_FILES:
        documents = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
        assert documents, path
        assert all(isinstance(d, dict) for d in documents), path


def test_toml_samples_are_valid_configs(tmp_path):
    configs = sorted(DEPLOY.rglob("*.toml"))
    assert configs
    for path in configs:
        values = load_config(path)
        assert values, path
    cronjob = _documents(DEPLOY / "kubernetes" / "cronjob.yaml")
    config_map = next(d for d in cronjob if d["kind"] == "ConfigMap")
    embedded = tmp_path / "scan.toml"
    embedded.write_text(config_map["data"]["scan.toml"], encoding="utf-8")
    assert load_config(embedded)


# --- the image --------------------------------------------------------------------------------------


def _instructions(text: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", text)
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines
        if line and not line.startswith("#")
    ]


def test_dockerfile_runs_classic_scan_as_a_non_root_user():
    steps = _instructions((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    froms = [arg for op, arg in steps if op == "FROM"]
    args = dict(arg.split("=", 1) for op, arg in steps if op == "ARG" and "=" in arg)
    assert args.get("PYTHON_IMAGE") == "python:3.11-slim"
    assert all(f.startswith("${PYTHON_IMAGE}") for f in froms)
    final = max(i for i, (op, _) in enumerate(steps) if op == "FROM")
    users = [arg for op, arg in steps[final:] if op == "USER"]
    assert users, "the runtime stage must set USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    entrypoints = [arg for op, arg in steps if op == "ENTRYPOINT"]
    assert entrypoints == ['["classic-scan"]']
    assert ("WORKDIR", "/reports") in steps[final:]
    runs = " ".join(arg for op, arg in steps if op == "RUN")
    assert "pip install -c constraints.txt ." in runs
    envs = " ".join(arg for op, arg in steps if op == "ENV")
    assert "PIP_CONSTRAINT=/src/constraints.txt" in envs  # also pins the isolated build environment
    assert "[test]" not in runs
    assert not re.search(r"apt-get install|build-essential|gcc", runs)


def test_dockerignore_sends_only_the_package():
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert {
        "pyproject.toml",
        "README.md",
        "LICENSE",
        "constraints.txt",
        "scanner",
        "rules",
        "reports",
    } <= allowed
    assert not allowed & {"tests", ".venv", "bench", "deploy", ".git"}
    copied = re.findall(r"^COPY (?!--from)(.+)$", (ROOT / "Dockerfile").read_text(encoding="utf-8"), re.M)
    for line in copied:
        for source in line.split()[:-1]:
            assert source.rstrip("/") in allowed, source


def test_constraints_pin_every_runtime_dependency_within_pyproject():
    import importlib.metadata
    import tomllib

    from packaging.requirements import Requirement

    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line}"
            pins[_normal(name)] = version
    assert {"setuptools", "wheel"} <= set(pins)  # the build backend is pinned too
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for text in project["dependencies"]:
        requirement = Requirement(text)
        pinned = pins.get(_normal(requirement.name))
        assert pinned, f"{requirement.name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pinned), f"{requirement.name}=={pinned} is outside {text}"
    # ...and so is everything they pull in (as installed here).
    for name in list(pins):
        if name in ("setuptools", "wheel"):
            continue
        for text in importlib.metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                assert _normal(requirement.name) in pins, f"{name} needs {requirement.name}: not pinned"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# --- options ------------------------------------------------------------------------------------------


def scan_options() -> set[str]:
    result = CliRunner().invoke(app, ["scan", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", result.output))


def used_options(text: str) -> set[str]:
    """The options of every `classic-scan scan` command line in a text (continuation lines joined)."""
    joined = re.sub(r"\\\n\s*", " ", text)
    used: set[str] = set()
    for match in re.finditer(r"classic-scan\s+scan\b([^\n;&|`]*)", joined):
        used.update(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", match.group(1)))
    return used


def _scalars(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _scalars(v)]
    if isinstance(value, list):
        return [s for v in value for s in _scalars(v)]
    return []


def sample_text(path: Path) -> str:
    """A sample's text, plus for YAML every string value (folded scalars become one line)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yml", ".yaml"):
        text += "\n" + "\n".join(s for doc in yaml.safe_load_all(text) for s in _scalars(doc))
    return text


def test_used_options_parser():
    text = 'x\nclassic-scan scan --config a.toml --auth cli \\\n  --out "r" --fail-on high; pip --foo\n'
    assert used_options(text) == {"--config", "--auth", "--out", "--fail-on"}


def test_every_option_the_samples_use_exists():
    available = scan_options()
    assert {"--out", "--auth", "--format", "--input"} <= available
    used: dict[str, set[str]] = {}
    for path in SAMPLES:
        for option in used_options(sample_text(path)):
            used.setdefault(option, set()).add(str(path.relative_to(ROOT)))
    assert {"--config", "--out", "--history", "--auth"} <= set(used)
    unknown = {
        o: sorted(files) for o, files in used.items() if o not in available and o not in PENDING_OPTIONS
    }
    assert not unknown, f"options not in `classic-scan scan --help`: {unknown}"
    # Policy stays in each tenant's config: no scheduler overrides it.
    assert "--fail-on" not in used, used.get("--fail-on")


# --- the samples' contracts ------------------------------------------------------------------------------


def _documents(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


#: The first majors of each action that run on Node 24 (the runners' JavaScript runtime).
NODE24_MAJORS = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/upload-artifact": 6,
    "azure/login": 3,
}


def test_github_workflow_uses_oidc_uploads_always_and_judges_the_exit_code():
    workflow = _documents(DEPLOY / "github-actions" / "classic-scan.yml")[0]
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"][0]["cron"]
    assert "pull_request" not in triggers and "pull_request_target" not in triggers
    assert workflow["permissions"]["id-token"] == "write"
    job = workflow["jobs"]["scan"]
    assert job["strategy"]["fail-fast"] is False
    for tenant in job["strategy"]["matrix"]["tenant"]:
        assert (DEPLOY / "config" / f"{tenant}.toml").exists(), f"matrix tenant {tenant} has no config"
    steps = job["steps"]
    uses = [s["uses"] for s in steps if "uses" in s]
    for action in uses:
        name, _, major = action.partition("@")
        assert name in NODE24_MAJORS, action
        assert int(major.lstrip("v")) >= NODE24_MAJORS[name], f"{action} runs on an older Node"
    assert "actions/cache" not in " ".join(uses)  # evicted after 7 idle days, restorable by other branches
    for login in (s for s in steps if s.get("uses", "").startswith("azure/login@")):
        assert "client-secret" not in login["with"] and "creds" not in login["with"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()"
    assert upload["with"]["overwrite"] is True
    scan = next(s for s in steps if s.get("id") == "scan")
    assert "--auth workload" in scan["run"] and "AZURE_FEDERATED_TOKEN_FILE" in scan["env"]
    assert "summary.md" in scan["run"] and "GITHUB_STEP_SUMMARY" in scan["run"]
    save = next(s for s in steps if s.get("name") == "Upload history")
    assert "steps.history.outcome == 'success'" in save["if"]
    verdict = steps[-1]
    assert verdict["if"] == "always()"
    assert "exit 3" in verdict["run"] and "exit 4" in verdict["run"]


def test_azure_devops_pipeline_is_scheduled_and_publishes_always():
    pipeline = _documents(DEPLOY / "azure-devops" / "azure-pipelines.yml")[0]
    assert pipeline["schedules"][0]["always"] is True
    assert pipeline["trigger"] == "none"
    for tenant in pipeline["parameters"][0]["default"]:
        assert (DEPLOY / "config" / f"{tenant['name']}.toml").exists(), tenant
    (jobs,) = pipeline["jobs"][0].values()
    steps = jobs[0]["steps"]
    clis = [s for s in steps if s.get("task") == "AzureCLI@2"]
    scan = next(s for s in clis if s.get("name") == "scan")
    assert scan["inputs"]["azureSubscription"] == "${{ tenant.serviceConnection }}"
    assert scan["inputs"]["keepAzSessionActive"] is True
    history = [s for s in clis if s is not scan]
    assert history and all(s["inputs"]["azureSubscription"] == "$(historyServiceConnection)" for s in history)
    assert all("condition" not in s for s in history)  # the upload runs only after a good download
    publish = next(s for s in steps if s.get("task") == "PublishPipelineArtifact@1")
    assert publish["condition"] == "always()"
    assert "$(System.JobAttempt)" in publish["inputs"]["artifact"]
    text = (DEPLOY / "azure-devops" / "azure-pipelines.yml").read_text(encoding="utf-8")
    assert "exit 3" in text and "exit 4" in text


def test_kubernetes_cronjob_is_non_root_read_only_with_workload_identity():
    docs = {d["kind"]: d for d in _documents(DEPLOY / "kubernetes" / "cronjob.yaml")}
    assert {"ServiceAccount", "PersistentVolumeClaim", "ConfigMap", "CronJob"} <= set(docs)
    assert "azure.workload.identity/client-id" in docs["ServiceAccount"]["metadata"]["annotations"]
    cron = docs["CronJob"]["spec"]
    assert cron["concurrencyPolicy"] == "Forbid"
    pod = cron["jobTemplate"]["spec"]["template"]
    assert pod["metadata"]["labels"]["azure.workload.identity/use"] == "true"
    spec = pod["spec"]
    assert spec["serviceAccountName"] == docs["ServiceAccount"]["metadata"]["name"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] != 0
    container = spec["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    claims = [
        v["persistentVolumeClaim"]["claimName"] for v in spec["volumes"] if "persistentVolumeClaim" in v
    ]
    assert claims == [docs["PersistentVolumeClaim"]["metadata"]["name"]]
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert {"/reports", "/tmp"} <= mounts
    command = " ".join(container["command"] + container["args"])
    assert "--history /reports/" in command and "--auth workload" in command
    (mask_key,) = [e for e in container["env"] if e["name"] == "CLASSIC_SCAN_MASK_KEY"]
    assert "optional" not in mask_key["valueFrom"]["secretKeyRef"]  # no silent tenant-id-keyed fallback
    # README (Memory): about 1.2 GB for 100k resources.
    assert _mebibytes(container["resources"]["requests"]["memory"]) >= 1536
    assert _mebibytes(container["resources"]["limits"]["memory"]) >= 2048
    failing = cron["jobTemplate"]["spec"]["podFailurePolicy"]["rules"][0]
    assert failing["action"] == "FailJob" and 3 in failing["onExitCodes"]["values"]
    assert 4 not in failing["onExitCodes"]["values"]


def _mebibytes(quantity: str) -> float:
    units = {"Mi": 1, "Gi": 1024, "M": 1e6 / 2**20, "G": 1e9 / 2**20}
    number, unit = re.fullmatch(r"([\d.]+)(\w*)", quantity).groups()
    return float(number) * units[unit]


def test_tenant_overlay_declares_its_namespace():
    overlay = _documents(DEPLOY / "kubernetes-tenants" / "contoso" / "kustomization.yaml")[0]
    namespaces = [
        d
        for resource in overlay["resources"]
        if resource.endswith(".yaml")
        for d in _documents(DEPLOY / "kubernetes-tenants" / "contoso" / resource)
        if d["kind"] == "Namespace"
    ]
    assert [n["metadata"]["name"] for n in namespaces] == [overlay["namespace"]]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (kustomize) not installed")
def test_tenant_overlay_builds_with_kustomize():
    built = subprocess.run(
        ["kubectl", "kustomize", str(DEPLOY / "kubernetes-tenants" / "contoso")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert built.returncode == 0, built.stderr
    docs = {d["kind"]: d for d in yaml.safe_load_all(built.stdout) if d}
    assert docs["CronJob"]["metadata"]["name"] == "classic-scan-contoso"
    spec = docs["CronJob"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert spec["serviceAccountName"] == "classic-scan-contoso"
    assert spec["volumes"][0]["persistentVolumeClaim"]["claimName"] == "classic-scan-data-contoso"
    assert "Contoso" in docs["ConfigMap"]["data"]["scan.toml"]


def test_container_apps_job_is_scheduled_with_a_managed_identity_and_a_share():
    folder = DEPLOY / "container-apps"
    text = (folder / "job.bicep").read_text(encoding="utf-8")
    assert "'Microsoft.App/jobs@" in text
    assert "triggerType: 'Schedule'" in text
    assert "type: 'UserAssigned'" in text
    assert "storageType: 'AzureFile'" in text
    assert "--auth msi" in text
    script = text.split("var script = '''", 1)[1].split("'''", 1)[0]
    assert script.strip().splitlines()[0] == "set -eu"
    # The mask key from Key Vault with the job identity, never a deployment parameter.
    assert re.search(r"keyVaultUrl: maskKeySecretUri\s+identity: identity.id", text)
    assert "@secure()" not in text
    # Role assignments before the job: AcrPull (image pull), Key Vault Secrets User, Reader.
    modules = dict(re.findall(r"^module (\w+) '([\w.-]+)'", text, re.M))
    assert modules == {
        "acrPull": "acr-pull.bicep",
        "maskKeyReader": "vault-secret-user.bicep",
        "reader": "reader.bicep",
    }
    for module in modules.values():
        body = (folder / module).read_text(encoding="utf-8")
        assert "Microsoft.Authorization/roleAssignments@" in body
        assert body.count("{") == body.count("}")
    assert "dependsOn: [acrPull, maskKeyReader, reader]" in text
    assert text.count("{") == text.count("}")
    assert text.count("[") == text.count("]")


# --- the cron wrapper ----------------------------------------------------------------------------------

WRAPPER = DEPLOY / "cron" / "classic-scan-run"


def test_cron_file_uses_the_wrapper():
    lines = [
        line
        for line in (DEPLOY / "cron" / "classic-scan.cron").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and "=" not in line.split()[0]
    ]
    assert lines
    for line in lines:
        fields = line.split()
        assert len(fields) >= 8, line  # 5 time fields, user, command, config
        assert fields[6] == "classic-scan-run"
        assert fields[7].endswith(".toml")


@pytest.mark.skipif(shutil.which("flock") is None or shutil.which("bash") is None, reason="needs bash, flock")
@pytest.mark.parametrize("code", [0, 3, 4])
def test_cron_wrapper_keeps_history_and_exits_with_the_scan_code(tmp_path, code):
    fake = tmp_path / "bin" / "classic-scan"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\n"
        'echo "$@" > "$CALLS"\n'
        'while [ $# -gt 0 ]; do case "$1" in --out) mkdir -p "$2"; touch "$2/findings.json";; '
        '--history) touch "$2";; esac; shift; done\n'
        f"exit {code}\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    config = tmp_path / "etc" / "contoso.toml"
    config.parent.mkdir()
    config.write_text("customer = 'Contoso'\n", encoding="utf-8")
    (tmp_path / "etc" / "contoso.env").write_text("EXAMPLE_FROM_ENV_FILE=1\n", encoding="utf-8")
    env = {
        **os.environ,
        "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}",
        "CLASSIC_SCAN_STATE": str(tmp_path / "state"),
        "CALLS": str(tmp_path / "calls"),
    }
    run = subprocess.run(
        ["bash", str(WRAPPER), str(config), "--as-of", "2026-12-31"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert run.returncode == code, run.stderr
    state = tmp_path / "state" / "contoso"
    args = (tmp_path / "calls").read_text(encoding="utf-8").split()
    assert args[:5] == ["scan", "--config", str(config), "--auth", "env"]  # the .env file's credential
    assert args[args.index("--history") + 1] == str(state / "history.sqlite")
    assert args[-2:] == ["--as-of", "2026-12-31"]
    assert (state / "history.sqlite").exists()
    assert (state / "latest" / "findings.json").exists()
    assert "exit code" in (state / "scan.log").read_text(encoding="utf-8")
    assert (run.stderr == "") == (code == 0)


def test_cron_wrapper_rejects_a_missing_config(tmp_path):
    run = subprocess.run(
        ["bash", str(WRAPPER), str(tmp_path / "none.toml")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert run.returncode == 2
    assert "usage" in run.stderr
