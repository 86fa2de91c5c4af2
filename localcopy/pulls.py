"""Reading each dataset from BigCommerce and writing it page by page.

Every page is written changed-only: rows whose raw JSON is unchanged (same `raw_hash`) are
left alone, so an idle pass writes 0. A Full Reload (`full`) must also find the rows BC no
longer has: products are walked in id order and each page accounts for its id range; the
other datasets mark the rows they read as seen through `synced_at` (a bulk UPDATE for the
unchanged ones). What was not seen is confirmed gone, then deleted, at the end.
Incremental and webhook passes never replace a row with an older copy.
Memory stays bounded by a few pages (one written, one queued, one being fetched) whatever
the catalog size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from bcsync.client import BigCommerceError, NotFound, Page
from bcsync.client.resources.catalog import DEFAULT_PRODUCT_INCLUDE

from .consignments import order_consignments_split
from .models import (
    LcBrand,
    LcCategory,
    LcCustomer,
    LcCustomerGroup,
    LcLocation,
    LcOrder,
    LcOrderLine,
    LcProduct,
    LcRun,
    LcShippingAddress,
    LcShippingMethod,
    LcVariant,
)
from .parsing import (
    Parsed,
    encoded,
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
    ids_between,
    ids_missing,
    ids_not_seen_since,
    prune_children,
    upsert,
    upsert_pks,
    usable,
)

PAGE = 250
Beat = Callable[[], None]
# Ids per `id:in` query when confirming that unseen rows are really gone.
CONFIRM_CHUNK = 100
# A customer's addresses come with it (no extra request): imports make POS addresses of them.
CUSTOMER_INCLUDE = ("addresses",)
# Products per request when their stock is read again after orders (the page limit, so
# each chunk is one request).
STOCK_CHUNK = 250


# -- products ----------------------------------------------------------------------------------


def parsed_pages(pages: Iterable[Page], parse: Callable[[Any], Parsed]
                 ) -> Iterator[tuple[Page, list[Parsed]]]:
    """Each page with its records parsed. Under `prefetched`, the helper thread parses the
    next page while this one is written: parsing is the largest part of our own CPU time
    per page, and it overlaps the database's work (both drivers let go of the GIL while
    the database works)."""
    for page in pages:
        yield page, [parse(item) for item in page.items]


def write_products(p: Pass | None, *, store_hash: str, tally: Tally, items: list[Any],
                   full: bool, beat: Beat | None = None,
                   parsed: list[Parsed] | None = None) -> list[int]:
    """One page of products (with embedded variants) in one transaction.

    `beat` runs last inside that transaction: a pass that lost its claim rolls its page back.
    `parsed`: the items already parsed (by `parsed_pages`, in the prefetching thread).
    """
    rows = usable(parsed if parsed is not None else (parse_product(i) for i in items), tally)
    if p is not None:
        for row in rows:
            p.saw_modified(row.fields.get("date_modified"))
    now = timezone.now()
    with transaction.atomic():
        new: set[int] = set()
        pks = upsert_pks(LcProduct, store_hash=store_hash, rows=rows, now=now, tally=tally,
                         only_changed=True, skip_older=not full, inserted=new)
        _variants(store_hash, tally, rows, pks, now, new=new)
        if beat is not None:
            beat()
    return list(pks)


def _variants(store_hash: str, tally: Tally, rows: list[Parsed], pks: dict[int, int],
              now: datetime, *, new: set[int]) -> None:
    """The variants embedded in the products just written; removed ones are deleted.

    Products that were `new` can have no variant rows yet: theirs are written without
    looking for stored ones, and nothing is pruned under them."""
    if not pks:
        return
    by_id = {row.bc_id: row for row in rows}
    variants: list[Parsed] = []
    extra: dict[int, dict[str, Any]] = {}
    for pid in pks:
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
    fresh = [v for v in variants if v.fields["product_bc_id"] in new]
    known = [v for v in variants if v.fields["product_bc_id"] not in new]
    upsert(LcVariant, store_hash=store_hash, rows=fresh, now=now, tally=None, extra=extra)
    upsert(LcVariant, store_hash=store_hash, rows=known, now=now, tally=None, extra=extra,
           only_changed=True)
    prune_children(LcVariant, parent_field="product_id",
                   parent_pks=[pk for pid, pk in pks.items() if pid not in new],
                   keep=(v.bc_id for v in known if v.bc_id is not None))


def pull_products(p: Pass, *, full: bool, since: datetime | None) -> None:
    """Products changed since `since`, or (full) all of them, in id order: each page then
    accounts for the ids between it and the previous page, so the LC rows there that the
    page lacks are known unseen without marking every row that was seen (which cost an
    UPDATE of every product on each Full Reload)."""
    filters: dict[str, Any] = {"date_modified:min": since} if since is not None else {}
    if full:
        filters = {"sort": "id", "direction": "asc"}
    pages = p.client.iter_product_pages(include=DEFAULT_PRODUCT_INCLUDE, filters=filters or None,
                                        limit=PAGE)
    unseen: list[int] = []
    after = 0
    for page, parsed in prefetched(parsed_pages(pages, parse_product), idle=p.alive):
        write_products(p, store_hash=p.store_hash, tally=p.tally, items=page.items, full=full,
                       beat=p.beat_for(page), parsed=parsed)
        if full:
            ids = {r.bc_id for r in parsed if r.bc_id is not None}
            upto = max(ids, default=after)
            unseen += ids_between(LcProduct, store_hash=p.store_hash, after=after, upto=upto,
                                  present=ids)
            after = max(after, upto)
        p.report()
    if full:
        unseen += ids_between(LcProduct, store_hash=p.store_hash, after=after, upto=None,
                              present=set())
        # Offset paging can skip a product when another is deleted mid-walk (and a product
        # a webhook wrote meanwhile is in no page): ask for the unseen ones by id before
        # believing they are gone.
        found: set[int] = set()
        for chunk in _chunks(sorted(set(unseen)), CONFIRM_CHUNK):
            for page in p.client.iter_product_pages(
                include=DEFAULT_PRODUCT_INCLUDE, filters={"id:in": chunk}, limit=PAGE
            ):
                found.update(write_products_seen(p, items=page.items))
        gone = sorted(set(unseen) - found)
        p.tally.deleted += delete_ids(LcProduct, store_hash=p.store_hash, bc_ids=gone)


def write_products_seen(p: Pass, *, items: list[Any]) -> set[int]:
    """Write products found by id after the walk missed them; their ids."""
    rows = [parse_product(i) for i in items]
    write_products(p, store_hash=p.store_hash, tally=p.tally, items=items, full=True,
                   parsed=rows)
    return {r.bc_id for r in rows if r.bc_id is not None}


# -- customers (+ groups) ------------------------------------------------------------------------


def write_customers(p: Pass | None, *, store_hash: str, tally: Tally, items: list[Any],
                    full: bool, beat: Beat | None = None) -> list[int]:
    rows = usable((parse_customer(i) for i in items), tally)
    if p is not None:
        for row in rows:
            p.saw_modified(row.fields.get("date_modified"))
    with transaction.atomic():
        written = upsert(LcCustomer, store_hash=store_hash, rows=rows, now=timezone.now(),
                         tally=tally, only_changed=True, skip_older=not full, mark_seen=full)
        if beat is not None:
            beat()
    return written


def pull_customers(p: Pass, *, full: bool, since: datetime | None) -> None:
    filters = {"date_modified:min": since} if since is not None else None
    pages = p.client.iter_customer_pages(filters=filters, include=CUSTOMER_INCLUDE, limit=PAGE)
    for page in prefetched(pages, idle=p.alive):
        write_customers(p, store_hash=p.store_hash, tally=p.tally, items=page.items, full=full,
                        beat=p.beat_for(page))
        p.report()
    if full:
        unseen = ids_not_seen_since(LcCustomer, store_hash=p.store_hash, since=p.started_at)
        for chunk in _chunks(unseen, CONFIRM_CHUNK):
            for page in p.client.iter_customer_pages(filters={"id:in": chunk},
                                                     include=CUSTOMER_INCLUDE, limit=PAGE):
                write_customers(p, store_hash=p.store_hash, tally=p.tally, items=page.items,
                                full=True)
        _sweep(p, LcCustomer)
    # Groups have no date filter; a store has a handful, so read them all and write changes.
    _pull_list(p, LcCustomerGroup, p.client.iter_customer_group_pages(), parse_customer_group,
               full=full)


# -- orders ----------------------------------------------------------------------------------


def write_orders(p: Pass | None, *, client: Any, store_hash: str, tally: Tally,
                 items: list[Any], full: bool, beat: Beat | None = None,
                 stock_moved: set[int] | None = None) -> list[int]:
    """One page of orders; lines and shipping addresses written only for new or changed ones.

    They come with each order when it was asked with its consignments (see
    `localcopy.consignments`); for an order that came without them they are fetched, one
    request each.

    `stock_moved` collects the products on the orders written: on their new lines and on
    the lines they had in the LC before (an edit that drops a line returns its stock)."""
    parsed: list[Parsed] = []
    embedded: dict[int, tuple[list[Any], list[Any]]] = {}
    for item in items:
        bare, came_with = order_consignments_split(item)
        row = parse_order(bare)
        parsed.append(row)
        if came_with is not None and row.bc_id is not None:
            embedded[row.bc_id] = came_with
    rows = usable(parsed, tally)
    if p is not None:
        for row in rows:
            p.saw_modified(row.fields.get("date_modified"))
    known = dict(LcOrder.objects.filter(store_hash=store_hash, bc_id__in=[r.bc_id for r in rows])
                 .values_list("bc_id", "raw_hash"))
    details: dict[int, tuple[list[Parsed], list[Parsed]]] = {}
    gone: set[int] = set()
    for row in rows:
        assert row.bc_id is not None
        if known.get(row.bc_id) == encoded(row)[1]:
            continue
        if row.bc_id in embedded:
            raw_lines, raw_addresses = embedded[row.bc_id]
            details[row.bc_id] = ([parse_order_line(x) for x in raw_lines],
                                  [parse_shipping_address(x) for x in raw_addresses])
            continue
        # Two requests for this order: the pass shows it is alive through the client's
        # keepalive.
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
        written = upsert_pks(LcOrder, store_hash=store_hash, rows=rows, now=now, tally=tally,
                             only_changed=True, skip_older=not full, mark_seen=full)
        pks = {bc_id: pk for bc_id, pk in written.items() if bc_id in details}
        fetched = list(pks)
        if stock_moved is not None and pks:
            stock_moved.update(
                pid for pid in LcOrderLine.objects.filter(order_id__in=pks.values())
                .values_list("product_bc_id", flat=True) if pid is not None)
            stock_moved.update(line.fields["product_bc_id"] for bc_id in fetched
                               for line in details[bc_id][0]
                               if line.fields.get("product_bc_id") is not None)
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
            upsert(model, store_hash=store_hash, rows=children, now=now, tally=None, extra=extra,
                   only_changed=True)
            prune_children(model, parent_field="order_id", parent_pks=pks.values(),
                           keep=(c.bc_id for c in children if c.bc_id is not None))
        if beat is not None:
            beat()
    return list(written)


def pull_orders(p: Pass, *, full: bool, since: datetime | None) -> None:
    filters: dict[str, Any] = {"sort": "id:asc"}
    if since is not None:
        filters["min_date_modified"] = since
    stock_moved: set[int] = set()
    # Each order comes with its lines and shipping addresses: one request per page.
    for page in p.client.iter_order_pages(filters=filters, limit=PAGE, consignments=True):
        write_orders(p, client=p.client, store_hash=p.store_hash, tally=p.tally,
                     items=page.items, full=full, beat=p.beat_for(page),
                     stock_moved=None if full else stock_moved)
        p.report()
    if full:
        # V2 has no id:in to double-check with; an order skipped by a shifting page comes
        # back with the next incremental pass only if it changes, or with the next reload.
        _sweep(p, LcOrder)
    else:
        refresh_stock(p, product_ids=stock_moved)


def refresh_stock(p: Pass, *, product_ids: Iterable[int]) -> None:
    """Read again the LC's products among `product_ids` (with their variants) and write
    what changed: their stock, moved by orders.

    Stock that an order takes changes no product's date_modified, so neither the products'
    incremental pass nor the reconcile sees it. One request per STOCK_CHUNK products
    (`id:in`, one page each); the records come whole, as a reload reads them, so the raw
    JSON and its digest stay what a reload would store (the inventory API would give only
    the levels, per location, to be patched into them). Products not in the LC are left to
    the products' own passes. Counted as an incremental run of products.
    """
    known = sorted(LcProduct.objects.filter(store_hash=p.store_hash,
                                            bc_id__in=sorted(set(product_ids)))
                   .values_list("bc_id", flat=True))
    if not known:
        return
    tally = Tally(client=p.client, store_hash=p.store_hash, dataset="products",
                  kind=LcRun.Kind.INCREMENTAL)
    try:
        for chunk in _chunks(known, STOCK_CHUNK):
            for page in p.client.iter_product_pages(
                include=DEFAULT_PRODUCT_INCLUDE, filters={"id:in": chunk}, limit=STOCK_CHUNK
            ):
                write_products(None, store_hash=p.store_hash, tally=tally, items=page.items,
                               full=False)
            p.alive()
    except BigCommerceError as exc:
        tally.finish(ok=False, error=f"{type(exc).__name__}: {exc}")
        raise
    tally.finish(ok=True)


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
