"""The outbox survives a worker killed mid-pass: a worker process SIGKILLed while it pushes
leaves its requests claimed; once the claim is stale a new worker's pass (sent here as beat
would send it) takes them over and pushes every item, each exactly once. Real worker
processes on the test database and the configured broker (SQLite and the filesystem broker
by default; PostgreSQL and Redis with DATABASE_URL, REDIS_URL and CELERY_BROKER_URL)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal

import pytest

from bcemulator.process import EmulatorProcess
from bcsync.models import ItemSync, PushRequest, SyncEvent, SyncSettings
from bcsync.push.outbox_claims import claim_stale_after
from bcsync.push.policies import policies_set
from bcsync.tasks import push_pass_enqueue
from catalog.models import Location
from tests.workers import WorkerProcess, wait_for

from .pushing import endpoint_counts, linked_items, online, store_connection

pytestmark = [pytest.mark.emulator, pytest.mark.worker,
              pytest.mark.django_db(transaction=True)]

ITEMS = 30  # 3 products PUTs


@pytest.fixture
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed=0) as emu:
        yield emu


def test_a_pass_whose_worker_was_killed_is_taken_over_and_pushes_each_item_once(
        emulator, queues, quick_liveness):
    location = Location.objects.create(code="SHOP", name="The shop")
    connection = store_connection(emulator, location)
    policies_set(connection=connection, changes={"prices": "on"})
    items = linked_items(connection, emulator, ITEMS, location=location)
    for i, item in enumerate(items):
        item.price = Decimal("40.00") + i
        item.save()
    assert PushRequest.objects.count() == ITEMS
    switches = SyncSettings.load()
    switches.web_background_push = True
    switches.save()
    emulator.faults(slow_ms=700)  # each request long enough to be killed in the middle
    emulator.reset_stats()

    first = WorkerProcess([queues["bulk"]], name="first", env=quick_liveness).start()
    second = WorkerProcess([queues["bulk"]], name="second", env=quick_liveness)
    try:
        push_pass_enqueue()
        wait_for(lambda: endpoint_counts(emulator).get("PUT /v3/catalog/products"),
                 "the pass to send its first batch", workers=(first,), every=0.02)
        first.kill()
        killed_at = time.monotonic()
        # Killed mid-pass: every request still held by the dead pass, nothing recorded.
        assert PushRequest.objects.exclude(claim_token="").count() == ITEMS
        assert not SyncEvent.objects.exists()
        emulator.reset_stats()

        second.start()
        sent = [0.0]

        def pushed() -> bool:
            if time.monotonic() - sent[0] > 2:  # beat's minute pass, here every 2 s
                sent[0] = time.monotonic()
                push_pass_enqueue()
            return not PushRequest.objects.exists()

        wait_for(pushed, "a new pass to push the items",
                 seconds=60 + 2 * claim_stale_after().total_seconds(), every=0.2,
                 workers=(first, second))
    finally:
        first.close()
        second.close()

    # Not before the claim went stale: a live pass is never second-guessed.
    assert time.monotonic() - killed_at >= claim_stale_after().total_seconds() - 1
    assert sorted(SyncEvent.objects.values_list("item_id", flat=True)) == sorted(
        i.pk for i in items)  # one history entry per item: pushed exactly once
    assert endpoint_counts(emulator) == {"PUT /v3/catalog/products": 3}
    assert online(emulator, items[-1])["price"] == 40.0 + ITEMS - 1
    assert all(s.pushed["price"] == str(40 + i) for i, s in enumerate(
        ItemSync.objects.order_by("item__sku")))
