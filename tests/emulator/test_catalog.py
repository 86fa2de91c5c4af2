"""Catalog endpoints against a running emulator (real HTTP)."""

from __future__ import annotations

import itertools
import time

import pytest
import requests

from .conftest import Api

pytestmark = pytest.mark.emulator

_names = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix} {time.time_ns()}-{next(_names)}"


def new_product(api: Api, **fields) -> dict:
    body = {"name": unique("Test product"), "type": "physical", "weight": 1, "price": 10,
            **fields}
    r = api.post("/v3/catalog/products", json=body)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_missing_or_wrong_token_gets_401_in_each_api_shape(emulator):
    base = emulator.api_url
    r = requests.get(f"{base}/v3/catalog/products", timeout=10)
    assert r.status_code == 401
    assert r.json()["status"] == 401 and "title" in r.json()
    r = requests.get(f"{base}/v2/orders", headers={"X-Auth-Token": "nope"}, timeout=10)
    assert r.status_code == 401
    assert isinstance(r.json(), list) and r.json()[0]["status"] == 401
    assert "X-Rate-Limit-Requests-Left" in r.headers


def test_time_and_store(api):
    assert abs(api.get("/v2/time").json()["time"] - time.time()) < 5
    store = api.get("/v2/store").json()
    assert store["id"] == api.emu.store_hash and store["currency"] == "USD"


def test_product_list_envelope_and_limits(api):
    r = api.get("/v3/catalog/products")
    body = r.json()
    assert r.status_code == 200
    pagination = body["meta"]["pagination"]
    assert pagination["per_page"] == 50 and pagination["count"] == 50
    assert pagination["current_page"] == 1 and pagination["total"] >= 400
    assert pagination["links"]["next"] == "?page=2&limit=50"
    assert "previous" not in pagination["links"]
    big = api.get("/v3/catalog/products", params={"limit": 250}).json()
    assert big["meta"]["pagination"]["per_page"] == 250 and len(big["data"]) == 250
    page2 = api.get("/v3/catalog/products", params={"limit": 250, "page": 2}).json()
    assert page2["data"][0]["id"] > big["data"][-1]["id"]
    assert page2["meta"]["pagination"]["links"]["previous"] == "?page=1&limit=250"


def test_product_filters(api):
    one = api.get("/v3/catalog/products", params={"sku": "demo0007"}).json()["data"]
    assert [p["sku"] for p in one] == ["DEMO0007"]
    several = api.get("/v3/catalog/products",
                      params={"sku:in": "DEMO0001,DEMO0002,MUG.2"}).json()["data"]
    assert sorted(p["sku"] for p in several) == ["DEMO0001", "DEMO0002", "MUG.2"]
    ids = [p["id"] for p in several]
    by_id = api.get("/v3/catalog/products", params={"id:in": ",".join(map(str, ids))}).json()
    assert sorted(p["id"] for p in by_id["data"]) == sorted(ids)
    bounded = api.get("/v3/catalog/products", params={"id:min": 10, "id:max": 12}).json()
    assert [p["id"] for p in bounded["data"]] == [10, 11, 12]
    greater = api.get("/v3/catalog/products", params={"id:greater": 10, "limit": 1}).json()
    assert greater["data"][0]["id"] == 11
    named = api.get("/v3/catalog/products", params={"name": "Crème Brûlée Candle"}).json()
    assert len(named["data"]) == 1
    hidden = api.get("/v3/catalog/products", params={"is_visible": "false"}).json()["data"]
    assert hidden and all(not p["is_visible"] for p in hidden)
    cats = api.get("/v3/catalog/products", params={"categories:in": 13, "limit": 250}).json()
    assert cats["data"] and all(13 in p["categories"] for p in cats["data"])  # Sale
    keyword = api.get("/v3/catalog/products", params={"keyword": "hoodie"}).json()["data"]
    assert keyword and all("hoodie" in p["name"].lower() for p in keyword)
    brand = api.get("/v3/catalog/products", params={"brand_id": 2}).json()["data"]
    assert brand and all(p["brand_id"] == 2 for p in brand)
    desc = api.get("/v3/catalog/products", params={"sort": "id", "direction": "desc"}).json()
    assert desc["data"][0]["id"] > desc["data"][1]["id"]


def test_date_modified_filter_and_bare_date(api):
    product = new_product(api)
    stamp = product["date_modified"]
    assert stamp.endswith("+00:00")
    found = api.get("/v3/catalog/products", params={"date_modified:min": stamp}).json()["data"]
    assert product["id"] in [p["id"] for p in found]
    # A bare date gets the current time of day added, so today's date:max still finds it
    # only if it was modified before "now": true for a product created a moment ago.
    today = stamp[:10]
    found = api.get("/v3/catalog/products", params={"date_modified:max": today,
                                                    "id": product["id"]}).json()["data"]
    assert [p["id"] for p in found] == [product["id"]]


