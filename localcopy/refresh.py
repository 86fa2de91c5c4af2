"""Webhook refresh: fetch one record as BigCommerce has it now, and mirror that.

Fetching the current state (rather than trusting the webhook's payload) makes duplicate,
late and out-of-order deliveries harmless: each one converges on what BigCommerce says now.
A slower fetch finishing after a faster, newer one is caught by comparing date_modified.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bcsync.client import BigCommerceClient, BigCommerceError, NotFound
from bcsync.client.resources.catalog import DEFAULT_PRODUCT_INCLUDE

from .models import LcBrand, LcCategory, LcCustomer, LcOrder, LcProduct, LcRun
from .parsing import parse_brand, parse_category
from .pulls import write_customers, write_orders, write_products
from .runs import RunSummary, Tally
from .writers import delete_ids, upsert, usable

# resource -> (LC dataset, model)
RESOURCES: dict[str, tuple[str, type]] = {
    "product": ("products", LcProduct),
    "sku": ("products", LcProduct),
    "category": ("categories", LcCategory),
    "brand": ("brands", LcBrand),
    "order": ("orders", LcOrder),
    "customer": ("customers", LcCustomer),
}


def _fetch(client: BigCommerceClient, resource: str, bc_id: int) -> dict[str, Any] | None:
    """The record as BigCommerce has it now; None if it no longer exists."""
    try:
        if resource in ("product", "sku"):
            return client.get_product(bc_id, include=DEFAULT_PRODUCT_INCLUDE)
        if resource == "order":
            return client.get_order(bc_id)
    except NotFound:
        return None
    if resource == "category":
        pages = client.iter_tree_category_pages({"category_id:in": [bc_id]})
    elif resource == "brand":
        pages = client.iter_brand_pages({"id:in": [bc_id]})
    else:
        pages = client.iter_customer_pages(filters={"id:in": [bc_id]})
    for page in pages:
        for item in page.items:
            key = item.get("category_id", item.get("id")) if isinstance(item, dict) else None
            if key == bc_id:
                return item
    return None


def lc_refresh_record(*, client: BigCommerceClient, store_hash: str, resource: str,
                      bc_id: int, deleted: bool = False) -> RunSummary:
    """Mirror one record now; delete its row if BC says 404 or `deleted` is set. Idempotent."""
    if resource not in RESOURCES:
        raise ValueError(f"unknown resource {resource!r}; one of {sorted(RESOURCES)}")
    dataset, model = RESOURCES[resource]
    tally = Tally(client=client, store_hash=store_hash, dataset=dataset,
                  kind=LcRun.Kind.WEBHOOK)
    # BigCommerce never reuses ids, so a "deleted" delivery can't remove a newer record.
    try:
        raw = None if deleted and resource != "sku" else _fetch(client, resource, bc_id)
        _mirror(client, store_hash, resource, model, bc_id, raw, tally)
    except BigCommerceError as exc:
        # The caller (a webhook task) decides on a retry from `ok` and the error.
        return tally.finish(ok=False, error=f"{type(exc).__name__}: {exc}")
    return tally.finish(ok=True)


def _mirror(client: BigCommerceClient, store_hash: str, resource: str, model: type, bc_id: int,
            raw: dict[str, Any] | None, tally: Tally) -> None:
    if raw is None:
        tally.deleted += delete_ids(model, store_hash=store_hash, bc_ids=[bc_id])
        return
    if resource in ("product", "sku"):
        write_products(None, store_hash=store_hash, tally=tally, items=[raw], full=False)
    elif resource == "order":
        write_orders(None, client=client, store_hash=store_hash, tally=tally, items=[raw],
                     full=False)
    elif resource == "customer":
        write_customers(None, store_hash=store_hash, tally=tally, items=[raw], full=False)
    else:
        parse = parse_category if resource == "category" else parse_brand
        upsert(model, store_hash=store_hash, rows=usable([parse(raw)], tally),
               now=timezone.now(), tally=tally, only_changed=True)
