"""Rate-limit headers and the request budget shared by callers for one store.

BigCommerce gives every store a quota per window (e.g. 150 requests per 30 s) shared by all
apps. Each response tells how many requests are left and when the window resets; a budget
remembers that so the next request can wait for the reset instead of earning a 429.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

__all__ = ["LocalBudget", "RateBudget", "RateLimitState", "RedisBudget"]

logger = logging.getLogger("bcsync.client")


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class RateLimitState:
    """The X-Rate-Limit-* headers of one response (None where absent)."""

    requests_left: int | None = None
    reset_ms: int | None = None
    window_ms: int | None = None
    quota: int | None = None
    retry_after_s: float | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimitState:
        retry_after = headers.get("X-Retry-After")
        try:
            retry_after_s = float(retry_after) if retry_after is not None else None
        except ValueError:
            retry_after_s = None
        return cls(
            requests_left=_int_header(headers, "X-Rate-Limit-Requests-Left"),
            reset_ms=_int_header(headers, "X-Rate-Limit-Time-Reset-Ms"),
            window_ms=_int_header(headers, "X-Rate-Limit-Time-Window-Ms"),
            quota=_int_header(headers, "X-Rate-Limit-Requests-Quota"),
            retry_after_s=retry_after_s,
        )

    @property
    def known(self) -> bool:
        return self.requests_left is not None and self.reset_ms is not None


@runtime_checkable
class RateBudget(Protocol):
    """Decides whether a request may go now; learns from each response's headers."""

    def acquire(self) -> float:
        """Take one request from the budget; return 0, or the seconds to wait and ask again."""

    def update(self, state: RateLimitState) -> None:
        """Record the latest headers the server sent."""


class LocalBudget:
    """In-process budget, safe to share between threads of one process.

    Requests go freely while the remaining count is above `reserve`; at or below it they wait
    for the window to reset, leaving some headroom for other apps on the same store.
    """

    def __init__(self, *, reserve: int = 2, clock: Callable[[], float] = time.monotonic) -> None:
        self.reserve = reserve
        self._clock = clock
        self._lock = threading.Lock()
        self._left: int | None = None
        self._reset_at = 0.0
        self._quota: int | None = None
        self._window_s: float | None = None

    def acquire(self) -> float:
        with self._lock:
            now = self._clock()
            if self._left is None:
                return 0.0
            if now >= self._reset_at:
                # The window rolled over: assume a fresh quota until the server says otherwise.
                if self._quota is None or self._window_s is None:
                    self._left = None
                    return 0.0
                self._left = self._quota
                self._reset_at = now + self._window_s
            if self._left > self.reserve:
                self._left -= 1
                return 0.0
            return max(self._reset_at - now, 0.001)

    def update(self, state: RateLimitState) -> None:
        if state.requests_left is None or state.reset_ms is None:
            return
        with self._lock:
            now = self._clock()
            reset_at = now + state.reset_ms / 1000.0
            left = state.requests_left
            # Responses to concurrent requests arrive out of order; within one window the
            # smaller count is the newer truth.
            if self._left is not None and abs(reset_at - self._reset_at) < 1.0:
                left = min(left, self._left)
            self._left = left
            self._reset_at = reset_at
            if state.quota is not None:
                self._quota = state.quota
            if state.window_ms is not None:
                self._window_s = state.window_ms / 1000.0


# KEYS[1] = budget hash. ARGV: now_ms, reserve.
# Returns milliseconds to wait (0 = go; one request has been taken from the budget).
_ACQUIRE = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local reserve = tonumber(ARGV[2])
local v = redis.call('HMGET', key, 'left', 'reset_at', 'quota', 'window')
local left, reset_at = tonumber(v[1]), tonumber(v[2])
local quota, window = tonumber(v[3]), tonumber(v[4])
if left == nil or reset_at == nil then
  return 0
end
if now >= reset_at then
  if quota == nil or window == nil then
    redis.call('DEL', key)
    return 0
  end
  left = quota
  reset_at = now + window
  redis.call('HSET', key, 'left', left, 'reset_at', reset_at)
end
if left > reserve then
  redis.call('HSET', key, 'left', left - 1)
  return 0
end
return math.max(reset_at - now, 1)
"""

# KEYS[1] = budget hash. ARGV: now_ms, left, reset_ms, quota or '', window_ms or ''.
_UPDATE = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local left = tonumber(ARGV[2])
local reset_at = now + tonumber(ARGV[3])
local v = redis.call('HMGET', key, 'left', 'reset_at')
local old_left, old_reset = tonumber(v[1]), tonumber(v[2])
if old_left ~= nil and old_reset ~= nil and math.abs(reset_at - old_reset) < 1000 then
  left = math.min(left, old_left)
end
redis.call('HSET', key, 'left', left, 'reset_at', reset_at)
if ARGV[4] ~= '' then redis.call('HSET', key, 'quota', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', key, 'window', ARGV[5]) end
redis.call('PEXPIRE', key, tonumber(ARGV[3]) + 120000)
return left
"""


class RedisBudget:
    """Budget shared through Redis by every process that talks to the same store.

    Without it, N Celery workers each believe they own the whole quota and together produce
    N times the 429s. The state is one hash per store; both operations are single Lua scripts,
    so a read-modify-write never interleaves with another worker's. `clock` must be wall-clock
    time (shared across machines), hence `time.time` rather than a monotonic clock.
    """

    def __init__(
        self,
        redis_client_or_url: Any,
        key_prefix: str,
        store_hash: str,
        *,
        reserve: int = 2,
        clock: Callable[[], float] = time.time,
    ) -> None:
        import redis  # imported lazily: only processes that share a budget need it

        if isinstance(redis_client_or_url, str):
            redis_client_or_url = redis.Redis.from_url(
                redis_client_or_url, socket_timeout=2, socket_connect_timeout=2
            )
        self._redis_error: type[Exception] = redis.RedisError
        self._redis = redis_client_or_url
        self.key = f"{key_prefix}:ratelimit:{store_hash}"
        self.reserve = reserve
        self._clock = clock
        self._acquire = self._redis.register_script(_ACQUIRE)
        self._update = self._redis.register_script(_UPDATE)

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    def acquire(self) -> float:
        try:
            wait_ms = self._acquire(keys=[self.key], args=[self._now_ms(), self.reserve])
        except self._redis_error as exc:
            # Fail open: without Redis we still honour 429s, we just lose the early slow-down.
            logger.warning("rate budget unavailable (%s); sending without it", exc)
            return 0.0
        return int(wait_ms) / 1000.0

    def update(self, state: RateLimitState) -> None:
        if state.requests_left is None or state.reset_ms is None:
            return
        try:
            self._send_update(state)
        except self._redis_error as exc:
            logger.warning("rate budget unavailable (%s); state not shared", exc)

    def _send_update(self, state: RateLimitState) -> None:
        self._update(
            keys=[self.key],
            args=[
                self._now_ms(),
                state.requests_left,
                state.reset_ms,
                "" if state.quota is None else state.quota,
                "" if state.window_ms is None else state.window_ms,
            ],
        )

    def __repr__(self) -> str:
        return f"RedisBudget(key={self.key!r}, reserve={self.reserve})"
