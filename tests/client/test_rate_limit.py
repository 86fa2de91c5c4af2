from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator

import pytest

from bcsync.client import LocalBudget, RateLimited, RateLimitState, RedisBudget

from .conftest import BASE, FakeTime, make_client, rate_headers

TIME = f"{BASE}/v2/time"


def test_it_reads_the_rate_limit_headers():
    state = RateLimitState.from_headers(
        {**rate_headers(left=149, reset_ms=29_000, quota=150), "X-Retry-After": "3"}
    )

    assert state == RateLimitState(
        requests_left=149, reset_ms=29_000, window_ms=30_000, quota=150, retry_after_s=3.0
    )
    assert state.known


def test_it_tolerates_missing_or_garbled_headers():
    state = RateLimitState.from_headers({"X-Rate-Limit-Requests-Left": "lots"})

    assert state == RateLimitState()
    assert not state.known


def test_it_exposes_the_latest_rate_limit_state(mocked, client):
    mocked.get(TIME, json={"time": 1}, headers=rate_headers(left=120))

    client.server_time()

    assert client.rate_limit.requests_left == 120


def test_it_waits_the_reset_time_on_429_then_succeeds(mocked, client, fake_time):
    mocked.get(TIME, status=429, headers=rate_headers(left=0, reset_ms=1500))
    mocked.get(TIME, json={"time": 1}, headers=rate_headers(left=149, reset_ms=30_000))

    client.server_time()

    assert fake_time.sleeps == [1.5]
    assert client.request_count == 2


def test_it_falls_back_to_x_retry_after_on_429(mocked, client, fake_time):
    mocked.get(TIME, status=429, headers={"X-Retry-After": "4"})
    mocked.get(TIME, json={"time": 1})

    client.server_time()

    assert fake_time.sleeps == [4.0]


def test_it_backs_off_on_a_429_without_headers(mocked, client, fake_time):
    mocked.get(TIME, status=429)
    mocked.get(TIME, json={"time": 1})

    client.server_time()

    assert fake_time.sleeps == [0.5]


def test_it_retries_a_post_on_429_because_it_was_not_processed(mocked, client, fake_time):
    hooks = f"{BASE}/v3/hooks"
    mocked.post(hooks, status=429, headers=rate_headers(left=0, reset_ms=800))
    mocked.post(hooks, json={"data": {"id": 3, "scope": "s", "destination": "d"}})

    assert client.create_webhook(scope="s", destination="d").id == 3
    assert fake_time.sleeps == [0.8]


def test_it_raises_rate_limited_when_429s_outlast_the_retries(mocked, fake_time):
    client = make_client(fake_time, max_retries=2)
    mocked.get(TIME, status=429, headers=rate_headers(left=0, reset_ms=1000))

    with pytest.raises(RateLimited) as caught:
        client.server_time()

    assert caught.value.transient is True
    assert client.request_count == 3


def test_it_slows_down_before_the_quota_runs_out(mocked, client, fake_time):
    mocked.get(TIME, json={"time": 1}, headers=rate_headers(left=2, reset_ms=4000))
    mocked.get(TIME, json={"time": 1}, headers=rate_headers(left=149, reset_ms=30_000))

    client.server_time()
    assert fake_time.sleeps == []
    client.server_time()

    assert fake_time.sleeps == [4.0]  # waited for the window instead of spending the reserve


def test_it_does_not_wait_while_plenty_of_requests_are_left(mocked, client, fake_time):
    mocked.get(TIME, json={"time": 1}, headers=rate_headers(left=100))

    for _ in range(3):
        client.server_time()

    assert fake_time.sleeps == []


def test_local_budget_counts_down_between_responses(fake_time):
    budget = LocalBudget(reserve=1, clock=fake_time.clock)
    budget.update(RateLimitState(requests_left=3, reset_ms=2000, window_ms=30_000, quota=150))

    assert [budget.acquire() for _ in range(3)] == [0.0, 0.0, 2.0]


def test_local_budget_assumes_a_fresh_quota_after_the_window_resets(fake_time):
    budget = LocalBudget(reserve=1, clock=fake_time.clock)
    budget.update(RateLimitState(requests_left=1, reset_ms=2000, window_ms=30_000, quota=150))
    assert budget.acquire() == 2.0

    fake_time.sleep(2.0)

    assert budget.acquire() == 0.0


def test_local_budget_keeps_the_lower_count_from_out_of_order_responses(fake_time):
    budget = LocalBudget(reserve=0, clock=fake_time.clock)
    budget.update(RateLimitState(requests_left=1, reset_ms=5000))
    budget.update(RateLimitState(requests_left=40, reset_ms=5200))  # an older answer

    assert budget.acquire() == 0.0
    assert budget.acquire() > 0


