"""ARG's per-user query quota: at most `quota` queries per window, a window starting at its first query.

Every response carries `x-ms-user-quota-remaining` and `x-ms-user-quota-resets-after` (hh:mm:ss,
rounded up to whole seconds); a query over quota is refused (HTTP 429, `RateLimiting`) and does not
count.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class QuotaState:
    """Where a user stands after (or without) a query."""

    allowed: bool
    remaining: int
    resets_after: float
    """Seconds until the window resets."""

    def headers(self) -> dict[str, str]:
        return {
            "x-ms-user-quota-remaining": str(self.remaining),
            "x-ms-user-quota-resets-after": format_resets_after(self.resets_after),
            # Real responses also carry ARM's tenant counter with the same value.
            "x-ms-ratelimit-remaining-tenant-resource-requests": str(self.remaining),
        }


def format_resets_after(seconds: float) -> str:
    """hh:mm:ss, rounded up to whole seconds."""
    total = max(0, math.ceil(seconds - 1e-9))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


class QuotaTracker:
    """Fixed windows per user key (the bearer token)."""

    def __init__(
        self, quota: int = 15, window_seconds: float = 5.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if quota < 1:
            raise ValueError("quota must be at least 1")
        if window_seconds <= 0:
            raise ValueError("window_seconds must be positive")
        self.quota = quota
        self.window_seconds = window_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}
        self.throttled = 0
        """Queries refused so far."""

    def _current(self, key: str, now: float) -> tuple[float, int] | None:
        window = self._windows.get(key)
        if window is None or now >= window[0] + self.window_seconds:
            return None
        return window

    def consume(self, key: str) -> QuotaState:
        """Count one query for `key`, or refuse it when the window's quota is used up."""
        with self._lock:
            now = self._clock()
            window = self._current(key, now) or (now, 0)
            start, used = window
            resets = start + self.window_seconds - now
            if used >= self.quota:
                self.throttled += 1
                return QuotaState(False, 0, resets)
            used += 1
            self._windows[key] = (start, used)
            return QuotaState(True, self.quota - used, resets)

    def peek(self, key: str) -> QuotaState:
        """Where `key` stands, without counting a query."""
        with self._lock:
            now = self._clock()
            window = self._current(key, now)
            if window is None:
                return QuotaState(True, self.quota, self.window_seconds)
            start, used = window
            return QuotaState(used < self.quota, self.quota - used, start + self.window_seconds - now)

    def reset(self) -> None:
        """Forget every window (every user has the full quota again)."""
        with self._lock:
            self._windows.clear()
