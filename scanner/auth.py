"""Clouds and credentials for live scans. Tokens are only ever handed to the ARG client."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from typing import Any

from scanner.clouds import CLOUD_NAMES, Cloud
from scanner.errors import InputError

AUTH_KINDS: tuple[str, ...] = ("default", "cli", "env", "msi", "workload", "device")
ENDPOINT_ENV = "CLASSIC_SCAN_ARM_ENDPOINT"
#: The SDK loggers whose lines would otherwise precede our one-line error (azure-identity, azure-core, MSAL).
SDK_LOGGERS: tuple[str, ...] = ("azure", "msal")


@dataclass(frozen=True)
class CloudEndpoints:
    """Endpoints of one Azure cloud."""

    name: Cloud
    """The cloud they belong to."""
    arm_endpoint: str
    """Resource Manager endpoint (ARG is served under it)."""
    token_scope: str
    """Scope tokens are requested for."""
    authority: str
    """Microsoft Entra authority host."""


CLOUDS: dict[Cloud, CloudEndpoints] = {
    Cloud.PUBLIC: CloudEndpoints(
        Cloud.PUBLIC,
        "https://management.azure.com",
        "https://management.azure.com/.default",
        "login.microsoftonline.com",
    ),
    Cloud.USGOV: CloudEndpoints(
        Cloud.USGOV,
        "https://management.usgovcloudapi.net",
        "https://management.core.usgovcloudapi.net/.default",
        "login.microsoftonline.us",
    ),
    Cloud.CHINA: CloudEndpoints(
        Cloud.CHINA,
        "https://management.chinacloudapi.cn",
        "https://management.chinacloudapi.cn/.default",
        "login.chinacloudapi.cn",
    ),
}

#: What to do when a kind of credential cannot get a token: the second half of the one error line.
NEXT_STEP: dict[str, str] = {
    "default": (
        "run `az login`, set the AZURE_* variables of a service principal, or run where a managed identity "
        "is assigned"
    ),
    "cli": "run `az login` (add --tenant for another tenant) as the user that runs the scan",
    "env": "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_CERTIFICATE_PATH (or AZURE_CLIENT_SECRET)",
    "msi": "run on an Azure host whose managed identity has Reader (user-assigned: set AZURE_CLIENT_ID)",
    "workload": "check AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE and the federated "
    "credential",
    "device": "run again and finish the device code sign-in in time",
}

#: The azure-identity class each kind uses, for the error line.
CREDENTIAL_NAMES: dict[str, str] = {
    "default": "DefaultAzureCredential",
    "cli": "AzureCliCredential",
    "env": "EnvironmentCredential",
    "msi": "ManagedIdentityCredential",
    "workload": "WorkloadIdentityCredential",
    "device": "DeviceCodeCredential",
}


def cloud(name: Cloud | str) -> CloudEndpoints:
    if name not in CLOUD_NAMES:
        raise InputError(f"--cloud: {name!r} is not one of {', '.join(CLOUD_NAMES)}")
    return CLOUDS[Cloud(name)]


def arm_endpoint(option: str | None, chosen: CloudEndpoints) -> str:
    """--arm-endpoint, else CLASSIC_SCAN_ARM_ENDPOINT, else the cloud's; must be https."""
    value = (option or os.environ.get(ENDPOINT_ENV) or chosen.arm_endpoint).strip().rstrip("/")
    if not value.lower().startswith("https://"):
        raise InputError(f"--arm-endpoint: {value!r} must be an https:// URL")
    return value


def configure_sdk_logging(verbose: bool = False) -> None:
    """Keep the Azure SDK's log lines off stderr unless `verbose`.

    Without a handler, Python prints an SDK WARNING (DefaultAzureCredential lists every credential it
    tried) before our own one-line error; at ERROR only real SDK errors get through. `verbose` shows
    the SDK's INFO lines (which credential was tried, which one answered) on stderr instead."""
    for name in SDK_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO if verbose else logging.ERROR)
        if verbose and not logger.handlers:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("classic-scan: %(name)s: %(message)s"))
            logger.addHandler(handler)


