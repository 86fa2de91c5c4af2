from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bcsync.client import BigCommerceClient, NotFound, StoreInfo, Webhook

from .conftest import API_URL, BASE, STORE, TOKEN, query, v3_list


def test_it_imports_no_django():
    # A fresh interpreter: this test process already has Django loaded by pytest-django.
    import subprocess

    code = "import sys, bcsync.client; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_it_builds_from_a_connection_object():
    conn = SimpleNamespace(api_url="http://127.0.0.1:8765", store_hash="s1", access_token="t")

    client = BigCommerceClient.from_connection(conn, max_retries=1)

    assert client._http.base_url == "http://127.0.0.1:8765/stores/s1"
    assert client._http.max_retries == 1


def test_it_sends_the_documented_headers(mocked, client):
    mocked.get(f"{BASE}/v2/time", json={"time": 1})
    mocked.put(f"{BASE}/v3/catalog/products/1", json={"data": {"id": 1}})

    client.server_time()
    client.update_product(1, {"price": 2})

    read, write = (c.request.headers for c in mocked.calls)
    assert read["X-Auth-Token"] == TOKEN
    assert read["Accept"] == "application/json"
    assert read["User-Agent"] == "bcsync/0.1"
    assert "Content-Type" not in read
    assert write["Content-Type"] == "application/json"


def test_it_reads_store_information(mocked, client):
    mocked.get(
        f"{BASE}/v2/store",
        json={
            "id": STORE,
            "name": "Shop",
            "domain": "shop.example",
            "secure_url": "https://shop.example",
            "currency": "EUR",
            "weight_units": "kg",
            "dimension_units": "Centimeters",
            "timezone": {"name": "Europe/Paris", "raw_offset": 3600},
            "plan_name": "Plus",
            "features": {},
        },
    )

    info = client.store_information()

    assert info == StoreInfo(
        id=STORE,
        name="Shop",
        domain="shop.example",
        secure_url="https://shop.example",
        currency="EUR",
        weight_units="kg",
        dimension_units="Centimeters",
        timezone_name="Europe/Paris",
        plan_name="Plus",
        raw={},
    )
    assert info.raw["features"] == {}


def test_it_reads_server_time(mocked, client):
    mocked.get(f"{BASE}/v2/time", json={"time": 1_736_899_397})

    assert client.server_time() == datetime(2025, 1, 15, 0, 3, 17, tzinfo=UTC)


def test_it_gets_a_product_with_includes(mocked, client):
    mocked.get(
        f"{BASE}/v3/catalog/products/9",
        json={"data": {"id": 9}, "meta": {}},
        match=query({"include": "variants,images,custom_fields"}),
    )

    assert client.get_product(9) == {"id": 9}


def test_it_creates_updates_and_deletes_a_product(mocked, client):
    mocked.post(f"{BASE}/v3/catalog/products", json={"data": {"id": 1, "name": "Mug"}})
    mocked.put(f"{BASE}/v3/catalog/products/1", json={"data": {"id": 1, "price": 2}})
    mocked.delete(f"{BASE}/v3/catalog/products/1", status=204)

    assert client.create_product({"name": "Mug"})["id"] == 1
    assert client.update_product(1, {"price": 2})["price"] == 2
    assert client.delete_product(1) is None


def test_it_keeps_a_product_saved_with_a_207(mocked, client, caplog):
    mocked.post(
        f"{BASE}/v3/catalog/products",
        status=207,
        json={"data": {"id": 4}, "errors": {"status": 422, "title": "URL failed"}, "meta": {}},
    )

    assert client.create_product({"name": "Mug"}) == {"id": 4}
    assert "URL failed" in caplog.text


def test_it_writes_variants(mocked, client):
    mocked.post(f"{BASE}/v3/catalog/products/1/variants", json={"data": {"id": 2}})
    mocked.put(f"{BASE}/v3/catalog/products/1/variants/2", json={"data": {"id": 2}})

    client.create_variant(1, {"sku": "A-RED", "option_values": [{"id": 1, "option_id": 1}]})
    client.update_variant(1, 2, {"price": 3})

    assert json.loads(mocked.calls[1].request.body) == {"price": 3}


