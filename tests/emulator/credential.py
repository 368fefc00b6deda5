"""A static bearer-token credential for tests: never touches a real identity endpoint."""

from __future__ import annotations

import threading
import time
from typing import Any

from azure.core.credentials import AccessToken


class StaticTokenCredential:
    """A TokenCredential that always returns `token` (valid for a day); records the scopes asked for."""

    def __init__(self, token: str = "fake-token") -> None:
        self.token = token
        self.scopes: list[tuple[str, ...]] = []
        self._lock = threading.Lock()

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        with self._lock:
            self.scopes.append(tuple(scopes))
        return AccessToken(self.token, int(time.time()) + 86_400)

    def close(self) -> None:
        pass

    def __enter__(self) -> StaticTokenCredential:
        return self

    def __exit__(self, *args: object) -> None:
        pass
