"""Faults the emulator injects on request. Thread-safe; a one-shot fault is consumed by the requests it hits.

Every fault applies to authenticated POSTs to the ARG path (after the quota is counted):

* `fail_next(status, count)`: the next `count` queries get `status` with an ARG-style error body.
* `slow_next(seconds, count)`: the next `count` responses are delayed by `seconds` more.
* `reset_connection_on_page(page, count)`: the next `count` requests for page `page` (1 = a query's
  first page, n = the page asked for with the (n-1)-th `$skipToken`) get no response: the connection
  is reset.
* `deny_subscription(*subs)`: a request naming one of them gets 403 `AuthorizationFailed`; at tenant
  and management-group scope they are invisible. `allow_subscription` undoes it.
* `payload_too_large_above(top)`: a request whose page size (`$top`) is above `top` gets 400
  `ResponsePayloadTooLarge` (None switches it off).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

#: Error codes ARM/ARG use for these statuses.
STATUS_CODES: dict[int, str] = {
    400: "BadRequest",
    401: "AuthenticationFailed",
    403: "AuthorizationFailed",
    404: "NotFound",
    408: "RequestTimeout",
    409: "Conflict",
    429: "RateLimiting",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}


@dataclass
class Failure:
    """One injected failure response."""

    status: int
    remaining: int
    code: str | None = None
    message: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Counted:
    value: float
    remaining: int


class Faults:
    """The faults currently armed on one emulator."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: list[Failure] = []
        self._slow: list[_Counted] = []
        self._resets: dict[int, int] = {}
        self._denied: set[str] = set()
        self._payload_limit_top: int | None = None
        self.fired: list[str] = []
        """A line per fault that fired, in order (for assertions)."""

    # -- arming ----------------------------------------------------------------------------------
    def fail_next(
        self,
        status: int = 503,
        count: int = 1,
        *,
        code: str | None = None,
        message: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """The next `count` queries fail with `status` (a 429 gets the RateLimiting body)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._failures.append(Failure(status, count, code, message, dict(headers or {})))

    def slow_next(self, seconds: float, count: int = 1) -> None:
        """The next `count` responses are delayed by `seconds` (on top of the emulator's latency)."""
        if seconds < 0 or count < 1:
            raise ValueError("seconds must be >= 0 and count >= 1")
        with self._lock:
            self._slow.append(_Counted(seconds, count))

    def reset_connection_on_page(self, page: int, count: int = 1) -> None:
        """The next `count` requests for page number `page` (1-based) of any query get a reset connection."""
        if page < 1 or count < 1:
            raise ValueError("page and count must be at least 1")
        with self._lock:
            self._resets[page] = self._resets.get(page, 0) + count

    def deny_subscription(self, *subscriptions: str) -> None:
        with self._lock:
            self._denied.update(s.lower() for s in subscriptions)

    def allow_subscription(self, *subscriptions: str) -> None:
        with self._lock:
            self._denied.difference_update(s.lower() for s in subscriptions)

    def payload_too_large_above(self, top: int | None) -> None:
        """Requests with a page size above `top` get ResponsePayloadTooLarge; None switches it off."""
        with self._lock:
            self._payload_limit_top = top

    def clear(self) -> None:
        """Disarm every fault (denied subscriptions included)."""
        with self._lock:
            self._failures.clear()
            self._slow.clear()
            self._resets.clear()
            self._denied.clear()
            self._payload_limit_top = None

    # -- consuming (the server) ------------------------------------------------------------------
    @property
    def denied(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._denied)

    def denied_among(self, subscriptions: Iterable[str]) -> list[str]:
        denied = self.denied
        return [s for s in subscriptions if s.lower() in denied]

    def take_failure(self) -> Failure | None:
        with self._lock:
            if not self._failures:
                return None
            failure = self._failures[0]
            failure.remaining -= 1
            if failure.remaining <= 0:
                self._failures.pop(0)
            self.fired.append(f"fail {failure.status}")
            return failure

    def take_delay(self) -> float:
        with self._lock:
            if not self._slow:
                return 0.0
            slow = self._slow[0]
            slow.remaining -= 1
            if slow.remaining <= 0:
                self._slow.pop(0)
            self.fired.append(f"slow {slow.value:g}s")
            return slow.value

    def take_reset(self, page: int) -> bool:
        with self._lock:
            left = self._resets.get(page, 0)
            if left <= 0:
                return False
            if left == 1:
                del self._resets[page]
            else:
                self._resets[page] = left - 1
            self.fired.append(f"reset page {page}")
            return True

    def payload_too_large(self, top: int) -> bool:
        with self._lock:
            hit = self._payload_limit_top is not None and top > self._payload_limit_top
            if hit:
                self.fired.append(f"payload too large at $top {top}")
            return hit
