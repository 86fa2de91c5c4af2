"""An emulator seeded with three products (SKU000001–3, sizes S/M/L, brands and categories),
reseeded before each test; a store connection to it, selling from the test location."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests

from bcemulator.process import EmulatorProcess
from bcsync.client import BigCommerceClient, LocalBudget
from bcsync.connections import connection_upsert
from bcsync.models import StoreConnection
from catalog.models import Item, StockLevel
from localcopy.services import lc_reload

SEED = 3


@pytest.fixture(scope="session")
def emu() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed=SEED) as process:
        yield process


@pytest.fixture
def store(emu: EmulatorProcess) -> EmulatorProcess:
    emu.faults()
    emu.seed(SEED)
    emu.reset_stats()
    return emu


@pytest.fixture
def connection(store, store_location, settings) -> StoreConnection:
    settings.BIGCOMMERCE_CLIENT = {**settings.BIGCOMMERCE_CLIENT, "max_retries": 1,
                                   "max_retry_seconds": 2}
    conn, _ = connection_upsert(store_hash=store.store_hash, access_token=store.token,
                                api_url=store.base_url, description="Test shop")
    conn.pos_location = store_location
    conn.save()
    return conn


@pytest.fixture
def client(store) -> Iterator[BigCommerceClient]:
    with BigCommerceClient(api_url=store.base_url, store_hash=store.store_hash,
                           access_token=store.token, budget=LocalBudget(),
                           max_retries=1, max_retry_seconds=2) as c:
        yield c


def lc_load(connection: StoreConnection, client: BigCommerceClient) -> None:
    """The LC as BigCommerce has it now (products and brands)."""
    for dataset in ("brands", "products"):
        summary = lc_reload(client=client, store_hash=connection.store_hash, dataset=dataset)
        assert summary.ok, summary.line()


class Api:
    """Plain HTTP reads of the emulator, independent of our client."""

    def __init__(self, emu: EmulatorProcess) -> None:
        self.emu = emu
        self.session = requests.Session()
        self.session.headers.update({"X-Auth-Token": emu.token, "Accept": "application/json"})

    def get(self, path: str, **params: Any) -> Any:
        resp = self.session.get(f"{self.emu.api_url}{path}", params=params, timeout=30)
        resp.raise_for_status()
        return resp.json()

    def products(self, **params: Any) -> list[dict[str, Any]]:
        return self.get("/v3/catalog/products", limit=250, **params)["data"]

    def product(self, product_id: int, **params: Any) -> dict[str, Any]:
        return self.get(f"/v3/catalog/products/{product_id}", **params)["data"]

    def requests(self) -> int:
        return int(self.emu.stats()["total"])


@pytest.fixture
def api(store) -> Api:
    return Api(store)


def new_item(department, vendor, location, *, sku: str, name: str, price: str = "10.00",
             stock: int = 3, **fields: Any) -> Item:
    item = Item.objects.create(sku=sku, name=name, price=Decimal(price), department=department,
                               vendor=vendor, weight=Decimal("0.25"), **fields)
    item.locations.add(location)
    StockLevel.objects.create(item=item, location=location, on_hand=stock)
    return item
