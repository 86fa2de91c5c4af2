"""Push to BigCommerce against the emulator: the background push pass and the bulk upload,
each in a child process of its own with a throwaway database, figures side by side.

    .venv/bin/python bench/push.py [--only background,upload] [--items 10000]
        [--changed 1000] [--upload 1000] [--latency-ms 0]
        [--database-url postgres://postgres@127.0.0.1:5432/bcsync_pushbench]

## 1. The background push pass

One emulator seeded with `--items` products (`--seed N`: 3 size variants each, stock tracked
by variant), and a throwaway database (a SQLite file in a temp dir by default; with
--database-url, that database, which must exist and is migrated and emptied). The POS gets
one item per product with its three variants and their stock at one location, linked to the
product and its variants as an upload would leave them (what was pushed = the item as it
is), loaded with bulk_create so no outbox row exists yet. Policies: Prices and QOHs On.
Requests counted by the client and by the emulator (goal in brackets):
- every item marked, nothing changed                         [0 requests]
- `--changed` items with a new price (an On field)           [ceil(changed / 10) requests]
- stock changed at the store's location for `--changed` items [ceil(changed / 2000) requests]
and the pass's time per item: wall time, and local time (wall minus time waiting on HTTP).

## 2. The bulk upload

Bulk upload (manual upload, `bcsync.push.upload.items_upload`) of `--upload` new POS items,
half of them with two variants, into an empty emulated store: requests per item (goal: well
under the 3+ that one-request-per-record peers spend: a create is one POST per product, stock
goes in one absolute adjustment per 2,000 items, variant ids of created products in one read
per 50 products), local time per item, and the same items uploaded again with nothing changed
(goal: 0 requests), and again with every price changed (goal: ceil(N / 10) product updates,
the batch limit; variants inherit the price, so no variant write). SQLite in a temp dir;
`--latency-ms` adds a delay to every response.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
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
    os.environ["DEBUG"] = "false"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", "k9nW3hKzvO9oYcS1b0s6mE2XoQF2Jq3lWQh9nq1O2y4=")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.settings")
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

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        t0 = time.perf_counter()
        try:
            return super().request(*args, **kwargs)
        finally:
            self.http_seconds += time.perf_counter() - t0


def link_catalog(emu: Any, count: int) -> Any:
    """POS items, variants, stock and links mirroring the emulator's products."""
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


# ---- section 2: the bulk upload ----------------------------------------------------------


def make_items(count: int) -> list[int]:
    from catalog.models import Department, Item, Location, StockLevel, Variant, Vendor

    department = Department.objects.create(name="Bench")
    vendor = Vendor.default()
    location = Location.objects.create(code="BENCH", name="Bench shop")
    items = Item.objects.bulk_create(
        Item(sku=f"UP{i:06d}", name=f"Upload bench item {i:06d}", price=Decimal("9.99") + i % 50,
             weight=Decimal("0.5"), department=department, vendor=vendor) for i in range(count))
    variants = Variant.objects.bulk_create(
        Variant(item=item, sku=f"{item.sku}{size}", option_values={"Size": size})
        for item in items[::2] for size in ("S", "L"))
    StockLevel.objects.bulk_create(
        [StockLevel(item=item, location=location, on_hand=5) for item in items[1::2]]
        + [StockLevel(item=v.item, variant=v, location=location, on_hand=3) for v in variants])
    return [item.pk for item in items]


def bench_upload(count: int, latency_ms: int) -> None:
    from django.db.models import F

    from bcemulator.process import EmulatorProcess
    from bcsync.connections import connection_upsert
    from bcsync.push.upload import items_upload
    from catalog.models import Item, Location

    ids = make_items(count)
    with EmulatorProcess(seed=0) as emu:
        if latency_ms:
            emu.faults(slow_ms=latency_ms)
        connection, _ = connection_upsert(store_hash=emu.store_hash, access_token=emu.token,
                                          api_url=emu.base_url, description="Bench")
        connection.pos_location = Location.objects.get(code="BENCH")
        connection.save()
        items = Item.objects.filter(pk__in=ids)
        emu.reset_stats()
        t0 = time.perf_counter()
        first = items_upload(items=items, connection=connection)
        elapsed = time.perf_counter() - t0
        served = emu.stats()["total"]
        t1 = time.perf_counter()
        again = items_upload(items=items, connection=connection)
        elapsed_again = time.perf_counter() - t1
        Item.objects.filter(pk__in=ids).update(price=F("price") + 1)
        t2 = time.perf_counter()
        priced = items_upload(items=items, connection=connection)
        elapsed_priced = time.perf_counter() - t2
    with_variants = len(ids[::2])
    print(f"bulk upload of {count:,} new items ({with_variants:,} with 2 variants), "
          f"latency {latency_ms} ms")
    print(f"  {'':<34}{'requests':>10}{'per item':>10}{'goal':>12}{'s total':>10}"
          f"{'ms/item':>10}")
    print(f"  {'first upload (creates)':<34}{first.requests:>10,}"
          f"{first.requests / count:>10.3f}{'well < 3':>12}{elapsed:>10.1f}"
          f"{1000 * elapsed / count:>10.1f}")
    print(f"  {'again, nothing changed':<34}{again.requests:>10,}"
          f"{again.requests / count:>10.3f}{'0':>12}{elapsed_again:>10.1f}"
          f"{1000 * elapsed_again / count:>10.1f}")
    print(f"  {'again, every price changed':<34}{priced.requests:>10,}"
          f"{priced.requests / count:>10.3f}{math.ceil(count / 10):>12}{elapsed_priced:>10.1f}"
          f"{1000 * elapsed_priced / count:>10.1f}")
    print(f"  emulator served {served:,} requests for the first upload; "
          f"{first.failed} errors; outcomes {dict(first.counts)}; again {dict(again.counts)}")


# ---- the two sections, each in a child process ----------------------------------------------


def run_section(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        if args.section == "upload":
            setup_django(None, workdir)
            logging.disable(logging.WARNING)
            bench_upload(args.upload, args.latency_ms)
            return
        from bcemulator.process import EmulatorProcess

        with EmulatorProcess(seed=args.items, quota=1_000_000) as emu:
            setup_django(args.database_url, workdir)
            from django.db import connection as db

            t0 = time.perf_counter()
            connection = link_catalog(emu, args.items)
            print(f"{args.items} linked items on {db.vendor} in "
                  f"{time.perf_counter() - t0:.1f} s")
            print_background(bench_background(emu, connection, args.items, args.changed),
                             db.vendor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="background,upload",
                        help="Sections to run, comma-separated: background, upload.")
    parser.add_argument("--items", type=int, default=10_000,
                        help="background: linked items")
    parser.add_argument("--changed", type=int, default=1_000,
                        help="background: items changed")
    parser.add_argument("--database-url", default=None,
                        help="background: an existing database to use (emptied); default "
                             "SQLite in a temp dir.")
    parser.add_argument("--upload", type=int, default=1000, help="upload: new items")
    parser.add_argument("--latency-ms", type=int, default=0,
                        help="upload: delay added to every emulator response")
    parser.add_argument("--section", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()
    if args.section:
        run_section(args)
        return
    for section in args.only.split(","):
        subprocess.run([sys.executable, __file__, *sys.argv[1:], "--section", section],
                       check=True)


if __name__ == "__main__":
    main()
