from __future__ import annotations

import logging

import pytest

from bcsync.client import (
    AuthError,
    BigCommerceError,
    Conflict,
    DuplicateName,
    DuplicateSku,
    NotFound,
    PayloadTooLarge,
    ServerError,
    Unreachable,
    ValidationError,
)

from .conftest import BASE, TOKEN, make_client, rate_headers, v3_list

PRODUCTS = f"{BASE}/v3/catalog/products"


def v3_error(status: int, title: str, errors: dict | None = None) -> dict:
    return {
        "status": status,
        "title": title,
        "type": "/api-docs/getting-started/api-status-codes",
        "errors": errors or {},
    }


@pytest.mark.parametrize(
    ("status", "exc_type"),
    [
        (401, AuthError),
        (403, AuthError),
        (404, NotFound),
        (413, PayloadTooLarge),
        (400, ValidationError),
        (422, ValidationError),
        (409, Conflict),
    ],
)
def test_it_maps_status_codes_to_exceptions(mocked, client, status, exc_type):
    mocked.get(f"{PRODUCTS}/1", status=status, json=v3_error(status, "Nope"))

    with pytest.raises(exc_type) as caught:
        client.get_product(1)

    assert caught.value.status == status
    assert caught.value.transient is False
    assert len(mocked.calls) == 1  # permanent errors are never retried


def test_it_recognises_a_duplicate_product_name(mocked, client):
    mocked.post(PRODUCTS, status=409, json=v3_error(409, "The product name is a duplicate"))

    with pytest.raises(DuplicateName) as caught:
        client.create_product({"name": "Mug", "type": "physical", "weight": 1, "price": 1})

    assert isinstance(caught.value, Conflict)
    assert str(caught.value) == ("409 The product name is a duplicate [POST /v3/catalog/products]")


def test_it_recognises_a_duplicate_sku_from_field_errors(mocked, client):
    body = v3_error(409, "Conflict", {"sku": "Sku 'MUG-1' is not unique"})
    mocked.put(f"{PRODUCTS}/3", status=409, json=body)

    with pytest.raises(DuplicateSku):
        client.update_product(3, {"sku": "MUG-1"})


def test_it_keeps_other_conflicts_generic(mocked, client):
    mocked.put(f"{PRODUCTS}/3", status=409, json=v3_error(409, "Category 99 does not exist"))

    with pytest.raises(Conflict) as caught:
        client.update_product(3, {"categories": [99]})

    assert type(caught.value) is Conflict


def test_it_keeps_field_errors_of_a_422(mocked, client):
    body = v3_error(
        422,
        "JSON data is missing or invalid",
        {"price": "error.path.missing", "weight": "must be >= 0"},
    )
    mocked.post(PRODUCTS, status=422, json=body)

    with pytest.raises(ValidationError) as caught:
        client.create_product({"name": "Mug"})

    assert caught.value.errors == {"price": "error.path.missing", "weight": "must be >= 0"}
    assert "price: error.path.missing" in str(caught.value)


def test_it_reads_a_category_tree_422_wrapped_under_errors(mocked, client):
    # The category-trees spec wraps its 422s: {"errors": {status,title,type,errors}, "meta"}.
    problem = v3_error(422, "Tree does not exist", {"0.tree_id": "unknown tree"})
    mocked.post(f"{BASE}/v3/catalog/trees/categories", status=422,
                json={"errors": problem, "meta": {}})

    result = client.create_categories([{"name": "Mugs", "tree_id": 99}])

    assert result.failed[0].title == "Tree does not exist"
    assert result.failed[0].errors == {"0.tree_id": "unknown tree"}


def test_it_reads_v2_error_arrays(mocked, client):
    body = [{"status": 404, "message": "The requested resource was not found."}]
    mocked.get(f"{BASE}/v2/orders/5", status=404, json=body)

    with pytest.raises(NotFound) as caught:
        client.get_order(5)

    assert caught.value.title == "The requested resource was not found."
    assert caught.value.errors == {"0": "The requested resource was not found."}
    assert caught.value.path == "/v2/orders/5"
    assert caught.value.method == "GET"


