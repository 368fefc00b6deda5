"""The one pipeline every Azure request of the scanner goes through (ARG POSTs and ARM GETs)."""

from __future__ import annotations

from typing import Any


def arm_policies(credential: Any, token_scope: str) -> list[Any]:
    """azure-mgmt-core's ARM policies in their own order, less retries (each source paces and retries
    itself) and less auto-registration of providers (it would write to the subscription).

    SensitiveHeaderCleanupPolicy follows the authentication policy, which adds the bearer token on
    every hop: a redirect to another host must not receive it."""
    from azure.core.pipeline import policies
    from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy, ARMHttpLoggingPolicy

    return [
        policies.RequestIdPolicy(),
        policies.HeadersPolicy(),
        policies.UserAgentPolicy(sdk_moniker="classic-scanner"),
        policies.ProxyPolicy(),
        policies.RedirectPolicy(),
        ARMChallengeAuthenticationPolicy(credential, token_scope),
        policies.SensitiveHeaderCleanupPolicy(),
        policies.CustomHookPolicy(),
        ARMHttpLoggingPolicy(),
    ]
