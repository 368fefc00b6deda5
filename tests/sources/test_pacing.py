"""QuotaPacer: spends the quota, waits for resets, backs off; with a fake clock (no real sleeping)."""

from __future__ import annotations

import random

import pytest

from scanner.sources.pacing import QuotaPacer, RetryPolicy, parse_resets_after


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def pacer(policy: RetryPolicy | None = None) -> tuple[QuotaPacer, FakeTime]:
    t = FakeTime()
    return QuotaPacer(policy, clock=t.clock, sleep=t.sleep, rng=random.Random(1)), t


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:00:03", 3.0), ("00:01:00", 60.0), ("01:00:00.5", 3600.5), ("", None), (None, None), ("3s", None)],
)
def test_parse_resets_after(text, seconds):
    assert parse_resets_after(text) == seconds


def test_spends_the_quota_then_waits_for_the_reset():
    p, t = pacer()
    p.acquire()
    p.record({"x-ms-user-quota-remaining": "2", "x-ms-user-quota-resets-after": "00:00:04"})
    p.acquire()
    p.acquire()
    assert t.slept == []  # two left: no waiting
    p.acquire()  # quota spent: waits until the window resets
    assert t.now >= 4.0
    assert sum(t.slept) < 4.1


def test_headers_are_read_case_insensitively_and_bad_values_ignored():
    p, t = pacer()
    p.record({"X-Ms-User-Quota-Remaining": "0", "X-Ms-User-Quota-Resets-After": "00:00:02"})
    p.acquire()
    assert 2.0 <= t.now < 2.1
    p.record({"x-ms-user-quota-remaining": "many"})
    p.acquire()  # ignored: no extra wait
    assert t.now < 2.1


def test_throttled_response_waits_the_reset_with_jitter_and_blocks_others():
    p, t = pacer()
    waited = p.throttled_response({"x-ms-user-quota-resets-after": "00:00:05"}, attempt=1)
    assert 5.0 <= waited <= 6.0
    assert p.throttled == 1
    before = t.now
    p.acquire()  # the window has passed: goes at once
    assert t.now == before


def test_throttle_without_headers_uses_the_default_window():
    p, _ = pacer(RetryPolicy(default_window=3.0))
    assert 3.0 <= p.throttled_response({}, attempt=1) <= 3.6


def test_backoff_grows_and_is_capped():
    p, _ = pacer(RetryPolicy(backoff_base=1.0, backoff_max=4.0))
    waits = [p.backoff(n) for n in range(1, 6)]
    assert waits[0] <= 1.0
    assert all(w <= 4.0 for w in waits)
    assert waits[3] >= 2.0  # 4 s * jitter in [0.5, 1]


def test_waits_are_bounded():
    p, _ = pacer(RetryPolicy(max_wait=10.0))
    assert p.throttled_response({"x-ms-user-quota-resets-after": "01:00:00"}, attempt=3) == 10.0
