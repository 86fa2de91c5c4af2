"""The keepalive: a caller that must show it is alive (an LC pass) hears from the client
before each attempt and, in slices, during every retry and rate-limit wait."""

from __future__ import annotations

from itertools import pairwise

from bcsync.client import longest_request_seconds

from .conftest import BASE, make_client, rate_headers


def test_the_keepalive_is_called_before_each_attempt_and_through_long_waits(mocked, fake_time):
    client = make_client(fake_time, max_retries=3)
    beats: list[float] = []
    client.keepalive = lambda: beats.append(fake_time.now)
    # A 429 asking for 12 s, then a 503 (0.5 s backoff), then the answer.
    mocked.get(f"{BASE}/v2/time", status=429, headers=rate_headers(0, reset_ms=12_000))
    mocked.get(f"{BASE}/v2/time", status=503)
    mocked.get(f"{BASE}/v2/time", json={"time": 1})

    client.server_time()

    # The 12 s wait is slept in slices of at most 5 s, with a beat before each.
    assert fake_time.sleeps[:3] == [5.0, 5.0, 2.0]
    start = beats[0]
    # A beat before the 1st attempt, 3 in the 12 s wait, one before the 2nd attempt, one in
    # the 0.5 s backoff, one before the 3rd: never more than 5 s apart.
    assert len(beats) == 7
    assert all(b - a <= 5.0 for a, b in pairwise(beats))
    assert beats[-1] - start == sum(fake_time.sleeps)


def test_without_a_keepalive_a_wait_is_one_sleep(mocked, fake_time):
    client = make_client(fake_time, max_retries=1)
    mocked.get(f"{BASE}/v2/time", status=429, headers=rate_headers(0, reset_ms=12_000))
    mocked.get(f"{BASE}/v2/time", json={"time": 1})

    client.server_time()

    assert fake_time.sleeps == [12.0]


def test_the_longest_request_is_the_retry_budget_plus_one_whole_attempt(fake_time):
    assert longest_request_seconds(timeout=(5.0, 60.0), max_retry_seconds=60.0) == 125.0
    assert longest_request_seconds(timeout=10.0, max_retry_seconds=3.0) == 23.0
    client = make_client(fake_time, timeout=(1.0, 2.0), max_retry_seconds=4.0)
    assert client.longest_request_seconds == 7.0