def test_include_variants_images_custom_fields(api):
    r = api.get("/v3/catalog/products", params={
        "sku:in": "DEMO0001,WEB-0014", "include": "variants,images,custom_fields,primary_image"})
    products = {p["sku"]: p for p in r.json()["data"]}
    simple = products["DEMO0001"]
    assert len(simple["variants"]) == 1
    assert simple["variants"][0]["id"] == simple["base_variant_id"]
    assert simple["variants"][0]["option_values"] == []
    assert simple["variants"][0]["sku"] == "DEMO0001"
    assert simple["images"] and simple["primary_image"]["image_url"].startswith("https://")
    assert simple["custom_fields"][0]["name"] == "Material"
    sized = products["WEB-0014"]
    assert [v["sku"] for v in sized["variants"]] == ["WEB-0014-S", "WEB-0014-M", "WEB-0014-L"]
    assert sized["variants"][0]["option_values"][0]["option_display_name"] == "Size"
    assert sized["inventory_level"] == sum(v["inventory_level"] for v in sized["variants"])
    plain = api.get("/v3/catalog/products", params={"sku": "DEMO0001"}).json()["data"][0]
    assert "variants" not in plain


def test_include_and_exclude_fields(api):
    r = api.get("/v3/catalog/products", params={"include_fields": "sku,price", "limit": 3})
    assert set(r.json()["data"][0]) == {"id", "sku", "price"}
    r = api.get("/v3/catalog/products", params={"exclude_fields": "description", "limit": 3})
    assert "description" not in r.json()["data"][0] and "sku" in r.json()["data"][0]


def test_create_update_delete_and_ids_never_reused(api):
    product = new_product(api, sku=unique("SKU").replace(" ", ""), inventory_level=7,
                          inventory_tracking="product")
    pid = product["id"]
    assert product["inventory_level"] == 7 and product["base_variant_id"]
    got = api.get(f"/v3/catalog/products/{pid}").json()["data"]
    assert got["name"] == product["name"]
    time.sleep(0.01)
    r = api.put(f"/v3/catalog/products/{pid}", json={"price": 12.5, "inventory_level": 3})
    assert r.status_code == 200
    updated = r.json()["data"]
    assert updated["price"] == 12.5 and updated["inventory_level"] == 3
    assert updated["date_modified"] > product["date_modified"]
    assert api.delete(f"/v3/catalog/products/{pid}").status_code == 204
    assert api.get(f"/v3/catalog/products/{pid}").status_code == 404
    again = new_product(api)
    assert again["id"] > pid


def test_duplicate_name_and_sku_conflict(api):
    product = new_product(api, sku=unique("DUP").replace(" ", "-"))
    r = api.post("/v3/catalog/products", json={"name": product["name"], "type": "physical",
                                               "weight": 1, "price": 1})
    assert r.status_code == 409
    assert r.json()["title"] == "The product name is a duplicate"
    assert r.json()["type"] == "/api-docs/getting-started/api-status-codes"
    assert "name" in r.json()["errors"]
    r = api.post("/v3/catalog/products", json={"name": unique("Other"), "type": "physical",
                                               "weight": 1, "price": 1,
                                               "sku": product["sku"].lower()})
    assert r.status_code == 409 and "sku" in r.json()["errors"]
    # Variant SKUs count too.
    r = api.post("/v3/catalog/products", json={"name": unique("Other"), "type": "physical",
                                               "weight": 1, "price": 1, "sku": "web-0014-m"})
    assert r.status_code == 409
    r = api.put(f"/v3/catalog/products/{product['id']}", json={"name": "Crème Brûlée Candle"})
    assert r.status_code == 409


def test_required_fields_give_422_per_field(api):
    r = api.post("/v3/catalog/products", json={"name": unique("No price")})
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"type", "weight", "price"}
    r = api.post("/v3/catalog/products", json={"name": "x", "type": "vinyl", "weight": 1,
                                               "price": -1})
    assert r.status_code == 422 and {"type", "price"} <= set(r.json()["errors"])


