"""End to end: an order placed on the (emulated) store reaches the POS by itself: the
store's webhook, the LC's refresh on a real Celery worker, then the import on the realtime
queue, with the status written back."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.urls import reverse

from bcsync.orders.settings import order_settings_for
from bcsync.webhook_registration import webhooks_register
from orders.models import SalesOrder

from .conftest import bc_status, on_hand, place

pytestmark = [pytest.mark.emulator, pytest.mark.worker,
              pytest.mark.django_db(transaction=True)]


def wait_for(check: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_placed_order_is_imported_by_webhook(store, connection, items, shop, live_server,
                                               worker):
    order_settings_for(connection=connection)  # defaults: get 11, set 9
    path = reverse("bcsync:webhook_receiver", args=[connection.store_hash])
    webhooks_register(connection=connection, receiver_url=f"{live_server.url}{path}")

    oid = place(store, [{"product_id": 1, "quantity": 3}])

    wait_for(lambda: SalesOrder.objects.filter(bc_order_id=oid).exists(), "the POS order")
    wait_for(lambda: bc_status(store, oid) == 9, "the status write-back")
    # The write-back's own webhook refreshes the order again: still one order, stock once.
    time.sleep(1.5)
    assert SalesOrder.objects.filter(bc_order_id=oid).count() == 1
    assert on_hand(items["DEMO0001"], shop) == -3