def test_it_manages_custom_fields(mocked, client):
    path = f"{BASE}/v3/catalog/products/1/custom-fields"
    mocked.post(path, json={"data": {"id": 3, "name": "Origin", "value": "FR"}})
    mocked.put(f"{path}/3", json={"data": {"id": 3, "name": "Origin", "value": "IT"}})
    mocked.delete(f"{path}/3", status=204)

    assert client.create_custom_field(1, {"name": "Origin", "value": "FR"})["id"] == 3
    assert client.update_custom_field(1, 3, {"value": "IT"})["value"] == "IT"
    client.delete_custom_field(1, 3)


def test_it_adds_a_product_image_by_url(mocked, client):
    mocked.post(f"{BASE}/v3/catalog/products/1/images", json={"data": {"id": 8}})

    client.create_product_image(1, "https://cdn.example/mug.jpg", is_thumbnail=True)

    assert json.loads(mocked.calls[0].request.body) == {
        "image_url": "https://cdn.example/mug.jpg",
        "is_thumbnail": True,
    }


def test_it_refuses_an_image_url_over_255_characters(client):
    with pytest.raises(ValueError, match="255"):
        client.create_product_image(1, "https://x/" + "a" * 250)


def test_it_creates_a_brand(mocked, client):
    mocked.post(f"{BASE}/v3/catalog/brands", json={"data": {"id": 5, "name": "Acme"}})

    assert client.create_brand({"name": "Acme"}) == {"id": 5, "name": "Acme"}


def test_it_reads_and_updates_orders(mocked, client):
    mocked.get(f"{BASE}/v2/orders/100", json={"id": 100, "status_id": 11})
    mocked.put(f"{BASE}/v2/orders/100", json={"id": 100, "status_id": 2})
    mocked.get(f"{BASE}/v2/orders/100/products", json=[{"id": 1, "sku": "A"}])
    mocked.get(f"{BASE}/v2/orders/100/shipping_addresses", json=[{"id": 7}])
    mocked.get(f"{BASE}/v2/order_statuses", json=[{"id": 0, "name": "Incomplete"}])
    mocked.get(f"{BASE}/v2/orders/count", json={"count": 3, "statuses": [{"id": 11, "count": 3}]})

    assert client.get_order(100)["status_id"] == 11
    assert client.update_order_status(100, 2)["status_id"] == 2
    assert json.loads(mocked.calls[1].request.body) == {"status_id": 2}
    assert [p["sku"] for p in client.iter_order_products(100)] == ["A"]
    assert client.list_order_shipping_addresses(100) == [{"id": 7}]
    assert client.list_order_statuses()[0]["name"] == "Incomplete"
    assert client.count_orders() == 3


def test_it_asks_for_orders_with_their_consignments_and_lines(mocked, client):
    consigned = {"include": "consignments.line_items", "consignment_structure": "object"}
    order = {"id": 100, "consignments": {"shipping": [{"id": 7, "line_items": [{"id": 1}]}]}}
    mocked.get(f"{BASE}/v2/orders", json=[order], match=query(
        {**consigned, "status_id": "11", "page": "1", "limit": "50"}))
    mocked.get(f"{BASE}/v2/orders/100", json=order, match=query(consigned))

    pages = list(client.iter_order_pages(filters={"status_id": 11}, limit=50,
                                         consignments=True))
    assert pages[0].items == [order]
    assert client.get_order(100, consignments=True) == order


def test_it_asks_for_bare_orders_by_default(mocked, client):
    mocked.get(f"{BASE}/v2/orders", json=[{"id": 100}], match=query({"page": "1", "limit": "250"}))
    mocked.get(f"{BASE}/v2/orders/100", json={"id": 100}, match=query({}))

    assert next(client.iter_order_pages()).items == [{"id": 100}]
    assert client.get_order(100) == {"id": 100}


def test_it_creates_reads_and_updates_customer_groups(mocked, client):
    rule = {"type": "all", "method": "percent", "amount": "15.0000"}
    mocked.post(f"{BASE}/v2/customer_groups", json={"id": 4, "name": "Trade",
                                                    "discount_rules": [rule]})
    mocked.put(f"{BASE}/v2/customer_groups/4", json={"id": 4, "name": "Trade",
                                                     "discount_rules": []})
    mocked.get(f"{BASE}/v2/customer_groups/4", json={"id": 4, "name": "Trade"})

    assert client.create_customer_group({"name": "Trade", "discount_rules": [rule]})["id"] == 4
    assert json.loads(mocked.calls[0].request.body)["discount_rules"] == [rule]
    assert client.update_customer_group(4, {"discount_rules": []})["discount_rules"] == []
    assert json.loads(mocked.calls[1].request.body) == {"discount_rules": []}
    assert client.get_customer_group(4)["name"] == "Trade"


