"""Clouds and credentials for live scans. Tokens are only ever handed to the ARG client."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from scanner.errors import InputError

AUTH_KINDS: tuple[str, ...] = ("default", "cli", "env", "msi", "device")
ENDPOINT_ENV = "CLASSIC_SCAN_ARM_ENDPOINT"


@dataclass(frozen=True)
class Cloud:
    """Endpoints of one Azure cloud."""

    name: str
    """public, usgov or china."""
    arm_endpoint: str
    """Resource Manager endpoint (ARG is served under it)."""
    token_scope: str
    """Scope tokens are requested for."""
    authority: str
    """Microsoft Entra authority host."""


CLOUDS: dict[str, Cloud] = {
    "public": Cloud(
        "public",
        "https://management.azure.com",
        "https://management.azure.com/.default",
        "login.microsoftonline.com",
    ),
    "usgov": Cloud(
        "usgov",
        "https://management.usgovcloudapi.net",
        "https://management.core.usgovcloudapi.net/.default",
        "login.microsoftonline.us",
    ),
    "china": Cloud(
        "china",
        "https://management.chinacloudapi.cn",
        "https://management.chinacloudapi.cn/.default",
        "login.chinacloudapi.cn",
    ),
}


def cloud(name: str) -> Cloud:
    if name not in CLOUDS:
        raise InputError(f"--cloud: {name!r} is not one of {', '.join(CLOUDS)}")
    return CLOUDS[name]


def arm_endpoint(option: str | None, chosen: Cloud) -> str:
    """--arm-endpoint, else CLASSIC_SCAN_ARM_ENDPOINT, else the cloud's; must be https."""
    value = (option or os.environ.get(ENDPOINT_ENV) or chosen.arm_endpoint).strip().rstrip("/")
    if not value.lower().startswith("https://"):
        raise InputError(f"--arm-endpoint: {value!r} must be an https:// URL")
    return value


def make_credential(kind: str, tenant: str | None, chosen: Cloud) -> Any:
    """An azure-identity credential of the requested kind (imported lazily: offline scans need none)."""
    if kind not in AUTH_KINDS:
        raise InputError(f"--auth: {kind!r} is not one of {', '.join(AUTH_KINDS)}")
    import azure.identity as identity

    authority = chosen.authority
    if kind == "cli":
        return identity.AzureCliCredential(tenant_id=tenant) if tenant else identity.AzureCliCredential()
    if kind == "env":
        return identity.EnvironmentCredential(authority=authority)
    if kind == "msi":
        client_id = os.environ.get("AZURE_CLIENT_ID")
        return (
            identity.ManagedIdentityCredential(client_id=client_id)
            if client_id
            else (identity.ManagedIdentityCredential())
        )
    if kind == "device":
        return (
            identity.DeviceCodeCredential(tenant_id=tenant, authority=authority)
            if tenant
            else (identity.DeviceCodeCredential(authority=authority))
        )
    options: dict[str, Any] = {"authority": authority, "exclude_interactive_browser_credential": True}
    if tenant:
        options["additionally_allowed_tenants"] = [tenant]
        options["tenant_id"] = tenant
    return identity.DefaultAzureCredential(**options)
