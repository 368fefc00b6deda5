"""Test-wide guards."""

from __future__ import annotations

from typing import Any

import azure.identity
import pytest


def _forbidden(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError(
        "tests must never build this credential: it probes the instance metadata service; "
        "use a static token credential or AzureCliCredential with a stand-in az"
    )


@pytest.fixture(autouse=True)
def _no_metadata_probing_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", _forbidden)
    monkeypatch.setattr(azure.identity, "ManagedIdentityCredential", _forbidden)
