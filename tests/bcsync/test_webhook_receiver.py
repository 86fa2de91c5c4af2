"""The webhook receiver: the secret header in constant time, 401 and nothing queued without
it, 400 for a body that is not a payload, one targeted refresh queued per good delivery."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from bcsync.connections import connection_upsert
from bcsync.models import StoreConnection
from bcsync.webhook_registration import SECRET_HEADER
from bcsync.webhooks import (
    WebhookBadPayload,
    WebhookRefresh,
    webhook_refresh_for,
)
from localcopy.models import LcRefresh

pytestmark = pytest.mark.django_db

URL = reverse("bcsync:webhook_receiver", args=["abc123"])


def enqueued(callbacks) -> list[tuple[str, dict]]:
    return [(cb.func.__self__.name, cb.keywords["kwargs"]) for cb in callbacks]


def payload(scope: str, **data) -> bytes:
    return json.dumps({"producer": "stores/abc123", "hash": "5f1c0b", "created_at": 1763870000,
                       "store_id": "1001", "scope": scope, "data": data}).encode()


@pytest.fixture
def connection() -> StoreConnection:
    conn, _ = connection_upsert(store_hash="abc123", access_token="t0ken",
                                api_url="http://127.0.0.1:9")
    return conn


def deliver(client, body: bytes, secret: str | None, url: str = URL):
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return client.post(url, data=body, content_type="application/json", headers=headers)


def test_the_right_secret_queues_one_refresh_and_records_the_arrival(
        client, connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = deliver(client, payload("store/product/updated", type="product", id=77),
                           connection.webhook_secret)
    assert response.status_code == 202
    assert enqueued(callbacks) == [("bcsync.tasks.lc_refresh_task", {
        "connection_id": connection.pk, "resource": "product", "bc_id": 77})]
    connection.refresh_from_db()
    assert connection.last_webhook_at is not None
    pending = LcRefresh.objects.get()
    assert (pending.store_hash, pending.resource, pending.bc_id, pending.deleted) == (
        "abc123", "product", 77, False)


def test_repeated_deliveries_join_the_pending_refresh_and_send_nothing_more(
        client, connection, django_capture_on_commit_callbacks):
    body = payload("store/product/updated", type="product", id=77)
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(50):
            assert deliver(client, body, connection.webhook_secret).status_code == 202
        deliver(client, payload("store/product/deleted", type="product", id=77),
                connection.webhook_secret)
    assert len(callbacks) == 1
    assert LcRefresh.objects.count() == 1
    assert LcRefresh.objects.get().deleted is True  # a later "deleted" is kept


def test_a_delivery_during_the_fetch_sends_one_more_refresh_and_no_more(
        client, connection, django_capture_on_commit_callbacks):
    body = payload("store/product/updated", type="product", id=77)
    deliver(client, body, connection.webhook_secret)
    LcRefresh.objects.update(taken_at=timezone.now())  # a worker's fetch is under way

    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(10):
            deliver(client, body, connection.webhook_secret)

    assert len(callbacks) == 1
    assert LcRefresh.objects.get().taken_at is None  # put back for one more read


@pytest.mark.parametrize("secret", [None, "", "wrong", "x" * 43])
def test_a_missing_or_wrong_secret_is_401_and_queues_nothing(
        client, connection, secret, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = deliver(client, payload("store/product/updated", type="product", id=77),
                           secret)
    assert response.status_code == 401
    assert callbacks == []
    connection.refresh_from_db()
    assert connection.last_webhook_at is None


def test_another_stores_secret_does_not_open_this_store(
        client, connection, django_capture_on_commit_callbacks):
    other, _ = connection_upsert(store_hash="zzz999", access_token="t",
                                 api_url="http://127.0.0.1:9")
    with django_capture_on_commit_callbacks() as callbacks:
        response = deliver(client, payload("store/product/updated", type="product", id=1),
                           other.webhook_secret)
    assert response.status_code == 401
    assert callbacks == []


def test_an_unknown_or_inactive_store_is_401(client, connection):
    url = reverse("bcsync:webhook_receiver", args=["nosuch"])
    assert deliver(client, payload("store/product/updated", type="product", id=1),
                   connection.webhook_secret, url).status_code == 401
    StoreConnection.objects.filter(pk=connection.pk).update(is_active=False)
    assert deliver(client, payload("store/product/updated", type="product", id=1),
                   connection.webhook_secret).status_code == 401


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[1, 2]",
                                  b'{"scope": "store/product/updated"}',
                                  b'{"scope": "store/product/updated", "data": {"id": "x"}}'])
def test_a_body_that_is_not_a_payload_is_400_and_queues_nothing(
        client, connection, body, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = deliver(client, body, connection.webhook_secret)
    assert response.status_code == 400
    assert callbacks == []


def test_a_bad_body_with_a_wrong_secret_is_still_401(client, connection):
    assert deliver(client, b"{not json", "wrong").status_code == 401


def test_a_scope_the_lc_does_not_mirror_is_acknowledged_and_ignored(
        client, connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = deliver(client, payload("store/app/uninstalled", type="store", id=1),
                           connection.webhook_secret)
    assert response.status_code == 200
    assert callbacks == []


def test_only_post_is_accepted(client, connection):
    assert client.get(URL).status_code == 405


def test_csrf_does_not_apply_to_deliveries(connection):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = deliver(strict, payload("store/category/created", type="category", id=5),
                       connection.webhook_secret)
    assert response.status_code == 202


@pytest.mark.parametrize(("scope", "data", "expected"), [
    ("store/product/created", {"type": "product", "id": 7}, ("product", 7, False)),
    ("store/product/updated", {"type": "product", "id": 7}, ("product", 7, False)),
    ("store/product/deleted", {"type": "product", "id": 7}, ("product", 7, True)),
    ("store/product/inventory/updated",
     {"type": "product", "id": 7, "inventory": {"product_id": 7, "method": "absolute",
                                                "value": 5}}, ("product", 7, False)),
    ("store/product/inventory/order/updated",
     {"type": "product", "id": 7, "inventory": {"product_id": 7, "method": "relative",
                                                "value": -1}}, ("product", 7, False)),
    ("store/sku/created", {"type": "sku", "id": 461, "sku": {"product_id": 206,
                                                             "variant_id": 509}},
     ("sku", 206, False)),
    ("store/sku/deleted", {"type": "sku", "id": 461, "sku": {"product_id": 206,
                                                             "variant_id": 509}},
     ("sku", 206, False)),
    ("store/sku/inventory/updated",
     {"type": "sku", "id": 461, "inventory": {"product_id": 206, "variant_id": 509,
                                              "method": "absolute", "value": 3}},
     ("sku", 206, False)),
    ("store/category/updated", {"type": "category", "id": 18}, ("category", 18, False)),
    ("store/category/deleted", {"type": "category", "id": 18}, ("category", 18, True)),
    ("store/order/created", {"type": "order", "id": 250}, ("order", 250, False)),
    ("store/order/statusUpdated", {"type": "order", "id": 250, "status": {
        "previous_status_id": 0, "new_status_id": 11}}, ("order", 250, False)),
    ("store/order/refund/created", {"type": "order", "id": 250, "refund": {"refund_id": 3}},
     ("order", 250, False)),
    ("store/order/archived", {"type": "order", "id": 250}, ("order", 250, True)),
    ("store/shipment/created", {"type": "shipment", "id": 12, "orderId": 250},
     ("order", 250, False)),
    ("store/customer/updated", {"type": "customer", "id": 60}, ("customer", 60, False)),
    ("store/customer/deleted", {"type": "customer", "id": 60}, ("customer", 60, True)),
    ("store/customer/address/created", {"type": "customer", "id": 9,
                                        "address": {"customer_id": 60}},
     ("customer", 60, False)),
])
def test_each_scope_maps_to_a_targeted_refresh(scope, data, expected):
    assert webhook_refresh_for({"scope": scope, "data": data}) == WebhookRefresh(*expected)


@pytest.mark.parametrize("scope", ["store/information/updated", "store/app/uninstalled",
                                   "store/cart/created"])
def test_scopes_outside_the_lc_map_to_nothing(scope):
    assert webhook_refresh_for({"scope": scope, "data": {"type": "x", "id": 1}}) is None


@pytest.mark.parametrize("body", [
    {"data": {"id": 1}},
    {"scope": 5, "data": {"id": 1}},
    {"scope": "product/updated", "data": {"id": 1}},
    {"scope": "store/product/updated", "data": []},
    {"scope": "store/product/updated", "data": {"id": -3}},
    {"scope": "store/sku/updated", "data": {"type": "sku", "id": 4}},
])
def test_a_mirrored_scope_without_a_usable_id_is_a_bad_payload(body):
    with pytest.raises(WebhookBadPayload):
        webhook_refresh_for(body)
