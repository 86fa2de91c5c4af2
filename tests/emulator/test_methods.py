"""Methods a path does not have answer like the rest of the API: JSON, not the standard
library's HTML 501 page."""

from __future__ import annotations

import pytest
import requests

pytestmark = pytest.mark.emulator


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "PATCH", "QUERY", "BREW"])
@pytest.mark.parametrize("path,api_shape", [
    ("/v3/catalog/products/1", "v3"),
    ("/v2/orders", "v2"),
])
def test_a_method_the_path_lacks_is_a_json_405_with_allow(api, method, path, api_shape):
    r = api.request(method, path)
    assert r.status_code == 405, r.text
    assert r.headers["Content-Type"] == "application/json"
    assert "GET" in r.headers["Allow"]
    body = r.json()
    status = body["status"] if api_shape == "v3" else body[0]["status"]
    assert status == 405


def test_an_unknown_path_is_a_json_404_for_any_method(api):
    r = api.request("OPTIONS", "/v3/no/such/thing")
    assert r.status_code == 404
    assert r.json()["status"] == 404


def test_head_answers_like_get_without_a_body(api):
    get = api.get("/v3/catalog/products/1")
    head = api.request("HEAD", "/v3/catalog/products/1")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head.headers["Content-Type"] == "application/json"
    # The connection stays usable: the next request on it gets its own answer.
    assert api.get("/v2/time").status_code == 200


def test_head_of_a_missing_record_is_a_404(api):
    assert api.request("HEAD", "/v3/catalog/products/999999").status_code == 404


def test_unauthorized_options_is_still_a_401(api):
    r = requests.options(api.url("/v3/catalog/products"), timeout=10)
    assert r.status_code == 401 and r.json()["status"] == 401


def test_a_request_the_http_layer_refuses_is_answered_in_json(api):
    r = api.get("/v3/catalog/products", params={"keyword": "x" * 70000})
    assert r.status_code == 414
    assert r.headers["Content-Type"] == "application/json"
    assert r.json()["status"] == 414
