"""Credentials: every --auth kind, with and without --tenant, in every cloud, built by the real
azure-identity classes; the tenant reaches the token request; a failure is one line naming the next step.

The chains that can reach the instance metadata address are only ever constructed here, never asked
for a token: tokens come from AzureCliCredential with a stand-in `az`, or a recording credential.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import subprocess
import sys

import azure.identity
import pytest
from azure.core.exceptions import ClientAuthenticationError
from emulator.standin import write_fake_az

from scanner.auth import (
    AUTH_KINDS,
    CLOUDS,
    SDK_LOGGERS,
    ScanCredential,
    configure_sdk_logging,
    failure_line,
    make_credential,
)
from scanner.errors import InputError

TENANT = "22222222-2222-2222-2222-222222222222"
HOME = "11111111-1111-1111-1111-111111111111"
SCOPE = "https://management.azure.com/.default"
#: The real classes, taken before the suite-wide guard (conftest) replaces the probing ones per test.
PROBING = ("DefaultAzureCredential", "ManagedIdentityCredential")
REAL = {name: getattr(azure.identity, name) for name in PROBING}


@pytest.fixture
def real_identity(monkeypatch, tmp_path):
    """The real constructors, and the environment of a pod with workload identity and a service principal."""
    for name, cls in REAL.items():
        monkeypatch.setattr(azure.identity, name, cls)
    token_file = tmp_path / "federated-token"
    token_file.write_text("header.payload.signature", encoding="utf-8")
    monkeypatch.setenv("AZURE_TENANT_ID", HOME)
    monkeypatch.setenv("AZURE_CLIENT_ID", "33333333-3333-3333-3333-333333333333")
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "not-a-secret")
    monkeypatch.setenv("AZURE_FEDERATED_TOKEN_FILE", str(token_file))
    for name in ("AZURE_TOKEN_CREDENTIALS", "IDENTITY_ENDPOINT", "MSI_ENDPOINT", "AZURE_AUTHORITY_HOST"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sdk_log_levels():
    """configure_sdk_logging changes process-wide loggers: put them back."""
    saved = {n: (logging.getLogger(n).level, list(logging.getLogger(n).handlers)) for n in SDK_LOGGERS}
    yield
    for name, (level, handlers) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers


@pytest.mark.parametrize(
    ("kind", "tenant", "cloud"), list(itertools.product(AUTH_KINDS, (None, TENANT), sorted(CLOUDS)))
)
def test_every_kind_constructs_with_the_real_classes(real_identity, kind, tenant, cloud):
    credential = make_credential(kind, tenant, CLOUDS[cloud])
    assert isinstance(credential, ScanCredential)
    assert credential.tenant == tenant
    inner = credential.inner
    authority = f"https://{CLOUDS[cloud].authority}"
    if kind == "default":
        members = {type(c).__name__: c for c in inner.credentials}
        assert "InteractiveBrowserCredential" not in members
        environment = members["EnvironmentCredential"]._credential
        assert environment._authority == authority
        assert environment._additionally_allowed_tenants == ([tenant] if tenant else [])
        # The CLI in the chain has no tenant of its own, so the requested one is used as is.
        assert members["AzureCliCredential"].tenant_id == ""
    elif kind == "cli":
        assert inner.tenant_id == (tenant or "")
    elif kind == "env":
        assert inner._credential._tenant_id == HOME
        assert inner._credential._authority == authority
        assert inner._credential._additionally_allowed_tenants == ([tenant] if tenant else [])
    elif kind == "workload":
        assert type(inner).__name__ == "WorkloadIdentityCredential"
        assert inner._client._tenant_id == HOME
        assert inner._client._authority == authority
        assert inner._client._additionally_allowed_tenants == ([tenant] if tenant else [])
    elif kind == "device":
        assert inner._tenant_id == (tenant or "organizations")
        assert inner._authority == authority
    else:
        assert type(inner).__name__ == "ManagedIdentityCredential"


def test_default_with_a_tenant_no_longer_raises(real_identity):
    # azure-identity: "'tenant_id' is not supported in DefaultAzureCredential" (exit 1 before).
    credential = make_credential("default", TENANT, CLOUDS["public"])
    assert type(credential.inner).__name__ == "DefaultAzureCredential"


def test_workload_without_the_webhook_variables_is_a_usage_error(real_identity, monkeypatch):
    monkeypatch.delenv("AZURE_FEDERATED_TOKEN_FILE")
    with pytest.raises(InputError, match="AZURE_FEDERATED_TOKEN_FILE not set"):
        make_credential("workload", None, CLOUDS["public"])
    monkeypatch.delenv("AZURE_TENANT_ID")
    monkeypatch.setenv("AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/token")
    with pytest.raises(InputError, match="AZURE_TENANT_ID not set"):
        make_credential("workload", None, CLOUDS["public"])
    assert make_credential("workload", TENANT, CLOUDS["public"]).inner._client._tenant_id == TENANT


class Recording:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def get_token(self, *scopes, **kwargs):
        self.calls.append(kwargs)
        return "token"

    def close(self) -> None:
        pass


def test_every_token_request_names_the_tenant():
    inner = Recording()
    ScanCredential(inner, "default", TENANT).get_token(SCOPE, enable_cae=True)
    ScanCredential(inner, "default", None).get_token(SCOPE)
    assert inner.calls == [{"tenant_id": TENANT, "enable_cae": True}, {}]


def test_the_cli_in_the_default_chain_asks_az_for_the_tenant(tmp_path, monkeypatch):
    # DefaultAzureCredential's chain holds a tenant-less AzureCliCredential; that exact credential, behind
    # ScanCredential, must run `az account get-access-token --tenant T`.
    write_fake_az(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_AZ_CALLS", str(tmp_path / "calls"))
    ScanCredential(azure.identity.AzureCliCredential(), "default", TENANT).get_token(SCOPE)
    make_credential("cli", TENANT, CLOUDS["public"]).get_token(SCOPE)
    make_credential("cli", None, CLOUDS["public"]).get_token(SCOPE)
    calls = (tmp_path / "calls").read_text(encoding="utf-8").splitlines()
    assert [c.split("--tenant ")[1] if "--tenant " in c else None for c in calls] == [TENANT, TENANT, None]


DAC_MESSAGE = (
    "DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
    "Attempted credentials:\n"
    "\tEnvironmentCredential: EnvironmentCredential authentication unavailable. Environment variables "
    "are not fully configured.\n"
    "\tManagedIdentityCredential: ManagedIdentityCredential authentication unavailable, no response.\n"
    "To mitigate this issue, please refer to the troubleshooting guidelines here at https://aka.ms/x."
)


def test_a_chain_failure_is_one_line_naming_the_first_attempt_and_the_next_step():
    line = failure_line("default", ClientAuthenticationError(message=DAC_MESSAGE))
    assert "\n" not in line
    assert line.startswith("DefaultAzureCredential could not get a token: EnvironmentCredential: ")
    assert "az login" in line and "AZURE_" in line and "managed identity" in line
    assert len("authentication failed: " + line) <= 300  # what the collector keeps of an error


def test_a_chain_failure_names_the_credential_that_tried_and_failed():
    message = DAC_MESSAGE.replace(
        "\tManagedIdentityCredential: ManagedIdentityCredential authentication unavailable, no response.",
        "\tManagedIdentityCredential: unavailable.\n"
        "\tAzureCliCredential: AADSTS700024: Client assertion expired.",
    )
    line = failure_line("default", ClientAuthenticationError(message=message))
    assert "could not get a token: AzureCliCredential: AADSTS700024" in line


@pytest.mark.parametrize(
    ("kind", "hint"),
    [
        ("cli", "az login"),
        ("env", "AZURE_CLIENT_CERTIFICATE_PATH"),
        ("msi", "managed identity"),
        ("workload", "AZURE_FEDERATED_TOKEN_FILE"),
        ("device", "device code"),
    ],
)
def test_each_kind_names_its_credential_and_next_step(kind, hint):
    class Failing(Recording):
        def get_token(self, *scopes, **kwargs):
            raise ClientAuthenticationError(message="first reason\nsecond line")

    with pytest.raises(ClientAuthenticationError) as caught:
        ScanCredential(Failing(), kind, None).get_token(SCOPE)
    text = str(caught.value.message)
    assert "\n" not in text and "first reason" in text and hint in text


def test_a_live_authentication_failure_prints_exactly_one_line(tmp_path):
    # An `az` that is installed but not signed in, answering as the real one does. A separate process:
    # pytest's own log handlers would hide the SDK lines Python prints on stderr without any handler.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    az = bin_dir / "az"
    az.write_text("#!/bin/sh\necho \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n")
    az.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "CLASSIC_SCAN_ARM_ENDPOINT": "https://127.0.0.1:9",
    }
    env.pop("CLASSIC_SCAN_DEBUG", None)
    out = tmp_path / "out"
    options = ["--auth", "cli", "--tenant", TENANT, "--out", str(out), "--format", "json"]
    run = subprocess.run(
        [sys.executable, "-c", "from scanner.cli import main; main()", "scan", *options],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert run.returncode == 2, run.stderr
    assert len(lines) == 1, lines
    assert lines[0].startswith("classic-scan: error: authentication failed: AzureCliCredential")
    assert "az login" in lines[0]
    assert not out.exists()


def test_sdk_logs_are_quiet_unless_verbose(sdk_log_levels):
    configure_sdk_logging()
    identity_log = logging.getLogger("azure.identity._credentials.chained")
    assert not identity_log.isEnabledFor(logging.WARNING)
    assert logging.getLogger("msal").getEffectiveLevel() == logging.ERROR
    configure_sdk_logging(verbose=True)
    assert identity_log.isEnabledFor(logging.INFO)
    assert logging.getLogger("azure").handlers


def test_the_fake_az_answers_like_the_cli(tmp_path):
    # The stand-in the deploy and packaging tests rely on: JSON on stdout for get-access-token.
    az = write_fake_az(tmp_path / "bin")
    run = subprocess.run(
        [str(az), "account", "get-access-token", "--tenant", TENANT, "--output", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(run.stdout)["tenant"] == TENANT


def test_every_cloud_has_endpoints_and_the_names_are_the_enums():
    from scanner.auth import cloud
    from scanner.clouds import CLOUD_NAMES, Cloud

    assert set(CLOUDS) == set(Cloud) and CLOUD_NAMES == ("public", "usgov", "china")
    for member in Cloud:
        assert cloud(member.value) is CLOUDS[member] and CLOUDS[member].name is member
    with pytest.raises(InputError, match="--cloud: 'mars' is not one of public, usgov, china"):
        cloud("mars")
