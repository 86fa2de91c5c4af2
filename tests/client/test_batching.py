from __future__ import annotations

import json

from bcsync.client import AuthError

from .conftest import BASE

PRODUCTS = f"{BASE}/v3/catalog/products"
VARIANTS = f"{BASE}/v3/catalog/variants"


def sent(call) -> list[dict]:
    return json.loads(call.request.body)


def echo_data(request):
    return 200, {}, json.dumps({"data": json.loads(request.body), "meta": {}})


def test_it_splits_25_products_into_requests_of_10_10_and_5(mocked, client):
    mocked.add_callback("PUT", PRODUCTS, callback=echo_data)
    items = [{"id": i, "price": i} for i in range(1, 26)]

    result = client.update_products(items)

    assert [len(sent(c)) for c in mocked.calls] == [10, 10, 5]
    assert result.ok
    assert [p["id"] for p in result.succeeded] == list(range(1, 26))


def test_it_records_a_failing_chunk_per_item_and_sends_the_rest(mocked, client):
    mocked.put(PRODUCTS, json={"data": [{"id": i} for i in range(1, 11)], "meta": {}})
    mocked.put(
        PRODUCTS,
        status=422,
        json={"status": 422, "title": "Invalid", "errors": {"price": "must be >= 0"}},
    )
    mocked.put(PRODUCTS, json={"data": [{"id": i} for i in range(21, 26)], "meta": {}})

    result = client.update_products([{"id": i, "price": 1} for i in range(1, 26)])

    assert len(mocked.calls) == 3
    assert len(result.succeeded) == 15
    assert [f.item["id"] for f in result.failed] == list(range(11, 21))
    assert all(f.status == 422 and f.errors == {"price": "must be >= 0"} for f in result.failed)
    assert not any(f.transient for f in result.failed)


def test_it_surfaces_the_errors_of_a_207(mocked, client):
    mocked.put(
        PRODUCTS,
        status=207,
        json={
            "data": [{"id": 1}, {"id": 2}],
            "errors": {
                "status": 422,
                "title": "Inventory update failed",
                "errors": {"inventory_level": "would be negative"},
            },
            "meta": {},
        },
    )

    result = client.update_products([{"id": 1}, {"id": 2}])

    assert [p["id"] for p in result.succeeded] == [1, 2]
    assert len(result.failed) == 2
    assert all(f.partial for f in result.failed)
    assert result.failed[0].title == "Inventory update failed"
    assert result.failed[0].errors == {"inventory_level": "would be negative"}


def test_it_splits_variants_by_50_and_records_batch_errors(mocked, client):
    mocked.put(VARIANTS, json={"data": [{"id": i} for i in range(50)], "meta": {}})
    mocked.put(
        VARIANTS,
        status=422,
        json={
            "batch_errors": [
                {"status": 422, "title": "Invalid", "errors": {"sku": "too long"}},
            ]
        },
    )

    result = client.update_variants([{"id": i, "price": 1} for i in range(60)])

    assert [len(sent(c)) for c in mocked.calls] == [50, 10]
    assert len(result.succeeded) == 50
    assert len(result.failed) == 10
    assert result.failed[0].errors == {"0.sku": "too long"}


def test_it_stops_after_an_auth_error_and_marks_the_rest_failed(mocked, client):
    mocked.put(f"{BASE}/v3/customers", status=401, json={"status": 401, "title": "Unauthorized"})

    result = client.update_customers([{"id": i} for i in range(25)])

    assert len(mocked.calls) == 1
    assert len(result.failed) == 25
    assert all(isinstance(f.error, AuthError) for f in result.failed)


def test_it_creates_customers_10_at_a_time(mocked, client):
    mocked.add_callback("POST", f"{BASE}/v3/customers", callback=echo_data)
    people = [
        {"email": f"p{i}@example.com", "first_name": "P", "last_name": str(i)} for i in range(12)
    ]

    result = client.create_customers(people)

    assert [len(sent(c)) for c in mocked.calls] == [10, 2]
    assert len(result.succeeded) == 12


def test_it_adjusts_inventory_in_chunks_of_2000_and_returns_transaction_ids(mocked, client):
    path = f"{BASE}/v3/inventory/adjustments/absolute"
    mocked.put(path, json={"transaction_id": "t-1"})
    mocked.put(path, json={"transaction_id": "t-2"})
    items = [{"location_id": 1, "sku": f"S{i}", "quantity": 1} for i in range(2500)]

    result = client.adjust_inventory_absolute(items, reason="POS count")

    bodies = [json.loads(c.request.body) for c in mocked.calls]
    assert [len(b["items"]) for b in bodies] == [2000, 500]
    assert bodies[0]["reason"] == "POS count"
    assert result.transaction_ids == ["t-1", "t-2"]


def test_it_creates_tree_categories_in_one_request(mocked, client):
    mocked.post(
        f"{BASE}/v3/catalog/trees/categories",
        json={"data": [{"category_id": 5, "name": "Cups"}], "meta": {}},
    )

    result = client.create_categories([{"name": "Cups", "tree_id": 1}])

    assert result.succeeded == [{"category_id": 5, "name": "Cups"}]


def test_it_halves_a_chunk_that_is_too_large_and_tries_again(mocked, client):
    too_large = {"status": 413, "title": "The maximum items allowed in the array is 4"}

    def limit_4(request):
        items = json.loads(request.body)
        if len(items) > 4:
            return 413, {}, json.dumps(too_large)
        return 200, {}, json.dumps({"data": items, "meta": {}})

    mocked.add_callback("PUT", VARIANTS, callback=limit_4)

    result = client.update_variants([{"id": i} for i in range(10)])

    assert result.ok
    assert [v["id"] for v in result.succeeded] == list(range(10))
    assert [len(sent(c)) for c in mocked.calls] == [10, 5, 2, 3, 5, 2, 3]


def test_it_isolates_the_invalid_item_when_asked(mocked, client):
    def reject_7(request):
        items = json.loads(request.body)
        if any(i["id"] == 7 for i in items):
            return (
                422,
                {},
                json.dumps({"status": 422, "title": "Invalid", "errors": {"price": "<0"}}),
            )
        return 200, {}, json.dumps({"data": items, "meta": {}})

    mocked.add_callback("PUT", PRODUCTS, callback=reject_7)

    result = client.update_products([{"id": i} for i in range(1, 11)], isolate_invalid=True)

    assert [f.item["id"] for f in result.failed] == [7]
    assert sorted(p["id"] for p in result.succeeded) == [1, 2, 3, 4, 5, 6, 8, 9, 10]


def test_it_does_not_split_invalid_chunks_by_default(mocked, client):
    mocked.put(PRODUCTS, status=422, json={"status": 422, "title": "Invalid"})

    result = client.update_products([{"id": i} for i in range(1, 11)])

    assert len(mocked.calls) == 1
    assert len(result.failed) == 10
