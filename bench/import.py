"""Product import benchmark against the emulator.

    .venv/bin/python bench/import.py [--products 10000] [--database sqlite|postgres://…]

The emulator is seeded with N products (each with Size S/M/L variants tracked by variant)
and the LC filled by a Full Reload (untimed). Then, timed:
- a bare bulk insert of the same items (Item + Variant `bulk_create` straight from the LC
  rows, nothing checked, nothing linked), removed again afterwards;
- `products_import` of every not-linked product (SKU rules, departments, brands, variants,
  ItemSync + VariantSync, history), with the requests the emulator served meanwhile.
Prints items/s, the ratio import / bare insert (goal ≤ 3) and requests (goal 0).

Runs in this process on a throwaway SQLite database in a temp dir (or a PostgreSQL database
it creates and drops); nothing touches the project's database.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
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


def bare_insert(store_hash: str) -> float:
    """Item + Variant rows of every LC product, in bulk: the floor an import is held to."""
    from django.db import transaction

    from catalog.models import Department, Item, Variant, Vendor
    from localcopy.models import LcProduct

    t0 = time.perf_counter()
    with transaction.atomic():
        dept, _ = Department.objects.get_or_create(name="Bare")
        vendor = Vendor.default()
        rows = list(LcProduct.objects.filter(store_hash=store_hash).prefetch_related("variants"))
        items = Item.objects.bulk_create(
            Item(sku=f"B{p.bc_id}", product_number=p.sku, name=p.name,
                 description=p.raw.get("description") or "", price=p.price or 0,
                 cost_price=p.cost_price or 0, weight=Decimal(str(p.raw.get("weight") or 0)),
                 department=dept, vendor=vendor) for p in rows)
        Variant.objects.bulk_create(
            Variant(item=item, sku=f"B{v.bc_id}V", option_values={"Size": v.option_label})
            for item, p in zip(items, rows, strict=True) for v in p.variants.all())
    elapsed = time.perf_counter() - t0
    Item.objects.filter(sku__startswith="B").delete()
    return elapsed


def bench(count: int) -> None:
    from bcemulator.process import EmulatorProcess
    from bcsync.client import BigCommerceClient, LocalBudget
    from bcsync.connections import connection_upsert
    from bcsync.imports.products import products_import, unlinked_product_ids
    from catalog.models import Location
    from localcopy.services import lc_reload

    with EmulatorProcess(seed=count) as emu:
        connection, _ = connection_upsert(store_hash=emu.store_hash, access_token=emu.token,
                                          api_url=emu.base_url, description="Bench")
        connection.pos_location = Location.objects.create(code="BENCH", name="Bench shop")
        connection.save()
        t0 = time.perf_counter()
        with BigCommerceClient(api_url=emu.base_url, store_hash=emu.store_hash,
                               access_token=emu.token, budget=LocalBudget()) as client:
            for dataset in ("brands", "categories", "products"):
                summary = lc_reload(client=client, store_hash=emu.store_hash, dataset=dataset)
                assert summary.ok, summary.line()
        print(f"  LC filled by a Full Reload in {time.perf_counter() - t0:.1f} s (untimed)")
        bare = bare_insert(emu.store_hash)
        ids = unlinked_product_ids(connection=connection)
        emu.reset_stats()
        t0 = time.perf_counter()
        report = products_import(connection=connection, bc_product_ids=ids)
        elapsed = time.perf_counter() - t0
        requests = emu.stats()["total"]
    n = len(ids)
    print(f"  {report.line()}")
    print(f"  {'':28} {'seconds':>8} {'items/s':>9}")
    print(f"  {'bare bulk insert':28} {bare:8.2f} {n / bare:9.0f}")
    print(f"  {'products_import':28} {elapsed:8.2f} {n / elapsed:9.0f}")
    print(f"  ratio import / bare insert: {elapsed / bare:.1f} (goal ≤ 3); "
          f"requests to BigCommerce: {requests} (goal 0)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--database", default="sqlite",
                        help="sqlite (a temp file) or a PostgreSQL server URL "
                             "(a throwaway database is created on it)")
    args = parser.parse_args()
    print(f"product import of {args.products:,} not-linked products (3 variants each), "
          f"{args.database.split('@')[-1]}")
    if args.database == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            setup(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
            bench(args.products)
        return
    import psycopg

    name = f"bcsync_importbench_{os.getpid()}"
    server = args.database.rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        setup(f"{server}/{name}")
        bench(args.products)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
