"""The Orders section of the sync settings page: shown to whoever may view the settings,
saved (and its last sync cleared) by the settings admin only; bad values are form errors
naming the field."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from bcsync.connections import connection_upsert
from bcsync.models import OrderSyncSettings, StoreConnection
from bcsync.orders.settings import order_settings_for
from orders.models import Customer
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def conn(db) -> StoreConnection:
    connection, _ = connection_upsert(store_hash="abc123", access_token="t" * 30,
                                      api_url="http://127.0.0.1:9", description="Shop")
    return connection


def url(connection: StoreConnection) -> str:
    return reverse("bcsync:settings", args=[connection.pk])


def body(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "section": "orders", "action": "save", "orders-get_status_ids": ["11"],
        "orders-set_status_id": "9", "orders-interval_minutes": "5",
        "orders-guest_rule": "email"}
    data.update({f"orders-{k}": v for k, v in fields.items()})
    return data


def test_the_section_shows_every_status_by_name_and_the_last_sync(conn, bob):
    settings = order_settings_for(connection=conn)
    settings.last_sync_at = timezone.now()
    settings.save()

    page = client_for(bob).get(url(conn)).content.decode()

    assert 'id="settings-orders"' in page
    for name in ("Awaiting Fulfillment (11)", "Awaiting Shipment (9)", "Partially Refunded (14)",
                 "Manual Verification Required (12)", "Incomplete (0)"):
        assert name in page
    assert 'id="settings-orders-last-sync"' in page and "never" not in page.split(
        'id="settings-orders-last-sync"')[1][:200]
    assert 'id="settings-orders-clear_last_sync"' not in page  # bob only views


def test_dave_saves_the_orders_settings(conn, dave):
    guest = Customer.objects.create(code="GUEST", last_name="Guest")
    response = client_for(dave).post(url(conn), body(
        get_status_ids=["11", "7"], set_status_id="12", auto_import="on",
        interval_minutes="15", start_date_enabled="on", start_date="2026-01-31",
        guest_rule="customer", guest_customer=str(guest.pk)))

    assert response.status_code == 302, response.content.decode()[:2000]
    saved = OrderSyncSettings.objects.get(connection=conn)
    assert saved.get_status_ids == [7, 11] and saved.set_status_id == 12
    assert saved.auto_import and saved.interval_minutes == 15
    assert saved.start_date_enabled and saved.start_date == date(2026, 1, 31)
    assert saved.guest_customer == guest


def test_an_empty_set_status_means_no_write_back(conn, dave):
    response = client_for(dave).post(url(conn), body(set_status_id=""))
    assert response.status_code == 302
    assert OrderSyncSettings.objects.get(connection=conn).set_status_id is None


@pytest.mark.parametrize(("fields", "named"), [
    ({"set_status_id": "11"}, "set_status_id"),              # also a status to get
    ({"get_status_ids": ["99"]}, "get_status_ids"),           # no such status
    ({"set_status_id": "42"}, "set_status_id"),
    ({"interval_minutes": "0"}, "interval_minutes"),
    ({"interval_minutes": "lots"}, "interval_minutes"),
    ({"start_date_enabled": "on", "start_date": ""}, "start_date"),
    ({"start_date_enabled": "on", "start_date": "31/31/2026"}, "start_date"),
    ({"guest_rule": "customer"}, "guest_customer"),
])
def test_bad_values_are_form_errors_naming_the_field(conn, dave, fields, named):
    response = client_for(dave).post(url(conn), body(**fields))

    assert response.status_code == 400
    page = response.content.decode()
    row = page.split(f'id="id_orders-{named}"')[0].rsplit('class="settings-row', 1)[1]
    assert row.startswith(" settings-row--error"), page[:200]
    assert OrderSyncSettings.objects.get(connection=conn).set_status_id == 9


def test_only_the_settings_admin_saves_or_clears(conn, bob):
    settings = order_settings_for(connection=conn)
    settings.last_sync_at = timezone.now()
    settings.save()

    assert client_for(bob).post(url(conn), body(set_status_id="12")).status_code == 403
    assert client_for(bob).post(url(conn), {"section": "orders",
                                            "action": "clear_last_sync"}).status_code == 403
    settings.refresh_from_db()
    assert settings.last_sync_at is not None and settings.set_status_id == 9


def test_dave_clears_the_last_sync(conn, dave):
    settings = order_settings_for(connection=conn)
    settings.last_sync_at = timezone.now()
    settings.save()

    response = client_for(dave).post(url(conn), {"section": "orders",
                                                 "action": "clear_last_sync"})

    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.last_sync_at is None
    page = client_for(dave).get(url(conn)).content.decode()
    assert "never" in page.split('id="settings-orders-last-sync"')[1][:300]


def test_the_admin_lists_the_import_history_read_only(conn, alice):
    from bcsync.models import OrderImport
    from orders.models import SalesOrder

    order = SalesOrder.objects.create(number="WEB-7", source_store_hash="abc123", bc_order_id=7)
    OrderImport.objects.create(connection=conn, bc_order_id=7, sales_order=order,
                               outcome="imported", status_to_write=9)
    OrderImport.objects.create(connection=conn, bc_order_id=8, outcome="refused",
                               message="[currency_code] Order #8: currency EUR")

    page = client_for(alice).get(reverse("admin:bcsync_orderimport_changelist"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "WEB-7" in text and "Refused" in text
    assert client_for(alice).get(reverse("admin:bcsync_orderimport_add")).status_code == 403


# ---- restock refunded items (a store connection field, edited in this section) -----------


def restock_box(page: str) -> str:
    """The restock checkbox's whole <input …> tag."""
    before, after = page.split('id="id_orders-restock_refunded_items"')
    return "<input" + before.rsplit("<input", 1)[1] + after.split(">", 1)[0] + ">"


def test_the_section_shows_the_restock_choice_as_the_connection_has_it(conn, bob):
    conn.restock_refunded_items = False
    conn.save()

    page = client_for(bob).get(url(conn)).content.decode()

    assert 'type="checkbox"' in restock_box(page) and "checked" not in restock_box(page)
    assert "Restock refunded items" in page

    conn.restock_refunded_items = True
    conn.save()
    page = client_for(bob).get(url(conn)).content.decode()
    assert "checked" in restock_box(page)


def test_dave_saves_the_restock_choice_both_ways(conn, dave):
    assert conn.restock_refunded_items  # the default

    assert client_for(dave).post(url(conn), body()).status_code == 302  # box left unticked
    conn.refresh_from_db()
    assert conn.restock_refunded_items is False

    response = client_for(dave).post(url(conn), body(restock_refunded_items="on"))
    assert response.status_code == 302
    conn.refresh_from_db()
    assert conn.restock_refunded_items is True


def test_bob_may_not_change_the_restock_choice(conn, bob):
    response = client_for(bob).post(url(conn), body())  # would switch it off
    assert response.status_code == 403
    conn.refresh_from_db()
    assert conn.restock_refunded_items is True


def test_a_form_error_elsewhere_saves_no_restock_choice(conn, dave):
    response = client_for(dave).post(url(conn), body(interval_minutes="0"))
    assert response.status_code == 400
    conn.refresh_from_db()
    assert conn.restock_refunded_items is True
