"""V2 orders and the control API's order placement/editing."""

from __future__ import annotations

import time
from email.utils import format_datetime, parsedate_to_datetime

import pytest

from .conftest import Api

pytestmark = pytest.mark.emulator


def stock(api: Api, sku: str) -> int:
    return api.get("/v3/catalog/products", params={"sku": sku}).json()["data"][0][
        "inventory_level"]


def product_by_sku(api: Api, sku: str, include: str = "variants") -> dict:
    return api.get("/v3/catalog/products", params={"sku": sku, "include": include}).json()[
        "data"][0]


def test_order_list_shape_and_filters(api):
    r = api.get("/v2/orders")
    orders = r.json()
    assert r.status_code == 200 and isinstance(orders, list) and len(orders) >= 30
    first = orders[0]
    assert first["id"] == 1 and first["total_inc_tax"].endswith("00")
    assert parsedate_to_datetime(first["date_created"]).utcoffset().total_seconds() == 0
    assert first["date_created"].endswith("+0000")
    assert first["products"]["resource"] == "/orders/1/products"
    assert {o["status_id"] for o in orders} >= {1, 2, 5, 10, 11}
    guest = [o for o in orders if o["customer_id"] == 0]
    assert guest and guest[0]["billing_address"]["email"]
    shipped = api.get("/v2/orders", params={"status_id": 2}).json()
    assert shipped and all(o["status"] == "Shipped" for o in shipped)
    limited = api.get("/v2/orders", params={"limit": 5, "page": 2}).json()
    assert [o["id"] for o in limited] == [6, 7, 8, 9, 10]
    desc = api.get("/v2/orders", params={"sort": "id:desc", "limit": 2}).json()
    assert desc[0]["id"] > desc[1]["id"]
    by_customer = api.get("/v2/orders", params={"customer_id": 2}).json()
    assert by_customer and all(o["customer_id"] == 2 for o in by_customer)
    assert api.get("/v2/orders", params={"min_id": 3, "max_id": 4}).json()[0]["id"] == 3


def test_empty_order_list_is_204_without_body(api):
    r = api.get("/v2/orders", params={"min_id": 10**9})
    assert r.status_code == 204 and r.content == b""


def test_date_modified_filters_accept_rfc2822_and_iso(api):
    orders = api.get("/v2/orders", params={"limit": 250}).json()
    pivot = sorted(o["date_modified"] for o in orders)[10]
    moment = parsedate_to_datetime(pivot)
    rfc = api.get("/v2/orders", params={"min_date_modified": format_datetime(moment),
                                        "limit": 250}).json()
    iso = api.get("/v2/orders", params={"min_date_modified": moment.isoformat(),
                                        "limit": 250}).json()
    assert [o["id"] for o in rfc] == [o["id"] for o in iso]
    assert all(parsedate_to_datetime(o["date_modified"]) >= moment for o in rfc)


def test_get_order_subresources_and_404(api):
    order = api.get("/v2/orders/1").json()
    lines = api.get("/v2/orders/1/products").json()
    assert lines and all(x["order_id"] == 1 for x in lines)
    assert sum(x["quantity"] for x in lines) == order["items_total"]
    addresses = api.get("/v2/orders/1/shipping_addresses").json()
    assert addresses[0]["order_id"] == 1
    r = api.get("/v2/orders/999999")
    assert r.status_code == 404
    assert r.json() == [{"status": 404, "message": "The requested resource was not found."}]


def test_order_statuses_and_count(api):
    statuses = api.get("/v2/order_statuses").json()
    assert [s["id"] for s in statuses] == list(range(15))
    assert statuses[11]["name"] == "Awaiting Fulfillment"
    count = api.get("/v2/orders/count").json()
    assert count["count"] == sum(s["count"] for s in count["statuses"])


def test_put_order_status_moves_date_modified(api, emulator):
    order = emulator.place_order([{"product_id": 1, "variant_id": None, "quantity": 1}])
    time.sleep(0.01)
    r = api.put(f"/v2/orders/{order['id']}", json={"status_id": 2})
    assert r.status_code == 200
    updated = r.json()
    assert updated["status_id"] == 2 and updated["status"] == "Shipped"
    assert parsedate_to_datetime(updated["date_modified"]) > parsedate_to_datetime(
        order["date_modified"])
    assert api.put(f"/v2/orders/{order['id']}", json={"status_id": 99}).status_code == 400


