"""End of Day against the emulator over HTTP: only what differs is sent, batched; with and
without the unpicked subtraction; at each mapped location; once a day however often beat
calls; a refused item does not stop the others; the command's summary."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection as db_connection
from django.utils import timezone

from bcemulator.process import EmulatorProcess
from bcsync.connections import client_for
from bcsync.inventory.end_of_day import end_of_day_due, end_of_day_run
from bcsync.models import (
    EndOfDayRun,
    InventorySettings,
    ItemSync,
    LocationMapping,
    Notification,
)
from bcsync.tasks import end_of_day_task
from catalog.models import BundleComponent, Item, Location, StockLevel
from localcopy.services import lc_reload
from orders.models import SalesOrder
from tests.bcsync.pushing import api, endpoint_counts, linked_items, store_connection

from .emulated import bc_location_add, on_hand_online
from .orders_made import order_with

pytestmark = [pytest.mark.emulator, pytest.mark.django_db(transaction=True)]

ADJUST = "PUT /v3/inventory/adjustments/absolute"


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed=0) as emu:
        yield emu


@pytest.fixture
def shop(db) -> Location:
    return Location.objects.create(code="SHOP", name="The shop")


@pytest.fixture
def connection(emulator, shop):
    emulator.reset()
    emulator.seed(0)
    emulator.faults()
    return store_connection(emulator, shop)


def counted(item, location: Location, on_hand: int) -> None:
    """A stock count loaded in one statement: no signal, nothing marked for push."""
    StockLevel.objects.filter(item=item, location=location, variant=None).update(
        on_hand=on_hand)


def local(hour: int, minute: int = 0) -> datetime:
    today = timezone.localdate()
    return timezone.make_aware(datetime.combine(today, time(hour, minute)))


def test_it_sends_only_the_items_whose_stock_differs_in_one_request(emulator, connection,
                                                                     shop):
    items = linked_items(connection, emulator, 3, location=shop, stock=5)
    counted(items[0], shop, 8)
    counted(items[2], shop, -4)  # below zero in the POS: 0 online

    emulator.reset_stats()
    report = end_of_day_run(connection=connection)

    assert (report.items_checked, report.items_changed, report.requests) == (3, 2, 1)
    assert not report.errors
    assert endpoint_counts(emulator) == {ADJUST: 1}
    assert [on_hand_online(emulator, i, 1) for i in items] == [8, 5, 0]
    run = EndOfDayRun.objects.get(pk=report.run_id)
    assert (run.items_checked, run.items_changed, run.requests, run.errors) == (3, 2, 1, 0)
    assert run.finished_at is not None and not run.scheduled
    assert ItemSync.objects.get(item=items[0]).pushed["inventory_level"] == 8

    emulator.reset_stats()
    again = end_of_day_run(connection=connection)
    assert (again.items_changed, again.requests) == (0, 0)  # in step now: nothing sent
    assert endpoint_counts(emulator) == {}


def test_it_compares_with_the_local_copy_when_the_store_has_one_location(emulator,
                                                                         connection, shop):
    items = linked_items(connection, emulator, 2, location=shop, stock=5)
    with api(emulator) as client:  # sold online: BigCommerce has 3, the POS still 5
        client.adjust_inventory_absolute([{
            "location_id": 1, "quantity": 3,
            "product_id": ItemSync.objects.get(item=items[1]).bc_product_id}])
    with client_for(connection) as client:
        lc_reload(client=client, store_hash=connection.store_hash, dataset="products")

    report = end_of_day_run(connection=connection)

    assert report.items_changed == 1
    assert [on_hand_online(emulator, i, 1) for i in items] == [5, 5]


def test_unpicked_quantities_of_open_imported_orders_are_subtracted_only_when_asked(
        emulator, connection, shop):
    items = linked_items(connection, emulator, 2, location=shop, stock=5)
    order_with("WEB-1", [(items[0], 3, 1)], store_hash=connection.store_hash, bc_order_id=101)
    # Not counted: a picked order, a till sale, another store's order.
    order_with("WEB-2", [(items[0], 2, 0)], store_hash=connection.store_hash, bc_order_id=102,
               status=SalesOrder.Status.PICKED)
    order_with("TILL-1", [(items[0], 1, 0)])
    order_with("WEB-3", [(items[1], 4, 0)], store_hash="otherstore", bc_order_id=103)

    without = end_of_day_run(connection=connection)
    assert without.items_changed == 0
    assert on_hand_online(emulator, items[0], 1) == 5

    settings, _ = InventorySettings.objects.get_or_create(connection=connection)
    settings.subtract_unpicked = True
    settings.save()
    report = end_of_day_run(connection=connection)
    assert report.items_changed == 1
    assert on_hand_online(emulator, items[0], 1) == 3  # 5 on hand − (3 sold − 1 picked)
    assert on_hand_online(emulator, items[1], 1) == 5


def test_each_mapped_location_gets_its_snapshot(emulator, connection, shop):
    back = Location.objects.create(code="BACK", name="Back room")
    second = bc_location_add(emulator, "BACKROOM")
    LocationMapping.objects.create(connection=connection, pos_location=back,
                                   bc_location_id=second)
    items = linked_items(connection, emulator, 2, location=shop, stock=5)
    StockLevel.objects.bulk_create([StockLevel(item=i, location=back, on_hand=11)
                                    for i in items])

    emulator.reset_stats()
    report = end_of_day_run(connection=connection)

    assert (report.items_changed, report.adjustments, report.requests) == (2, 2, 1)
    assert [on_hand_online(emulator, i, second) for i in items] == [11, 11]
    assert [on_hand_online(emulator, i, 1) for i in items] == [5, 5]


def test_beat_runs_it_once_a_day_after_its_time(emulator, connection, shop):
    [item] = linked_items(connection, emulator, 1, location=shop, stock=5)
    counted(item, shop, 9)
    InventorySettings.objects.create(connection=connection, end_of_day_enabled=True,
                                     end_of_day_time=time(18, 0))

    assert end_of_day_due(now=local(17, 55)) == []  # not yet
    assert on_hand_online(emulator, item, 1) == 5

    [report] = end_of_day_due(now=local(18, 5))
    assert report.ran and report.items_changed == 1
    assert on_hand_online(emulator, item, 1) == 9

    counted(item, shop, 2)
    assert end_of_day_due(now=local(18, 10)) == []  # done today
    # Even called directly, a second scheduled run the same day finds the day claimed.
    again = end_of_day_run(connection=connection, scheduled=True, now=local(18, 15))
    assert not again.ran and again.why_not == "already ran today"
    assert on_hand_online(emulator, item, 1) == 9
    assert EndOfDayRun.objects.filter(scheduled=True).count() == 1


def test_a_refused_item_is_recorded_and_the_others_go_on(emulator, connection, shop):
    items = linked_items(connection, emulator, 3, location=shop, stock=5)
    for item in items:
        counted(item, shop, 7)
    with api(emulator) as client:  # deleted online behind the POS's back
        client.delete_product(ItemSync.objects.get(item=items[1]).bc_product_id)

    report = end_of_day_run(connection=connection)

    assert report.items_changed == 2 and len(report.errors) == 1
    assert items[1].sku in report.errors[0]
    assert on_hand_online(emulator, items[0], 1) == 7
    assert on_hand_online(emulator, items[2], 1) == 7
    assert EndOfDayRun.objects.get(pk=report.run_id).errors == 1
    notice = Notification.objects.get()
    assert notice.kind == Notification.Kind.ERROR and items[1].sku in notice.body


def test_the_command_dry_run_sends_nothing_and_says_what_would_change(emulator, connection,
                                                                     shop, capsys):
    items = linked_items(connection, emulator, 2, location=shop, stock=5)
    counted(items[0], shop, 1)

    emulator.reset_stats()
    call_command("bc_end_of_day", "--dry-run", "--connection", str(connection.pk))
    out = capsys.readouterr().out
    assert "(dry run): 2 items checked, 1 would change" in out
    assert endpoint_counts(emulator) == {}

    call_command("bc_end_of_day")
    assert "2 items checked, 1 changed (1 quantities), 1 requests, 0 errors" in (
        capsys.readouterr().out)
    assert on_hand_online(emulator, items[0], 1) == 1

    with pytest.raises(CommandError, match="No store connection with id 999"):
        call_command("bc_end_of_day", "--connection", "999")


def test_a_bundle_master_is_snapshotted_as_its_children_allow(emulator, connection, shop):
    master, child_a, child_b = linked_items(connection, emulator, 3, location=shop, stock=5)
    BundleComponent.objects.create(bundle=master, component=child_a, quantity=2)
    BundleComponent.objects.create(bundle=master, component=child_b, quantity=1)
    counted(child_b, shop, 1)

    report = end_of_day_run(connection=connection)

    assert report.items_changed == 2  # the master (5 → 1) and child B (5 → 1)
    assert on_hand_online(emulator, master, 1) == 1
    assert on_hand_online(emulator, child_a, 1) == 5


def test_two_beats_at_once_run_the_day_once(emulator, connection, shop):
    items = linked_items(connection, emulator, 3, location=shop, stock=5)
    for item in items:
        counted(item, shop, 6)
    InventorySettings.objects.create(connection=connection, end_of_day_enabled=True,
                                     end_of_day_time=time(0, 0))
    emulator.faults(slow_ms=30)  # long enough runs to overlap
    emulator.reset_stats()
    barrier = threading.Barrier(3)
    reports: list = []
    errors: list[BaseException] = []

    def beat() -> None:
        try:
            barrier.wait()
            reports.extend(end_of_day_due(now=local(12, 0)))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=beat) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sum(r.ran for r in reports) == 1
    assert EndOfDayRun.objects.filter(scheduled=True).count() == 1
    assert endpoint_counts(emulator) == {ADJUST: 1}
    assert [on_hand_online(emulator, i, 1) for i in items] == [6, 6, 6]


def test_beat_sends_the_task_every_five_minutes_on_the_bulk_queue(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["inventory-end-of-day"]
    assert entry["task"] == "bcsync.tasks.end_of_day_task"
    assert entry["schedule"].total_seconds() == 300
    assert settings.CELERY_TASK_ROUTES["bcsync.tasks.end_of_day_task"]["queue"] == "bulk"


def test_the_task_runs_what_is_due(emulator, connection, shop):
    [item] = linked_items(connection, emulator, 1, location=shop, stock=5)
    counted(item, shop, 2)
    InventorySettings.objects.create(connection=connection, end_of_day_enabled=True,
                                     end_of_day_time=time(0, 0))
    [line] = end_of_day_task()
    assert "1 items checked, 1 changed" in line
    assert end_of_day_task() == []  # the day is done
    assert on_hand_online(emulator, item, 1) == 2


def test_items_item_sync_enforcement_keeps_back_are_left_out(emulator, connection, shop):
    items = linked_items(connection, emulator, 3, location=shop, stock=5)
    connection.item_sync_enforcement = True
    connection.save(update_fields=["item_sync_enforcement"])
    Item.objects.filter(pk=items[0].pk).update(ecommerce_enabled=False)
    items[1].locations.clear()  # not entitled to the store's location
    for item in items:
        counted(item, shop, 9)

    report = end_of_day_run(connection=connection)

    assert (report.items_checked, report.items_changed) == (1, 1)
    assert [on_hand_online(emulator, i, 1) for i in items] == [5, 5, 9]
