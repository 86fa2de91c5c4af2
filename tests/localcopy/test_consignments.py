"""Reading an order's lines and shipping addresses from its consignments."""

from __future__ import annotations

from localcopy.consignments import order_consignments_split

LINE = {"id": 5, "order_id": 9, "product_id": 3, "quantity": 1}
SHIPPING = {"id": 7, "first_name": "Ann", "form_fields": [], "items_total": 1,
            "base_cost": 5.1, "cost_inc_tax": "6.2000", "shipping_method": "Flat Rate",
            "line_items": [LINE],
            "shipping_quotes": {
                "url": "https://x/stores/h/v2/orders/9/consignments/shipping/7/shipping_quotes",
                "resource": "/orders/9/consignments/shipping/7/shipping_quotes"}}


def order(consignments) -> dict:
    return {"id": 9, "status_id": 11, "consignments": consignments}


def test_it_takes_lines_and_addresses_out_of_the_order():
    second = {**LINE, "id": 4}
    bare, details = order_consignments_split(order({
        "pickups": [{"id": 1, "line_items": [second]}], "shipping": [SHIPPING],
        "downloads": [], "email": {"gift_certificates": []}}))

    assert bare == {"id": 9, "status_id": 11}
    lines, addresses = details
    assert lines == [second, LINE]  # all kinds, in id order as the products endpoint
    assert addresses == [{
        "id": 7, "first_name": "Ann", "form_fields": [], "items_total": 1,
        "base_cost": "5.1000", "cost_inc_tax": "6.2000", "shipping_method": "Flat Rate",
        "shipping_quotes": {
            "url": "https://x/stores/h/v2/orders/9/shipping_addresses/7/shipping_quotes",
            "resource": "/orders/9/shipping_addresses/7/shipping_quotes"},
        "order_id": 9}]


def test_an_order_without_usable_consignments_is_kept_whole():
    link = {"url": "https://x/v2/orders/9/products/5", "resource": "/orders/9/products/5"}
    for consignments in ({"url": "https://x/v2/orders/9/consignments",
                          "resource": "/orders/9/consignments"},
                         [{"shipping": [SHIPPING]}],
                         {"shipping": [{**SHIPPING, "line_items": [link]}]},
                         {"shipping": [{k: v for k, v in SHIPPING.items()
                                        if k != "line_items"}]}):
        raw = order(consignments)
        assert order_consignments_split(raw) == (raw, None)
    assert order_consignments_split({"id": 9}) == ({"id": 9}, None)