def test_place_order_decrements_product_level_stock(api, emulator):
    before = stock(api, "DEMO0002")
    pid, price = (product_by_sku(api, "DEMO0002")[k] for k in ("id", "price"))
    order = emulator.place_order([{"product_id": pid, "variant_id": None, "quantity": 2}],
                                 customer_id=3)
    assert order["customer_id"] == 3 and order["status_id"] == 11
    assert order["items_total"] == 2
    assert order["subtotal_inc_tax"] == f"{2 * price:.4f}"
    assert stock(api, "DEMO0002") == before - 2
    lines = api.get(f"/v2/orders/{order['id']}/products").json()
    assert lines[0]["sku"] == "DEMO0002" and lines[0]["quantity"] == 2


def test_place_order_decrements_variant_stock(api, emulator):
    product = product_by_sku(api, "WEB-0014")
    variant = product["variants"][1]
    order = emulator.place_order([{"product_id": product["id"], "variant_id": variant["id"],
                                   "quantity": 1}], email="someone@example.com")
    after = product_by_sku(api, "WEB-0014")
    assert after["variants"][1]["inventory_level"] == variant["inventory_level"] - 1
    assert after["inventory_level"] == product["inventory_level"] - 1
    line = api.get(f"/v2/orders/{order['id']}/products").json()[0]
    assert line["variant_id"] == variant["id"] and line["product_options"]


def test_edit_order_changes_quantities_and_stock(api, emulator):
    a = product_by_sku(api, "DEMO0003")
    b = product_by_sku(api, "DEMO0006")
    a0, b0 = a["inventory_level"], b["inventory_level"]
    order = emulator.place_order([{"product_id": a["id"], "variant_id": None, "quantity": 1}])
    assert stock(api, "DEMO0003") == a0 - 1
    time.sleep(0.01)
    edited = emulator.edit_order(order["id"], [
        {"product_id": a["id"], "variant_id": None, "quantity": 3},
        {"product_id": b["id"], "variant_id": None, "quantity": 2}])
    assert stock(api, "DEMO0003") == a0 - 3 and stock(api, "DEMO0006") == b0 - 2
    assert edited["items_total"] == 5
    assert parsedate_to_datetime(edited["date_modified"]) > parsedate_to_datetime(
        order["date_modified"])
    edited = emulator.edit_order(order["id"], [{"product_id": a["id"], "quantity": 0}])
    assert stock(api, "DEMO0003") == a0 and edited["items_total"] == 2
    lines = api.get(f"/v2/orders/{order['id']}/products").json()
    assert [x["product_id"] for x in lines] == [b["id"]]
    assert float(edited["total_inc_tax"]) == pytest.approx(float(lines[0]["total_inc_tax"]))


def test_put_order_products_patch_semantics(api, emulator):
    a = product_by_sku(api, "DEMO0008")
    b = product_by_sku(api, "DEMO0009")
    a0, b0 = a["inventory_level"], b["inventory_level"]
    order = emulator.place_order([{"product_id": a["id"], "variant_id": None, "quantity": 2}])
    line = api.get(f"/v2/orders/{order['id']}/products").json()[0]
    r = api.put(f"/v2/orders/{order['id']}", json={"products": [
        {"id": line["id"], "quantity": 1},
        {"product_id": b["id"], "quantity": 1}]})
    assert r.status_code == 200 and r.json()["items_total"] == 2
    assert stock(api, "DEMO0008") == a0 - 1 and stock(api, "DEMO0009") == b0 - 1
    r = api.put(f"/v2/orders/{order['id']}", json={"products": [{"id": line["id"],
                                                                  "quantity": 0}]})
    assert r.json()["items_total"] == 1 and stock(api, "DEMO0008") == a0


def test_concurrent_clients(api):
    from concurrent.futures import ThreadPoolExecutor

    import requests

    def fetch(page: int) -> int:
        # One connection per call: requests.Session is not meant to be shared by threads.
        r = requests.get(api.url("/v3/catalog/products"), timeout=30,
                         headers={"X-Auth-Token": api.emu.token},
                         params={"page": page, "limit": 50, "include": "variants"})
        return len(r.json()["data"])

    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(fetch, [1, 2, 3, 4, 5, 6, 7, 8] * 3))
    assert all(c == 50 for c in counts)