def test_local_budget_is_thread_safe(fake_time):
    budget = LocalBudget(reserve=0, clock=fake_time.clock)
    budget.update(RateLimitState(requests_left=500, reset_ms=10_000))
    results: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(100):
            wait = budget.acquire()
            with lock:
                results.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert results.count(0.0) == 500


# -- RedisBudget against the real Redis on this machine ------------------------------------


def redis_url() -> str:
    # CI hands each run its own Redis database through REDIS_URL.
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_client() -> Iterator[object]:
    redis = pytest.importorskip("redis")
    url = redis_url()
    conn = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {url} is required in CI: {exc}")
        pytest.skip(f"Redis at {url} not reachable: {exc}")
    prefix = f"bcsync-test-{uuid.uuid4().hex}"
    conn.test_prefix = prefix  # type: ignore[attr-defined]
    yield conn
    for key in conn.scan_iter(f"{prefix}:*"):
        conn.delete(key)
    conn.close()


def test_redis_budget_is_shared_between_two_clients(mocked, redis_client, fake_time: FakeTime):
    prefix = redis_client.test_prefix  # type: ignore[attr-defined]
    # Two clients as two worker processes would build them: separate budget objects, one key.
    first = make_client(
        fake_time, budget=RedisBudget(redis_client, prefix, "abc123", clock=fake_time.clock)
    )
    second = make_client(
        fake_time, budget=RedisBudget(redis_client, prefix, "abc123", clock=fake_time.clock)
    )
    mocked.get(TIME, json={"time": 1}, headers=rate_headers(left=2, reset_ms=6000))
    mocked.get(TIME, json={"time": 1}, headers=rate_headers(left=149, reset_ms=30_000))

    first.server_time()
    second.server_time()

    # The second client never saw a response yet still waited for the window to reset.
    assert fake_time.sleeps == [6.0]


def test_redis_budget_decrements_atomically(redis_client, fake_time):
    prefix = redis_client.test_prefix  # type: ignore[attr-defined]
    setup = RedisBudget(redis_client, prefix, "s1", reserve=0, clock=fake_time.clock)
    setup.update(RateLimitState(requests_left=50, reset_ms=20_000, window_ms=30_000, quota=150))
    results: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        budget = RedisBudget(redis_client, prefix, "s1", reserve=0, clock=fake_time.clock)
        for _ in range(20):
            wait = budget.acquire()
            with lock:
                results.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert results.count(0.0) == 50
    assert all(w == 20.0 for w in results if w)


def test_redis_budget_reopens_with_the_quota_after_the_window(redis_client, fake_time):
    prefix = redis_client.test_prefix  # type: ignore[attr-defined]
    budget = RedisBudget(redis_client, prefix, "s2", reserve=1, clock=fake_time.clock)
    budget.update(RateLimitState(requests_left=1, reset_ms=3000, window_ms=30_000, quota=150))
    assert budget.acquire() == 3.0

    fake_time.sleep(3.0)

    assert budget.acquire() == 0.0
    assert int(redis_client.hget(budget.key, "left")) == 149


def test_redis_budget_lets_requests_through_when_nothing_is_known(redis_client, fake_time):
    budget = RedisBudget(redis_client, redis_client.test_prefix, "s3", clock=fake_time.clock)  # type: ignore[attr-defined]

    assert budget.acquire() == 0.0


def test_redis_budget_keys_are_per_store(redis_client, fake_time):
    prefix = redis_client.test_prefix  # type: ignore[attr-defined]
    busy = RedisBudget(redis_client, prefix, "busy", reserve=1, clock=fake_time.clock)
    idle = RedisBudget(redis_client, prefix, "idle", reserve=1, clock=fake_time.clock)
    busy.update(RateLimitState(requests_left=0, reset_ms=5000))

    assert busy.acquire() == 5.0
    assert idle.acquire() == 0.0


def test_redis_budget_accepts_a_url(redis_client, fake_time):
    prefix = redis_client.test_prefix  # type: ignore[attr-defined]
    budget = RedisBudget(redis_url(), prefix, "s4", clock=fake_time.clock)
    budget.update(RateLimitState(requests_left=0, reset_ms=2000))

    assert budget.acquire() == 2.0
    assert redis_client.exists(budget.key)


def test_redis_budget_fails_open_when_redis_is_down(fake_time, caplog):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    budget = RedisBudget(f"redis://127.0.0.1:{port}/0", "bcsync-test", "s5", clock=fake_time.clock)

    assert budget.acquire() == 0.0
    budget.update(RateLimitState(requests_left=1, reset_ms=1000))
    assert "rate budget unavailable" in caplog.text