def test_batch_update_and_413(api):
    products = [new_product(api) for _ in range(2)]
    r = api.put("/v3/catalog/products", json=[{"id": p["id"], "price": 99} for p in products])
    assert r.status_code == 200
    assert [p["price"] for p in r.json()["data"]] == [99, 99]
    r = api.put("/v3/catalog/products", json=[{"id": products[0]["id"]}] * 11)
    assert r.status_code == 413
    assert r.json()["title"] == ("The request payload is too large. The maximum items allowed "
                                 "in the array is 10.")
    r = api.put("/v3/catalog/products", json=[{"price": 1}])
    assert r.status_code == 422


def test_delete_many_by_id_in(api):
    ids = [new_product(api)["id"] for _ in range(3)]
    r = api.delete("/v3/catalog/products", params={"id:in": ",".join(map(str, ids))})
    assert r.status_code == 204
    left = api.get("/v3/catalog/products", params={"id:in": ",".join(map(str, ids))}).json()
    assert left["data"] == []
    assert api.delete("/v3/catalog/products").status_code == 422


def test_variants_lifecycle(api):
    sku = unique("VAR").replace(" ", "")
    product = new_product(api, sku=sku, inventory_tracking="variant", variants=[
        {"sku": f"{sku}-R", "option_values": [{"option_display_name": "Colour",
                                              "label": "Red"}], "inventory_level": 4},
        {"sku": f"{sku}-B", "option_values": [{"option_display_name": "Colour",
                                              "label": "Blue"}], "inventory_level": 6}])
    pid = product["id"]
    variants = api.get(f"/v3/catalog/products/{pid}/variants").json()["data"]
    assert [v["sku"] for v in variants] == [f"{sku}-R", f"{sku}-B"]
    assert product["inventory_level"] == 10
    option_id = variants[0]["option_values"][0]["option_id"]
    r = api.post(f"/v3/catalog/products/{pid}/variants", json={
        "sku": f"{sku}-G", "option_values": [{"option_display_name": "Colour",
                                              "label": "Green"}], "price": 11})
    assert r.status_code == 200, r.text
    green = r.json()["data"]
    assert green["option_values"][0]["option_id"] == option_id
    r = api.post(f"/v3/catalog/products/{pid}/variants", json={"option_values": []})
    assert r.status_code == 422
    r = api.put(f"/v3/catalog/products/{pid}/variants/{green['id']}",
                json={"inventory_level": 9, "price": 12})
    assert r.status_code == 200 and r.json()["data"]["inventory_level"] == 9
    after = api.get(f"/v3/catalog/products/{pid}").json()["data"]
    assert after["inventory_level"] == 19
    assert after["date_modified"] >= product["date_modified"]
    store_wide = api.get("/v3/catalog/variants", params={"product_id:in": pid}).json()
    assert len(store_wide["data"]) == 3
    by_sku = api.get("/v3/catalog/variants", params={"sku": f"{sku}-G"}).json()["data"]
    assert [v["id"] for v in by_sku] == [green["id"]]
    r = api.put("/v3/catalog/variants", json=[{"id": green["id"], "price": 13},
                                             {"product_id": pid, "sku": f"{sku}-Y",
                                              "option_values": [{"id": green["option_values"][0]
                                                                 ["id"] + 1000,
                                                                 "option_id": option_id}]}])
    assert r.status_code == 422  # unknown option value id
    r = api.put("/v3/catalog/variants", json=[{"id": green["id"], "price": 13}])
    assert r.status_code == 200 and r.json()["data"][0]["price"] == 13
    r = api.put("/v3/catalog/variants", json=[{"id": green["id"]}] * 51)
    assert r.status_code == 413 and "50" in r.json()["title"]
    assert api.delete(f"/v3/catalog/products/{pid}/variants/{green['id']}").status_code == 204
    assert len(api.get(f"/v3/catalog/products/{pid}/variants").json()["data"]) == 2


def test_custom_fields(api):
    pid = new_product(api)["id"]
    path = f"/v3/catalog/products/{pid}/custom-fields"
    r = api.post(path, json={"name": "Origin", "value": "Kyoto"})
    assert r.status_code == 200
    field = r.json()["data"]
    assert api.post(path, json={"name": "Origin", "value": "Kyoto"}).status_code == 422
    assert api.post(path, json={"name": "Origin"}).status_code == 422
    r = api.put(f"{path}/{field['id']}", json={"value": "Osaka"})
    assert r.json()["data"]["value"] == "Osaka"
    assert [f["value"] for f in api.get(path).json()["data"]] == ["Osaka"]
    assert api.delete(f"{path}/{field['id']}").status_code == 204
    assert api.get(path).json()["data"] == []


