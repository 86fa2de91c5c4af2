"""Deterministic fault injection: the n-th store API request always meets the same fate
for a given seed and settings, whatever the timing."""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class FaultSettings:
    error_rate: float = 0.0  # 500/502/503
    rate_limit_rate: float = 0.0  # 429 regardless of quota
    reset_rate: float = 0.0  # connection reset before the request is processed
    reset_after_write_rate: float = 0.0  # write applied, then the connection is reset
    slow_ms: int = 0
    slow_rate: float = 1.0  # share of requests delayed by slow_ms (when slow_ms > 0)
    seed: int = 0

    def active(self) -> bool:
        return any((self.error_rate, self.rate_limit_rate, self.reset_rate,
                    self.reset_after_write_rate, self.slow_ms))


@dataclass
class Fate:
    kind: str = "ok"  # ok | error | rate_limit | reset | reset_after_write
    status: int = 200
    delay_ms: int = 0


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.configure(FaultSettings())

    def configure(self, settings: FaultSettings) -> None:
        with self._lock:
            self.settings = settings
            self._rng = random.Random(settings.seed)

    def update(self, **changes: Any) -> FaultSettings:
        fields = set(FaultSettings.__dataclass_fields__)
        unknown = set(changes) - fields
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        current = asdict(FaultSettings())  # unspecified settings go back to off
        current.update(changes)
        values: dict[str, Any] = {
            k: (int(v) if k in ("slow_ms", "seed") else float(v)) for k, v in current.items()
        }
        settings = FaultSettings(**values)
        self.configure(settings)
        return settings

    def draw(self, is_write: bool) -> Fate:
        """Three draws per request, always, so one request's outcome never shifts the next."""
        with self._lock:
            s = self.settings
            if not s.active():
                return Fate()
            roll, pick, slow = self._rng.random(), self._rng.random(), self._rng.random()
        delay = s.slow_ms if s.slow_ms and slow < s.slow_rate else 0
        edge = s.error_rate
        if roll < edge:
            return Fate("error", (500, 502, 503)[int(pick * 3)], delay)
        edge += s.rate_limit_rate
        if roll < edge:
            return Fate("rate_limit", 429, delay)
        edge += s.reset_rate
        if roll < edge:
            return Fate("reset", 0, delay)
        edge += s.reset_after_write_rate
        if roll < edge:
            # Reads have nothing to lose after the fact, so they reset up front.
            return Fate("reset_after_write" if is_write else "reset", 0, delay)
        return Fate("ok", 200, delay)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self.settings)
