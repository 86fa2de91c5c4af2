"""Inventory locations, items and adjustments; shipping zones."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.emulator


def product(api, sku, include="variants"):
    return api.get("/v3/catalog/products", params={"sku": sku, "include": include}).json()[
        "data"][0]


def test_locations(api):
    locations = api.get("/v3/inventory/locations").json()["data"]
    assert locations[0]["id"] == 1 and len(locations) >= 3
    assert api.get("/v3/inventory/locations", params={"location_id:in": 2}).json()["data"][0][
        "code"] == "DOWNTOWN"


def test_items_list_every_location(api):
    pid = product(api, "DEMO0001")["id"]
    items = api.get("/v3/inventory/items", params={"product_id:in": pid}).json()["data"]
    assert len(items) == 1
    assert items[0]["identity"]["sku"] == "DEMO0001"
    assert [x["location_id"] for x in items[0]["locations"]] == [1, 2, 3]
    at = api.get("/v3/inventory/locations/1/items", params={"product_id:in": pid}).json()
    assert at["data"][0]["total_inventory_onhand"] == product(api, "DEMO0001")[
        "inventory_level"]
    assert api.get("/v3/inventory/locations/99/items").status_code == 404


def test_absolute_then_relative_adjustments(api):
    p = product(api, "DEMO0010")
    r = api.put("/v3/inventory/adjustments/absolute", json={
        "reason": "count", "items": [{"location_id": 1, "product_id": p["id"], "quantity": 40}]})
    assert r.status_code == 200 and r.json()["transaction_id"]
    assert product(api, "DEMO0010")["inventory_level"] == 40
    r = api.post("/v3/inventory/adjustments/relative", json={
        "items": [{"location_id": 1, "sku": "DEMO0010", "quantity": -5}]})
    assert r.status_code == 200
    assert product(api, "DEMO0010")["inventory_level"] == 35
    # Location 3 has never been set for this product: relative needs an absolute first.
    r = api.post("/v3/inventory/adjustments/relative", json={
        "items": [{"location_id": 3, "product_id": p["id"], "quantity": 2}]})
    assert r.status_code == 422
    assert "requires absolute adjustment before relative" in r.json()["title"]
    assert r.headers["Content-Type"].startswith("application/problem+json")
    # Location 3 stock does not show in the catalog's inventory_level.
    api.put("/v3/inventory/adjustments/absolute", json={
        "items": [{"location_id": 3, "product_id": p["id"], "quantity": 9}]})
    assert product(api, "DEMO0010")["inventory_level"] == 35


def test_wrong_identity_for_tracking_mode(api):
    p = product(api, "WEB-0014")
    r = api.put("/v3/inventory/adjustments/absolute", json={
        "items": [{"location_id": 1, "product_id": p["id"], "quantity": 1}]})
    assert r.status_code == 422 and "tracked by variant" in r.json()["title"]
    vid = p["variants"][0]["id"]
    r = api.put("/v3/inventory/adjustments/absolute", json={
        "items": [{"location_id": 1, "variant_id": vid, "quantity": 17}]})
    assert r.status_code == 200
    assert product(api, "WEB-0014")["variants"][0]["inventory_level"] == 17
    too_many = [{"location_id": 1, "variant_id": vid, "quantity": 1}] * 2001
    r = api.put("/v3/inventory/adjustments/absolute", json={"items": too_many})
    assert r.status_code == 422


def test_shipping_zones_and_methods(api):
    zones = api.get("/v2/shipping/zones").json()
    assert len(zones) >= 2
    methods = api.get(f"/v2/shipping/zones/{zones[0]['id']}/methods").json()
    assert methods and methods[0]["type"] in ("perorder", "peritem")
    assert api.get("/v2/shipping/zones/999/methods").status_code == 404
