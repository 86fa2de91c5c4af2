"""The demo-seeded emulator, a store connection selling from a POS location, POS items for
a few of its simple products, and a helper that makes a SalesOrder from an LC order the way
the import does (stock taken per line; a bundle's children instead of the master)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import requests

from bcemulator.process import EmulatorProcess
from bcsync.client import BigCommerceClient, LocalBudget
from bcsync.connections import connection_upsert
from bcsync.models import StoreConnection
from bcsync.orders.amounts import order_totals
from bcsync.orders.edits import line_stock_move
from bcsync.orders.lines import line_match
from catalog.models import Department, Item, Location, StockLevel, StockMovement, Vendor
from localcopy.models import LcOrder
from localcopy.refresh import lc_refresh_record
from orders.models import SalesOrder, SalesOrderLine

STOCK = 100


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
def location(db) -> Location:
    return Location.objects.create(code="WEB", name="Web shop")


@pytest.fixture
def connection(store, settings, location) -> StoreConnection:
    settings.BIGCOMMERCE_CLIENT = {**settings.BIGCOMMERCE_CLIENT, "max_retries": 1,
                                   "max_retry_seconds": 2}
    conn, _ = connection_upsert(store_hash=store.store_hash, access_token=store.token,
                                api_url=store.base_url, description="Demo shop")
    conn.pos_location = location
    conn.code_prefix = "WEB"
    conn.save()
    return conn


@pytest.fixture
def bc(store) -> Iterator[BigCommerceClient]:
    with BigCommerceClient(api_url=store.base_url, store_hash=store.store_hash,
                           access_token=store.token, budget=LocalBudget(),
                           max_retries=1, max_retry_seconds=2) as c:
        yield c


class Api:
    """Plain HTTP to the emulator, independent of our client."""

    def __init__(self, emu: EmulatorProcess) -> None:
        self.emu = emu
        self.session = requests.Session()
        self.session.headers.update({"X-Auth-Token": emu.token, "Accept": "application/json"})

    def get(self, path: str, **params: Any) -> Any:
        resp = self.session.get(f"{self.emu.api_url}{path}", params=params, timeout=30)
        resp.raise_for_status()
        return resp.json()

    def send(self, method: str, path: str, body: Any) -> Any:
        resp = self.session.request(method, f"{self.emu.api_url}{path}", json=body, timeout=30)
        assert resp.ok, resp.text
        return resp.json()

    def order(self, oid: int) -> dict[str, Any]:
        return self.get(f"/v2/orders/{oid}")

    def lines(self, oid: int) -> list[dict[str, Any]]:
        return self.get(f"/v2/orders/{oid}/products")

    def refund(self, oid: int, items: list[dict[str, Any]]) -> dict[str, Any]:
        quote = self.send("POST", f"/v3/orders/{oid}/payment_actions/refund_quotes",
                          {"items": items})["data"]
        payments = [{"provider_id": "custom", "amount": quote["total_refund_amount"],
                     "offline": True}]
        return self.send("POST", f"/v3/orders/{oid}/payment_actions/refunds",
                         {"items": items, "payments": payments})["data"]


@pytest.fixture
def api(store) -> Api:
    return Api(store)


@dataclass
class Shop:
    """Three simple products online, each with a POS item of the same SKU and STOCK on hand
    at the connection's location."""

    products: list[dict[str, Any]]
    items: list[Item]
    location: Location

    def on_hand(self, item: Item) -> int:
        level = StockLevel.objects.filter(item=item, variant=None, location=self.location).first()
        return level.on_hand if level else 0


def pos_item(sku: str, name: str, location: Location, on_hand: int = STOCK) -> Item:
    item = Item.objects.create(sku=sku, name=name[:250], price=Decimal("10.00"),
                               department=Department.objects.get_or_create(name="Web")[0],
                               vendor=Vendor.default())
    StockLevel.objects.create(item=item, location=location, on_hand=on_hand)
    return item


@pytest.fixture
def shop(api, connection, location) -> Shop:
    products = [p for p in api.get("/v3/catalog/products", limit=250, include="variants")["data"]
                if p["sku"] and len(p["variants"]) == 1 and not p["variants"][0]["option_values"]
                and p["inventory_tracking"] == "product" and p["inventory_level"] >= 20][:3]
    assert len(products) == 3, "the demo store has simple products with stock"
    items = [pos_item(p["sku"], p["name"], location) for p in products]
    return Shop(products=products, items=items, location=location)


def lc_order(connection: StoreConnection, client: BigCommerceClient, oid: int) -> LcOrder:
    """The LC's copy of the order as BigCommerce has it now (a webhook refresh)."""
    summary = lc_refresh_record(client=client, store_hash=connection.store_hash,
                                resource="order", bc_id=oid)
    assert summary.ok, summary.line()
    return LcOrder.objects.get(store_hash=connection.store_hash, bc_id=oid)


def sales_order_from_lc(connection: StoreConnection, lc: LcOrder) -> SalesOrder:
    """A POS order as the import makes it: lines keyed by BigCommerce line id, matched by
    SKU, stock taken at the connection's location, totals as BigCommerce reports them."""
    order = SalesOrder.objects.create(
        number=f"{connection.code_prefix}{lc.bc_id}", source_store_hash=connection.store_hash,
        bc_order_id=lc.bc_id, **order_totals(lc.raw, what=f"order {lc.bc_id}"))
    for line in lc.lines.order_by("bc_id"):
        match = line_match(connection=connection, product_bc_id=line.product_bc_id,
                           variant_bc_id=line.variant_bc_id, sku=line.sku)
        item, variant = match.item, match.variant
        price = Decimal(str(line.raw["price_ex_tax"])).quantize(Decimal("0.01"))
        pos = SalesOrderLine.objects.create(
            order=order, item=item, variant=variant, sku=line.sku, name=line.name,
            quantity=line.quantity, unit_price=price, line_total=price * line.quantity,
            unmatched=item is None, bc_line_id=line.bc_id)
        line_stock_move(line=pos, location=connection.pos_location, delta=-line.quantity,
                        reason=StockMovement.Reason.SALE, reference=f"{order.number}")
    return order
