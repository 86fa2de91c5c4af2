"""Webhook refresh: fetch one record as BigCommerce has it now, and mirror that.

Fetching the current state (rather than trusting the webhook's payload) makes duplicate,
late and out-of-order deliveries harmless: each one converges on what BigCommerce says now.
A slower fetch finishing after a faster, newer one is caught by comparing date_modified.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from bcsync.client import BigCommerceClient, BigCommerceError, NotFound
from bcsync.client.resources.catalog import DEFAULT_PRODUCT_INCLUDE

from .claims import rows_moved
from .datasets import resource_spec
from .models import LcRun
from .parsing import parse_brand, parse_category
from .pulls import CUSTOMER_INCLUDE, write_customers, write_orders, write_products
from .runs import RunSummary, Tally
from .writers import delete_ids, upsert, usable


def _fetch(client: BigCommerceClient, resource: str, bc_id: int) -> dict[str, Any] | None:
    """The record as BigCommerce has it now; None if it no longer exists."""
    try:
        if resource in ("product", "sku"):
            return client.get_product(bc_id, include=DEFAULT_PRODUCT_INCLUDE)
        if resource == "order":
            return client.get_order(bc_id, consignments=True)  # lines and addresses too
    except NotFound:
        return None
    if resource == "category":
        pages = client.iter_tree_category_pages({"category_id:in": [bc_id]})
    elif resource == "brand":
        pages = client.iter_brand_pages({"id:in": [bc_id]})
    else:
        pages = client.iter_customer_pages(filters={"id:in": [bc_id]},
                                           include=CUSTOMER_INCLUDE)
    for page in pages:
        for item in page.items:
            key = item.get("category_id", item.get("id")) if isinstance(item, dict) else None
            if key == bc_id:
                return item
    return None


def lc_refresh_record(*, client: BigCommerceClient, store_hash: str, resource: str,
                      bc_id: int, deleted: bool = False) -> RunSummary:
    """Mirror one record now; delete its row if BC says 404 or `deleted` is set. Idempotent.
    The dataset's row count moves in the same transaction as the record."""
    spec = resource_spec(resource)
    tally = Tally(client=client, store_hash=store_hash, dataset=spec.name,
                  kind=LcRun.Kind.WEBHOOK)

    def counted() -> None:
        rows_moved(store_hash=store_hash, dataset=spec.name, by=tally.inserted - tally.deleted)

    # BigCommerce never reuses ids, so a "deleted" delivery can't remove a newer record.
    try:
        raw = None if deleted and resource != "sku" else _fetch(client, resource, bc_id)
        _mirror(client, store_hash, resource, spec.models[0], bc_id, raw, tally, counted)
    except BigCommerceError as exc:
        # The caller (a webhook task) decides on a retry from `transient`.
        return tally.finish(ok=False, error=f"{type(exc).__name__}: {exc}",
                            transient=exc.transient)
    return tally.finish(ok=True)


def _mirror(client: BigCommerceClient, store_hash: str, resource: str, model: type, bc_id: int,
            raw: dict[str, Any] | None, tally: Tally, counted: Callable[[], None]) -> None:
    """Write (or delete) the record; `counted` runs last inside the write's transaction."""
    if raw is None:
        with transaction.atomic():
            tally.deleted += delete_ids(model, store_hash=store_hash, bc_ids=[bc_id])
            counted()
        return
    if resource in ("product", "sku"):
        write_products(None, store_hash=store_hash, tally=tally, items=[raw], full=False,
                       beat=counted)
    elif resource == "order":
        write_orders(None, client=client, store_hash=store_hash, tally=tally, items=[raw],
                     full=False, beat=counted)
    elif resource == "customer":
        write_customers(None, store_hash=store_hash, tally=tally, items=[raw], full=False,
                        beat=counted)
    else:
        parse = parse_category if resource == "category" else parse_brand
        with transaction.atomic():
            upsert(model, store_hash=store_hash, rows=usable([parse(raw)], tally),
                   now=timezone.now(), tally=tally, only_changed=True)
            counted()
