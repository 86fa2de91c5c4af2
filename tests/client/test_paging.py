from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import responses
from responses import matchers

from bcsync.client import BigCommerceClient, Page
from bcsync.client.paging import encode_params

from .conftest import BASE, query, v3_list

PRODUCTS = f"{BASE}/v3/catalog/products"
ORDERS = f"{BASE}/v2/orders"


def products(start: int, n: int) -> list[dict]:
    return [{"id": i, "name": f"P{i}"} for i in range(start, start + n)]


def test_it_walks_all_v3_pages_and_stops_at_total_pages(mocked, client: BigCommerceClient):
    for page, items in ((1, products(1, 250)), (2, products(251, 250)), (3, products(501, 10))):
        mocked.get(
            PRODUCTS,
            json=v3_list(items, page=page, total_pages=3, total=510),
            match=query({"page": str(page), "limit": "250"}, strict=False),
        )

    pages = list(client.iter_product_pages(include=()))

    assert [p.page for p in pages] == [1, 2, 3]
    assert all(p.total_pages == 3 and p.total == 510 for p in pages)
    assert sum(len(p.items) for p in pages) == 510
    assert client.request_count == 3  # ceil(510/250), no probing request after the last page


def test_it_makes_one_request_for_an_empty_v3_list(mocked, client):
    mocked.get(PRODUCTS, json=v3_list([], total_pages=0, total=0))

    pages = list(client.iter_product_pages())

    assert pages == [Page(items=[], page=1, total_pages=0, total=0)]
    assert client.request_count == 1


def test_it_streams_pages_lazily(mocked, client):
    mocked.get(PRODUCTS, json=v3_list(products(1, 250), total_pages=2, total=300))

    first = next(client.iter_product_pages())

    assert len(first.items) == 250
    assert client.request_count == 1  # page 2 is only fetched when asked for


def test_it_flattens_pages_into_items(mocked, client):
    mocked.get(PRODUCTS, json=v3_list(products(1, 250), page=1, total_pages=2))
    mocked.get(PRODUCTS, json=v3_list(products(251, 3), page=2, total_pages=2))

    ids = [p["id"] for p in client.iter_products()]

    assert ids == list(range(1, 254))


def test_it_asks_for_the_largest_product_page_and_the_sync_includes(mocked, client):
    mocked.get(
        PRODUCTS,
        json=v3_list([]),
        match=[
            matchers.query_param_matcher(
                {"page": "1", "limit": "250", "include": "variants,images,custom_fields"}
            )
        ],
    )

    list(client.iter_product_pages())


def test_it_caps_the_page_at_10_when_options_are_included(mocked, client):
    mocked.get(
        PRODUCTS,
        json=v3_list([]),
        match=[matchers.query_param_matcher({"page": "1", "limit": "10", "include": "options"})],
    )

    list(client.iter_product_pages(include=("options",)))


def test_it_encodes_filters(mocked, client):
    since = datetime(2025, 1, 15, 1, 3, 17, 999, tzinfo=timezone(timedelta(hours=1)))
    mocked.get(
        PRODUCTS,
        json=v3_list([]),
        match=[
            matchers.query_param_matcher(
                {
                    "page": "1",
                    "limit": "250",
                    "id:in": "1,2,3",
                    "sku:in": "A-1,B-2",
                    "date_modified:min": "2025-01-15T00:03:17Z",
                    "is_visible": "true",
                }
            )
        ],
    )

    filters = {
        "id:in": [1, 2, 3],
        "sku:in": ("A-1", "B-2"),
        "date_modified:min": since,
        "is_visible": True,
        "name": None,
    }
    list(client.iter_product_pages(include=(), filters=filters))


def test_it_sends_a_full_timestamp_for_a_plain_date():
    assert encode_params({"date_modified:max": date(2025, 1, 15)}) == {
        "date_modified:max": "2025-01-15T00:00:00Z"
    }


def test_it_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="naive"):
        encode_params({"date_modified:min": datetime(2025, 1, 15)})


def test_it_sends_v2_dates_as_rfc2822(mocked, client):
    mocked.get(
        ORDERS,
        body=b"",
        status=204,
        match=[
            matchers.query_param_matcher(
                {
                    "page": "1",
                    "limit": "250",
                    "status_id": "11",
                    "min_date_modified": "Wed, 15 Jan 2025 00:03:17 +0000",
                }
            )
        ],
    )

    since = datetime(2025, 1, 15, 0, 3, 17, tzinfo=UTC)
    list(client.iter_order_pages(filters={"status_id": 11, "min_date_modified": since}))


def test_it_ends_v2_paging_on_204(mocked, client):
    mocked.get(ORDERS, json=products(1, 250), match=query({"page": "1", "limit": "250"}))
    mocked.get(ORDERS, body=b"", status=204, match=query({"page": "2", "limit": "250"}))

    pages = list(client.iter_order_pages())

    assert [len(p.items) for p in pages] == [250]
    assert pages[0].total_pages is None
    assert client.request_count == 2


