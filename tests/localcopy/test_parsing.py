"""Parsing never raises, and whatever it returns fits the columns (property-based)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localcopy import parsing
from localcopy.models import (
    LcBrand,
    LcCategory,
    LcCustomer,
    LcCustomerGroup,
    LcLocation,
    LcOrder,
    LcOrderLine,
    LcProduct,
    LcShippingAddress,
    LcShippingMethod,
    LcVariant,
)

PARSERS = {
    "product": (parsing.parse_product, LcProduct),
    "variant": (lambda raw: parsing.parse_variant(raw, product_bc_id=7), LcVariant),
    "category": (parsing.parse_category, LcCategory),
    "brand": (parsing.parse_brand, LcBrand),
    "order": (parsing.parse_order, LcOrder),
    "order line": (parsing.parse_order_line, LcOrderLine),
    "shipping address": (parsing.parse_shipping_address, LcShippingAddress),
    "customer": (parsing.parse_customer, LcCustomer),
    "customer group": (parsing.parse_customer_group, LcCustomerGroup),
    "shipping method": (lambda raw: parsing.parse_shipping_method(raw, zone={"id": 1}),
                        LcShippingMethod),
    "location": (parsing.parse_location, LcLocation),
}
KEYS = sorted({
    "id", "category_id", "name", "sku", "upc", "price", "cost_price", "inventory_level",
    "inventory_tracking", "is_visible", "brand_id", "categories", "bin_picking_number",
    "date_modified", "date_created", "product_id", "variant_id", "option_values", "parent_id",
    "tree_id", "status_id", "status", "customer_id", "email", "total_inc_tax", "currency_code",
    "quantity", "price_inc_tax", "first_name", "last_name", "city", "country_iso2",
    "shipping_method", "company", "phone", "customer_group_id", "type", "enabled", "code",
    "label", "type_id", "billing_address", "variants",
})

# Text that databases choke on is the point: NUL, lone surrogates, astral characters.
nasty_text = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=st.characters(codec=None), max_size=300),
    st.just("\x00"), st.just("\ud800x"), st.just("😀" * 300), st.just("a" * 5000),
)
numbers = st.one_of(
    st.integers(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=False).map(str),
    st.sampled_from(["1e999999", "-0", "NaN", "Infinity", "12.34567", "225.0000", " 42 "]),
)
dates = st.one_of(
    st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S +0000")),
    st.sampled_from(["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "yesterday",
                     "Tue, 31 Feb 2025 00:00:00 +0000", "2025-13-01", ""]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, nasty_text, dates)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5),
                                            inner, max_size=4)),
    max_leaves=12,
)
records = st.one_of(
    st.dictionaries(st.sampled_from(KEYS), json_values, max_size=len(KEYS)),
    json_values,  # not even an object
)


def assert_fits(model: type[models.Model], fields: dict) -> None:
    for name, value in fields.items():
        column = model._meta.get_field(name)
        if value is None:
            assert column.null, f"{name} is None but the column is NOT NULL"
        elif isinstance(column, models.CharField):
            assert isinstance(value, str)
            assert len(value) <= column.max_length, name
            assert "\x00" not in value
            value.encode("utf-8")  # no lone surrogates
        elif isinstance(column, models.DecimalField):
            assert isinstance(value, Decimal) and value.is_finite()
            _sign, digits, exponent = value.as_tuple()
            assert -exponent <= column.decimal_places
            assert len(digits) + exponent <= column.max_digits - column.decimal_places
        elif isinstance(column, models.BigIntegerField):
            assert type(value) is int and -(2**63) <= value < 2**63
        elif isinstance(column, models.IntegerField):
            assert type(value) is int and -(2**31) <= value < 2**31
        elif isinstance(column, models.BooleanField):
            assert isinstance(value, bool)
        elif isinstance(column, models.DateTimeField):
            assert isinstance(value, datetime) and value.tzinfo is not None
        elif isinstance(column, models.JSONField):
            assert isinstance(value, list) and all(type(v) is int and v > 0 for v in value)
        elif isinstance(column, models.ForeignKey):
            pytest.fail(f"parser set the foreign key {name}")


def assert_storable_json(value) -> None:
    import json

    json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
    assert "\\u0000" not in json.dumps(value)


@pytest.mark.parametrize("kind", sorted(PARSERS))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=records)
def test_parsing_never_raises_and_every_value_fits_its_column(kind, raw):
    parse, model = PARSERS[kind]
    parsed = parse(raw)
    assert_fits(model, parsed.fields)
    assert_storable_json(parsed.raw)
    assert parsed.bc_id is None or 0 < parsed.bc_id < 2**63
    assert all(isinstance(p, str) and len(p) <= 200 for p in parsed.problems)
    if parsed.bc_id is None:
        assert parsed.problems, "a record without id must say so"


@settings(max_examples=200, deadline=None)
@given(raw=st.fixed_dictionaries({"id": st.integers(1, 10**9), "name": nasty_text,
                                  "price": numbers, "inventory_level": numbers,
                                  "date_modified": dates, "categories": json_values}))
def test_a_product_keeps_its_id_and_raw_even_when_every_field_is_bad(raw):
    parsed = parsing.parse_product(raw)
    assert parsed.bc_id == raw["id"]
    assert set(parsed.raw) == set(raw)
    assert_fits(LcProduct, parsed.fields)


def test_a_well_formed_product_reads_without_problems():
    raw = {"id": 5, "name": "Tee", "sku": "T-1", "upc": "0123", "price": 19.0,
           "cost_price": "7.6000", "inventory_level": 4, "inventory_tracking": "product",
           "is_visible": True, "brand_id": 0, "categories": [2, 12],
           "bin_picking_number": "A1", "date_modified": "2025-01-01T00:37:00+00:00"}
    parsed = parsing.parse_product(raw)
    assert parsed.problems == []
    assert parsed.fields["price"] == Decimal("19.0000")
    assert parsed.fields["cost_price"] == Decimal("7.6000")
    assert parsed.fields["brand_id"] is None  # 0 means "no brand"
    assert parsed.fields["category_ids"] == [2, 12]
    assert parsed.fields["date_modified"] == datetime(2025, 1, 1, 0, 37, tzinfo=UTC)


def test_v2_dates_and_money_strings_are_read():
    parsed = parsing.parse_order({"id": 1, "status_id": 11, "total_inc_tax": "90.2000",
                                  "date_modified": "Mon, 10 Feb 2025 00:00:00 +0000",
                                  "billing_address": {"email": "ada@example.com"}})
    assert parsed.problems == []
    assert parsed.fields["date_modified"] == datetime(2025, 2, 10, tzinfo=UTC)
    assert parsed.fields["total_inc_tax"] == Decimal("90.2000")
    assert parsed.fields["email"] == "ada@example.com"


@pytest.mark.parametrize(("raw", "problem"), [
    ({"id": 1, "name": "x" * 300}, "name: 300 characters, cut to 255"),
    ({"id": 1, "name": "ok", "price": 1e20}, "price: not a usable amount"),
    ({"id": 1, "name": "ok", "inventory_level": 2**40}, "inventory_level: not a usable integer"),
    ({"id": 1, "name": "ok", "inventory_tracking": "sometimes"}, "inventory_tracking: unknown"),
    ({"id": 1, "name": "ok", "is_visible": "maybe"}, "is_visible: not true/false"),
    ({"id": 1, "name": "nul\x00here"}, "raw: characters or numbers"),
    ({"name": "no id"}, "id: no usable id"),
    ({"id": True, "name": "bool id"}, "id: no usable id"),
])
def test_each_malformed_field_is_named_in_the_problems(raw, problem):
    parsed = parsing.parse_product(raw)
    assert any(p.startswith(problem) for p in parsed.problems), parsed.problems


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_a_number_json_cannot_hold_is_replaced_and_reported_even_deep_inside(bad):
    raw = {"id": 1, "name": "ok", "variants": [{"id": 2, "weight": bad}]}
    parsed = parsing.parse_product(raw)
    assert any(p.startswith("raw: characters or numbers") for p in parsed.problems)
    assert parsed.raw["variants"][0]["weight"] is None
    assert_storable_json(parsed.raw)


def test_the_stored_json_and_its_digest_come_from_one_encoding():
    raw = {"id": 1, "name": "Ελληνικό 😀", "price": 1.5, "big": 10**30, "nested": {"a": [1]}}
    parsed = parsing.parse_product(raw)
    assert parsed.problems == []
    import json
    assert json.loads(parsed.raw_json) == raw  # integers past 64 bits kept too
    assert parsed.raw_hash == parsing.raw_digest(parsed.raw_json.encode())
    assert parsing.parse_product(dict(raw)).raw_hash == parsed.raw_hash
    assert parsing.parse_product({**raw, "price": 1.6}).raw_hash != parsed.raw_hash
