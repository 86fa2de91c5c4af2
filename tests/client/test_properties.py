"""Property tests: every public client method, driven with generated arguments against the
emulator over real HTTP, either succeeds or raises a typed client error.

"Typed" means a `BigCommerceError` subclass; the only other exception allowed is the
`ValueError` a method raises for an argument it refuses before sending anything (a batch
item without `id`, an `image_url` over 255 characters, a naive datetime). Nothing from
requests, urllib3 or json may escape, and no error may carry the access token.
"""

from __future__ import annotations

import inspect
import itertools
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bcemulator.process import EmulatorProcess
from bcsync.client import BigCommerceClient, BigCommerceError

pytestmark = pytest.mark.emulator

TOKEN = "prop-token-7d1e55c0a9"
EXAMPLES = 20

# -- strategies ---------------------------------------------------------------------------------

# Ids: mostly ones the demo store has, plus zero, negatives and integers past 64 bits.
ids = st.one_of(st.integers(1, 60), st.integers(), st.sampled_from([0, -1, 2**63, 10**20]))
# Any code point, lone surrogates included: a Python str can hold them, UTF-8 cannot.
text = st.text(st.characters(exclude_categories=()), max_size=40)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text)
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)), max_leaves=12)
aware = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                     timezones=st.just(UTC))
filter_values = st.one_of(json_scalars, aware, st.dates(), st.lists(st.one_of(st.integers(),
                                                                              text), max_size=4))
FILTER_NAMES = ["id", "id:in", "id:min", "sku", "sku:in", "name", "name:like", "keyword",
                "date_modified:min", "date_modified:max", "date_created:min", "is_visible",
                "brand_id", "categories:in", "price", "email:in", "customer_group_id:in",
                "status_id", "min_id", "max_id", "min_date_modified", "min_date_created",
                "sort", "product_id:in", "variant_id:in", "location_id:in", "tree_id:in",
                "parent_id:in", "category_id:in", "is_active", "scope", "destination"]
filters = st.one_of(st.none(), st.dictionaries(st.one_of(st.sampled_from(FILTER_NAMES), text),
                                               filter_values, max_size=4))
includes = st.lists(st.one_of(st.sampled_from(["variants", "images", "custom_fields",
                                               "options", "addresses", "primary_image"]), text),
                    max_size=3)
limits = st.one_of(st.integers(1, 300), st.integers())
PRODUCT_FIELDS = ["name", "type", "sku", "price", "weight", "categories", "brand_id",
                  "inventory_level", "inventory_tracking", "is_visible", "description", "upc",
                  "variants", "custom_fields", "images", "option_values", "label", "value",
                  "email", "first_name", "last_name", "addresses", "tree_id", "parent_id",
                  "location_id", "product_id", "variant_id", "quantity", "scope",
                  "destination", "headers", "is_active", "id", "page_title", "url"]
payloads = st.dictionaries(st.one_of(st.sampled_from(PRODUCT_FIELDS), text), json_values,
                           max_size=6)
items = st.lists(payloads, max_size=5)
items_with_id = st.lists(payloads.flatmap(
    lambda p: ids.map(lambda i: {**p, "id": i})), max_size=5)


def consume(result: Any, pages: int = 2) -> Any:
    """Walk a generator far enough to send its requests (two pages at most)."""
    if isinstance(result, Iterator):
        return list(itertools.islice(result, pages))
    return result