def test_a_customer_group_needs_a_name(client):
    with pytest.raises(ValueError, match="name"):
        client.create_customer_group({"discount_rules": []})


def test_it_reads_shipping_zones_and_methods(mocked, client):
    mocked.get(f"{BASE}/v2/shipping/zones", json=[{"id": 1, "name": "Domestic"}])
    mocked.get(f"{BASE}/v2/shipping/zones/1/methods", json=[{"id": 2, "type": "flatrate"}])

    assert [z["id"] for z in client.iter_shipping_zones()] == [1]
    assert client.list_shipping_methods(1)[0]["type"] == "flatrate"


def test_it_manages_webhooks(mocked, client):
    hook = {
        "id": 12,
        "scope": "store/product/updated",
        "destination": "https://h.example/bc",
        "is_active": True,
        "headers": {"X-Secret": "s3cret"},
        "created_at": 1,
        "updated_at": 1,
    }
    mocked.post(f"{BASE}/v3/hooks", json={"data": hook, "meta": {}})
    mocked.get(f"{BASE}/v3/hooks", json=v3_list([hook]))
    mocked.put(f"{BASE}/v3/hooks/12", json={"data": {**hook, "is_active": False}, "meta": {}})
    mocked.delete(f"{BASE}/v3/hooks/12", json={"data": hook, "meta": {}})

    created = client.create_webhook(
        scope=hook["scope"], destination=hook["destination"], headers={"X-Secret": "s3cret"}
    )
    listed = list(client.iter_webhooks())
    updated = client.update_webhook(12, {"is_active": False})
    client.delete_webhook(12)

    assert isinstance(created, Webhook) and created.id == 12
    assert listed == [created]
    assert updated.is_active is False
    assert json.loads(mocked.calls[0].request.body)["headers"] == {"X-Secret": "s3cret"}
    assert "s3cret" not in repr(created)


def test_it_points_at_the_emulator_by_api_url(mocked, fake_time):
    from .conftest import make_client

    client = make_client(fake_time, api_url="http://127.0.0.1:8765/")
    mocked.get("http://127.0.0.1:8765/stores/abc123/v2/time", json={"time": 0})

    client.server_time()


def test_api_url_default_is_bigcommerce():
    client = BigCommerceClient(store_hash="h", access_token="t")

    assert client._http.base_url == "https://api.bigcommerce.com/stores/h"
    assert client.api_url != API_URL


def test_it_sends_decimal_prices_as_json_numbers(mocked, client):
    from decimal import Decimal

    mocked.put(f"{BASE}/v3/catalog/products/1", json={"data": {"id": 1}})

    client.update_product(1, {"price": Decimal("19.90")})

    assert mocked.calls[0].request.body == b'{"price":19.9}'


def test_it_sends_utf8_json(mocked, client):
    mocked.post(f"{BASE}/v3/catalog/brands", json={"data": {"id": 1, "name": "Café €"}})

    client.create_brand({"name": "Café €"})

    assert mocked.calls[0].request.body == '{"name":"Café €"}'.encode()


def test_deleting_an_absent_product_is_done(mocked, client):
    not_found = {"status": 404, "title": "Product not found"}
    mocked.delete(f"{BASE}/v3/catalog/products/5", status=404, json=not_found)
    mocked.delete(f"{BASE}/v3/catalog/products/6", status=404, json=not_found)

    client.delete_product(5)
    with pytest.raises(NotFound):
        client.delete_product(6, missing_ok=False)


def test_a_delete_whose_answer_was_lost_is_retried_and_counts_as_done(mocked, client):
    import requests

    mocked.delete(f"{BASE}/v3/hooks/4", body=requests.ReadTimeout())
    mocked.delete(f"{BASE}/v3/hooks/4", status=404, json={"status": 404, "title": "Not found"})

    client.delete_webhook(4)

    assert len(mocked.calls) == 2


def test_the_spec_route_check_knows_real_paths_from_typos():
    from tests.specs import require_specs

    from .spec_routes import find_route

    require_specs()
    assert find_route("GET", "/v3/catalog/products/12/custom-fields") is not None
    assert find_route("PUT", "/v3/inventory/adjustments/absolute") is not None
    assert find_route("GET", "/v2/orders/7/shipping_addresses") is not None
    assert find_route("GET", "/v3/catalog/product/12") is None
    assert find_route("PUT", "/v3/inventory/adjustments/relative") is None  # POST only
