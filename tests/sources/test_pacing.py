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


def quota(remaining: int, resets: str) -> dict[str, str]:
    return {"x-ms-user-quota-remaining": str(remaining), "x-ms-user-quota-resets-after": resets}


def test_spends_the_quota_then_waits_for_the_reset():
    p, t = pacer()
    p.record(quota(2, "00:00:04"), p.acquire())
    p.release(p.acquire())
    p.release(p.acquire())
    assert t.slept == []  # two left: no waiting
    p.acquire()  # quota spent: waits until the window resets
    assert t.now >= 4.0
    assert sum(t.slept) < 4.1


def test_headers_are_read_case_insensitively_and_bad_values_ignored():
    p, t = pacer()
    p.record({"X-Ms-User-Quota-Remaining": "0", "X-Ms-User-Quota-Resets-After": "00:00:02"})
    slot = p.acquire()
    assert 2.0 <= t.now < 2.1
    p.record({"x-ms-user-quota-remaining": "many"}, slot)
    p.acquire()  # ignored: no extra wait
    assert t.now < 2.1


def test_the_reset_is_bounded_by_every_response_of_the_window():
    """Whole-second headers, intersected: the wait ends when the earliest bound says, not a second later."""
    p, t = pacer(RetryPolicy(window_queries=100))
    first = p.acquire()  # the window starts with this request (server time ~0.05)
    t.now = 0.1
    p.record(quota(2, "00:00:05"), first)  # the reset is at most 0.1 + 5
    second = p.acquire()
    t.now = 1.9
    p.record(quota(1, "00:00:04"), second)  # alone this says "by 5.9" (3.15 s left, rounded up)
    p.release(p.acquire())
    p.acquire()  # spent: waits for the tightest bound, 5.1
    assert 5.1 <= t.now < 5.2


def test_a_late_answer_from_a_window_that_has_reset_is_ignored():
    p, t = pacer(RetryPolicy(window_queries=100))
    old = p.acquire()
    t.now = 0.1
    p.record(quota(3, "00:00:05"), p.acquire())  # window 1: resets by 5.1
    t.now = 6.0
    new = p.acquire()
    t.now = 6.1
    p.record(quota(9, "00:00:05"), new)  # window 2 (the quota is 10)
    t.now = 6.2
    p.record(quota(0, "00:00:01"), old)  # window 1's answer, very late: it cannot reset after 5.1 + ...
    before = t.now
    for _ in range(8):
        p.release(p.acquire())
    assert t.now == before  # window 2 still has 9 - 0 in flight


def test_no_more_than_the_window_quota_in_any_window_even_when_answers_are_quick():
    p, t = pacer()  # 15 per 5 s
    sent: list[float] = []
    for _ in range(40):
        slot = p.acquire()
        sent.append(t.now)
        t.now += 0.05  # the response arrives 50 ms later
        p.record(quota(14, "00:00:05"), slot)  # a server that never says the quota is spent
    for i in range(len(sent) - 15):
        assert sent[i + 15] - sent[i] >= 5.0, (i, sent[i], sent[i + 15])
    assert sent[-1] < 3 * 5.0 + 1.0  # and it does not wait longer than that


def test_a_larger_quota_in_the_headers_raises_the_local_window():
    p, t = pacer()
    for _ in range(40):
        p.record(quota(99, "00:00:05"), p.acquire())
    assert t.now == 0


def test_after_a_reset_the_quota_is_not_burst_before_the_server_answers():
    p, t = pacer(RetryPolicy(window_queries=100))
    p.record(quota(1, "00:00:01"), p.acquire())  # the quota is 2
    p.release(p.acquire())
    a, b = p.acquire(), None  # waited for the reset (1 s)
    assert 1.0 <= t.now < 1.1
    b = p.acquire()  # the second of the new window
    assert t.now < 1.1
    # the third must wait for an answer that says when the new window resets (with both in flight
    # and nothing answering it would block); then it waits for that window's reset
    t.now = 1.2
    p.record(quota(1, "00:00:01"), a)  # 1 left, but b is in flight: it may be counted
    p.release(b)  # b failed without headers: it may have been counted all the same
    p.acquire()
    assert t.now >= 2.2


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
