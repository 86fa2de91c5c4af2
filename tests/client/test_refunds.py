"""Order refunds (V3 payment actions) at the HTTP edge."""

from __future__ import annotations

import json

import pytest

from bcsync.client import ServerError, UnexpectedResponse, ValidationError

from .conftest import BASE, query, v3_list

REFUND = {"id": 3, "order_id": 100, "total_amount": 10.0, "total_tax": 0,
          "items": [{"item_type": "PRODUCT", "item_id": 7, "quantity": 1}],
          "payments": [{"id": 4, "provider_id": "custom", "amount": 10.0, "offline": True}]}


def test_it_lists_one_orders_refunds(mocked, client):
    mocked.get(f"{BASE}/v3/orders/100/payment_actions/refunds",
               json={"data": [REFUND], "meta": {}})
    mocked.get(f"{BASE}/v3/orders/101/payment_actions/refunds",
               json={"data": [], "meta": {}}, match=query({"transaction_id": "4"}))

    assert client.list_order_refunds(100) == [REFUND]
    assert client.list_order_refunds(101, transaction_id="4") == []


def test_an_order_refund_list_that_is_not_a_list_is_an_unexpected_response(mocked, client):
    mocked.get(f"{BASE}/v3/orders/100/payment_actions/refunds", json={"data": {}, "meta": {}})

    with pytest.raises(UnexpectedResponse):
        client.list_order_refunds(100)


def test_it_walks_every_page_of_refunds_with_filters(mocked, client):
    first, second = {**REFUND, "id": 1}, {**REFUND, "id": 2}
    mocked.get(f"{BASE}/v3/orders/payment_actions/refunds",
               json=v3_list([first], page=1, total_pages=2, total=2),
               match=query({"order_id:in": "100,101", "page": "1", "limit": "1"}))
    mocked.get(f"{BASE}/v3/orders/payment_actions/refunds",
               json=v3_list([second], page=2, total_pages=2, total=2),
               match=query({"order_id:in": "100,101", "page": "2", "limit": "1"}))

    refunds = list(client.iter_refunds(filters={"order_id:in": [100, 101]}, limit=1))

    assert [r["id"] for r in refunds] == [1, 2]
    assert mocked.calls[0].request.url.endswith("order_id:in=100,101&page=1&limit=1")


def test_it_reads_one_refund(mocked, client):
    mocked.get(f"{BASE}/v3/orders/payment_actions/refunds/3", json={"data": REFUND, "meta": {}})

    assert client.get_refund(3)["total_amount"] == 10.0


def test_it_quotes_and_creates_a_refund(mocked, client):
    items = [{"item_type": "PRODUCT", "item_id": 7, "quantity": 1}]
    payments = [{"provider_id": "custom", "amount": 10.0, "offline": True}]
    mocked.post(f"{BASE}/v3/orders/100/payment_actions/refund_quotes", status=201,
                json={"data": {"order_id": 100, "total_refund_amount": 10.0}, "meta": {}})
    mocked.post(f"{BASE}/v3/orders/100/payment_actions/refunds", status=201,
                json={"data": REFUND, "meta": {}})

    assert client.quote_refund(100, items)["total_refund_amount"] == 10.0
    assert client.create_refund(100, items, payments)["id"] == 3
    assert json.loads(mocked.calls[0].request.body) == {"items": items}
    assert json.loads(mocked.calls[1].request.body) == {"items": items, "payments": payments}


def test_a_refused_refund_is_a_validation_error_naming_the_item(mocked, client):
    mocked.post(f"{BASE}/v3/orders/100/payment_actions/refunds", status=422, json={
        "status": 422, "title": "The refund cannot be processed.", "type": "x",
        "errors": {"items.0.quantity": "line 7 has 0 left to refund, 1 asked"}})

    with pytest.raises(ValidationError) as caught:
        client.create_refund(100, [{"item_type": "PRODUCT", "item_id": 7, "quantity": 1}],
                             [{"provider_id": "custom", "amount": 10.0, "offline": True}])

    assert caught.value.errors == {"items.0.quantity": "line 7 has 0 left to refund, 1 asked"}


def test_a_refund_is_not_sent_twice_after_a_server_error(mocked, client):
    mocked.post(f"{BASE}/v3/orders/100/payment_actions/refunds", status=503,
                json={"status": 503, "title": "Unavailable"})

    with pytest.raises(ServerError):
        client.create_refund(100, [{"item_type": "ORDER", "item_id": 100, "amount": 1}],
                             [{"provider_id": "custom", "amount": 1, "offline": True}])

    assert len(mocked.calls) == 1
