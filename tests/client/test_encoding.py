"""Query encoding, path templates and error-body parsing, including property tests."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bcsync.client import Conflict, DuplicateName, DuplicateSku
from bcsync.client.errors import _duplicate_kind, parse_error_body
from bcsync.client.http import path_template
from bcsync.client.paging import encode_params, iso_timestamp

from .conftest import BASE, v3_list


def test_it_keeps_colons_and_commas_literal_in_the_query(mocked, client):
    mocked.get(f"{BASE}/v3/catalog/products", json=v3_list([]))

    list(client.iter_product_pages(filters={"id:in": [1, 2, 3]}))

    url = mocked.calls[0].request.url
    assert "id:in=1,2,3" in url
    assert "include=variants,images,custom_fields" in url


def test_it_escapes_the_plus_and_spaces_of_v2_dates(mocked, client):
    mocked.get(f"{BASE}/v2/orders", json=[])
    since = datetime(2025, 1, 15, 0, 3, 17, tzinfo=UTC)

    list(client.iter_order_pages(filters={"min_date_modified": since}))

    assert "%2B0000" in mocked.calls[0].request.url
    assert mocked.calls[0].request.params["min_date_modified"] == "Wed, 15 Jan 2025 00:03:17 +0000"


def test_it_turns_numeric_path_segments_into_placeholders():
    assert path_template("/v3/catalog/products/123/images/4") == (
        "/v3/catalog/products/{id}/images/{id}"
    )
    assert path_template("/v2/orders/count?x=1") == "/v2/orders/count"
    assert path_template("/v3/hooks/admin") == "/v3/hooks/admin"


def test_it_classifies_duplicate_wording():
    assert _duplicate_kind("The product name is a duplicate", {}) is DuplicateName
    assert _duplicate_kind("The product name 'SKU box' is a duplicate", {}) is DuplicateName
    assert _duplicate_kind("Conflict", {"sku": "SKU 'A-1' already exists"}) is DuplicateSku
    assert _duplicate_kind("Brand name already in use", {}) is DuplicateName
    assert _duplicate_kind("Tax class 9 not found", {}) is Conflict


@given(st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=50))
def test_in_filters_are_comma_separated(ids):
    assert encode_params({"id:in": ids}) == {"id:in": ",".join(map(str, ids))}


@given(st.datetimes(timezones=st.just(UTC)))
def test_timestamps_always_have_date_time_and_zone(value):
    text = iso_timestamp(value)

    assert len(text) == 20 and text[10] == "T" and text.endswith("Z")
    assert datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) == value.replace(
        microsecond=0
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_any_error_body_parses_to_strings(body):
    title, detail, errors = parse_error_body(body)

    assert isinstance(title, str) and isinstance(detail, str)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in errors.items())


@given(st.lists(st.integers(min_value=0, max_value=10**6), max_size=6))
def test_path_templates_never_contain_digits_only_segments(ids):
    path = "/v3/x" + "".join(f"/{i}/y" for i in ids)

    assert not any(seg.isdigit() for seg in path_template(path).split("/"))
