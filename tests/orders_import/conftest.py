"""The demo-seeded emulator (products DEMO0001…, DEMO0004 with variants, 30 orders),
reseeded before each test; a store connection to it selling from a POS location; POS items
with the demo's SKUs; helpers that place an order and bring it into the LC."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from bcemulator.process import EmulatorProcess
from bcsync.client import BigCommerceClient, LocalBudget
from bcsync.connections import connection_upsert
from bcsync.models import StoreConnection
from catalog.models import Department, Item, Location, StockLevel, Variant, Vendor
from localcopy.models import LcOrder
from localcopy.services import lc_refresh_record


@pytest.fixture(scope="session")
def emu() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed="demo") as process:
        yield process


@pytest.fixture
def store(emu: EmulatorProcess) -> EmulatorProcess:
    emu.faults()
    emu.seed("demo")
    emu.reset_stats()
    return emu


@pytest.fixture
def shop(db) -> Location:
    return Location.objects.create(code="WEBSHOP", name="Web shop stock")


@pytest.fixture
def connection(store, shop, settings) -> StoreConnection:
    settings.BIGCOMMERCE_CLIENT = {**settings.BIGCOMMERCE_CLIENT, "max_retries": 1,
                                   "max_retry_seconds": 2}
    conn, _ = connection_upsert(store_hash=store.store_hash, access_token=store.token,
                                api_url=store.base_url, description="Demo shop")
    conn.pos_location = shop
    conn.code_prefix = "WEB"
    conn.save(update_fields=["pos_location", "code_prefix"])
    return conn


@pytest.fixture
def client(store) -> Iterator[BigCommerceClient]:
    with BigCommerceClient(api_url=store.base_url, store_hash=store.store_hash,
                           access_token=store.token, budget=LocalBudget(),
                           max_retries=1, max_retry_seconds=2) as c:
        yield c


@pytest.fixture
def items(db) -> dict[str, Item]:
    """POS items with the demo's SKUs (the sneaker DEMO0004 with its three variants)."""
    department = Department.objects.create(name="Web goods")
    vendor = Vendor.default()
    out = {sku: Item.objects.create(sku=sku, name=f"Item {sku}", price=10,
                                    department=department, vendor=vendor)
           for sku in ("DEMO0001", "DEMO0002", "DEMO0003", "DEMO0004", "DEMO0005")}
    for size in ("RS", "RM", "RL"):
        Variant.objects.create(item=out["DEMO0004"], sku=f"DEMO0004{size}",
                               option_values={"Size": size})
    return out


def on_hand(item: Item, location: Location, variant: Variant | None = None) -> int:
    level = StockLevel.objects.filter(item=item, variant=variant, location=location).first()
    return level.on_hand if level else 0


def place(emu: EmulatorProcess, lines: list[dict[str, Any]], **extra: Any) -> int:
    return int(emu.place_order(lines, **extra)["id"])


def into_lc(connection: StoreConnection, client: BigCommerceClient, *order_ids: int) -> None:
    """Mirror the orders into the LC as a webhook's refresh would."""
    for bc_id in order_ids:
        summary = lc_refresh_record(client=client, store_hash=connection.store_hash,
                                    resource="order", bc_id=bc_id)
        assert summary.ok, summary.line()
        assert LcOrder.objects.filter(store_hash=connection.store_hash, bc_id=bc_id).exists()


def bc_status(emu: EmulatorProcess, order_id: int) -> int:
    """The order's status on the emulator, read over plain HTTP (not through our client)."""
    resp = requests.get(f"{emu.api_url}/v2/orders/{order_id}",
                        headers={"X-Auth-Token": emu.token, "Accept": "application/json"},
                        timeout=30)
    resp.raise_for_status()
    return int(resp.json()["status_id"])
