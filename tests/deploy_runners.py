"""Run the deploy/ samples' own scripts as their schedulers would, against the ARG emulator.

Each runner takes the sample's script text from the sample file and runs it with a shell; only what
needs the cloud is stood in for: the credential (`--auth <kind>` becomes `--auth cli` with the
stand-in `az`), blob storage (the stand-in `az storage blob ...` on a local folder), the GitHub OIDC
token endpoint (a stand-in `curl`), `uses:` actions and ADO tasks that are not scripts (no-ops), the
container's fixed paths (mapped into a temporary folder) and the clock (`date` answers $FAKE_DATE,
so that two runs get two report folders).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
TIMEOUT = 300


def documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def write_standins(bin_dir: Path) -> None:
    """`date` (answers $FAKE_DATE when set) and `curl` (a GitHub OIDC token response) next to the fake az."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    date = bin_dir / "date"
    date.write_text(
        '#!/bin/sh\nif [ -n "${FAKE_DATE:-}" ]; then echo "$FAKE_DATE"; else exec /bin/date "$@"; fi\n'
    )
    curl = bin_dir / "curl"
    curl.write_text('#!/bin/sh\necho \'{"count": 1, "value": "header.payload.signature"}\'\n')
    for script in (date, curl):
        script.chmod(0o755)


def scan_config(source: Path, target: Path) -> Path:
    """A sample's tenant config with its management-group scope dropped (the emulator serves the
    subscriptions the caller can see); everything else, policy included, stays as the sample has it."""
    lines = [
        line
        for line in source.read_text(encoding="utf-8").splitlines()
        if not line.strip().startswith("management_group")
    ]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def stand_in_credential(script: str, kind: str) -> str:
    """The script with its `--auth KIND` replaced by `--auth cli` (it must have exactly one)."""
    assert script.count(f"--auth {kind}") == 1, script
    return script.replace(f"--auth {kind}", "--auth cli")


@dataclass
class StepResult:
    name: str
    ran: bool
    code: int = 0
    output: str = ""


@dataclass
class JobResult:
    steps: list[StepResult] = field(default_factory=list)

    def step(self, name: str) -> StepResult:
        return next(s for s in self.steps if s.name == name)

    @property
    def failed(self) -> bool:
        return any(s.ran and s.code != 0 for s in self.steps)


def run_shell(
    argv: list[str], script: str, env: Mapping[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*argv, script] if argv[-1] == "-c" else argv,
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT,
    )


def _bash_file(script: str, directory: Path, name: str) -> Path:
    path = directory / f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}.sh"
    path.write_text(script, encoding="utf-8")
    return path


# --- GitHub Actions ------------------------------------------------------------------------------------

_EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def github_job(
    workflow: Path,
    tenant: str,
    workspace: Path,
    env: Mapping[str, str],
    contexts: Mapping[str, str],
    auth_kind: str = "workload",
) -> JobResult:
    """Run the `scan` job's steps for one matrix tenant: `run:` steps with `bash -e` (GitHub's default
    shell), `uses:` steps as no-ops, `if:` conditions evaluated over the steps' outcomes."""
    doc = documents(workflow)[0]
    job = doc["jobs"]["scan"]
    temp = workspace.parent / f"{workspace.name}-runner-temp"
    temp.mkdir(parents=True, exist_ok=True)
    values = {**contexts, "matrix.tenant": tenant, "runner.temp": str(temp)}
    outcomes: dict[str, str] = {}
    outputs: dict[str, str] = {}

    def expand(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            key = match.group(1)
            if key.startswith("steps.") and ".outputs." in key:
                step_id, name = key[len("steps.") :].split(".outputs.")
                return outputs.get(f"{step_id}.{name}", "")
            return values[key]

        return _EXPRESSION.sub(one, text)

    def condition(text: str | None, failed: bool) -> bool:
        if text is None:
            return not failed
        expression = text.replace("&&", " and ").replace("||", " or ")
        expression = expression.replace("always()", "True").replace("success()", str(not failed))
        expression = re.sub(
            r"steps\.([\w-]+)\.outcome", lambda m: repr(outcomes.get(m.group(1), "skipped")), expression
        )
        return bool(eval(expression, {"__builtins__": {}}, {}))

    base = {**env, **{k: expand(str(v)) for k, v in (doc.get("env") or {}).items()}}
    base.update({k: expand(str(v)) for k, v in (job.get("env") or {}).items()})
    summary = temp / "step-summary.md"
    result = JobResult()
    for index, step in enumerate(job["steps"]):
        name = step.get("name") or step.get("uses") or f"step {index}"
        failed = result.failed
        if not condition(step.get("if"), failed):
            outcomes[step.get("id", name)] = "skipped"
            result.steps.append(StepResult(name, ran=False))
            continue
        if "uses" in step or "pip install" in step.get("run", ""):
            outcomes[step.get("id", name)] = "success"
            result.steps.append(StepResult(name, ran=True))
            continue
        script = expand(step["run"])
        if f"--auth {auth_kind}" in script:
            script = stand_in_credential(script, auth_kind)
        output_file = temp / f"output-{index}"
        output_file.write_text("", encoding="utf-8")
        step_env = {
            **base,
            **{k: expand(str(v)) for k, v in (step.get("env") or {}).items()},
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(temp),
        }
        run = run_shell(["bash", "-e", str(_bash_file(script, temp, name))], "", step_env, workspace)
        for line in output_file.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            outputs[f"{step.get('id', name)}.{key}"] = value
        outcomes[step.get("id", name)] = "success" if run.returncode == 0 else "failure"
        result.steps.append(StepResult(name, True, run.returncode, run.stdout + run.stderr))
    return result


# --- Azure DevOps --------------------------------------------------------------------------------------

_MACRO = re.compile(r"\$\(([A-Za-z_][\w.]*)\)")
_TEMPLATE = re.compile(r"\$\{\{\s*tenant\.(\w+)\s*\}\}")
_SET_VARIABLE = re.compile(r"##vso\[task\.setvariable variable=(\w+)[^\]]*\](.*)")


def azure_devops_job(
    pipeline: Path,
    tenant: Mapping[str, str],
    workspace: Path,
    env: Mapping[str, str],
    predefined: Mapping[str, str],
) -> JobResult:
    """Run one tenant's job: template expressions and `$(macros)` expanded as Azure Pipelines does,
    AzureCLI@2 inline scripts and `bash:` steps run with bash, other tasks as no-ops, `condition:`
    always() or the default succeeded()."""
    doc = documents(pipeline)[0]
    (jobs,) = doc["jobs"][0].values()
    job = jobs[0]
    variables: dict[str, str] = {**predefined, **{k: str(v) for k, v in doc["variables"].items()}}

    def expand(text: str) -> str:
        text = _TEMPLATE.sub(lambda m: tenant[m.group(1)], text)
        return _MACRO.sub(lambda m: variables.get(m.group(1), m.group(0)), text)

    for key, value in (job.get("variables") or {}).items():
        variables[key] = expand(str(value))
    temp = Path(variables["Agent.TempDirectory"])
    result = JobResult()
    for index, step in enumerate(job["steps"]):
        name = expand(step.get("displayName") or step.get("task") or f"step {index}")
        if result.failed and step.get("condition", "succeeded()") != "always()":
            result.steps.append(StepResult(name, ran=False))
            continue
        if step.get("task") == "AzureCLI@2":
            script = step["inputs"]["inlineScript"]
        elif "bash" in step:
            script = step["bash"]
        else:  # checkout, UsePythonVersion, the pip install script, PublishPipelineArtifact
            result.steps.append(StepResult(name, ran=True))
            continue
        script = expand(script)
        if "--auth cli" not in script and "classic-scan scan" in script:
            raise AssertionError(f"{name}: the scan step must use the service connection's az session")
        step_env = {**env, **{k: expand(str(v)) for k, v in (step.get("env") or {}).items()}}
        run = run_shell(
            ["bash", "--noprofile", "--norc", str(_bash_file(script, temp, name))], "", step_env, workspace
        )
        for match in _SET_VARIABLE.finditer(run.stdout):
            variables[f"{step.get('name', name)}.{match.group(1)}"] = match.group(2).strip()
        result.steps.append(StepResult(name, True, run.returncode, run.stdout + run.stderr))
    return result


# --- findings.json -------------------------------------------------------------------------------------


def findings(report: Path) -> dict[str, Any]:
    return json.loads((report / "findings.json").read_text(encoding="utf-8"))


def assert_round_trip(first: dict[str, Any], second: dict[str, Any]) -> None:
    """The second scan found the first one in the history it was given."""
    assert first["history"]["previous_scan_id"] is None
    assert second["history"]["previous_scan_id"] == first["scan"]["id"]
    assert len(second["history"]["trend"]) == 2
    assert second["history"]["delta"] is not None


def classic_scan_bin() -> Path:
    """The folder of the installed `classic-scan` (the test venv's)."""
    found = Path(sys.executable).parent / "classic-scan"
    assert found.exists(), found
    return found.parent
