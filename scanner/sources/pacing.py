"""Quota pacing and retries for Resource Graph, as one component.

ARG gives each user a quota of queries per window (e.g. 15 per 5 s) and reports it on every
response: `x-ms-user-quota-remaining` and `x-ms-user-quota-resets-after` (hh:mm:ss). The pacer
spends the quota as it comes and, once it is used up, holds every worker until the window resets.
A 429 is answered by waiting the reset time with jitter (azure-core does not retry a POST 429
without Retry-After, so we do); 5xx, timeouts and dropped connections back off exponentially. All
waits and retries are bounded.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

REMAINING = "x-ms-user-quota-remaining"
RESETS_AFTER = "x-ms-user-quota-resets-after"
_HMS = re.compile(r"^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")


def parse_resets_after(value: str | None) -> float | None:
    """'00:00:03' -> 3.0 seconds; None when absent or malformed."""
    if not value:
        return None
    m = _HMS.match(value.strip())
    if not m:
        return None
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds of the retry loop."""

    max_throttle_retries: int = 8
    """429s tolerated for one request before it counts as failed."""
    max_transient_retries: int = 5
    """5xx, timeouts and connection errors tolerated for one request."""
    backoff_base: float = 1.0
    """First back-off in seconds; doubles each time (with jitter)."""
    backoff_max: float = 30.0
    """Longest single back-off."""
    default_window: float = 5.0
    """Wait after a 429 that carries no reset time."""
    max_wait: float = 120.0
    """Longest single wait for a quota reset."""


class QuotaPacer:
    """Shared by every worker: reserve before a request, record what the response said."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._remaining: int | None = None  # unknown until the first response
        self._reset_at = 0.0
        self.waited_seconds = 0.0
        self.throttled = 0

    def acquire(self) -> None:
        """Block until a request may be sent without exceeding the known quota, then reserve it."""
        while True:
            with self._lock:
                now = self._clock()
                if self._remaining is None or self._remaining > 0 or now >= self._reset_at:
                    if self._remaining is not None:
                        if now >= self._reset_at and self._remaining <= 0:
                            self._remaining = None  # new window: wait for the next response to tell
                        else:
                            self._remaining -= 1
                    return
                wait = min(self._reset_at - now, self.policy.max_wait)
            self._pause(wait + self._rng.uniform(0.0, 0.05))

    def record(self, headers: Mapping[str, str]) -> None:
        """Update the quota from a response's headers."""
        remaining = _header(headers, REMAINING)
        resets = parse_resets_after(_header(headers, RESETS_AFTER))
        if remaining is None or not remaining.strip().lstrip("-").isdigit():
            return
        with self._lock:
            value = int(remaining)
            now = self._clock()
            reset_at = now + (resets if resets is not None else self.policy.default_window)
            # Responses arrive out of order under concurrency: keep the most pessimistic view.
            if self._remaining is None or value < self._remaining or now >= self._reset_at:
                self._remaining = value
            self._reset_at = max(self._reset_at, reset_at) if self._remaining <= 0 else reset_at

    def throttled_response(self, headers: Mapping[str, str], attempt: int) -> float:
        """A 429 arrived: block further requests until the reset; returns the wait taken by this caller."""
        resets = parse_resets_after(_header(headers, RESETS_AFTER))
        base = resets if resets is not None else self.policy.default_window
        # Spread waking workers over the window so they do not burst together (ARG guidance).
        wait = min(base * (1.0 + self._rng.uniform(0.0, 0.5 if attempt > 1 else 0.2)), self.policy.max_wait)
        with self._lock:
            self.throttled += 1
            self._remaining = 0
            self._reset_at = max(self._reset_at, self._clock() + wait)
        self._pause(wait)
        return wait

    def backoff(self, attempt: int) -> float:
        """Exponential back-off with jitter for transient failures; returns the wait."""
        wait: float = min(self.policy.backoff_base * 2.0 ** (attempt - 1), self.policy.backoff_max)
        wait *= self._rng.uniform(0.5, 1.0)
        self._pause(wait)
        return wait

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            with self._lock:
                self.waited_seconds += seconds
            self._sleep(seconds)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    if name in headers:
        return headers[name]
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None