# Each public method, called with generated arguments of the types it declares.
Call = Callable[[BigCommerceClient, st.DataObject], Any]
CALLS: dict[str, Call] = {
    # catalog
    "get_product": lambda c, d: c.get_product(d.draw(ids), include=d.draw(includes)),
    "find_product": lambda c, d: c.find_product(sku=d.draw(st.none() | text),
                                                name=d.draw(st.none() | text)),
    "iter_product_pages": lambda c, d: c.iter_product_pages(
        include=d.draw(includes), filters=d.draw(filters), limit=d.draw(limits)),
    "iter_products": lambda c, d: c.iter_products(include=d.draw(includes),
                                                  filters=d.draw(filters),
                                                  limit=d.draw(limits)),
    "create_product": lambda c, d: c.create_product(d.draw(payloads)),
    "update_product": lambda c, d: c.update_product(d.draw(ids), d.draw(payloads)),
    "delete_product": lambda c, d: c.delete_product(d.draw(ids),
                                                    missing_ok=d.draw(st.booleans())),
    "update_products": lambda c, d: c.update_products(d.draw(items_with_id),
                                                      isolate_invalid=d.draw(st.booleans())),
    "iter_variant_pages": lambda c, d: c.iter_variant_pages(
        product_id=d.draw(st.none() | ids), filters=d.draw(filters), limit=d.draw(limits)),
    "iter_variants": lambda c, d: c.iter_variants(product_id=d.draw(st.none() | ids),
                                                  filters=d.draw(filters)),
    "create_variant": lambda c, d: c.create_variant(d.draw(ids), d.draw(payloads)),
    "update_variant": lambda c, d: c.update_variant(d.draw(ids), d.draw(ids), d.draw(payloads)),
    "update_variants": lambda c, d: c.update_variants(d.draw(items),
                                                      isolate_invalid=d.draw(st.booleans())),
    "iter_category_tree_pages": lambda c, d: c.iter_category_tree_pages(limit=d.draw(limits)),
    "iter_tree_category_pages": lambda c, d: c.iter_tree_category_pages(
        d.draw(filters), limit=d.draw(limits)),
    "iter_category_pages": lambda c, d: c.iter_category_pages(d.draw(filters),
                                                              limit=d.draw(limits)),
    "iter_categories": lambda c, d: c.iter_categories(d.draw(filters)),
    "create_categories": lambda c, d: c.create_categories(d.draw(items)),
    "iter_brand_pages": lambda c, d: c.iter_brand_pages(d.draw(filters), limit=d.draw(limits)),
    "iter_brands": lambda c, d: c.iter_brands(d.draw(filters)),
    "create_brand": lambda c, d: c.create_brand(d.draw(payloads)),
    "iter_custom_fields": lambda c, d: c.iter_custom_fields(d.draw(ids)),
    "create_custom_field": lambda c, d: c.create_custom_field(d.draw(ids), d.draw(payloads)),
    "update_custom_field": lambda c, d: c.update_custom_field(d.draw(ids), d.draw(ids),
                                                              d.draw(payloads)),
    "delete_custom_field": lambda c, d: c.delete_custom_field(
        d.draw(ids), d.draw(ids), missing_ok=d.draw(st.booleans())),
    "create_product_image": lambda c, d: c.create_product_image(
        d.draw(ids), d.draw(st.one_of(text, st.just("https://cdn.example.com/a.jpg"))),
        **d.draw(st.dictionaries(st.sampled_from(["description", "is_thumbnail",
                                                  "sort_order"]), json_values, max_size=2))),
    # orders
    "iter_order_pages": lambda c, d: c.iter_order_pages(filters=d.draw(filters),
                                                        limit=d.draw(limits)),
    "iter_orders": lambda c, d: c.iter_orders(filters=d.draw(filters), limit=d.draw(limits)),
    "get_order": lambda c, d: c.get_order(d.draw(ids)),
    "update_order_status": lambda c, d: c.update_order_status(d.draw(ids), d.draw(ids)),
    "iter_order_products": lambda c, d: c.iter_order_products(d.draw(ids)),
    "list_order_shipping_addresses": lambda c, d: c.list_order_shipping_addresses(d.draw(ids)),
    "list_order_statuses": lambda c, d: c.list_order_statuses(),
    "count_orders": lambda c, d: c.count_orders(),
    "order_counts_by_status": lambda c, d: c.order_counts_by_status(),
    # refunds
    "list_order_refunds": lambda c, d: c.list_order_refunds(
        d.draw(ids), transaction_id=d.draw(st.none() | text)),
    "iter_refund_pages": lambda c, d: c.iter_refund_pages(filters=d.draw(filters),
                                                          limit=d.draw(limits)),
    "iter_refunds": lambda c, d: c.iter_refunds(filters=d.draw(filters), limit=d.draw(limits)),
    "get_refund": lambda c, d: c.get_refund(d.draw(ids)),
    "quote_refund": lambda c, d: c.quote_refund(d.draw(ids), d.draw(items)),
    "create_refund": lambda c, d: c.create_refund(d.draw(ids), d.draw(items), d.draw(items)),
    # customers
    "iter_customer_pages": lambda c, d: c.iter_customer_pages(
        filters=d.draw(filters), include=d.draw(includes), limit=d.draw(limits)),
    "iter_customers": lambda c, d: c.iter_customers(filters=d.draw(filters),
                                                    include=d.draw(includes)),
    "create_customers": lambda c, d: c.create_customers(d.draw(items)),
    "update_customers": lambda c, d: c.update_customers(d.draw(items_with_id),
                                                        isolate_invalid=d.draw(st.booleans())),
    "iter_customer_group_pages": lambda c, d: c.iter_customer_group_pages(limit=d.draw(limits)),
    "iter_customer_groups": lambda c, d: c.iter_customer_groups(),
    "get_customer_group": lambda c, d: c.get_customer_group(d.draw(ids)),
    "create_customer_group": lambda c, d: c.create_customer_group(d.draw(payloads)),
    "update_customer_group": lambda c, d: c.update_customer_group(d.draw(ids),
                                                                  d.draw(payloads)),
    "find_customers_by_email": lambda c, d: c.find_customers_by_email(
        d.draw(st.lists(text, max_size=3))),
    # inventory
    "iter_location_pages": lambda c, d: c.iter_location_pages(d.draw(filters),
                                                              limit=d.draw(limits)),
    "iter_locations": lambda c, d: c.iter_locations(d.draw(filters)),
    "iter_inventory_item_pages": lambda c, d: c.iter_inventory_item_pages(
        location_id=d.draw(st.none() | ids), filters=d.draw(filters), limit=d.draw(limits)),
    "iter_inventory_items": lambda c, d: c.iter_inventory_items(
        location_id=d.draw(st.none() | ids), filters=d.draw(filters)),
    "adjust_inventory_absolute": lambda c, d: c.adjust_inventory_absolute(
        d.draw(items), reason=d.draw(st.none() | text), isolate_invalid=d.draw(st.booleans())),
    "adjust_inventory_relative": lambda c, d: c.adjust_inventory_relative(
        d.draw(items), reason=d.draw(st.none() | text)),
    # shipping, store, webhooks
    "iter_shipping_zones": lambda c, d: c.iter_shipping_zones(),
    "list_shipping_methods": lambda c, d: c.list_shipping_methods(d.draw(ids)),
    "store_information": lambda c, d: c.store_information(),
    "server_time": lambda c, d: c.server_time(),
    "iter_webhooks": lambda c, d: c.iter_webhooks(d.draw(filters)),
    "create_webhook": lambda c, d: c.create_webhook(
        scope=d.draw(st.one_of(text, st.just("store/product/updated"))),
        destination=d.draw(st.one_of(text, st.just("https://hooks.example.com/bc"))),
        headers=d.draw(st.none() | st.dictionaries(text, text, max_size=3)),
        is_active=d.draw(st.booleans())),
    "update_webhook": lambda c, d: c.update_webhook(d.draw(ids), d.draw(payloads)),
    "delete_webhook": lambda c, d: c.delete_webhook(d.draw(ids),
                                                    missing_ok=d.draw(st.booleans())),
}
# Not API calls: construction, lifecycle and properties.
NOT_CALLS = {"close", "from_connection"}


