"""Quota pacing and retries for Resource Graph, as one component.

ARG gives each user a quota of queries per window (e.g. 15 per 5 s) and reports it on every
response: `x-ms-user-quota-remaining` and `x-ms-user-quota-resets-after` (hh:mm:ss). Two gates
hold a request back, and both must be open:

* the server's word: once `remaining` is spent, wait until the window has certainly reset. The
  reset header has whole seconds (rounded up), so one response only bounds the reset moment to an
  interval one second wide; the pacer intersects the intervals of every response of the same window
  (each one is anchored between its request's send time and its response's arrival), which narrows
  the bound to well under a second without ever waiting less than the true reset;
* local accounting of the documented quota (`RetryPolicy.window_queries` per `window_seconds`, raised
  when the headers show a larger quota): no more requests than that in any sliding window, counting a
  request from its sending until `window_seconds` after its response arrived (when the server has
  certainly counted it). This holds for fixed and sliding server windows alike, whatever the network
  delay of each request.

A 429 is answered by waiting the reset time with jitter (azure-core does not retry a POST 429
without Retry-After, so we do); 5xx, timeouts and dropped connections back off exponentially. All
waits and retries are bounded.
"""

from __future__ import annotations

import bisect
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
    """Bounds of the retry loop, and the quota assumed before the server has said anything."""

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
    window_queries: int = 15
    """Requests allowed in any `window_seconds` by local accounting (ARG's documented user quota);
    raised to the quota the headers show when that is larger."""
    window_seconds: float = 5.0
    """The local accounting window."""


class Slot:
    """One request's place in the quota: from `acquire` until its response (or failure) is recorded."""

    __slots__ = ("done", "sent")

    def __init__(self, sent: float) -> None:
        self.sent = sent
        """When the request was let go (the server cannot have received it earlier)."""
        self.done: float | None = None
        """When its response arrived or it failed (the server cannot have received it later)."""


class QuotaPacer:
    """Shared by every worker: `acquire` before a request, `record` (or `release`) after it."""

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
        self._answered = threading.Condition(self._lock)
        # The server's word. In a window a response has told us about: the least `remaining` any of
        # its responses showed (requests still in flight may or may not be counted in it), and the
        # interval its reset lies in. After that window's reset and until a response of the next one:
        # the quota seen so far, spent locally.
        self._quota: int | None = None  # the largest quota the headers have shown; None: no word yet
        self._window_known = False
        self._least_remaining = 0
        self._budget = 0
        self._reset_lo = 0.0
        self._reset_at = 0.0  # the latest the window can reset: waiting until then is always safe
        # Local accounting: requests in flight, and arrival times of recent responses (ascending).
        self._limit = max(1, self.policy.window_queries)
        self._in_flight = 0
        self._recent: list[float] = []  # ascending
        self.waited_seconds = 0.0
        self.throttled = 0

    def acquire(self) -> Slot:
        """Block until a request may be sent without exceeding the quota, then reserve it."""
        while True:
            with self._lock:
                now = self._clock()
                wait = self._blocked_for(now)
                if wait is None:
                    self._answered.wait(0.1)  # until a request in flight is answered
                    continue
                if wait <= 0:
                    if self._quota is not None and not self._window_known:
                        self._budget -= 1
                    self._in_flight += 1
                    return Slot(now)
            self._pause(wait)

    def _blocked_for(self, now: float) -> float | None:
        """Seconds to wait before a request may go (0: now); None: until a request in flight is answered."""
        header = 0.0
        if self._quota is not None:
            if self._window_known and now >= self._reset_at:
                # The window has reset: the full quota again, until a response tells about the new one.
                self._window_known = False
                self._budget = self._quota
            if self._window_known:
                if self._least_remaining <= 0:
                    header = min(self._reset_at - now, self.policy.max_wait)
                elif self._least_remaining - self._in_flight < 1:
                    return None  # what is in flight may have used the rest: wait for an answer
            elif self._budget < 1 and self._in_flight:
                return None  # spent in a window whose reset only a response can tell
        window = self.policy.window_seconds
        expired = bisect.bisect_right(self._recent, now - window)
        if expired:
            del self._recent[:expired]
        if self._in_flight + len(self._recent) < self._limit:
            return header
        if not self._recent:
            return None
        return max(header, self._recent[0] + window - now)

    def release(self, slot: Slot | None) -> None:
        """The request of `slot` is over without quota headers (failed, or answered without them; a
        no-op once `record` has released it). It keeps counting for one window, and in the server's
        count too: it may have been counted after every response seen so far."""
        if slot is None:
            return
        with self._lock:
            if slot.done is None:
                self._finish(slot, self._clock())
                if self._window_known:
                    self._least_remaining -= 1

    def _finish(self, slot: Slot, now: float) -> None:
        if slot.done is not None:
            return
        slot.done = now
        self._in_flight = max(0, self._in_flight - 1)
        bisect.insort(self._recent, now)
        self._answered.notify_all()

    def record(self, headers: Mapping[str, str], slot: Slot | None = None, age: float = 0.0) -> None:
        """Update the quota from a response's headers (and release `slot`, the request it answers);
        the response arrived `age` seconds ago."""
        remaining = header(headers, REMAINING)
        resets = parse_resets_after(header(headers, RESETS_AFTER))
        with self._lock:
            now = self._clock()
            if slot is not None:
                now = max(slot.sent, now - max(0.0, age))
                self._finish(slot, now)
            if remaining is None or not remaining.strip().lstrip("-").isdigit():
                return
            value = int(remaining)
            sent = slot.sent if slot is not None else now
            if resets is None:
                lo, hi = now, now + self.policy.default_window
            else:
                # The server counted the request somewhere between `sent` and `now`; a whole number
                # of seconds was rounded up, so the true value is within the second below it.
                unit = 1.0 if resets == int(resets) and resets > 0 else 0.0
                lo, hi = sent + resets - unit, now + resets
            if hi <= now:
                return  # that window is over: what it said no longer holds
            first = self._quota is None
            self._quota = max(self._quota or 0, value + 1)
            self._limit = max(self._limit, value + 1)
            if first or lo >= self._reset_at:
                # The first window we hear of, or one that resets after the last one can have reset
                # (its request was sent after that reset).
                self._least_remaining, self._reset_lo, self._reset_at = value, lo, hi
                self._window_known = True
            elif now >= self._reset_at or hi <= self._reset_lo:
                return  # a late answer from a window that has already reset
            else:
                # The same window: every response bounds its reset; keep the tightest safe bound.
                self._least_remaining = min(self._least_remaining, value)
                self._reset_lo = max(self._reset_lo, lo)
                self._reset_at = max(min(self._reset_at, hi), self._reset_lo)
            self._answered.notify_all()

    def throttled_response(self, headers: Mapping[str, str], attempt: int) -> float:
        """A 429 arrived: block further requests until the reset; returns the wait taken by this caller."""
        resets = parse_resets_after(header(headers, RESETS_AFTER))
        base = resets if resets is not None else self.policy.default_window
        # Spread waking workers over the window so they do not burst together (ARG guidance).
        wait = min(base * (1.0 + self._rng.uniform(0.0, 0.5 if attempt > 1 else 0.2)), self.policy.max_wait)
        with self._lock:
            self.throttled += 1
            self._quota = self._quota or 1
            self._least_remaining = 0
            self._window_known = True
            until = self._clock() + wait
            self._reset_at = max(self._reset_at, until)
            self._reset_lo = max(self._reset_lo, until)
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


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A response header by name, compared case-insensitively (ARG's and ARM's readers both use it)."""
    if name in headers:
        return headers[name]
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None