def test_it_ends_v2_paging_on_an_empty_array(mocked, client):
    mocked.get(ORDERS, json=products(1, 250))
    mocked.get(ORDERS, json=[])

    assert len(list(client.iter_orders())) == 250
    assert client.request_count == 2


def test_it_ends_v2_paging_on_a_short_page_without_another_request(mocked, client):
    mocked.get(ORDERS, json=products(1, 250))
    mocked.get(ORDERS, json=products(251, 7))

    pages = list(client.iter_order_pages())

    assert [p.page for p in pages] == [1, 2]
    assert client.request_count == 2


def test_it_yields_one_empty_page_when_there_are_no_orders(mocked, client):
    mocked.get(ORDERS, body=b"", status=204)

    assert list(client.iter_order_pages()) == [Page(items=[], page=1)]


def test_it_walks_customer_groups_with_v2_paging(mocked, client):
    mocked.get(f"{BASE}/v2/customer_groups", json=[{"id": 1, "name": "Retail"}])

    assert [g["name"] for g in client.iter_customer_groups()] == ["Retail"]


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda c: c.iter_variant_pages(), "/v3/catalog/variants"),
        (lambda c: c.iter_variant_pages(product_id=7), "/v3/catalog/products/7/variants"),
        (lambda c: c.iter_category_tree_pages(), "/v3/catalog/trees"),
        (lambda c: c.iter_tree_category_pages({"tree_id:in": [1]}), "/v3/catalog/trees/categories"),
        (lambda c: c.iter_category_pages(), "/v3/catalog/categories"),
        (lambda c: c.iter_brand_pages(), "/v3/catalog/brands"),
        (lambda c: c.iter_customer_pages(), "/v3/customers"),
        (lambda c: c.iter_location_pages(), "/v3/inventory/locations"),
        (lambda c: c.iter_inventory_item_pages(), "/v3/inventory/items"),
        (lambda c: c.iter_inventory_item_pages(location_id=2), "/v3/inventory/locations/2/items"),
        (lambda c: c.iter_webhooks(), "/v3/hooks"),
        (lambda c: c.iter_custom_fields(5), "/v3/catalog/products/5/custom-fields"),
    ],
)
def test_it_pages_every_v3_list_at_its_spec_path(mocked, client, call, path):
    mocked.get(f"{BASE}{path}", json=v3_list([]))

    list(call(client))

    assert client.request_count == 1


def test_it_uses_1000_per_page_for_inventory_items(mocked, client):
    mocked.get(
        f"{BASE}/v3/inventory/items",
        json=v3_list([]),
        match=[matchers.query_param_matcher({"page": "1", "limit": "1000", "sku:in": "A,B"})],
    )

    list(client.iter_inventory_item_pages(filters={"sku:in": ["A", "B"]}))


@responses.activate
def test_it_stops_when_v3_meta_is_missing_and_the_page_is_short(client):
    responses.get(f"{BASE}/v3/catalog/brands", json={"data": [{"id": 1}]})

    assert len(list(client.iter_brand_pages())) == 1


def test_it_caps_the_v2_limit_at_250_so_a_full_page_keeps_the_walk_going(mocked, client):
    # V2 answers at most 250 a page: asked for 1000, a full page of 250 is not the last one.
    mocked.get(ORDERS, json=products(1, 250), match=query({"page": "1", "limit": "250"}))
    mocked.get(ORDERS, json=products(251, 3), match=query({"page": "2", "limit": "250"}))

    assert len(list(client.iter_orders(limit=1000))) == 253


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda c: list(c.iter_shipping_zones()), "/v2/shipping/zones"),
        (lambda c: c.list_shipping_methods(4), "/v2/shipping/zones/4/methods"),
        (lambda c: c.list_order_statuses(), "/v2/order_statuses"),
    ],
)
def test_it_pages_v2_lists_that_used_to_be_read_in_one_request(mocked, client, call, path):
    mocked.get(f"{BASE}{path}", json=products(1, 250), match=query({"page": "1", "limit": "250"}))
    mocked.get(f"{BASE}{path}", body=b"", status=204, match=query({"page": "2", "limit": "250"}))

    assert len(call(client)) == 250


def test_it_ends_the_v2_walk_when_the_endpoint_ignores_page(mocked, client):
    mocked.get(f"{BASE}/v2/shipping/zones", json=products(1, 250))
    mocked.get(f"{BASE}/v2/shipping/zones", json=products(1, 250))

    assert len(list(client.iter_shipping_zones())) == 250
    assert client.request_count == 2


def test_a_v2_list_answer_that_is_not_an_array_is_an_unexpected_response(mocked, client):
    from bcsync.client import UnexpectedResponse

    mocked.get(ORDERS, json={"id": 1})

    with pytest.raises(UnexpectedResponse, match="expected a JSON array"):
        list(client.iter_orders())
