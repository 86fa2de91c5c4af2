"""Input the fuzzer found breaking the emulator: each is now a 4xx naming the field (as
BigCommerce answers it), never a 500, and never a stored value that breaks later reads."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.emulator

HUGE = "99999999999999999999"  # past 64 bits


def unique(prefix: str) -> str:
    return f"{prefix}{time.time_ns()}"


def test_category_with_url_but_no_path_keeps_category_reads_working(api):
    made = api.post("/v3/catalog/trees/categories",
                    json=[{"name": "No path", "tree_id": 1, "url": {"is_customized": True}}])
    assert made.status_code == 201, made.text
    cid = made.json()["data"][0]["category_id"]
    assert made.json()["data"][0]["url"] == {"path": f"/no-path-{cid}/", "is_customized": True}

    tree = api.get("/v3/catalog/trees/1/categories")
    assert tree.status_code == 200, tree.text
    flat = api.get(f"/v3/catalog/categories/{cid}")
    assert flat.status_code == 200, flat.text
    assert flat.json()["data"]["custom_url"] == {"url": f"/no-path-{cid}/",
                                                 "is_customized": True}
    api.delete("/v3/catalog/trees/categories", params={"category_id:in": cid})


@pytest.mark.parametrize("path,name", [
    ("/v3/catalog/products", "date_modified:min"),
    ("/v3/catalog/products", "date_modified:max"),
    ("/v3/catalog/products", "date_modified"),
    ("/v3/customers", "date_created:min"),
    ("/v3/customers", "date_modified:max"),
])
@pytest.mark.parametrize("value", ["", "yesterday", "2025-13-45", "9999-12-31T23:59:59-05:00"])
def test_unparseable_v3_date_filters_are_a_422_naming_the_filter(api, path, name, value):
    r = api.get(path, params={name: value})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["status"] == 422 and name in body["title"] and name in body["errors"]


@pytest.mark.parametrize("name", ["min_date_created", "max_date_modified"])
@pytest.mark.parametrize("value", ["abc", "", "2025-13-45"])
def test_unparseable_v2_date_filters_are_a_400_naming_the_field(api, name, value):
    r = api.get("/v2/orders", params={name: value})
    assert r.status_code == 400, r.text
    assert name in r.json()[0]["message"]


@pytest.mark.parametrize("path", [
    f"/v3/catalog/products/{HUGE}",
    f"/v3/catalog/products/{HUGE}/variants",
    f"/v3/catalog/products/1/options/{HUGE}",
    f"/v3/customers/addresses?id:in={HUGE}",
    f"/v2/orders/{HUGE}",
    f"/v2/orders/1/products/{HUGE}",
    f"/v3/inventory/locations/{HUGE}/items",
])
def test_ids_past_64_bits_in_paths_are_a_404(api, path):
    r = api.get(path)
    assert r.status_code in (404, 422), r.text
    if "?" not in path:
        assert r.status_code == 404


@pytest.mark.parametrize("path,params,status", [
    ("/v3/catalog/products", {"id": HUGE}, 422),
    ("/v3/catalog/products", {"id:in": f"1,{HUGE}"}, 422),
    ("/v3/catalog/products", {"page": HUGE}, 422),
    ("/v3/catalog/brands", {"id": f"-{HUGE}"}, 422),
    ("/v3/inventory/items", {"product_id:in": HUGE}, 422),
    ("/v2/orders", {"page": "1e30"}, 400),
    ("/v2/orders", {"min_id": HUGE}, 400),
    ("/v2/orders", {"limit": "inf"}, 400),
    ("/v2/customer_groups", {"page": HUGE}, 400),
])
def test_integers_past_64_bits_in_queries_are_a_4xx_naming_the_parameter(api, path, params,
                                                                          status):
    r = api.get(path, params=params)
    assert r.status_code == status, r.text
    name = next(iter(params))
    assert name in r.text


def test_integers_past_64_bits_in_bodies_are_a_422(api):
    r = api.request("PUT", "/v3/catalog/products/1", data=f'{{"brand_id": {HUGE}}}',
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert "out of range" in r.json()["errors"]["body"]
    r = api.request("PUT", "/v2/orders/1", data=f'{{"status_id": {HUGE}}}',
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text


def test_inventory_settings_with_a_list_for_an_integer_are_a_422(api):
    r = api.put("/v3/inventory/locations/1/items", json={"settings": [
        {"identity": {"product_id": 30}, "safety_stock": [1, 2]}]})
    assert r.status_code == 422, r.text
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.json()["errors"] == {"settings.0.safety_stock": "must be an integer"}
    assert api.get("/v3/inventory/locations/1/items").status_code == 200


@pytest.mark.parametrize("field,customer", [
    ("0.email", {"email": "not-an-email"}),
    ("0.addresses.0.country_code", {"addresses": [{
        "first_name": "A", "last_name": "B", "address1": "1 Main St", "city": "Austin",
        "country_code": "U"}]}),
    ("0.addresses", {"addresses": [{
        "first_name": "A", "last_name": "B", "address1": f"{n} Main St", "city": "Austin",
        "country_code": "US"} for n in range(11)]}),
    ("0.first_name", {"first_name": ["A"]}),
])
def test_customer_create_validates_email_country_code_and_address_count(api, field, customer):
    body = {"email": f"{unique('c')}@example.com", "first_name": "C", "last_name": "D",
            **customer}
    r = api.post("/v3/customers", json=[body])
    assert r.status_code == 422, r.text
    assert field in r.json()["errors"]
    assert api.get("/v3/customers", params={"email:in": body["email"]}).json()["data"] == []


def test_customer_create_accepts_ten_addresses(api):
    body = {"email": f"{unique('ten')}@example.com", "first_name": "T", "last_name": "N",
            "addresses": [{"first_name": "A", "last_name": "B", "address1": f"{n} Main St",
                           "city": "Austin", "country_code": "US"} for n in range(10)]}
    r = api.post("/v3/customers", json=[body])
    assert r.status_code == 200, r.text
    assert len(r.json()["data"][0]["addresses"]) == 10


@pytest.mark.parametrize("method,path,kwargs,status", [
    ("PUT", "/v3/inventory/adjustments/absolute", {"data": "{not json"}, 422),
    ("POST", "/v3/inventory/adjustments/relative", {"data": ""}, 422),
    ("POST", "/v3/inventory/locations", {"data": "[1"}, 422),
    ("GET", "/v3/inventory/locations/999999/items", {}, 404),
    ("DELETE", "/v3/inventory/locations", {"params": {"location_id:in": "999999"}}, 404),
    ("GET", "/v3/inventory/items", {"params": {"limit": "0"}}, 422),
])
def test_every_inventory_error_is_problem_json(api, method, path, kwargs, status):
    r = api.request(method, path, headers={"Content-Type": "application/json"}, **kwargs)
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.json()["status"] == status


@pytest.mark.parametrize("body,field", [
    ({"name": unique("B"), "meta_keywords": [1]}, "meta_keywords.0"),
    ({"name": unique("B"), "custom_url": {"url": 5}}, "custom_url.url"),
])
def test_brand_fields_of_the_wrong_type_are_a_422_not_stored(api, body, field):
    r = api.post("/v3/catalog/brands", json=body)
    assert r.status_code == 422, r.text
    assert field in r.json()["errors"]
    assert api.get("/v3/catalog/brands", params={"name": body["name"]}).json()["data"] == []


def test_address_fields_of_the_wrong_type_are_a_422_not_stored(api):
    address = api.get("/v3/customers/addresses").json()["data"][0]
    r = api.put("/v3/customers/addresses", json=[{"id": address["id"], "first_name": 0}])
    assert r.status_code == 422, r.text
    assert "0.first_name" in r.json()["errors"]
    again = api.get("/v3/customers/addresses", params={"id:in": address["id"]}).json()
    assert again["data"][0]["first_name"] == address["first_name"]


@pytest.mark.parametrize("path,body,field", [
    ("/v3/inventory/adjustments/absolute",
     {"items": [{"location_id": [1], "product_id": 30, "quantity": 1}]}, "items.0.location_id"),
    ("/v3/catalog/trees/categories", [{"category_id": [1], "name": "X"}], "0.category_id"),
    ("/v3/catalog/variants", [{"id": [1], "price": 1}], "0.id"),
    ("/v3/catalog/products", [{"id": [1], "price": 1}], "0.id"),
    ("/v3/customers", [{"id": "1", "company": "X"}], "0.id"),
    ("/v3/inventory/locations", [{"id": [1], "label": "X"}], None),
])
def test_ids_of_the_wrong_type_in_bodies_are_a_422(api, path, body, field):
    r = api.put(path, json=body)
    assert r.status_code == 422, r.text
    if field is not None:
        assert field in r.text


@pytest.mark.parametrize("cursor", [
    "eyJpZCI6MWUzMH0",  # {"id":1e30}
    "eyJpZCI6OTk5OTk5OTk5OTk5OTk5OTk5OTk5fQ",  # {"id":999999999999999999999}
    "eyJpZCI6Im9uZSJ9",  # {"id":"one"}
    "not base64 at all",
])
def test_a_customer_cursor_that_is_not_a_64_bit_id_is_a_422(api, cursor):
    r = api.get("/v3/customers", params={"after": cursor})
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == {"after": cursor}


def test_a_category_url_path_over_255_characters_is_a_422(api):
    r = api.post("/v3/catalog/trees/categories", json=[
        {"name": "Long path", "tree_id": 1, "url": {"path": "/" + "a" * 255}}])
    assert r.status_code == 422, r.text
    assert "0.url.path" in r.json()["errors"]["errors"]
