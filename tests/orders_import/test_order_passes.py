"""The background pass (Auto Import), a cleared last sync, `bc_import_orders`, and the status
write-back under the emulator's faults: every order imported exactly once, stock exact."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from bcsync.models import CustomerSync, OrderImport
from bcsync.orders.importing import ALREADY, IMPORTED, order_import
from bcsync.orders.passes import orders_pass
from bcsync.orders.settings import last_sync_clear, order_settings_for
from localcopy.models import LcOrder
from localcopy.services import lc_reload, lc_sync
from orders.models import SalesOrder

from .conftest import bc_status, into_lc, on_hand, place

pytestmark = [pytest.mark.emulator, pytest.mark.django_db]


def imported_ids(connection) -> list[int]:
    return sorted(SalesOrder.objects.filter(source_store_hash=connection.store_hash)
                  .values_list("bc_order_id", flat=True))


def test_the_pass_runs_only_with_auto_import_on_and_once_per_interval(
        store, connection, client, items):
    oid = place(store, [{"product_id": 1, "quantity": 1}])
    into_lc(connection, client, oid)
    assert orders_pass(connection=connection, client=client) is None  # Auto Import off

    settings = order_settings_for(connection=connection)
    settings.auto_import, settings.interval_minutes = True, 10
    settings.last_sync_at = timezone.now() - timedelta(minutes=11)
    settings.save()
    report = orders_pass(connection=connection, client=client)

    assert report is not None and report.counts()[IMPORTED] == 1
    assert imported_ids(connection) == [oid]
    assert orders_pass(connection=connection, client=client) is None  # interval not up
    settings.refresh_from_db()
    assert settings.last_sync_at > timezone.now() - timedelta(minutes=1)


def test_the_pass_takes_changed_and_never_seen_orders_but_not_old_refusals(
        store, connection, client, items):
    refused = place(store, [{"product_id": 1, "quantity": 1}])
    into_lc(connection, client, refused)
    LcOrder.objects.filter(bc_id=refused).update(currency_code="EUR")
    order_import(connection=connection, bc_order_id=refused, client=client)
    LcOrder.objects.filter(bc_id=refused).update(synced_at=timezone.now() - timedelta(hours=1))
    fresh = place(store, [{"product_id": 2, "quantity": 1}])
    into_lc(connection, client, fresh)
    LcOrder.objects.filter(bc_id=fresh).update(synced_at=timezone.now() - timedelta(hours=1))
    settings = order_settings_for(connection=connection)
    settings.last_sync_at = timezone.now() - timedelta(minutes=30)
    settings.save()

    report = orders_pass(connection=connection, client=client, force=True)

    assert report is not None
    assert [r.bc_order_id for r in report.results] == [fresh]
    assert imported_ids(connection) == [fresh]


def test_a_cleared_last_sync_imports_every_order_in_the_get_statuses_and_the_customers(
        store, connection, client, items):
    for dataset in ("customers", "orders"):
        assert lc_reload(client=client, store_hash=connection.store_hash,
                         dataset=dataset).ok
    wanted = sorted(LcOrder.objects.filter(store_hash=connection.store_hash, status_id=11)
                    .values_list("bc_id", flat=True))
    assert wanted, "the demo store has orders awaiting fulfillment"
    settings = order_settings_for(connection=connection)
    settings.auto_import = True
    settings.last_sync_at = timezone.now()
    settings.save()
    last_sync_clear(connection=connection)

    report = orders_pass(connection=connection, client=client)

    assert report is not None and report.customers
    assert CustomerSync.objects.filter(connection=connection).count() >= 20
    assert imported_ids(connection) == wanted
    assert all(bc_status(store, oid) == 9 for oid in wanted)


def test_the_command_pulls_changed_orders_into_the_lc_then_imports_them(
        store, connection, client, items, shop):
    assert lc_reload(client=client, store_hash=connection.store_hash, dataset="orders").ok
    assert lc_sync(client=client, store_hash=connection.store_hash, datasets=["orders"])
    awaiting = list(LcOrder.objects.filter(store_hash=connection.store_hash, status_id=11)
                    .values_list("bc_id", flat=True))
    settings = order_settings_for(connection=connection)
    settings.last_sync_at = timezone.now()
    settings.save()
    first = place(store, [{"product_id": 1, "quantity": 1}])
    second = place(store, [{"product_id": 2, "quantity": 2}], status_id=7)
    out, err = StringIO(), StringIO()

    call_command("bc_import_orders", "--connection", str(connection.pk), stdout=out,
                 stderr=err)

    # The demo's own orders awaiting fulfillment were never imported: they come too.
    assert imported_ids(connection) == sorted([*awaiting, first])
    assert f"{len(awaiting) + 1} {IMPORTED}" in out.getvalue()
    assert "0 failed" in out.getvalue()
    assert on_hand(items["DEMO0001"], shop) == -1
    assert not SalesOrder.objects.filter(bc_order_id=second).exists()
    again = StringIO()
    call_command("bc_import_orders", stdout=again, stderr=StringIO())
    assert imported_ids(connection) == sorted([*awaiting, first])
    assert f"0 {IMPORTED}" in again.getvalue()


@pytest.mark.parametrize("fault", ["reset_after_write_rate", "error_rate", "rate_limit_rate"])
def test_a_failed_write_back_is_retried_and_the_order_stays_once(
        store, connection, client, items, shop, fault):
    oid = place(store, [{"product_id": 1, "quantity": 2}])
    into_lc(connection, client, oid)
    store.faults(**{fault: 1.0, "seed": 1})

    first = order_import(connection=connection, bc_order_id=oid, client=client)

    store.faults()
    assert first.outcome == IMPORTED and first.status_written is False
    record = OrderImport.objects.get(bc_order_id=oid)
    assert record.writeback_pending and record.status_write_error
    retried = order_import(connection=connection, bc_order_id=oid, client=client)
    assert retried.outcome == ALREADY and retried.status_written is True
    assert SalesOrder.objects.filter(bc_order_id=oid).count() == 1
    assert on_hand(items["DEMO0001"], shop) == -2
    assert bc_status(store, oid) == 9


def test_a_batch_under_5xx_and_resets_ends_with_every_order_imported_once(
        store, connection, client, items, shop):
    ids = [place(store, [{"product_id": 1, "quantity": 1}, {"product_id": 2, "quantity": 1}])
           for _ in range(6)]
    into_lc(connection, client, *ids)
    settings = order_settings_for(connection=connection)
    settings.last_sync_at = timezone.now()
    settings.save()
    store.faults(error_rate=0.3, reset_after_write_rate=0.2, seed=5)

    for _ in range(3):
        orders_pass(connection=connection, client=client, force=True)
    store.faults()
    orders_pass(connection=connection, client=client, force=True)

    assert imported_ids(connection) == ids
    assert on_hand(items["DEMO0001"], shop) == -6 and on_hand(items["DEMO0002"], shop) == -6
    assert not OrderImport.objects.filter(status_written_at__isnull=True).exists()
    assert all(bc_status(store, oid) == 9 for oid in ids)
