"""Push to BigCommerce against an emulated store of N linked items: the background push pass
(this file's first section) and the bulk upload (second section), figures side by side.

    .venv/bin/python bench/push.py [--items 10000] [--changed 1000]
        [--database-url postgres://postgres@127.0.0.1:5432/bcsync_pushbench]

One emulator seeded with N products (`--seed N`: 3 size variants each, stock tracked by
variant), and a throwaway database (a SQLite file in a temp dir by default; with
--database-url, that database, which must exist and is migrated and emptied). The POS gets
one item per product with its three variants and their stock at one location, linked to the
product and its variants as an upload would leave them (what was pushed = the item as it
is), loaded with bulk_create so no outbox row exists yet. Policies: Prices and QOHs On.

Background pass (goal in brackets), requests counted by the client and by the emulator:
- every item marked, nothing changed                         [0 requests]
- `--changed` items with a new price (an On field)           [ceil(changed / 10) requests]
- stock changed at the store's location for `--changed` items [ceil(changed / 2000) requests]
and the pass's time per item: wall time, and local time (wall minus time waiting on HTTP).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PRODUCTS_PER_PUT = 10
ADJUSTMENTS_PER_REQUEST = 2000


def setup_django(database_url: str | None, workdir: str) -> None:
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["BCSYNC_VAR_DIR"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.settings")
    import logging

    import django

    django.setup()
    logging.getLogger("bcsync.client").setLevel(logging.WARNING)
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    if database_url:
        call_command("flush", interactive=False, verbosity=0)


class TimedSession(requests.Session):
    """A session that adds up the time spent on HTTP (to tell it from the pass's own)."""

    def __init__(self) -> None:
        super().__init__()
        self.http_seconds = 0.0

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        t0 = time.perf_counter()
        try:
            return super().request(*args, **kwargs)
        finally:
            self.http_seconds += time.perf_counter() - t0


def link_catalog(emu: Any, count: int) -> Any:
    """POS items, variants, stock and links mirroring the emulator's products."""
    from decimal import Decimal

    from django.utils import timezone

    from bcsync.client import BigCommerceClient
    from bcsync.connections import connection_upsert
    from bcsync.models import ItemSync, VariantSync
    from bcsync.push.fields import pos_values, variant_values
    from bcsync.push.policies import policies_set
    from catalog.models import Department, Item, Location, StockLevel, Variant, Vendor

    location = Location.objects.create(code="SHOP", name="The shop")
    connection, _ = connection_upsert(store_hash=emu.store_hash, access_token=emu.token,
                                      api_url=emu.base_url)
    connection.pos_location, connection.bc_location_id = location, 1
    connection.save(update_fields=["pos_location", "bc_location_id"])
    policies_set(connection=connection, changes={"prices": "on", "qohs": "on"})
    department = Department.objects.create(name="Bench")
    vendor = Vendor.default()
    with BigCommerceClient(api_url=emu.base_url, store_hash=emu.store_hash,
                           access_token=emu.token) as client:
        products = list(client.iter_products(include=("variants",)))
    assert len(products) == count, len(products)
    items = Item.objects.bulk_create(
        [Item(sku=p["sku"], name=p["name"], price=Decimal(str(p["price"])),
              weight=Decimal(str(p["weight"])), department=department, vendor=vendor)
         for p in products], batch_size=1000)
    variants, levels, sizes = [], [], "SML"
    for item, product in zip(items, products, strict=True):
        for n, online in enumerate(product["variants"]):
            variant = Variant(item=item, sku=f"{item.sku}{sizes[n]}",
                              option_values={"Size": sizes[n]})
            variant.bc_id = online["id"]  # type: ignore[attr-defined]
            variants.append(variant)
    Variant.objects.bulk_create(variants, batch_size=1000)
    for variant in variants:
        levels.append(StockLevel(item_id=variant.item_id, variant=variant, location=location,
                                 on_hand=10))
    StockLevel.objects.bulk_create(levels, batch_size=1000)
    now = timezone.now()
    syncs = ItemSync.objects.bulk_create(
        [ItemSync(connection=connection, item=item, bc_product_id=product["id"],
                  linked_by=ItemSync.LinkedBy.SKU, linked_at=now)
         for item, product in zip(items, products, strict=True)], batch_size=1000)
    sync_of = {s.item_id: s for s in syncs}
    vsyncs = VariantSync.objects.bulk_create(
        [VariantSync(item_sync=sync_of[v.item_id], variant=v,
                     bc_variant_id=v.bc_id)  # type: ignore[attr-defined]
         for v in variants], batch_size=1000)
    # What was pushed: the POS as it is (one upload ago).
    loaded = {i.pk: i for i in Item.objects.prefetch_related("variants", "stock_levels")}
    for sync in syncs:
        sync.pushed = pos_values(loaded[sync.item_id], connection=connection)
    ItemSync.objects.bulk_update(syncs, ["pushed"], batch_size=1000)
    variants_by_pk = {v.pk: v for i in loaded.values() for v in i.variants.all()}
    for vsync in vsyncs:
        variant = variants_by_pk[vsync.variant_id]
        variant.item = loaded[variant.item_id]
        vsync.pushed = variant_values(variant, connection=connection)
    VariantSync.objects.bulk_update(vsyncs, ["pushed"], batch_size=1000)
    return connection


# ---- section 1: the background push pass ---------------------------------------------------


def bench_background(emu: Any, connection: Any, count: int, changed: int) -> list[dict]:
    from django.db.models import F

    from bcsync.client import BigCommerceClient
    from bcsync.models import ItemSync, PushRequest
    from bcsync.push.background import push_pass
    from bcsync.push.outbox import outbox_mark, outbox_mark_store
    from catalog.models import Item, StockLevel

    first = list(Item.objects.order_by("pk").values_list("pk", flat=True)[:changed])
    rows = []

    def measure(what: str, goal: int) -> None:
        session = TimedSession()
        marked = PushRequest.objects.count()
        requests.post(f"{emu.control_url}/stats/reset", json={}, timeout=60).raise_for_status()
        with BigCommerceClient(api_url=emu.base_url, store_hash=emu.store_hash,
                               access_token=emu.token, session=session) as client:
            t0 = time.perf_counter()
            summary = push_pass(connection=connection, force=True, client=client)
            seconds = time.perf_counter() - t0
        stats = requests.get(f"{emu.control_url}/stats", timeout=60).json()
        assert summary.failed == 0, summary.errors[:3]
        assert not PushRequest.objects.exists(), "requests left in the outbox"
        rows.append({"what": what, "marked": marked, "pushed": summary.pushed,
                     "client": summary.requests, "emulator": stats["total"], "goal": goal,
                     "seconds": seconds, "per_item_ms": 1000 * seconds / max(marked, 1),
                     "local_ms": 1000 * (seconds - session.http_seconds) / max(marked, 1)})

    outbox_mark_store(connection_id=connection.pk)
    measure(f"{count} marked, nothing changed", 0)

    Item.objects.filter(pk__in=first).update(price=F("price") + 1)  # a bulk edit ...
    outbox_mark(item_ids=first)  # ... marks what it changed
    measure(f"{changed} prices changed", math.ceil(changed / PRODUCTS_PER_PUT))

    levels = list(StockLevel.objects.filter(item_id__in=first, variant__sku__endswith="M")
                  .values_list("pk", flat=True))
    StockLevel.objects.filter(pk__in=levels).update(on_hand=F("on_hand") + 7)
    outbox_mark(item_ids=first)
    measure(f"stock of {changed} items at one location", math.ceil(
        changed / ADJUSTMENTS_PER_REQUEST))
    assert ItemSync.objects.filter(pushed_at__isnull=False).count() == changed
    return rows


def print_background(rows: list[dict], backend: str) -> None:
    print(f"\nBackground push pass ({backend}):")
    header = (f"{'measurement':<38} {'marked':>7} {'pushed':>7} {'client':>7} {'emulator':>9}"
              f" {'goal':>5} {'pass s':>7} {'ms/item':>8} {'local ms/item':>14}")
    print(header)
    print("-" * len(header))
    for r in rows:
        ok = "" if r["client"] <= r["goal"] and r["emulator"] <= r["goal"] else "  MISSED"
        print(f"{r['what']:<38} {r['marked']:>7} {r['pushed']:>7} {r['client']:>7} "
              f"{r['emulator']:>9} {r['goal']:>5} {r['seconds']:>7.2f} "
              f"{r['per_item_ms']:>8.3f} {r['local_ms']:>14.3f}{ok}")


# ---- section 2: the bulk upload --------------------------------------------------------------
# Owned by the manual upload's work (bcsync/push/upload.py): 1,000 new items uploaded in bulk,
# requests per item (goal well under 3). Added there; the background pass above needs none.


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=1_000)
    parser.add_argument("--database-url", default=None,
                        help="An existing database to use (emptied); default SQLite in a "
                             "temp dir.")
    args = parser.parse_args()

    from bcemulator.process import EmulatorProcess

    with tempfile.TemporaryDirectory() as workdir, \
            EmulatorProcess(seed=args.items, quota=1_000_000) as emu:
        setup_django(args.database_url, workdir)
        from django.db import connection as db

        t0 = time.perf_counter()
        connection = link_catalog(emu, args.items)
        print(f"{args.items} linked items on {db.vendor} in {time.perf_counter() - t0:.1f} s")
        print_background(bench_background(emu, connection, args.items, args.changed),
                         db.vendor)


if __name__ == "__main__":
    main()