@pytest.fixture(scope="module")
def bc() -> Iterator[BigCommerceClient]:
    # An emulator of its own: generated writes and deletes must not disturb other tests.
    with EmulatorProcess(seed="demo", token=TOKEN, quota=10**9) as emu:
        client = BigCommerceClient(api_url=emu.base_url, store_hash=emu.store_hash,
                                   access_token=TOKEN, timeout=(5.0, 30.0), max_retries=1,
                                   sleep=lambda seconds: None)
        yield client
        client.close()


def test_every_public_method_is_driven():
    public = {name for name, member in inspect.getmembers(BigCommerceClient)
              if not name.startswith("_") and callable(member)}
    assert public - NOT_CALLS == set(CALLS)


def _no_token(exc: BaseException) -> None:
    text = "".join(traceback.format_exception(exc)) + repr(exc) + repr(vars(exc))
    assert TOKEN not in text, "the access token leaked into an exception"


@pytest.mark.parametrize("name", sorted(CALLS))
@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(data=st.data())
def test_public_method_succeeds_or_raises_a_typed_error(bc: BigCommerceClient, name: str,
                                                        data: st.DataObject):
    sent_before = bc.request_count
    try:
        result = consume(CALLS[name](bc, data))
    except BigCommerceError as exc:
        _no_token(exc)
    except ValueError as exc:
        # An argument the method refuses up front: nothing may have been sent.
        assert bc.request_count == sent_before, f"ValueError after sending: {exc!r}"
        assert not isinstance(exc, UnicodeError), f"unencodable input escaped: {exc!r}"
        _no_token(exc)
    else:
        # Batch methods report per-item failures instead of raising.
        for failure in getattr(result, "failed", []):
            assert failure.error is None or isinstance(failure.error, BigCommerceError)
            if failure.error is not None:
                _no_token(failure.error)
