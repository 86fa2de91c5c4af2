"""The emulator's state: configuration, storage, router and webhook dispatcher."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

from . import DEFAULT_STORE_HASH, DEFAULT_TOKEN
from .faults import Faults
from .ratelimit import RateLimiter
from .routing import Router
from .stats import Stats
from .store import Store
from .webhooks import Dispatcher


@dataclass
class Config:
    store_hash: str = DEFAULT_STORE_HASH
    token: str = DEFAULT_TOKEN
    db: str = ":memory:"
    quota: int = 10000
    window_ms: int = 30000
    webhook_retry_delays: list[float] = field(default_factory=lambda: [0.2, 0.5, 1.0, 2.0])


class Emulator:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.store = Store(config.db)
        self.router = build_router()
        self.faults = Faults()
        self.ratelimit = RateLimiter(config.quota, config.window_ms)
        self.stats = Stats()
        self.dispatcher = Dispatcher(self, config.webhook_retry_delays)
        self._pending = threading.local()
        self.public_base = f"http://127.0.0.1/stores/{config.store_hash}"
        self.verbose = False

    @property
    def store_hash(self) -> str:
        return self.config.store_hash

    @property
    def store_id(self) -> str:
        """A stable numeric store id, as webhook payloads and /v2/store carry one."""
        return str(1000000 + int(hashlib.sha1(self.store_hash.encode()).hexdigest()[:5], 16))

    # ---- webhook events -----------------------------------------------------------------
    # Events raised inside a transaction are held back until it commits, so a request
    # that fails half-way announces nothing.

    def emit(self, scope: str, data: dict[str, Any]) -> None:
        pending = getattr(self._pending, "events", None)
        if pending is None:
            self.dispatcher.publish(scope, data)
        else:
            pending.append((scope, data))

    def begin_events(self) -> None:
        self._pending.events = []

    def end_events(self, publish: bool) -> None:
        events = getattr(self._pending, "events", None) or []
        self._pending.events = None
        if publish:
            for scope, data in events:
                self.dispatcher.publish(scope, data)


def build_router() -> Router:
    from . import (
        brands,
        categories,
        customers,
        inventory,
        options,
        orders,
        product_parts,
        products,
        refunds,
        storeinfo,
        variants,
        webhooks,
    )

    router = Router()
    for module in (products, variants, options, product_parts, brands, categories, orders,
                   refunds, customers, inventory, storeinfo, webhooks):
        module.register(router)
    return router
