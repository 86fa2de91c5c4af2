"""Four workers importing the same orders at once (and a duplicate webhook's task among
them): exactly one POS order each, stock taken once. PostgreSQL only, like the other
concurrency tests: SQLite's test database is one connection, so it has no concurrent
writers to show."""

from __future__ import annotations

import threading

import pytest
from django.db import connection as db_connection
from django.db import connections

from bcsync.client import BigCommerceClient, LocalBudget
from bcsync.models import OrderImport
from bcsync.orders.importing import ALREADY, IMPORTED, order_import
from catalog.models import StockMovement
from orders.models import SalesOrder

from .conftest import bc_status, into_lc, on_hand, place

pytestmark = [pytest.mark.emulator, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("faults", [{}, {"error_rate": 0.3, "reset_after_write_rate": 0.2,
                                         "seed": 3}], ids=["clean", "faults"])
def test_four_workers_import_the_same_orders_exactly_once(store, connection, client, items,
                                                           shop, faults):
    if db_connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is one connection: no concurrent writers")
    ids = [place(store, [{"product_id": 3, "quantity": 1},
                         {"product_id": 4, "variant_id": 6, "quantity": 1},
                         {"name": "Engraving", "sku": "ENGRAVE", "quantity": 1,
                          "price_inc_tax": 4}],
                 email=f"buyer{n}@example.com") for n in range(8)]
    into_lc(connection, client, *ids)
    store.faults(**faults)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with BigCommerceClient(api_url=store.base_url, store_hash=store.store_hash,
                                   access_token=store.token, budget=LocalBudget(),
                                   max_retries=1, max_retry_seconds=2) as own:
                barrier.wait()
                for bc_id in ids:
                    outcomes.append(order_import(connection=connection, bc_order_id=bc_id,
                                                 client=own).outcome)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    store.faults()
    assert not errors, errors
    if faults:  # what failed to write back is written by the next import of the order
        for bc_id in ids:
            order_import(connection=connection, bc_order_id=bc_id, client=client)
    assert outcomes.count(IMPORTED) == len(ids)
    assert outcomes.count(ALREADY) == 3 * len(ids)
    assert sorted(SalesOrder.objects.filter(bc_order_id__in=ids)
                  .values_list("bc_order_id", flat=True)) == ids
    large = items["DEMO0004"].variants.get(sku="DEMO0004RL")
    assert on_hand(items["DEMO0003"], shop) == -len(ids)
    assert on_hand(items["DEMO0004"], shop, large) == -len(ids)
    assert StockMovement.objects.filter(reason="sale").count() == 2 * len(ids)
    assert OrderImport.objects.filter(bc_order_id__in=ids).count() == len(ids)
    assert all(bc_status(store, oid) == 9 for oid in ids)
