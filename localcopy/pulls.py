"""Reading each dataset from BigCommerce and writing it page by page.

Two ways to write a page: `full` (a Full Reload: every row written, which marks it as seen
through `synced_at`; rows not seen are swept at the end) and changed-only (incremental and
webhook passes: rows whose raw JSON is unchanged are left alone, so an idle pass writes 0).
Memory stays bounded by a few pages (one written, one queued, one being fetched) whatever
the catalog size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from bcsync.client import NotFound, Page
from bcsync.client.resources.catalog import DEFAULT_PRODUCT_INCLUDE

from .models import (
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
from .parsing import (
    Parsed,
    parse_brand,
    parse_category,
    parse_customer,
    parse_customer_group,
    parse_location,
    parse_order,
    parse_order_line,
    parse_product,
    parse_shipping_address,
    parse_shipping_method,
    parse_variant,
    product_variants,
)
from .passes import Pass
from .prefetch import prefetched
from .runs import Tally
from .writers import (
    delete_ids,
    ids_missing,
    ids_not_seen_since,
    pks_of,
    prune_children,
    upsert,
    usable,
)

PAGE = 250
Beat = Callable[[], None]
# Ids per `id:in` query when confirming that unseen rows are really gone.
CONFIRM_CHUNK = 100


# -- products ----------------------------------------------------------------------------------


def write_products(p: Pass | None, *, store_hash: str, tally: Tally, items: list[Any],
                   full: bool, beat: Beat | None = None) -> list[int]:
    """One page of products (with embedded variants) in one transaction.

    `beat` runs last inside that transaction: a pass that lost its claim rolls its page back.
    """
    rows = usable((parse_product(i) for i in items), tally)
    if p is not None:
        for row in rows:
            p.saw_modified(row.fields.get("date_modified"))
    now = timezone.now()
    with transaction.atomic():
        written = upsert(LcProduct, store_hash=store_hash, rows=rows, now=now, tally=tally,
                         only_changed=not full, skip_older=not full)
        _variants(store_hash, tally, rows, written, now)
        if beat is not None:
            beat()
    return written


def _variants(store_hash: str, tally: Tally, rows: list[Parsed], written: list[int],
              now: datetime) -> None:
    """The variants embedded in the products just written; removed ones are deleted."""
    if written:
        pks = pks_of(LcProduct, store_hash=store_hash, bc_ids=written)
    else:
        return
    by_id = {row.bc_id: row for row in rows}
    variants: list[Parsed] = []
    extra: dict[int, dict[str, Any]] = {}
    for pid in written:
        embedded, problem = product_variants(by_id[pid].raw)
        if problem:
            tally.problem(pid, problem)
        for raw in embedded:
            variant = parse_variant(raw, product_bc_id=pid, clean=False)
            if variant.problems:
                tally.problem(pid, f"variant {variant.bc_id}: " + "; ".join(variant.problems))
                variant.problems = []
            if variant.bc_id is not None:
                variants.append(variant)
                extra[variant.bc_id] = {"product_id": pks[pid]}
    variants = usable(variants, None)
    upsert(LcVariant, store_hash=store_hash, rows=variants, now=now, tally=None, extra=extra)
    prune_children(LcVariant, parent_field="product_id", parent_pks=pks.values(),
                   keep=(v.bc_id for v in variants if v.bc_id is not None))


def pull_products(p: Pass, *, full: bool, since: datetime | None) -> None:
    filters = {"date_modified:min": since} if since is not None else None
    pages = p.client.iter_product_pages(include=DEFAULT_PRODUCT_INCLUDE, filters=filters,
                                        limit=PAGE)
    for page in prefetched(pages, idle=p.alive):
        write_products(p, store_hash=p.store_hash, tally=p.tally, items=page.items, full=full,
                       beat=p.beat_for(page))
        p.report()
    if full:
        unseen = ids_not_seen_since(LcProduct, store_hash=p.store_hash, since=p.started_at)
        # Offset paging can skip a product when another is deleted mid-walk; ask for the
        # unseen ones by id before believing they are gone.
        for chunk in _chunks(unseen, CONFIRM_CHUNK):
            for page in p.client.iter_product_pages(
                include=DEFAULT_PRODUCT_INCLUDE, filters={"id:in": chunk}, limit=PAGE
            ):
                write_products(p, store_hash=p.store_hash, tally=p.tally, items=page.items,
                               full=True)
        _sweep(p, LcProduct)


# -- customers (+ groups) ------------------------------------------------------------------------


def write_customers(p: Pass | None, *, store_hash: str, tally: Tally, items: list[Any],
                    full: bool, beat: Beat | None = None) -> list[int]:
    rows = usable((parse_customer(i) for i in items), tally)
    if p is not None:
        for row in rows:
            p.saw_modified(row.fields.get("date_modified"))
    with transaction.atomic():
        written = upsert(LcCustomer, store_hash=store_hash, rows=rows, now=timezone.now(),
                         tally=tally, only_changed=not full, skip_older=not full)
        if beat is not None:
            beat()
    return written


def pull_customers(p: Pass, *, full: bool, since: datetime | None) -> None:
    filters = {"date_modified:min": since} if since is not None else None
    for page in prefetched(p.client.iter_customer_pages(filters=filters, limit=PAGE),
                           idle=p.alive):
        write_customers(p, store_hash=p.store_hash, tally=p.tally, items=page.items, full=full,
                        beat=p.beat_for(page))
        p.report()
    if full:
        unseen = ids_not_seen_since(LcCustomer, store_hash=p.store_hash, since=p.started_at)
        for chunk in _chunks(unseen, CONFIRM_CHUNK):
            for page in p.client.iter_customer_pages(filters={"id:in": chunk}, limit=PAGE):
                write_customers(p, store_hash=p.store_hash, tally=p.tally, items=page.items,
                                full=True)
        _sweep(p, LcCustomer)
    # Groups have no date filter; a store has a handful, so read them all and write changes.
    _pull_list(p, LcCustomerGroup, p.client.iter_customer_group_pages(), parse_customer_group,
               full=full)


# -- orders ----------------------------------------------------------------------------------


def write_orders(p: Pass | None, *, client: Any, store_hash: str, tally: Tally,
                 items: list[Any], full: bool, beat: Beat | None = None) -> list[int]:
    """One page of orders; lines and shipping addresses fetched only for new or changed ones
    (one request each per order: the V2 API has no way to list them in bulk)."""
    rows = usable((parse_order(i) for i in items), tally)
    if p is not None:
        for row in rows:
            p.saw_modified(row.fields.get("date_modified"))
    known = dict(LcOrder.objects.filter(store_hash=store_hash, bc_id__in=[r.bc_id for r in rows])
                 .values_list("bc_id", "raw"))
    details: dict[int, tuple[list[Parsed], list[Parsed]]] = {}
    gone: set[int] = set()
    # Two requests per order: the pass shows it is alive through the client's keepalive.
    for row in rows:
        assert row.bc_id is not None
        if known.get(row.bc_id) == row.raw:
            continue
        try:
            lines = [parse_order_line(x) for x in client.iter_order_products(row.bc_id)]
            addresses = [parse_shipping_address(x)
                         for x in client.list_order_shipping_addresses(row.bc_id)]
        except NotFound:
            gone.add(row.bc_id)  # deleted between the list and now: the sweep will remove it
            continue
        details[row.bc_id] = (lines, addresses)
    rows = [r for r in rows if r.bc_id not in gone]
    now = timezone.now()
    with transaction.atomic():
        written = upsert(LcOrder, store_hash=store_hash, rows=rows, now=now, tally=tally,
                         only_changed=not full, skip_older=not full)
        fetched = [bc_id for bc_id in written if bc_id in details]
        pks = pks_of(LcOrder, store_hash=store_hash, bc_ids=fetched)
        for model, index in ((LcOrderLine, 0), (LcShippingAddress, 1)):
            children: list[Parsed] = []
            extra: dict[int, dict[str, Any]] = {}
            for bc_id in fetched:
                for child in details[bc_id][index]:
                    if child.problems:
                        tally.problem(bc_id, f"{model._meta.verbose_name} {child.bc_id}: "
                                      + "; ".join(child.problems))
                        child.problems = []
                    if child.bc_id is not None:
                        children.append(child)
                        extra[child.bc_id] = {"order_id": pks[bc_id]}
            children = usable(children, None)
            upsert(model, store_hash=store_hash, rows=children, now=now, tally=None, extra=extra)
            prune_children(model, parent_field="order_id", parent_pks=pks.values(),
                           keep=(c.bc_id for c in children if c.bc_id is not None))
        if beat is not None:
            beat()
    return written


def pull_orders(p: Pass, *, full: bool, since: datetime | None) -> None:
    filters: dict[str, Any] = {"sort": "id:asc"}
    if since is not None:
        filters["min_date_modified"] = since
    for page in p.client.iter_order_pages(filters=filters, limit=PAGE):
        write_orders(p, client=p.client, store_hash=p.store_hash, tally=p.tally,
                     items=page.items, full=full, beat=p.beat_for(page))
        p.report()
    if full:
        # V2 has no id:in to double-check with; an order skipped by a shifting page comes
        # back with the next incremental pass only if it changes, or with the next reload.
        _sweep(p, LcOrder)


# -- lists without a date filter ------------------------------------------------------------------


def _pull_list(p: Pass, model: type, pages: Iterable[Page], parse: Any, *, full: bool) -> None:
    """A small list read whole every time: write changes, delete what is no longer listed."""
    seen: set[int] = set()
    for page in pages:
        rows = usable((parse(i) for i in page.items), p.tally)
        seen.update(r.bc_id for r in rows if r.bc_id is not None)
        with transaction.atomic():
            upsert(model, store_hash=p.store_hash, rows=rows, now=timezone.now(), tally=p.tally,
                   only_changed=True)
            p.beat_for(page)()
        p.report()
    missing = ids_missing(model, store_hash=p.store_hash, present=seen, before=p.started_at)
    p.tally.deleted += delete_ids(model, store_hash=p.store_hash, bc_ids=missing)


def pull_categories(p: Pass, *, full: bool, since: datetime | None) -> None:
    _pull_list(p, LcCategory, p.client.iter_tree_category_pages(limit=PAGE), parse_category,
               full=full)


def pull_brands(p: Pass, *, full: bool, since: datetime | None) -> None:
    _pull_list(p, LcBrand, p.client.iter_brand_pages(limit=PAGE), parse_brand, full=full)


def _shipping_method_pages(p: Pass) -> Iterator[Page]:
    """Every zone's methods as pages of {method, zone} (one request per zone)."""
    for zone in p.client.iter_shipping_zones():
        zone_id = zone.get("id") if isinstance(zone, dict) else None
        if not isinstance(zone_id, int) or isinstance(zone_id, bool):
            p.tally.problem(zone_id, f"shipping zone without a usable id: {str(zone)[:80]}")
            continue
        methods = p.client.list_shipping_methods(zone_id)
        yield Page(items=[{"method": m, "zone": zone} for m in methods])


def pull_carriers(p: Pass, *, full: bool, since: datetime | None) -> None:
    _pull_list(p, LcLocation, p.client.iter_location_pages(limit=PAGE), parse_location,
               full=full)
    _pull_list(p, LcShippingMethod, _shipping_method_pages(p),
               lambda pair: parse_shipping_method(pair["method"], zone=pair["zone"]), full=full)


# -- helpers ------------------------------------------------------------------------------


def _sweep(p: Pass, model: type) -> None:
    """Delete what this Full Reload did not see (rows last written before it started)."""
    unseen = ids_not_seen_since(model, store_hash=p.store_hash, since=p.started_at)
    p.tally.deleted += delete_ids(model, store_hash=p.store_hash, bc_ids=unseen)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
