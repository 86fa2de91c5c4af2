"""BigCommerceClient: one object per store, endpoint groups mixed in from `resources/`."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import requests

from .http import HttpCore, Keepalive, longest_request_seconds
from .ratelimit import RateBudget, RateLimitState
from .resources.catalog import CatalogMixin
from .resources.customers import CustomersMixin
from .resources.inventory import InventoryMixin
from .resources.orders import OrdersMixin
from .resources.refunds import RefundsMixin
from .resources.shipping import ShippingMixin
from .resources.store import StoreMixin
from .resources.webhooks import WebhooksMixin

__all__ = ["DEFAULT_API_URL", "BigCommerceClient"]

DEFAULT_API_URL = "https://api.bigcommerce.com"


class BigCommerceClient(
    StoreMixin,
    CatalogMixin,
    OrdersMixin,
    RefundsMixin,
    CustomersMixin,
    InventoryMixin,
    ShippingMixin,
    WebhooksMixin,
):
    """Typed access to one store's REST API (V3 under /v3, V2 under /v2).

    Built from plain values so scripts and tests need no Django; `from_connection` accepts
    anything with `api_url`, `store_hash` and `access_token` (e.g. the StoreConnection model).
    """

    def __init__(
        self,
        *,
        api_url: str = DEFAULT_API_URL,
        store_hash: str,
        access_token: str,
        timeout: tuple[float, float] | float = (5.0, 60.0),
        max_retries: int = 5,
        max_retry_seconds: float = 60.0,
        budget: RateBudget | None = None,
        session: requests.Session | None = None,
        user_agent: str = "bcsync/0.1",
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[float, float], float] = random.uniform,
    ) -> None:
        if not store_hash or not access_token:
            raise ValueError("store_hash and access_token are required")
        self.store_hash = store_hash
        self.api_url = api_url
        self._http = HttpCore(
            api_url=api_url,
            store_hash=store_hash,
            access_token=access_token,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_seconds=max_retry_seconds,
            budget=budget,
            session=session,
            user_agent=user_agent,
            sleep=sleep,
            clock=clock,
            rng=rng,
        )

    @classmethod
    def from_connection(cls, conn: Any, **kwargs: Any) -> BigCommerceClient:
        """Build from an object with `api_url`, `store_hash` and `access_token` attributes."""
        api_url = getattr(conn, "api_url", None) or DEFAULT_API_URL
        return cls(
            api_url=api_url, store_hash=conn.store_hash, access_token=conn.access_token, **kwargs
        )

    @property
    def request_count(self) -> int:
        """HTTP requests sent so far (attempts that never connected are not counted)."""
        return self._http.request_count

    @property
    def rate_limit(self) -> RateLimitState:
        """The rate-limit headers of the latest response that had them."""
        return self._http.last_rate_limit

    @property
    def budget(self) -> RateBudget:
        return self._http.budget

    @property
    def keepalive(self) -> Keepalive | None:
        """Called before each attempt and during every retry or rate-limit wait (set by a
        long-running caller that must show it is alive while the client waits)."""
        return self._http.keepalive

    @keepalive.setter
    def keepalive(self, value: Keepalive | None) -> None:
        self._http.keepalive = value

    @property
    def longest_request_seconds(self) -> float:
        """The longest one call can take with its retries (see `longest_request_seconds`)."""
        return longest_request_seconds(timeout=self._http.timeout,
                                       max_retry_seconds=self._http.max_retry_seconds)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BigCommerceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"BigCommerceClient(api_url={self.api_url!r}, store_hash={self.store_hash!r})"
