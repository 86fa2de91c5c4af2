"""Id reconciliation: list only ids from BigCommerce and drop LC rows whose ids are gone.

Incremental passes see changes, never deletions (a deleted record has no date_modified);
webhooks usually report them but can be lost. This is the cheap net under both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from bcsync.client import BigCommerceClient, BigCommerceError, Page

from .models import (
    LcBrand,
    LcCategory,
    LcCustomer,
    LcCustomerGroup,
    LcLocation,
    LcOrder,
    LcProduct,
    LcRun,
    LcShippingMethod,
)
from .parsing import read_int
from .runs import RunSummary, Tally
from .writers import delete_ids, ids_missing

PAGE = 250


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


def _present(client: BigCommerceClient, dataset: str) -> list[tuple[type, set[int]]]:
    """(model, ids BigCommerce has) for each model of the dataset, fetched as thinly as the
    API allows (V3 products and brands honour include_fields; the others send whole records)."""
    if dataset == "products":
        pages = client.iter_product_pages(include=(), filters={"include_fields": "id"},
                                          limit=PAGE)
        return [(LcProduct, _ids(pages))]
    if dataset == "categories":
        return [(LcCategory, _ids(client.iter_tree_category_pages(limit=PAGE), "category_id"))]
    if dataset == "brands":
        return [(LcBrand, _ids(client.iter_brand_pages({"include_fields": "id"}, limit=PAGE)))]
    if dataset == "orders":
        return [(LcOrder, _ids(client.iter_order_pages(limit=PAGE)))]
    if dataset == "customers":
        return [(LcCustomer, _ids(client.iter_customer_pages(limit=PAGE))),
                (LcCustomerGroup, _ids(client.iter_customer_group_pages()))]
    if dataset == "carriers":
        return [(LcLocation, _ids(client.iter_location_pages(limit=PAGE))),
                (LcShippingMethod, _ids(_method_pages(client)))]
    raise ValueError(f"unknown LC dataset {dataset!r}")


def lc_reconcile_ids(*, client: BigCommerceClient, store_hash: str,
                     dataset: str) -> RunSummary:
    """Delete LC rows of `dataset` whose ids BigCommerce no longer lists.

    Only rows last written before the id walk began are candidates, so a record created (and
    mirrored by a webhook) while the walk was under way is never mistaken for a deleted one.
    """
    tally = Tally(client=client, store_hash=store_hash, dataset=dataset,
                  kind=LcRun.Kind.RECONCILE)
    try:
        present: list[tuple[Any, set[int]]] = _present(client, dataset)
    except BigCommerceError as exc:
        return tally.finish(ok=False, error=f"{type(exc).__name__}: {exc}")
    for model, ids in present:
        missing = ids_missing(model, store_hash=store_hash, present=ids,
                              before=tally.started_at)
        tally.deleted += delete_ids(model, store_hash=store_hash, bc_ids=missing)
    return tally.finish(ok=True)
