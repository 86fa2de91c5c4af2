"""Upload and Preview from the POS View, per role; the grid's link and sync-state columns;
the item's admin page (Upload button, history); the "open in BigCommerce" link."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from bcsync.models import ItemSync, SyncEvent, SyncJob
from tests.conftest import client_for

from .conftest import new_item

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]

UPLOAD = reverse("bcsync:pos_upload")
PREVIEW = reverse("bcsync:pos_preview")
ROWS = reverse("bcsync:pos_items_rows")


def post(client, url, ids):
    return client.post(url, json.dumps({"selection": {"ids": ids}, "params": {}}),
                       content_type="application/json")


@pytest.fixture
def item(connection, department, vendor, store_location):
    return new_item(department, vendor, store_location, sku="VIEW01", name="View Item")


def row_of(client, item) -> dict:
    rows = client.get(ROWS).json()["data"]
    return next(r for r in rows if r["id"] == item.pk)


def test_upload_needs_the_push_permission_and_preview_an_item_editor_or_pusher(
        item, bob, carol, dave):
    assert post(client_for(carol), UPLOAD, [item.pk]).status_code == 403
    assert post(client_for(dave), UPLOAD, [item.pk]).status_code == 403
    assert post(client_for(dave), PREVIEW, [item.pk]).status_code == 403
    assert not ItemSync.objects.filter(item=item, bc_product_id__isnull=False).exists()

    answer = post(client_for(carol), PREVIEW, [item.pk])
    assert answer.status_code == 200
    assert answer.json()["preview"][0]["action"] == "create"
    assert "VIEW01: would be created" in answer.json()["message"]

    answer = post(client_for(bob), UPLOAD, [item.pk])
    assert answer.status_code == 200, answer.content
    assert "1 created" in answer.json()["message"]
    assert ItemSync.objects.get(item=item).is_linked


def test_the_grid_shows_link_status_and_sync_state_and_links_to_the_control_panel(
        item, bob, connection):
    client = client_for(bob)
    before = row_of(client, item)
    assert (before["linked"], before["sync_state"]) == (False, "not uploaded")

    post(client, UPLOAD, [item.pk])

    after = row_of(client, item)
    assert (after["linked"], after["sync_state"]) == (True, "in step")
    item.name = "View Item 2"
    item.save()
    assert row_of(client, item)["sync_state"] == "pending"

    sync = ItemSync.objects.get(item=item)
    link = client.get(reverse("bcsync:pos_open_in_bigcommerce", args=[item.pk]))
    assert link.status_code == 302
    assert link["Location"] == (f"https://store-{connection.store_hash}.mybigcommerce.com"
                                f"/manage/products/{sync.bc_product_id}/edit")


def test_enforcement_shows_why_an_item_is_excluded(item, bob, connection):
    connection.item_sync_enforcement = True
    connection.save()
    item.ecommerce_enabled = False
    item.save()
    row = row_of(client_for(bob), item)
    assert row["sync_state"] == "excluded"
    assert row["sync_reason"] == "Not enabled for eCommerce."


def test_a_large_selection_becomes_a_bulk_job(connection, bob, department, vendor,
                                              store_location, queues):
    items = [new_item(department, vendor, store_location, sku=f"BULK{i:02d}",
                      name=f"Bulk {i}") for i in range(8)]
    answer = post(client_for(bob), UPLOAD, [i.pk for i in items])
    assert answer.status_code == 200
    job = SyncJob.objects.get()
    assert (job.state, job.total, job.params["item_ids"]) == (
        "queued", 8, sorted(i.pk for i in items))


def test_the_item_page_has_an_upload_button_and_its_history(item, alice):
    client = client_for(alice)
    page = client.get(reverse("admin:catalog_item_change", args=[item.pk]))
    assert reverse("bcsync:item_upload", args=[item.pk]) in page.content.decode()

    answer = client.post(reverse("bcsync:item_upload", args=[item.pk]))
    assert answer.status_code == 302
    assert SyncEvent.objects.get(item=item).action == "created"
    page = client.get(reverse("admin:catalog_item_change", args=[item.pk]))
    assert "Created" in page.content.decode() and "Sync history" in page.content.decode()


def test_bad_selections_are_a_400_not_a_500(bob, connection):
    client = client_for(bob)
    for body in ("not json", json.dumps({"selection": "x"}), json.dumps([1])):
        assert client.post(UPLOAD, body, content_type="application/json").status_code == 400


def test_a_failed_upload_shows_its_field_and_message_in_the_grid(bob, connection, department,
                                                                 vendor, store_location):
    dupe = new_item(department, vendor, store_location, sku="DUPE01",
                    name="Organic Hoodie 000001")
    client = client_for(bob)
    answer = post(client, UPLOAD, [dupe.pk])
    assert answer.json()["failed"] == 1
    row = row_of(client, dupe)
    assert row["sync_state"] == "error"
    assert row["sync_reason"].startswith("name: The product name 'Organic Hoodie 000001' is a "
                                         "duplicate")


def test_everything_a_filter_shows_is_uploaded_as_a_job(connection, bob, department, vendor,
                                                        store_location, queues):
    for i in range(7):
        new_item(department, vendor, store_location, sku=f"LAMP{i:02d}", name=f"Lamp {i}")
    new_item(department, vendor, store_location, sku="CHAIR1", name="Chair")
    selection = {"all": True, "filter": [{"field": "sku", "type": "like", "value": "LAMP"}]}
    answer = client_for(bob).post(UPLOAD, json.dumps({"selection": selection, "params": {}}),
                                  content_type="application/json")
    assert answer.status_code == 200, answer.content
    job = SyncJob.objects.get()
    assert job.total == 7 and "CHAIR1" not in answer.json()["message"]


def test_a_switched_off_store_gets_no_upload(item, bob, connection):
    connection.is_active = False
    connection.save()
    answer = post(client_for(bob), UPLOAD, [item.pk])
    assert answer.status_code == 400 and "switched off" in answer.json()["error"]
    assert not ItemSync.objects.filter(item=item).exists()