class ScanCredential:
    """The chosen azure-identity credential, asking for every token in `tenant` and failing in one line.

    azure-identity takes the tenant per request (`get_token(tenant_id=...)`); a credential configured
    for another tenant honours it only when it is in `additionally_allowed_tenants`, which
    `make_credential` sets. A failure becomes a ClientAuthenticationError whose first line names the
    credential and the next step: the SDK's own message lists every attempt over many lines."""

    def __init__(self, inner: Any, kind: str, tenant: str | None) -> None:
        self.inner = inner
        self.kind = kind
        self.tenant = tenant

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.exceptions import ClientAuthenticationError

        if self.tenant and not kwargs.get("tenant_id"):
            kwargs["tenant_id"] = self.tenant
        try:
            return self.inner.get_token(*scopes, **kwargs)
        except ClientAuthenticationError as exc:
            raise ClientAuthenticationError(message=failure_line(self.kind, exc)) from None

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> ScanCredential:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()


def failure_line(kind: str, exc: BaseException) -> str:
    """One line: which credential failed, why (the SDK's first specific reason), and what to do."""
    message = str(getattr(exc, "message", None) or exc)
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    # A chain's first line only says that it failed; each attempt follows as a "Name: reason" line.
    attempts = [line for line in lines[1:] if ":" in line.rstrip(":") and not line.lower().startswith("to ")]
    # The chain stops at the first credential that tried and failed: that one is the reason; when
    # every credential was merely unavailable, the first (the environment) is.
    tried = [line for line in attempts if "unavailable" not in line.lower()]
    chosen = (tried or attempts)[:1]
    reason = chosen[0] if kind == "default" and chosen else lines[0] if lines else type(exc).__name__
    # The whole line stays under the 300 characters the collector keeps of an error.
    reason = reason.rstrip(".")[:90]
    return f"{CREDENTIAL_NAMES[kind]} could not get a token: {reason}. Next: {NEXT_STEP[kind]}"


def make_credential(kind: str, tenant: str | None, chosen: CloudEndpoints) -> ScanCredential:
    """An azure-identity credential of the requested kind (imported lazily: offline scans need none)."""
    if kind not in AUTH_KINDS:
        raise InputError(f"--auth: {kind!r} is not one of {', '.join(AUTH_KINDS)}")
    return ScanCredential(_identity_credential(kind, tenant, chosen.authority), kind, tenant)


def _identity_credential(kind: str, tenant: str | None, authority: str) -> Any:
    import azure.identity as identity

    allowed: dict[str, Any] = {"additionally_allowed_tenants": [tenant]} if tenant else {}
    if kind == "cli":
        # The Azure CLI's cloud is `az cloud set`; it takes no authority.
        return identity.AzureCliCredential(tenant_id=tenant) if tenant else identity.AzureCliCredential()
    if kind == "env":
        return identity.EnvironmentCredential(authority=authority, **allowed)
    if kind == "msi":
        # A managed identity gets tokens in its own tenant only; azure-identity ignores a requested one.
        client_id = os.environ.get("AZURE_CLIENT_ID")
        managed = identity.ManagedIdentityCredential
        return managed(client_id=client_id) if client_id else managed()
    if kind == "workload":
        # The webhook's AZURE_TENANT_ID is the identity's home tenant; --tenant only fills it in when absent.
        missing = [
            name
            for name in ("AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_TENANT_ID")
            if not os.environ.get(name) and not (name == "AZURE_TENANT_ID" and tenant)
        ]
        if missing:
            raise InputError(
                f"--auth workload: {', '.join(missing)} not set (the workload identity webhook sets them "
                "in pods labelled azure.workload.identity/use=true)"
            )
        try:
            return identity.WorkloadIdentityCredential(
                tenant_id=os.environ.get("AZURE_TENANT_ID") or tenant, authority=authority, **allowed
            )
        except ValueError as exc:
            raise InputError(f"--auth workload: {exc}") from None
    if kind == "device":
        return (
            identity.DeviceCodeCredential(tenant_id=tenant, authority=authority)
            if tenant
            else identity.DeviceCodeCredential(authority=authority)
        )
    # DefaultAzureCredential refuses tenant_id: each credential in its chain takes the tenant its own way.
    options: dict[str, Any] = {"authority": authority, "exclude_interactive_browser_credential": True}
    if tenant:
        options.update(allowed, shared_cache_tenant_id=tenant, visual_studio_code_tenant_id=tenant)
        if not os.environ.get("AZURE_TENANT_ID"):
            options["workload_identity_tenant_id"] = tenant
    return identity.DefaultAzureCredential(**options)
