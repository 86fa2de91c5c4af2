"""Incremental passes: one request and no writes when nothing changed; changes picked up
with an overlap; the watermark moves only after a pass succeeds; an outage heals itself."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from localcopy.models import LcOrder, LcProduct, LcRun, LcStatus
from localcopy.parsing import read_datetime
from localcopy.services import lc_reload, lc_sync

from .conftest import STORE, make_client

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]


def status(dataset: str) -> LcStatus:
    return LcStatus.objects.get(store_hash=STORE, dataset=dataset)


def rows_written(summaries) -> int:
    return sum(s.inserted + s.updated + s.deleted for s in summaries)


def test_a_pass_with_nothing_changed_asks_once_per_list_and_writes_nothing(client, store):
    lc_reload(client=client, store_hash=STORE, dataset="all")
    store.reset_stats()

    summaries = lc_sync(client=client, store_hash=STORE)

    assert all(s.ok and s.kind == "incremental" for s in summaries)
    assert rows_written(summaries) == 0
    requests = {s.dataset: s.requests for s in summaries}
    # customers also list their groups; carriers are locations + zones + one per zone.
    assert requests == {"products": 1, "categories": 1, "brands": 1, "orders": 1,
                        "customers": 2, "carriers": 4}
    assert store.stats()["by_endpoint"]["GET /v3/catalog/products"] == 1


def test_a_changed_product_is_picked_up_and_the_watermark_moves(client, store):
    lc_reload(client=client, store_hash=STORE, dataset="products")
    before = status("products").watermark
    changed = store.update_product(7, price=123.45)

    [summary] = lc_sync(client=client, store_hash=STORE, datasets=["products"])

    assert (summary.updated, summary.inserted, summary.requests) == (1, 0, 1)
    row = LcProduct.objects.get(bc_id=7)
    assert str(row.price) == "123.4500"
    assert row.date_modified == read_datetime(changed["date_modified"])
    after = status("products")
    assert after.watermark > before and after.last_incremental_at is not None
    assert LcRun.objects.filter(kind="incremental", dataset="products", ok=True).count() == 1


def test_a_change_in_the_same_second_as_the_watermark_is_not_missed(client, store):
    lc_reload(client=client, store_hash=STORE, dataset="products")
    changed = store.update_product(8, name="Changed in the watermark's second")
    # As if the last pass ended a moment after this change, in the same second: BigCommerce
    # dates have whole seconds, so the change carries a date before the watermark.
    stamp = read_datetime(changed["date_modified"])
    LcStatus.objects.filter(store_hash=STORE, dataset="products").update(
        watermark=stamp + timedelta(milliseconds=900))

    [summary] = lc_sync(client=client, store_hash=STORE, datasets=["products"])

    assert summary.updated == 1
    assert LcProduct.objects.get(bc_id=8).name == "Changed in the watermark's second"


def test_a_new_order_comes_in_with_its_lines(client, store):
    lc_reload(client=client, store_hash=STORE, dataset="orders")
    order = store.place_order([{"product_id": 1, "quantity": 2}], customer_id=1)

    [summary] = lc_sync(client=client, store_hash=STORE, datasets=["orders"])

    assert summary.inserted == 1
    row = LcOrder.objects.get(bc_id=order["id"])
    assert [(line.product_bc_id, line.quantity) for line in row.lines.all()] == [(1, 2)]
    assert row.shipping_addresses.count() == 1


def test_an_edited_order_gets_its_new_lines(client, store):
    lc_reload(client=client, store_hash=STORE, dataset="orders")
    order = store.place_order([{"product_id": 1, "quantity": 1}])
    lc_sync(client=client, store_hash=STORE, datasets=["orders"])
    store.edit_order(order["id"], [{"product_id": 1, "quantity": 0},
                                   {"product_id": 2, "quantity": 3}])

    [summary] = lc_sync(client=client, store_hash=STORE, datasets=["orders"])

    assert summary.updated == 1
    lines = LcOrder.objects.get(bc_id=order["id"]).lines.all()
    assert [(line.product_bc_id, line.quantity) for line in lines] == [(2, 3)]


def test_a_category_never_reloaded_gets_a_full_reload(client):
    [summary] = lc_sync(client=client, store_hash=STORE, datasets=["brands"])

    assert summary.kind == "full" and summary.inserted == 8
    assert status("brands").last_full_reload_at is not None


def test_a_deleted_brand_disappears_on_the_next_pass(client, store, api):
    lc_reload(client=client, store_hash=STORE, dataset="brands")
    api.session.delete(f"{store.api_url}/v3/catalog/brands/8").raise_for_status()

    [summary] = lc_sync(client=client, store_hash=STORE, datasets=["brands"])

    assert (summary.deleted, summary.inserted, summary.updated) == (1, 0, 0)


def test_an_outage_fails_the_pass_keeps_the_watermark_and_the_next_pass_catches_up(store):
    with make_client(store) as client:
        lc_reload(client=client, store_hash=STORE, dataset="products")
    watermark = status("products").watermark
    store.update_product(9, name="Changed during the outage")
    store.faults(error_rate=1.0)

    with make_client(store, max_retries=1, max_retry_seconds=1) as client:
        [failed] = lc_sync(client=client, store_hash=STORE, datasets=["products"])

    assert not failed.ok and failed.error.startswith("ServerError: 50")
    down = status("products")
    assert down.state == "failed" and down.watermark == watermark
    assert down.last_error.startswith("ServerError") and down.last_error_at
    assert store.token not in down.last_error
    assert LcRun.objects.get(kind="incremental", ok=False).error == failed.error

    store.faults()
    with make_client(store) as client:
        [healed] = lc_sync(client=client, store_hash=STORE, datasets=["products"])

    assert healed.ok and healed.updated == 1
    assert LcProduct.objects.get(bc_id=9).name == "Changed during the outage"
    assert status("products").state == "idle" and status("products").watermark > watermark


def fault_seed_failing_only_request(n: int, rate: float) -> int:
    """A fault seed for which, at error `rate`, only the n-th store request (1-based) of the
    first few fails (the emulator draws three numbers per request from Random(seed))."""
    for seed in range(10_000):
        rng = random.Random(seed)
        rolls = []
        for _ in range(4):
            rolls.append(rng.random())
            rng.random()
            rng.random()
        if all((roll < rate) == (i == n - 1) for i, roll in enumerate(rolls)):
            return seed
    raise AssertionError("no such seed")


def test_a_reload_failing_halfway_keeps_the_pages_it_wrote_and_a_sync_finishes_it(store):
    store.faults(error_rate=0.5, seed=fault_seed_failing_only_request(2, 0.5))
    with make_client(store, max_retries=0) as client:
        failed = lc_reload(client=client, store_hash=STORE, dataset="products")

    assert not failed.ok and failed.inserted == 250
    assert LcProduct.objects.count() == 250
    assert status("products").watermark is None and status("products").state == "failed"

    store.faults()
    with make_client(store) as client:
        [healed] = lc_sync(client=client, store_hash=STORE, datasets=["products"])

    assert healed.ok and healed.kind == "full"
    assert LcProduct.objects.count() == 400 and status("products").watermark is not None
