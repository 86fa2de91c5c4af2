"""Several workers at once (PostgreSQL: SQLite's test database is one connection): a refund
is applied once, an edit is applied once, and stock moves once."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection as db
from django.db import connections

from bcsync.client import BigCommerceClient, LocalBudget
from bcsync.models import OrderRefundApplied
from bcsync.orders.edits import apply_order_edits
from bcsync.orders.refunds import apply_bc_refunds
from localcopy.models import LcOrder
from orders.models import Transaction

from .conftest import STOCK, lc_order, sales_order_from_lc

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.emulator]
WORKERS = 4


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if db.vendor != "postgresql":
        pytest.skip("SQLite's test database is one connection: no concurrent writers")


def at_once(work: Callable[[], object]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(WORKERS)

    def run() -> None:
        try:
            barrier.wait()
            work()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.fixture
def placed(store, api, shop, connection, bc):
    a = shop.products[0]
    bc_order = store.place_order([{"product_id": a["id"], "quantity": 3}])
    order = sales_order_from_lc(connection, lc_order(connection, bc, bc_order["id"]))
    return order, api.lines(bc_order["id"])[0]["id"]


def test_four_workers_apply_one_refund_once(store, api, shop, connection, placed):
    order, line_id = placed
    api.refund(order.bc_order_id, [{"item_type": "PRODUCT", "item_id": line_id,
                                    "quantity": 2}])

    def work() -> None:
        with BigCommerceClient(api_url=store.base_url, store_hash=store.store_hash,
                               access_token=store.token, budget=LocalBudget()) as client:
            apply_bc_refunds(connection=connection, sales_order=order, client=client)

    assert at_once(work) == []
    assert Transaction.objects.filter(order=order).count() == 1
    assert OrderRefundApplied.objects.count() == 1
    assert shop.on_hand(shop.items[0]) == STOCK - 1


def test_four_workers_apply_one_edit_once(store, api, shop, connection, bc, placed):
    order, line_id = placed
    store.edit_order(order.bc_order_id, [{"id": line_id, "quantity": 1}])
    lc_order(connection, bc, order.bc_order_id)

    def work() -> None:
        lc = LcOrder.objects.get(store_hash=connection.store_hash, bc_id=order.bc_order_id)
        apply_order_edits(connection=connection, sales_order=order, lc_order=lc)

    assert at_once(work) == []
    assert Transaction.objects.filter(order=order).count() == 1
    assert shop.on_hand(shop.items[0]) == STOCK - 1
