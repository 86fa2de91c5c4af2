"""Paging rules shared by every list: V2 lists alike (page/limit, 204 when a page is empty,
DIGEST §2); V3 `limit`/`page` checked against the specs (declared maximum 250)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.emulator

V2_LISTS = [
    "/v2/orders",
    "/v2/orders/1/products",
    "/v2/orders/1/shipping_addresses",
    "/v2/customer_groups",
    "/v2/shipping/zones",
    "/v2/shipping/zones/1/methods",
    "/v2/order_statuses",
]


@pytest.mark.parametrize("path", V2_LISTS)
def test_every_v2_list_pages_and_answers_an_empty_page_with_204(api, path):
    first = api.get(path, params={"page": 1, "limit": 1})
    assert first.status_code == 200, first.text
    assert len(first.json()) == 1
    beyond = api.get(path, params={"page": 9999, "limit": 250})
    assert beyond.status_code == 204 and beyond.content == b""


@pytest.mark.parametrize("path", V2_LISTS)
@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": -5}, {"page": 0}, {"page": "x"}])
def test_every_v2_list_rejects_a_page_or_limit_below_one(api, path, params):
    r = api.get(path, params=params)
    assert r.status_code == 400, r.text
    assert next(iter(params)) in r.json()[0]["message"]


def test_v2_limit_above_250_is_capped(api):
    r = api.get("/v2/order_statuses", params={"limit": 1000})
    assert r.status_code == 200 and len(r.json()) == 15


@pytest.mark.parametrize("path", ["/v3/catalog/products", "/v3/catalog/trees/categories",
                                  "/v3/catalog/products/1/images",
                                  "/v3/catalog/products/1/custom-fields"])
def test_v3_limit_above_the_declared_maximum_is_a_422(api, path):
    r = api.get(path, params={"limit": 251})
    assert r.status_code == 422, r.text
    assert "limit" in r.text
    assert api.get(path, params={"limit": 250}).status_code in (200, 204)


@pytest.mark.parametrize("path", ["/v3/catalog/products", "/v3/catalog/brands",
                                  "/v3/customers", "/v3/inventory/items", "/v3/hooks"])
@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": -1}, {"page": 0}, {"page": -2}])
def test_v3_limit_or_page_below_one_is_a_422(api, path, params):
    r = api.get(path, params=params)
    assert r.status_code == 422, r.text
    name = next(iter(params))
    assert name in r.text


def test_v3_limit_without_a_declared_maximum_is_capped_and_says_so(api):
    brands = api.get("/v3/catalog/brands", params={"limit": 1000}).json()
    assert brands["meta"]["pagination"]["per_page"] == 250
    items = api.get("/v3/inventory/items", params={"limit": 5000}).json()
    assert items["meta"]["pagination"]["per_page"] == 1000


def test_include_options_caps_products_at_ten(api):
    r = api.get("/v3/catalog/products", params={"include": "options", "limit": 50}).json()
    assert r["meta"]["pagination"]["per_page"] == 10 and len(r["data"]) == 10
