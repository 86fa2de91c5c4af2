"""Hostile deliveries with a valid secret: the body is bounded in size and depth, every id read
is a JSON integer in 1..2^63-1, and a rejected delivery queues nothing. Never a 500.

BigCommerce sends ids as JSON integers (webhooks.v3.yml: `id`, `product_id`, `orderId`,
`customer_id` are `type: integer`), in payloads of a few hundred bytes and three levels.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bcsync.connections import connection_upsert
from bcsync.models import StoreConnection
from bcsync.webhook_registration import SECRET_HEADER
from bcsync.webhooks import MAX_BODY_BYTES, MAX_DEPTH
from localcopy.models import LcRefresh

pytestmark = pytest.mark.django_db

URL = reverse("bcsync:webhook_receiver", args=["abc123"])
MAX_ID = 2**63 - 1
MIRRORED_SCOPES = ["store/product/updated", "store/product/deleted",
                   "store/product/inventory/updated", "store/sku/updated",
                   "store/category/created", "store/order/statusUpdated",
                   "store/shipment/created", "store/customer/updated",
                   "store/customer/address/created"]


@pytest.fixture
def connection() -> StoreConnection:
    conn, _ = connection_upsert(store_hash="abc123", access_token="t0ken",
                                api_url="http://127.0.0.1:9")
    return conn


def envelope(scope: str, data: object, **extra: object) -> dict:
    return {"producer": "stores/abc123", "hash": "5f1c0b", "created_at": 1763870000,
            "store_id": "1001", "scope": scope, "data": data, **extra}


def deliver(client, connection, body: bytes):
    return client.post(URL, data=body, content_type="application/json",
                       headers={SECRET_HEADER: connection.webhook_secret})


def queued(callbacks) -> list[dict]:
    return [cb.keywords["kwargs"] for cb in callbacks]


# ---- size ----------------------------------------------------------------------------------


def padded(size: int) -> bytes:
    """A valid product delivery padded with whitespace to exactly `size` bytes."""
    body = json.dumps(envelope("store/product/updated", {"type": "product", "id": 7})).encode()
    return body + b" " * (size - len(body))


def test_a_body_at_the_limit_is_accepted(client, connection,
                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = deliver(client, connection, padded(MAX_BODY_BYTES))
    assert response.status_code == 202
    assert len(callbacks) == 1


@pytest.mark.parametrize("size", [MAX_BODY_BYTES + 1, 3 * 1024 * 1024])
def test_a_body_over_the_limit_is_413_and_queues_nothing(
        client, connection, size, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = deliver(client, connection, padded(size))
    assert response.status_code == 413
    assert callbacks == []
    connection.refresh_from_db()
    assert connection.last_webhook_at is None


# ---- depth ---------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100, 20_000])
def test_deeply_nested_json_is_400_and_queues_nothing(
        client, connection, depth, django_capture_on_commit_callbacks):
    deep = "[" * depth + "]" * depth
    body = ('{"scope": "store/product/updated", "data": {"id": 7, "x": ' + deep + "}}").encode()
    assert len(body) <= MAX_BODY_BYTES
    with django_capture_on_commit_callbacks() as callbacks:
        response = deliver(client, connection, body)
    assert response.status_code == 400
    assert "nest" in response.json()["error"]
    assert callbacks == []


def test_brackets_inside_strings_do_not_count_as_nesting(
        client, connection, django_capture_on_commit_callbacks):
    data = {"type": "product", "id": 7, "note": "[[[[{{{{" * 50 + '\\"[[[['}
    with django_capture_on_commit_callbacks() as callbacks:
        response = deliver(client, connection,
                           json.dumps(envelope("store/product/updated", data)).encode())
    assert response.status_code == 202
    assert len(callbacks) == 1


# ---- ids -----------------------------------------------------------------------------------


BAD_IDS = [10**30, 2**70, 2**63, 1.9, 1.0, 7e0, True, False, "77", "", -1, 0, [7], {"id": 7}]


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
@pytest.mark.parametrize(("scope", "data"), [
    ("store/product/updated", lambda bad: {"type": "product", "id": bad}),
    ("store/category/updated", lambda bad: {"type": "category", "id": bad}),
    ("store/order/created", lambda bad: {"type": "order", "id": bad}),
    ("store/customer/updated", lambda bad: {"type": "customer", "id": bad}),
    ("store/product/inventory/updated",
     lambda bad: {"type": "product", "id": 7, "inventory": {"product_id": bad}}),
    ("store/sku/updated",
     lambda bad: {"type": "sku", "id": 461, "sku": {"product_id": bad, "variant_id": 509}}),
    ("store/shipment/created", lambda bad: {"type": "shipment", "id": 12, "orderId": bad}),
    ("store/customer/address/created",
     lambda bad: {"type": "customer", "id": 9, "address": {"customer_id": bad}}),
])
def test_an_id_that_is_not_a_64_bit_positive_json_integer_is_400_and_queues_nothing(
        client, connection, scope, data, bad, django_capture_on_commit_callbacks):
    body = json.dumps(envelope(scope, data(bad))).encode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = deliver(client, connection, body)
    assert response.status_code == 400, response.content
    assert callbacks == []
    connection.refresh_from_db()
    assert connection.last_webhook_at is None


@pytest.mark.parametrize("good", [1, 2**31, MAX_ID])
def test_ids_up_to_2_63_minus_1_are_accepted(client, connection, good,
                                             django_capture_on_commit_callbacks):
    body = json.dumps(envelope("store/order/created", {"type": "order", "id": good})).encode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = deliver(client, connection, body)
    assert response.status_code == 202
    assert [kw["bc_id"] for kw in queued(callbacks)] == [good]


def test_a_float_that_looks_whole_in_the_raw_body_is_refused(
        client, connection, django_capture_on_commit_callbacks):
    raw = b'{"scope": "store/product/updated", "data": {"type": "product", "id": 7.0}}'
    with django_capture_on_commit_callbacks() as callbacks:
        assert deliver(client, connection, raw).status_code == 400
        huge = b'{"scope": "store/product/updated", "data": {"id": ' + b"9" * 5000 + b"}}"
        assert deliver(client, connection, huge).status_code == 400
    assert callbacks == []


# ---- anything at all -----------------------------------------------------------------------


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)
hostile_ids = (st.integers(min_value=-(2**80), max_value=2**80) | st.floats()
               | st.booleans() | st.text(max_size=10) | st.none() | json_values)
scopes = st.sampled_from(MIRRORED_SCOPES) | st.text(max_size=40)
shaped = st.builds(
    lambda scope, data: json.dumps(envelope(scope, data)).encode(),
    scopes,
    st.fixed_dictionaries({"id": hostile_ids},
                          optional={"inventory": st.fixed_dictionaries(
                                        {"product_id": hostile_ids}),
                                    "sku": st.fixed_dictionaries({"product_id": hostile_ids}),
                                    "orderId": hostile_ids,
                                    "address": st.fixed_dictionaries(
                                        {"customer_id": hostile_ids})}),
)
deep = st.builds(
    lambda opener, depth, scope: (
        '{"scope": ' + json.dumps(scope) + ', "data": {"id": 5, "x": '
        + opener * depth + "1" + {"[": "]", '{"a":': "}"}[opener] * depth + "}}"
    ).encode(),
    st.sampled_from(["[", '{"a":']), st.integers(min_value=0, max_value=3000), scopes)
bodies = (st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode())
          | shaped | deep)


@given(body=bodies)
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
def test_no_body_ever_gets_a_500_and_only_good_ids_are_queued(
        client, connection, body, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        # The test client re-raises what would be a 500.
        response = deliver(client, connection, body)
    assert response.status_code in (200, 202, 400, 413), response.status_code
    if response.status_code == 202:
        # Coalesced: a repeated id joins the refresh already pending, so a task is sent at
        # most once; the pending row is what proves the delivery was taken.
        answer = response.json()
        assert type(answer["id"]) is int and 0 < answer["id"] <= MAX_ID
        assert LcRefresh.objects.filter(store_hash=connection.store_hash,
                                        resource=answer["resource"], bc_id=answer["id"]).exists()
        assert [kw["bc_id"] for kw in queued(callbacks)] in ([], [answer["id"]])
    else:
        assert callbacks == []
