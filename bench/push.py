"""Push benchmarks against the emulator.

    .venv/bin/python bench/push.py [--upload 1000] [--latency-ms 0]

Bulk upload (manual upload, `bcsync.push.upload.items_upload`) of N new POS items, half of
them with two variants, into an empty emulated store: requests per item (goal: well under
the 3+ that one-request-per-record peers spend: a create is one POST per product, stock goes
in one absolute adjustment per 2,000 items, variant ids of created products in one read per
50 products), local time per item, and the same items uploaded again with nothing changed
(goal: 0 requests), and again with every price changed (goal: ceil(N / 10) product
updates, the batch limit; variants inherit the price, so no variant write).

Runs in this process on a throwaway SQLite database in a temp dir; nothing touches the
project's database.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(db_path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["DEBUG"] = "false"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", "k9nW3hKzvO9oYcS1b0s6mE2XoQF2Jq3lWQh9nq1O2y4=")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.settings")
    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upload", type=int, default=1000, help="new items to upload")
    parser.add_argument("--latency-ms", type=int, default=0,
                        help="delay added to every emulator response")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(str(Path(tmp) / "bench.sqlite3"))
        bench_upload(args.upload, args.latency_ms)


if __name__ == "__main__":
    main()
