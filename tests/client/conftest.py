"""Fixtures for client tests: a mocked HTTP edge (responses) and a fake clock."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import responses

from bcsync.client import BigCommerceClient

from .spec_routes import SPECS_DIR, find_route

API_URL = "https://api.example.test"
STORE = "abc123"
BASE = f"{API_URL}/stores/{STORE}"
TOKEN = "tok-SECRET-7f3a9c1e5b"


class FakeTime:
    """Clock whose sleep() returns at once and moves time forward; records every sleep."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    """The HTTP edge; afterwards, every request made must be an operation in the specs."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps
    if not SPECS_DIR.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"BigCommerce specs not found at {SPECS_DIR} (BC_SPECS_DIR)")
        return
    for call in rsps.calls:
        method = call.request.method or ""
        path = re.sub(r"^/stores/[^/]+", "", urlsplit(call.request.url).path)
        assert find_route(method, path), f"{method} {path} is not an operation in the specs"


def make_client(fake_time: FakeTime, **kwargs: Any) -> BigCommerceClient:
    options: dict[str, Any] = {
        "api_url": API_URL,
        "store_hash": STORE,
        "access_token": TOKEN,
        "sleep": fake_time.sleep,
        "clock": fake_time.clock,
        # The top of the jitter range: deterministic, and the worst case for bounds.
        "rng": lambda low, high: high,
    }
    options.update(kwargs)
    return BigCommerceClient(**options)


@pytest.fixture
def client(fake_time: FakeTime) -> BigCommerceClient:
    return make_client(fake_time)


def v3_list(
    items: list[dict[str, Any]], *, page: int = 1, total_pages: int = 1, total: int | None = None
) -> dict[str, Any]:
    return {
        "data": items,
        "meta": {
            "pagination": {
                "total": len(items) if total is None else total,
                "count": len(items),
                "per_page": 250,
                "current_page": page,
                "total_pages": total_pages,
                "links": {"current": f"?page={page}&limit=250"},
            }
        },
    }


def rate_headers(left: int, reset_ms: int = 10_000, quota: int = 150) -> dict[str, str]:
    return {
        "X-Rate-Limit-Requests-Left": str(left),
        "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
        "X-Rate-Limit-Time-Window-Ms": "30000",
        "X-Rate-Limit-Requests-Quota": str(quota),
    }


def query(params: dict[str, str], *, strict: bool = True) -> list[Any]:
    """A responses matcher list for exact query parameters."""
    from responses import matchers

    return [matchers.query_param_matcher(params, strict_match=strict)]
