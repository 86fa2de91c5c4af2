"""The settings page's Additional locations and End of Day sections: dave (settings admin)
changes them, bob (sync operator) only reads; clashing pairs and hostile bodies are form
errors (400) naming the field, never a 500."""

from __future__ import annotations

import socket
from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from bcsync.connections import connection_upsert
from bcsync.models import (
    EndOfDayRun,
    InventorySettings,
    ItemSync,
    LocationMapping,
    StoreConnection,
)
from catalog.models import Location
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def shop(db) -> Location:
    return Location.objects.create(code="SHOP", name="High street")


@pytest.fixture
def back(db) -> Location:
    return Location.objects.create(code="BACK", name="Back room")


@pytest.fixture
def store(shop) -> StoreConnection:
    conn, _ = connection_upsert(store_hash="abc123", access_token="tok-SECRET-inv-123456",
                                api_url=f"http://127.0.0.1:{closed_port()}")
    conn.pos_location = shop
    conn.bc_location_id = 1
    conn.save()
    return conn


def url(store: StoreConnection) -> str:
    return reverse("bcsync:settings", args=[store.pk])


def mappings_post(**fields: object) -> dict[str, object]:
    return {"section": "location_mappings",
            **{f"location_mappings-{k}": v for k, v in fields.items()}}


def test_dave_adds_and_removes_a_location_pair(dave, store, back, item):
    client = client_for(dave)
    page = client.get(url(store)).content.decode()
    assert 'id="settings-location_mappings"' in page and "No additional location yet" in page

    response = client.post(url(store), mappings_post(add_pos_location=back.pk,
                                                     add_bc_location_id=2))
    assert response.status_code == 302
    row = LocationMapping.objects.get(connection=store)
    assert (row.pos_location_id, row.bc_location_id) == (back.pk, 2)
    assert "BACK – Back room → BigCommerce location 2" in client.get(url(store)).content.decode()

    sync = ItemSync.objects.create(connection=store, item=item, bc_product_id=77,
                                   linked_by=ItemSync.LinkedBy.SKU, linked_at=timezone.now(),
                                   pushed={"inventory_level": 3, "inventory_level@2": 7})
    response = client.post(url(store), mappings_post(remove=[row.pk]))
    assert response.status_code == 302 and not LocationMapping.objects.exists()
    # Mapped again later, location 2 gets every quantity, not a diff against stale memory.
    sync.refresh_from_db()
    assert sync.pushed == {"inventory_level": 3}


@pytest.mark.parametrize(("fields", "message"), [
    ({"add_pos_location": "SHOP", "add_bc_location_id": 2},
     "POS location SHOP is already mapped for this store."),
    ({"add_pos_location": "BACK", "add_bc_location_id": 1},
     "BigCommerce location 1 is already mapped for this store."),
    ({"add_pos_location": "BACK"}, "choose both a POS location and a BigCommerce location"),
    ({"add_pos_location": "BACK", "add_bc_location_id": "99999999999"},
     "Ensure this value is less than or equal to"),
    ({"add_pos_location": "BACK", "add_bc_location_id": "two"}, "Enter a whole number."),
    ({"remove": ["x"]}, "Select a valid choice"),
    ({"add_pos_location": "'; DROP TABLE x; --", "add_bc_location_id": 3},
     "Select a valid choice"),
])
def test_clashing_or_hostile_pairs_are_refused_by_name(dave, store, shop, back, fields,
                                                       message):
    codes = {"SHOP": shop.pk, "BACK": back.pk}
    fields = {k: codes.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    response = client_for(dave).post(url(store), mappings_post(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LocationMapping.objects.exists()


def test_the_default_pair_may_not_take_a_mapped_location(dave, store, back):
    LocationMapping.objects.create(connection=store, pos_location=back, bc_location_id=2)
    response = client_for(dave).post(url(store), {
        "section": "locations", "locations-pos_location": back.pk,
        "locations-bc_location_id": "2"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "POS location BACK is already mapped under Additional locations" in page
    assert "BigCommerce location 2 is already mapped under Additional locations" in page


def test_bob_reads_but_may_not_change_them(bob, store, back):
    client = client_for(bob)
    assert 'id="settings-end_of_day"' in client.get(url(store)).content.decode()
    assert client.post(url(store), mappings_post(add_pos_location=back.pk,
                                                 add_bc_location_id=2)).status_code == 403
    assert client.post(url(store), {"section": "end_of_day",
                                    "end_of_day-end_of_day_enabled": "on",
                                    "end_of_day-end_of_day_time": "21:00"}).status_code == 403
    assert not LocationMapping.objects.exists()


def test_end_of_day_settings_are_saved_and_the_last_run_shown(dave, store):
    client = client_for(dave)
    assert "Last End of Day:\n  \n  never" in client.get(url(store)).content.decode()
    response = client.post(url(store), {"section": "end_of_day",
                                        "end_of_day-end_of_day_enabled": "on",
                                        "end_of_day-end_of_day_time": "21:30",
                                        "end_of_day-subtract_unpicked": "on"})
    assert response.status_code == 302
    settings = InventorySettings.objects.get(connection=store)
    assert settings.end_of_day_enabled and settings.subtract_unpicked
    assert settings.end_of_day_time == time(21, 30)

    EndOfDayRun.objects.create(connection=store, business_date=timezone.localdate(),
                               scheduled=True, started_at=timezone.now(),
                               finished_at=timezone.now(), items_checked=12, items_changed=3,
                               requests=1)
    page = client.get(url(store)).content.decode()
    assert "12 items checked, 3 changed, 1 requests, 0 errors" in page


@pytest.mark.parametrize("value", ["25:99", "x" * 5000, "21:00'; --"])
def test_a_bad_time_is_a_form_error(dave, store, value):
    response = client_for(dave).post(url(store), {"section": "end_of_day",
                                                  "end_of_day-end_of_day_time": value})
    assert response.status_code == 400
    assert "Enter a valid time." in response.content.decode()


def test_the_end_of_day_log_is_read_only_in_the_admin(alice, store):
    run = EndOfDayRun.objects.create(connection=store, business_date=timezone.localdate(),
                                     started_at=timezone.now(), items_checked=4,
                                     error_details=["SKU1 at BigCommerce location 1: 422"])
    client = client_for(alice)
    assert client.get("/admin/bcsync/endofdayrun/").status_code == 200
    page = client.get(f"/admin/bcsync/endofdayrun/{run.pk}/change/").content.decode()
    assert "SKU1 at BigCommerce location 1: 422" in page
    assert client.get("/admin/bcsync/endofdayrun/add/").status_code == 403