def test_images(api):
    pid = new_product(api)["id"]
    path = f"/v3/catalog/products/{pid}/images"
    r = api.get(path)
    assert r.status_code == 204 and r.content == b""
    r = api.post(path, json={"image_url": "https://cdn.example.com/x.jpg", "is_thumbnail": True})
    assert r.status_code == 200
    image = r.json()["data"]
    assert image["product_id"] == pid and image["url_standard"]
    assert len(api.get(path).json()["data"]) == 1
    assert api.delete(f"{path}/{image['id']}").status_code == 204
    assert api.get(path).status_code == 204


def test_brands(api):
    name = unique("Brand")
    r = api.post("/v3/catalog/brands", json={"name": name})
    assert r.status_code == 200
    brand = r.json()["data"]
    r = api.post("/v3/catalog/brands", json={"name": name.upper()})
    assert r.status_code == 409
    assert api.post("/v3/catalog/brands", json={}).status_code == 422
    r = api.put(f"/v3/catalog/brands/{brand['id']}", json={"page_title": "T"})
    assert r.json()["data"]["page_title"] == "T"
    assert api.get("/v3/catalog/brands", params={"name": name}).json()["data"][0]["id"] == \
        brand["id"]
    assert api.delete(f"/v3/catalog/brands/{brand['id']}").status_code == 204
    assert api.get(f"/v3/catalog/brands/{brand['id']}").status_code == 404


def test_category_trees(api):
    trees = api.get("/v3/catalog/trees").json()["data"]
    assert trees[0]["id"] == 1
    cats = api.get("/v3/catalog/trees/categories", params={"tree_id:in": 1}).json()["data"]
    nested = [c for c in cats if c["parent_id"]]
    assert nested and {c["tree_id"] for c in cats} == {1}
    r = api.post("/v3/catalog/trees/categories", json=[{"name": unique("Top")[:40],
                                                       "tree_id": 1}])
    assert r.status_code == 201
    top = r.json()["data"][0]
    r = api.post("/v3/catalog/trees/categories", json=[{"name": "Child",
                                                       "parent_id": top["category_id"]}])
    child = r.json()["data"][0]
    assert child["tree_id"] == 1 and child["parent_id"] == top["category_id"]
    assert api.post("/v3/catalog/trees/categories", json=[{"name": "x"}]).status_code == 422
    r = api.put("/v3/catalog/trees/categories", json=[{"category_id": child["category_id"],
                                                      "name": "Renamed"}])
    assert r.status_code == 200
    flat = api.get(f"/v3/catalog/categories/{child['category_id']}").json()["data"]
    assert flat["name"] == "Renamed" and flat["parent_id"] == top["category_id"]
    r = api.delete("/v3/catalog/trees/categories", params={"category_id:in": top["category_id"]})
    assert r.status_code == 202
    assert api.get(f"/v3/catalog/categories/{child['category_id']}").status_code == 404
    assert len(api.get("/v3/catalog/categories", params={"limit": 250}).json()["data"]) >= 14


def test_options_then_variants_by_id(api):
    product = new_product(api, sku=unique("OPT").replace(" ", ""), inventory_tracking="variant")
    pid = product["id"]
    assert api.get(f"/v3/catalog/products/{pid}/options").json()["data"] == []
    r = api.post(f"/v3/catalog/products/{pid}/options", json={
        "display_name": "Size", "type": "rectangles",
        "option_values": [{"label": "S", "sort_order": 0}, {"label": "M", "sort_order": 1}]})
    assert r.status_code == 200, r.text
    option = r.json()["data"]
    assert [v["label"] for v in option["option_values"]] == ["S", "M"]
    r = api.post(f"/v3/catalog/products/{pid}/options/{option['id']}/values",
                 json={"label": "L", "sort_order": 2})
    large = r.json()["data"]
    r = api.post(f"/v3/catalog/products/{pid}/variants", json={
        "sku": f"{product['sku']}-L", "inventory_level": 5,
        "option_values": [{"id": large["id"], "option_id": option["id"]}]})
    assert r.status_code == 200, r.text
    variant = r.json()["data"]
    assert variant["option_values"][0]["label"] == "L"
    refreshed = api.get(f"/v3/catalog/products/{pid}", params={"include": "variants"}).json()
    assert refreshed["data"]["base_variant_id"] == variant["id"]
    assert [v["id"] for v in refreshed["data"]["variants"]] == [variant["id"]]
    assert refreshed["data"]["inventory_level"] == 5
    assert api.delete(f"/v3/catalog/products/{pid}/options/{option['id']}").status_code == 422
    listed = api.get(f"/v3/catalog/products/{pid}/options/{option['id']}/values").json()
    assert [v["label"] for v in listed["data"]] == ["S", "M", "L"]
