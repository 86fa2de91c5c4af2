from __future__ import annotations

import pytest
import requests
import urllib3.exceptions

from bcsync.client import BigCommerceClient, ServerError, Unreachable

from .conftest import BASE, make_client, v3_list

PRODUCTS = f"{BASE}/v3/catalog/products"
PRODUCT = {"name": "Mug", "type": "physical", "weight": 1, "price": 5, "sku": "MUG-1"}


def refused() -> requests.ConnectionError:
    """What requests raises when nothing listens: the request never left this machine."""
    reason = urllib3.exceptions.NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    return requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", reason))  # type: ignore[arg-type]


def reset() -> requests.ConnectionError:
    """A reset after the request was written: the server may have processed it."""
    return requests.ConnectionError(
        urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104))
    )


def test_it_retries_a_503_on_get_and_then_succeeds(mocked, client, fake_time):
    mocked.get(f"{BASE}/v2/time", status=503)
    mocked.get(f"{BASE}/v2/time", status=502)
    mocked.get(f"{BASE}/v2/time", json={"time": 1_700_000_000})

    assert client.server_time().year == 2023
    assert client.request_count == 3
    assert fake_time.sleeps == [0.5, 1.0]  # exponential ceilings (rng returns the top)


def test_it_gives_up_on_5xx_after_max_retries(mocked, fake_time):
    client = make_client(fake_time, max_retries=3)
    mocked.get(f"{BASE}/v2/time", status=500)

    with pytest.raises(ServerError) as caught:
        client.server_time()

    assert client.request_count == 4  # the first attempt + 3 retries
    assert caught.value.status == 500
    assert caught.value.transient is True
    assert "gave up after 4 attempts" in str(caught.value)


def test_it_gives_up_when_the_next_wait_would_exceed_max_retry_seconds(mocked, fake_time):
    client = make_client(fake_time, max_retries=50, max_retry_seconds=10.0)
    mocked.get(f"{BASE}/v2/time", status=504)

    with pytest.raises(ServerError):
        client.server_time()

    assert sum(fake_time.sleeps) <= 10.0
    assert client.request_count == 5  # waits 0.5+1+2+4 = 7.5; the next (8) would pass 10


def test_it_retries_connection_errors_a_bounded_number_of_times(mocked, fake_time):
    client = make_client(fake_time, max_retries=2)
    mocked.get(f"{BASE}/v2/time", body=reset())

    with pytest.raises(Unreachable) as caught:
        client.server_time()

    assert len(mocked.calls) == 3
    assert caught.value.transient is True


def test_it_retries_read_timeouts_on_get(mocked, client):
    mocked.get(f"{BASE}/v2/time", body=requests.ReadTimeout())
    mocked.get(f"{BASE}/v2/time", body=requests.exceptions.ChunkedEncodingError())
    mocked.get(f"{BASE}/v2/time", json={"time": 1})

    client.server_time()

    assert len(mocked.calls) == 3


def test_it_retries_put_on_5xx(mocked, client):
    mocked.put(f"{PRODUCTS}/1", status=500)
    mocked.put(f"{PRODUCTS}/1", json={"data": {"id": 1}})

    assert client.update_product(1, {"price": 3}) == {"id": 1}


def test_it_does_not_repeat_a_post_that_got_a_5xx(mocked, client):
    mocked.post(f"{BASE}/v3/catalog/brands", status=500)
    mocked.get(f"{BASE}/v3/catalog/brands", json=v3_list([]))  # the lookup finds nothing

    with pytest.raises(ServerError):
        client.create_brand({"name": "Acme"})

    assert len([c for c in mocked.calls if c.request.method == "POST"]) == 1


def test_it_does_not_repeat_a_post_after_a_read_timeout(mocked, client):
    mocked.post(f"{BASE}/v3/inventory/adjustments/relative", body=requests.ReadTimeout())

    result = client.adjust_inventory_relative([{"location_id": 1, "sku": "A", "quantity": -1}])

    assert len(mocked.calls) == 1
    assert not result.ok
    assert result.failed[0].transient is True
    assert isinstance(result.failed[0].error, Unreachable)


def test_it_does_not_repeat_a_post_after_a_connection_reset(mocked, client):
    mocked.post(f"{BASE}/v2/orders/1/shipments", body=reset())

    with pytest.raises(Unreachable) as caught:
        client._http.send_json("POST", "/v2/orders/1/shipments", {"items": []})

    assert caught.value.request_sent is True
    assert len(mocked.calls) == 1


def test_it_retries_a_post_that_never_connected(mocked, client):
    mocked.post(f"{BASE}/v3/hooks", body=refused())
    mocked.post(f"{BASE}/v3/hooks", body=requests.ConnectTimeout())
    mocked.post(f"{BASE}/v3/hooks", json={"data": {"id": 9, "scope": "s", "destination": "d"}})

    hook = client.create_webhook(scope="s", destination="d")

    assert hook.id == 9
    assert len(mocked.calls) == 3
    assert client.request_count == 1  # the two refused attempts never reached a server


def test_it_finds_the_product_when_create_times_out_after_reaching_the_server(mocked, client):
    mocked.post(PRODUCTS, body=requests.ReadTimeout())
    mocked.get(PRODUCTS, json=v3_list([{"id": 77, "sku": "MUG-1"}]))

    product = client.create_product(PRODUCT)

    assert product == {"id": 77, "sku": "MUG-1"}
    lookup = mocked.calls[1].request
    assert lookup.params == {"sku": "MUG-1", "page": "1", "limit": "1"}


def test_it_looks_a_product_up_by_name_when_it_has_no_sku(mocked, client):
    mocked.post(PRODUCTS, status=502)
    mocked.get(PRODUCTS, json=v3_list([{"id": 78, "name": "Plate"}]))

    product = client.create_product({"name": "Plate", "type": "physical", "weight": 1, "price": 1})

    assert product["id"] == 78
    assert mocked.calls[1].request.params["name"] == "Plate"


def test_it_raises_when_the_lost_create_did_not_happen(mocked, client):
    mocked.post(PRODUCTS, body=reset())
    mocked.get(PRODUCTS, json=v3_list([], total_pages=0, total=0))

    with pytest.raises(Unreachable):
        client.create_product(PRODUCT)

    assert [c.request.method for c in mocked.calls] == ["POST", "GET"]


def test_it_finds_created_customers_by_email_when_the_answer_is_lost(mocked, client):
    mocked.post(f"{BASE}/v3/customers", status=504)
    mocked.get(f"{BASE}/v3/customers", json=v3_list([{"id": 5, "email": "ann@example.com"}]))

    ann = {"email": "Ann@example.com", "first_name": "Ann", "last_name": "Lee"}
    result = client.create_customers([ann])

    assert result.ok
    assert result.succeeded == [{"id": 5, "email": "ann@example.com"}]
    assert mocked.calls[1].request.params["email:in"] == "ann@example.com"


def test_it_sends_one_request_per_call_when_all_is_well(mocked, client: BigCommerceClient):
    mocked.get(f"{BASE}/v2/time", json={"time": 1})

    client.server_time()

    assert client.request_count == 1
