"""How reconciliation lists the ids BigCommerce has, per dataset, as thinly as the API allows
(V3 products and brands honour include_fields; the others send whole records)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from bcsync.client import BigCommerceClient, Page

from .models import (
    LcBrand,
    LcCategory,
    LcCustomer,
    LcCustomerGroup,
    LcLocation,
    LcOrder,
    LcProduct,
    LcShippingMethod,
    Mirrored,
)
from .parsing import read_int

PAGE = 250

Present = dict[type[Mirrored], set[int]]


def _ids(pages: Iterable[Page], key: str = "id") -> set[int]:
    found: set[int] = set()
    for page in pages:
        for item in page.items:
            value = read_int(item.get(key) if isinstance(item, dict) else None, 1)
            if value is not None:
                found.add(value)
    return found


def _method_pages(client: BigCommerceClient) -> Iterator[Page]:
    for zone in client.iter_shipping_zones():
        zone_id = read_int(zone.get("id") if isinstance(zone, dict) else None, 1)
        if zone_id is not None:
            yield Page(items=client.list_shipping_methods(zone_id))


def product_ids(client: BigCommerceClient) -> Present:
    pages = client.iter_product_pages(include=(), filters={"include_fields": "id"}, limit=PAGE)
    return {LcProduct: _ids(pages)}


def category_ids(client: BigCommerceClient) -> Present:
    return {LcCategory: _ids(client.iter_tree_category_pages(limit=PAGE), "category_id")}


def brand_ids(client: BigCommerceClient) -> Present:
    return {LcBrand: _ids(client.iter_brand_pages({"include_fields": "id"}, limit=PAGE))}


def order_ids(client: BigCommerceClient) -> Present:
    return {LcOrder: _ids(client.iter_order_pages(limit=PAGE))}


def customer_ids(client: BigCommerceClient) -> Present:
    return {LcCustomer: _ids(client.iter_customer_pages(limit=PAGE)),
            LcCustomerGroup: _ids(client.iter_customer_group_pages())}


def carrier_ids(client: BigCommerceClient) -> Present:
    return {LcLocation: _ids(client.iter_location_pages(limit=PAGE)),
            LcShippingMethod: _ids(_method_pages(client))}