def test_post_order_creates_and_decrements_stock(api):
    p = product_by_sku(api, "DEMO0012")
    before = p["inventory_level"]
    r = api.post("/v2/orders", json={
        "status_id": 10, "customer_id": 0, "external_source": "POS (bcsync)",
        "billing_address": {"first_name": "Walk", "last_name": "In", "zip": "78701",
                            "email": "till@example.com"},
        "products": [{"product_id": p["id"], "quantity": 2},
                     {"name": "Gift wrap", "quantity": 1, "price_inc_tax": 3,
                      "price_ex_tax": 3}]})
    assert r.status_code == 200, r.text
    order = r.json()
    assert order["status"] == "Completed" and order["external_source"] == "POS (bcsync)"
    assert order["items_total"] == 3
    assert stock(api, "DEMO0012") == before - 2
    lines = api.get(f"/v2/orders/{order['id']}/products").json()
    assert [x["name"] for x in lines][1] == "Gift wrap" and lines[1]["product_id"] == 0
    assert api.post("/v2/orders", json={"products": [{"product_id": 1, "quantity": 1}]}
                    ).status_code == 400


CONSIGNED = {"include": "consignments.line_items", "consignment_structure": "object"}
# shippingConsignment_Get types the costs as numbers; the shipping address has them as
# V2 money strings.
COSTS = ("base_cost", "cost_ex_tax", "cost_inc_tax", "cost_tax", "base_handling_cost",
         "handling_cost_ex_tax", "handling_cost_inc_tax", "handling_cost_tax")


def test_consignments_with_line_items_bring_each_orders_lines_and_addresses(api):
    plain = api.get("/v2/orders", params={"limit": 10}).json()
    consigned = api.get("/v2/orders", params={"limit": 10, **CONSIGNED}).json()
    assert [o["id"] for o in consigned] == [o["id"] for o in plain]
    for order, bare in zip(consigned, plain, strict=True):
        oid = order["id"]
        consignments = order.pop("consignments")
        assert order == bare  # the rest of the order is unchanged
        assert consignments["pickups"] == [] and consignments["downloads"] == []
        assert consignments["email"] == {"gift_certificates": []}
        addresses = api.get(f"/v2/orders/{oid}/shipping_addresses").json()
        lines = api.get(f"/v2/orders/{oid}/products").json()
        assert [c["id"] for c in consignments["shipping"]] == [a["id"] for a in addresses]
        assert [x for c in consignments["shipping"] for x in c["line_items"]] == lines
        for shipping, address in zip(consignments["shipping"], addresses, strict=True):
            assert shipping["shipping_quotes"]["resource"] == (
                f"/orders/{oid}/consignments/shipping/{shipping['id']}/shipping_quotes")
            assert "order_id" not in shipping
            for key, value in address.items():
                if key in COSTS:
                    assert shipping[key] == float(value)
                elif key not in ("order_id", "shipping_quotes"):
                    assert shipping[key] == value, key


def test_single_order_takes_the_include_too(api):
    one = api.get("/v2/orders/1", params=CONSIGNED).json()
    lines = api.get("/v2/orders/1/products").json()
    assert one["consignments"]["shipping"][0]["line_items"] == lines
    assert "consignments" not in api.get("/v2/orders/1").json()


def test_consignments_without_line_items_link_each_line(api):
    one = api.get("/v2/orders/1", params={"include": "consignments",
                                          "consignment_structure": "object"}).json()
    lines = api.get("/v2/orders/1/products").json()
    links = one["consignments"]["shipping"][0]["line_items"]
    assert [x["resource"] for x in links] == [f"/orders/1/products/{x['id']}" for x in lines]
    assert links[0]["url"].endswith(links[0]["resource"])


def test_include_without_the_object_structure_changes_nothing(api):
    """The older array structure is not emulated: without consignment_structure=object the
    order comes as it would without the include."""
    plain = api.get("/v2/orders", params={"limit": 5}).json()
    asked = api.get("/v2/orders", params={"limit": 5,
                                          "include": "consignments.line_items"}).json()
    assert asked == plain


def test_an_edited_orders_consignment_follows_its_lines(api, emulator):
    order = emulator.place_order([{"product_id": 1, "variant_id": None, "quantity": 1}])
    emulator.edit_order(order["id"], [{"product_id": 1, "variant_id": None, "quantity": 3}])
    shipping = api.get(f"/v2/orders/{order['id']}", params=CONSIGNED).json()[
        "consignments"]["shipping"]
    assert [x["quantity"] for x in shipping[0]["line_items"]] == [3]
    assert shipping[0]["items_total"] == 3
