"""End to end: a change on the (emulated) store reaches the LC through a real webhook
delivery to the live server and a real Celery worker."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from django.urls import reverse

from bcemulator.process import EmulatorProcess
from bcsync.connections import client_for, connection_upsert
from bcsync.models import StoreConnection
from bcsync.webhook_registration import webhooks_register
from localcopy.models import LcProduct
from localcopy.services import lc_reload

pytestmark = [pytest.mark.emulator, pytest.mark.worker,
              pytest.mark.django_db(transaction=True)]


@pytest.fixture
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed=12) as emu:
        yield emu


@pytest.fixture
def connection(emulator, live_server) -> StoreConnection:
    conn, _ = connection_upsert(store_hash=emulator.store_hash, access_token=emulator.token,
                                api_url=emulator.base_url)
    with client_for(conn) as client:
        lc_reload(client=client, store_hash=conn.store_hash, dataset="products")
    path = reverse("bcsync:webhook_receiver", args=[conn.store_hash])
    webhooks_register(connection=conn, receiver_url=f"{live_server.url}{path}")
    return conn


def wait_for(check: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_an_edit_on_the_store_reaches_the_lc_through_a_webhook(emulator, connection, worker):
    product = LcProduct.objects.filter(store_hash=connection.store_hash).order_by("bc_id")[0]
    emulator.update_product(product.bc_id, name="Renamed by a webhook")

    wait_for(lambda: LcProduct.objects.get(pk=product.pk).name == "Renamed by a webhook",
             "the LC to show the new name")
    connection.refresh_from_db()
    assert connection.last_webhook_at is not None
    deliveries = emulator.webhook_deliveries()["deliveries"]
    assert deliveries and all(d["status"] in (200, 202) for d in deliveries)


def test_a_product_deleted_on_the_store_leaves_the_lc(emulator, connection, worker):
    product = LcProduct.objects.filter(store_hash=connection.store_hash).order_by("-bc_id")[0]
    emulator.delete_product(product.bc_id)

    wait_for(lambda: not LcProduct.objects.filter(pk=product.pk).exists(),
             "the LC row to go")
    assert LcProduct.objects.filter(store_hash=connection.store_hash).count() == 11
