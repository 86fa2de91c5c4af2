"""BigCommerce-style fixed-window request quota with its response headers."""

from __future__ import annotations

import threading
import time


class RateLimiter:
    def __init__(self, quota: int, window_ms: int) -> None:
        self._lock = threading.Lock()
        self.configure(quota, window_ms)

    def configure(self, quota: int, window_ms: int) -> None:
        with self._lock:
            self.quota = max(1, int(quota))
            self.window_ms = max(1, int(window_ms))
            self._start = time.monotonic()
            self._used = 0

    def _roll(self) -> float:
        elapsed_ms = (time.monotonic() - self._start) * 1000
        if elapsed_ms >= self.window_ms:
            self._start = time.monotonic()
            self._used = 0
            elapsed_ms = 0
        return elapsed_ms

    def take(self) -> tuple[bool, dict[str, str]]:
        """Spend one request; returns (allowed, headers describing the window)."""
        with self._lock:
            elapsed = self._roll()
            allowed = self._used < self.quota
            if allowed:
                self._used += 1
            return allowed, self._headers(elapsed)

    def peek(self, exhausted: bool = False) -> dict[str, str]:
        with self._lock:
            headers = self._headers(self._roll())
            if exhausted:
                headers["X-Rate-Limit-Requests-Left"] = "0"
            return headers

    def _headers(self, elapsed_ms: float) -> dict[str, str]:
        reset = max(0, int(self.window_ms - elapsed_ms))
        return {
            "X-Rate-Limit-Time-Window-Ms": str(self.window_ms),
            "X-Rate-Limit-Time-Reset-Ms": str(reset),
            "X-Rate-Limit-Requests-Quota": str(self.quota),
            "X-Rate-Limit-Requests-Left": str(max(0, self.quota - self._used)),
        }