def test_it_reads_inventory_problem_json(mocked, client):
    title = "Items with identity: [product_id 113] requires absolute adjustment before relative"
    mocked.post(
        f"{BASE}/v3/inventory/adjustments/relative",
        status=422,
        body=(
            '{"status":422,"title":"' + title + '","type":"https://developer.bigcommerce.com/'
            'api-docs/getting-started/api-status-codes","errors":{}}'
        ),
        content_type="application/problem+json",
    )

    result = client.adjust_inventory_relative(
        [{"location_id": 1, "product_id": 113, "quantity": 1}]
    )

    assert result.failed[0].title == title
    assert isinstance(result.failed[0].error, ValidationError)


def test_it_reports_a_5xx_with_a_non_json_body(mocked, fake_time):
    client = make_client(fake_time, max_retries=0)
    mocked.get(f"{BASE}/v2/store", status=502, body="<html>Bad gateway</html>")

    with pytest.raises(ServerError) as caught:
        client.store_information()

    assert caught.value.status == 502
    assert "Bad Gateway" in str(caught.value)
    assert "<html>Bad gateway</html>" in caught.value.detail


def test_it_marks_plan_limit_507_as_permanent(mocked, client):
    mocked.post(f"{BASE}/v3/catalog/brands", status=507, json=v3_error(507, "Plan limit"))

    with pytest.raises(ServerError) as caught:
        client._http.send_json("POST", "/v3/catalog/brands", {"name": "x"})

    assert caught.value.transient is False


def test_it_includes_the_request_id_when_given(mocked, client):
    mocked.get(
        f"{PRODUCTS}/1",
        status=404,
        json=v3_error(404, "Not found"),
        headers={"X-Request-Id": "req-42"},
    )

    with pytest.raises(NotFound) as caught:
        client.get_product(1)

    assert caught.value.request_id == "req-42"
    assert "request_id=req-42" in str(caught.value)


def test_all_errors_share_one_base_class():
    for cls in (
        AuthError,
        NotFound,
        Conflict,
        DuplicateName,
        DuplicateSku,
        ValidationError,
        PayloadTooLarge,
        ServerError,
        Unreachable,
    ):
        assert issubclass(cls, BigCommerceError)


# -- the token never leaks -----------------------------------------------------------------


def test_the_token_is_absent_from_logs_errors_and_reprs(mocked, fake_time, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_client(fake_time, max_retries=1)
    mocked.get(f"{PRODUCTS}/1", status=500, json=v3_error(500, "Boom"), headers=rate_headers(9))
    mocked.get(
        f"{BASE}/v2/time", status=401, json=[{"status": 401, "message": "You are not authorized."}]
    )

    with pytest.raises(ServerError) as server_error:
        client.get_product(1)
    with pytest.raises(AuthError) as auth_error:
        client.server_time()

    assert caplog.records, "expected request log lines"
    for text in (
        caplog.text,
        str(server_error.value),
        repr(server_error.value),
        str(auth_error.value),
        repr(auth_error.value),
        repr(client),
        repr(client._http),
        repr(client.budget),
    ):
        assert TOKEN not in text
    # ...but it was sent where it belongs.
    assert mocked.calls[0].request.headers["X-Auth-Token"] == TOKEN


def test_it_logs_one_line_per_request_with_the_path_template(mocked, client, caplog):
    caplog.set_level(logging.INFO, logger="bcsync.client")
    mocked.get(f"{PRODUCTS}/123/variants", json=v3_list([]), headers=rate_headers(left=77))

    list(client.iter_variant_pages(product_id=123))

    (record,) = caplog.records
    assert record.name == "bcsync.client"
    assert record.getMessage().startswith("GET /v3/catalog/products/{id}/variants 200 ")
    assert record.getMessage().endswith("left=77")
    assert record.bc_path == "/v3/catalog/products/{id}/variants"  # type: ignore[attr-defined]
    assert record.bc_status == 200  # type: ignore[attr-defined]


def test_it_does_not_follow_redirects_that_would_carry_the_token_away(mocked, client):
    mocked.get(f"{BASE}/v2/time", status=301, headers={"Location": "https://elsewhere.test/t"})

    with pytest.raises(BigCommerceError) as caught:
        client.server_time()

    assert caught.value.status == 301
    assert "redirected to https://elsewhere.test/t" in str(caught.value)
    assert len(mocked.calls) == 1
