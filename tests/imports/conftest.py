"""The push tests' emulator (seed 3) and store connection; the LC filled by a reload of
brands, categories and products, after the test adds its own awkward products."""

from __future__ import annotations

from typing import Any

import pytest

from bcsync.client import BigCommerceClient
from bcsync.models import StoreConnection
from localcopy.services import lc_reload
from tests.push.conftest import (  # noqa: F401  fixtures
    Api,
    api,
    client,
    connection,
    emu,
    store,
)


def lc_fill(conn: StoreConnection, bc: BigCommerceClient) -> None:
    for dataset in ("brands", "categories", "products"):
        summary = lc_reload(client=bc, store_hash=conn.store_hash, dataset=dataset)
        assert summary.ok, summary.line()


def product_post(http: Api, **fields: Any) -> dict[str, Any]:
    """A product created on the emulator over HTTP (as staff would online)."""
    body = {"type": "physical", "weight": 1, "price": 5, **fields}
    resp = http.session.post(f"{http.emu.api_url}/v3/catalog/products", json=body, timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()["data"]


@pytest.fixture
def lc(request):
    """Fill the LC (call after adding products online)."""
    conn, bc = request.getfixturevalue("connection"), request.getfixturevalue("client")
    return lambda: lc_fill(conn, bc)
