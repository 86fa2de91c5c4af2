"""The background push pass against the emulator over HTTP: On fields only, only what
changed, batched at the API's limits; failures kept, retried with backoff and notified; the
switches; concurrent passes; our own push coming back is neither a conflict nor a push."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection as db_connection
from django.utils import timezone

from bcemulator.process import EmulatorProcess
from bcsync.client import AuthError
from bcsync.connections import client_for
from bcsync.lc_jobs import lc_refresh_run
from bcsync.models import (
    ItemSync,
    Notification,
    PushRequest,
    SyncEvent,
    SyncSettings,
    VariantSync,
)
from bcsync.push.background import NOTIFY_AFTER, push_pass, push_pass_all, push_status
from bcsync.push.fields import bc_values, keys_of
from bcsync.push.outbox import outbox_mark
from bcsync.push.outbox_claims import backoff
from bcsync.push.policies import policies_set
from catalog.models import Item, Location, StockLevel, Variant
from localcopy.models import LcProduct
from localcopy.services import lc_refresh_request, lc_reload

from .pushing import api, endpoint_counts, linked_items, online, store_connection

pytestmark = [pytest.mark.emulator, pytest.mark.django_db(transaction=True)]

PUT_PRODUCTS = "PUT /v3/catalog/products"
ADJUST = "PUT /v3/inventory/adjustments/absolute"


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed=0) as emu:
        yield emu


@pytest.fixture
def location(db) -> Location:
    return Location.objects.create(code="SHOP", name="The shop")


@pytest.fixture
def connection(emulator, location):
    emulator.reset()  # one emulator for the module; a clean store per test
    emulator.seed(0)
    emulator.faults()
    conn = store_connection(emulator, location)
    policies_set(connection=conn, changes={"prices": "on", "qohs": "on", "names": "manual",
                                           "upcs": "off"})
    return conn


@pytest.fixture
def web_on(db) -> SyncSettings:
    switches = SyncSettings.load()
    switches.web_background_push = True
    switches.save()
    return switches


def edit(item: Item, **fields) -> Item:
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()
    return item


def restock(item: Item, location: Location, on_hand: int) -> None:
    level = StockLevel.objects.get(item=item, location=location, variant=None)
    level.on_hand = on_hand
    level.save()


def test_the_pass_pushes_on_fields_not_manual_ones_and_never_off_ones(emulator, connection,
                                                                      location, web_on):
    [item] = linked_items(connection, emulator, 1, location=location)
    edit(item, price=Decimal("12.50"), name="Renamed in the POS", upc="036000291452")
    restock(item, location, 9)
    assert PushRequest.objects.filter(item=item).count() == 1

    emulator.reset_stats()
    summary = push_pass(connection=connection)

    product = online(emulator, item)
    assert product["price"] == 12.5 and product["inventory_level"] == 9  # On
    assert product["name"] == "Pushed thing PUSH 0"  # Manual: left for an upload by hand
    assert product["upc"] == ""  # Off: never
    assert endpoint_counts(emulator) == {PUT_PRODUCTS: 1, ADJUST: 1}
    assert summary.pushed == 1 and summary.requests == 2 and summary.failed == 0
    sync = ItemSync.objects.get(item=item)
    assert sync.pushed["price"] == "12.5" and sync.pushed["inventory_level"] == 9
    assert sync.pushed["name"] == "Pushed thing PUSH 0"
    [event] = SyncEvent.objects.filter(item=item)
    assert event.action == SyncEvent.Action.UPDATED and event.job == "background push"
    assert event.fields == {"price": {"from": "10", "to": "12.5"},
                            "inventory_level": {"from": 5, "to": 9}}
    assert not PushRequest.objects.exists()


def test_the_pass_does_not_run_while_the_web_switch_is_off_but_bc_push_does(
        emulator, connection, location, capsys):
    [item] = linked_items(connection, emulator, 1, location=location)
    edit(item, price=Decimal("11.00"))

    assert not push_pass(connection=connection).ran
    assert PushRequest.objects.filter(item=item).exists()  # marked all the same

    call_command("bc_push")
    assert "1 items (1 pushed, 0 unchanged, 0 excluded), 1 requests, 0 errors" in (
        capsys.readouterr().out)
    assert online(emulator, item)["price"] == 11.0
    status = push_status(connection=connection)
    assert status.last_pass_at is not None and status.waiting == 0
    assert not status.web_background_push


def test_nothing_changed_sends_no_request(emulator, connection, location, web_on):
    items = linked_items(connection, emulator, 12, location=location)
    outbox_mark(item_ids=[i.pk for i in items])  # marked, but every value is as pushed
    assert PushRequest.objects.count() == 12

    emulator.reset_stats()
    summary = push_pass(connection=connection)

    assert emulator.stats()["total"] == 0 and summary.requests == 0
    assert summary.unchanged == 12 and not PushRequest.objects.exists()
    assert not SyncEvent.objects.exists()


def test_changes_go_in_batches_at_the_apis_limits(emulator, connection, location, web_on):
    items = linked_items(connection, emulator, 25, location=location)
    for i, item in enumerate(items):
        edit(item, price=Decimal("20.00") + i)
        restock(item, location, 100 + i)

    emulator.reset_stats()
    summary = push_pass(connection=connection)

    # 25 price changes: 10 a products PUT; 25 stock changes: one adjustment (2000 a request).
    assert endpoint_counts(emulator) == {PUT_PRODUCTS: math.ceil(25 / 10), ADJUST: 1}
    assert summary.pushed == 25 and summary.requests == 4
    assert [online(emulator, i)["price"] for i in items[::12]] == [20.0, 32.0, 44.0]


def test_one_bad_item_does_not_hold_back_the_nine_others_of_its_batch(
        emulator, connection, location, web_on):
    policies_set(connection=connection, changes={"names": "on"})
    *items, other = linked_items(connection, emulator, 11, location=location)
    for i, item in enumerate(items):
        edit(item, name=f"Fresh name {i}")
    # A name another product already has online: BigCommerce refuses it (409).
    edit(items[3], name=other.name)

    summary = push_pass(connection=connection)

    assert summary.pushed == 9 and summary.failed == 1
    assert online(emulator, items[0])["name"] == "Fresh name 0"
    assert online(emulator, items[3])["name"] == "Pushed thing PUSH 3"
    [request] = PushRequest.objects.all()
    assert request.item_id == items[3].pk and request.attempts == 1
    assert "duplicate" in request.last_error and request.claim_token == ""
    assert request.next_attempt_at == request.last_error_at + backoff(1)
    sync = ItemSync.objects.get(item=items[3])
    assert sync.error_field == "name" and "duplicate" in sync.error
    assert "name" not in sync.pushed or sync.pushed["name"] == "Pushed thing PUSH 3"
    failed = SyncEvent.objects.get(item=items[3])
    assert not failed.ok and failed.action == SyncEvent.Action.FAILED


def test_a_failing_item_backs_off_and_raises_one_notification(emulator, connection, location,
                                                              web_on):
    policies_set(connection=connection, changes={"names": "on"})
    first, second = linked_items(connection, emulator, 2, location=location)
    edit(first, name=second.name)

    waits = []
    for attempt in range(1, NOTIFY_AFTER + 2):
        summary = push_pass(connection=connection)
        assert summary.failed == 1
        request = PushRequest.objects.get(item=first)
        assert request.attempts == attempt
        waits.append(request.next_attempt_at - request.last_error_at)
        # Not due again before its backoff: a pass now leaves it alone.
        assert push_pass(connection=connection).claimed == 0
        PushRequest.objects.filter(pk=request.pk).update(next_attempt_at=timezone.now())
        assert Notification.objects.count() == (1 if attempt >= NOTIFY_AFTER else 0)

    assert waits == [backoff(n) for n in range(1, NOTIFY_AFTER + 2)]
    assert waits[1] == 2 * waits[0] and waits[-1] > waits[-2]
    [note] = Notification.objects.all()
    assert note.count == 2 and note.key == f"push-failed:{connection.pk}:{first.pk}"
    assert "duplicate" in note.body

    # Fixed in the POS: pushed at the next pass, the request gone.
    edit(first, name="A name of its own")
    assert push_pass(connection=connection).pushed == 1
    assert not PushRequest.objects.exists()


def test_product_sync_off_sends_stock_but_no_product_update(emulator, connection, location,
                                                            web_on):
    web_on.product_sync_enabled = False
    web_on.save()
    [item] = linked_items(connection, emulator, 1, location=location)
    edit(item, price=Decimal("99.00"))
    restock(item, location, 42)

    emulator.reset_stats()
    push_pass(connection=connection)

    assert endpoint_counts(emulator) == {ADJUST: 1}
    product = online(emulator, item)
    assert product["price"] == 10.0 and product["inventory_level"] == 42
    sync = ItemSync.objects.get(item=item)
    assert sync.pushed["price"] == "10" and sync.pushed["inventory_level"] == 42


def test_item_sync_enforcement_leaves_out_items_not_for_the_web(emulator, connection,
                                                                location, web_on):
    connection.item_sync_enforcement = True
    connection.save(update_fields=["item_sync_enforcement"])
    disabled, elsewhere, fine = linked_items(connection, emulator, 3, location=location)
    edit(disabled, ecommerce_enabled=False, price=Decimal("1.00"))
    elsewhere.locations.clear()
    edit(elsewhere, price=Decimal("2.00"))
    edit(fine, price=Decimal("3.00"))

    summary = push_pass(connection=connection)

    assert (summary.pushed, summary.excluded) == (1, 2)
    assert [online(emulator, i)["price"] for i in (disabled, elsewhere, fine)] == [
        10.0, 10.0, 3.0]
    assert not PushRequest.objects.exists()


def test_two_passes_at_once_never_push_one_item_twice(emulator, connection, location, web_on):
    items = linked_items(connection, emulator, 40, location=location)
    for i, item in enumerate(items):
        edit(item, price=Decimal("30.00") + i)
    emulator.faults(slow_ms=30)  # long enough passes to overlap
    emulator.reset_stats()
    summaries = []

    def run() -> None:
        try:
            summaries.append(push_pass(connection=connection, claim_batch=10))
        finally:
            db_connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(s.pushed for s in summaries) == 40
    assert all(s.claimed > 0 for s in summaries)  # both took part
    assert endpoint_counts(emulator) == {PUT_PRODUCTS: 4}
    assert SyncEvent.objects.count() == 40
    assert sorted(SyncEvent.objects.values_list("item_id", flat=True)) == sorted(
        i.pk for i in items)


def refreshed(connection, bc_id: int) -> None:
    """What a product webhook leads to: a pending refresh, run as the worker runs it (the LC
    re-reads the product, then looks for conflicts)."""
    lc_refresh_request(store_hash=connection.store_hash, resource="product", bc_id=bc_id)
    assert lc_refresh_run(connection_id=connection.pk, resource="product", bc_id=bc_id).ok


def test_our_own_push_coming_back_is_no_conflict_and_no_new_push(emulator, connection,
                                                                 location, web_on):
    [item] = linked_items(connection, emulator, 1, location=location)
    with client_for(connection) as client:
        lc_reload(client=client, store_hash=connection.store_hash, dataset="products")
    edit(item, price=Decimal("15.75"))
    restock(item, location, 3)
    push_pass(connection=connection)
    before = Item.objects.get(pk=item.pk).updated_at
    sync = ItemSync.objects.get(item=item)

    refreshed(connection, sync.bc_product_id)  # the echo of our own update

    lc = LcProduct.objects.get(store_hash=connection.store_hash, bc_id=sync.bc_product_id)
    assert lc.price == Decimal("15.75") and lc.synced_at >= sync.pushed_at
    # It wrote the LC, not the catalog: nothing marked, nothing to push.
    assert not PushRequest.objects.exists()
    assert Item.objects.get(pk=item.pk).updated_at == before
    # BigCommerce has what we pushed, for every field the POS controls: no conflict.
    controlled = keys_of(["prices", "qohs", "names"])
    online_values = bc_values(lc.raw)
    assert {k: online_values[k] for k in controlled} == {k: sync.pushed[k] for k in controlled}
    assert ItemSync.objects.get(item=item).conflicts == {}
    assert not SyncEvent.objects.filter(action=SyncEvent.Action.CONFLICT).exists()
    emulator.reset_stats()
    assert push_pass(connection=connection).claimed == 0
    assert emulator.stats()["total"] == 0

    # Whereas someone's edit in BigCommerce is a conflict, and is not pushed over either.
    emulator.update_product(sync.bc_product_id, price=17.0)
    refreshed(connection, sync.bc_product_id)
    assert ItemSync.objects.get(item=item).conflicts["price"]["online"] == "17"
    assert not PushRequest.objects.exists()


def test_bc_push_reports_failures_and_exits_non_zero(emulator, connection, location, capsys):
    policies_set(connection=connection, changes={"names": "on"})
    first, second = linked_items(connection, emulator, 2, location=location)
    edit(first, name=second.name)
    with pytest.raises(CommandError, match="1 items failed"):
        call_command("bc_push")
    out = capsys.readouterr().out
    assert "1 requests, 1 errors" in out and "duplicate" in out
    assert push_status(connection=connection).failing == 1
    assert timezone.now() - push_status(connection=connection).last_pass_at < timedelta(
        minutes=1)


def test_variant_stock_goes_by_variant_id_in_the_same_adjustment(emulator, connection,
                                                                 location, web_on):
    [plain] = linked_items(connection, emulator, 1, location=location)
    with api(emulator) as client:
        product = client.create_product({
            "name": "Sized tee", "type": "physical", "sku": "SIZED", "price": 20.0,
            "weight": 1.0, "inventory_tracking": "variant",
            "variants": [{"sku": f"SIZED{s}", "option_values": [
                {"option_display_name": "Size", "label": s}]} for s in "SM"]})
        online_variants = list(client.iter_variants(product_id=product["id"]))
    item = Item.objects.create(sku="SIZED", name="Sized tee", price=Decimal("20"),
                               department=plain.department, vendor=plain.vendor)
    sync = ItemSync.objects.create(connection=connection, item=item,
                                   bc_product_id=product["id"], linked_by="sku",
                                   linked_at=timezone.now())
    for online_variant in online_variants:
        variant = Variant.objects.create(item=item, sku=online_variant["sku"],
                                         option_values={"Size": online_variant["sku"][-1]})
        StockLevel.objects.create(item=item, variant=variant, location=location, on_hand=0)
        VariantSync.objects.create(item_sync=sync, variant=variant,
                                   bc_variant_id=online_variant["id"],
                                   pushed={"inventory_level": 0})
    sync.pushed = bc_values(online(emulator, item))
    sync.save()
    PushRequest.objects.all().delete()

    medium = StockLevel.objects.get(variant__sku="SIZEDM")
    medium.on_hand = 8
    medium.save()
    restock(plain, location, 6)
    emulator.reset_stats()
    summary = push_pass(connection=connection)

    assert endpoint_counts(emulator) == {ADJUST: 1}  # both in one adjustment
    assert summary.pushed == 2
    with api(emulator) as client:
        levels = {v["sku"]: v["inventory_level"]
                  for v in client.iter_variants(product_id=product["id"])}
    assert levels == {"SIZEDS": 0, "SIZEDM": 8}
    assert VariantSync.objects.get(variant__sku="SIZEDM").pushed == {"inventory_level": 8}
    event = SyncEvent.objects.get(item=item)
    assert event.fields == {"SIZEDM.inventory_level": {"from": 0, "to": 8}}


def test_what_went_through_is_remembered_when_another_part_is_refused(emulator, connection,
                                                                      location, web_on):
    [item] = linked_items(connection, emulator, 1, location=location)
    with api(emulator) as client:  # online, the stock is kept per variant: no product stock
        sized = client.create_product({
            "name": "Sized cap", "type": "physical", "sku": "CAP", "price": 9.0,
            "weight": 1.0, "inventory_tracking": "variant",
            "variants": [{"sku": f"CAP{s}", "option_values": [
                {"option_display_name": "Size", "label": s}]} for s in "SM"]})
    ItemSync.objects.filter(item=item).update(bc_product_id=sized["id"])
    edit(item, price=Decimal("9.50"))
    restock(item, location, 4)

    summary = push_pass(connection=connection)

    assert summary.failed == 1
    assert online(emulator, item)["price"] == 9.5
    sync = ItemSync.objects.get(item=item)
    assert sync.pushed["price"] == "9.5" and sync.pushed["inventory_level"] == 5
    assert "tracked by variant" in sync.error
    request = PushRequest.objects.get()
    assert request.attempts == 1 and "stock" in request.last_error
    failed = SyncEvent.objects.get(item=item)
    assert not failed.ok and failed.fields == {"price": {"from": "10", "to": "9.5"}}


def test_a_store_wide_refusal_stops_the_pass_without_counting_against_items(
        emulator, connection, location, web_on):
    items = linked_items(connection, emulator, 3, location=location)
    for item in items:
        edit(item, price=Decimal("8.00"))
    connection.set_access_token("not-the-token-of-this-store")
    connection.save()

    with pytest.raises(AuthError):
        push_pass(connection=connection)
    [summary] = push_pass_all()  # the beat's pass: logged, other stores would go on
    assert not summary.ran and "401" in summary.why_not

    requests = list(PushRequest.objects.all())
    assert len(requests) == 3
    assert all(r.attempts == 0 and r.claim_token == "" for r in requests)
    assert not Notification.objects.exists() and not SyncEvent.objects.exists()
