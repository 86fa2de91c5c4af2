"""The POS View grid's rows endpoint over 1k and 100k items (or, with --grid web, the Web
View's over as many LC products), side by side, on SQLite and on PostgreSQL.

    .venv/bin/python bench/grid.py [--sizes 1000,100000] [--backends sqlite,postgresql]
                                   [--rounds 30] [--pg-url postgres://postgres@127.0.0.1:5432]
                                   [--grid pos|web]

--grid web: the same items, plus one LC product per item in the bench store (the same
names, SKUs and prices; every other one linked through the items' sync records, two
categories each, 25 % without brand) and the same requests on the Web View's rows endpoint.

For each backend a child process builds one throwaway database per size (SQLite files in a
temp dir; PostgreSQL databases it creates and drops itself), loads N items (each with stock
at two locations, 25 % without brand, 10 % not on eCommerce), runs ANALYZE, then measures
full requests through Django (middleware, session, permission check, the grid, JSON) with
the test client. Sizes are measured in turn within each round, so a busy machine slows both
alike; the figure is the median of the rounds. Requests:

- first page: page 1, the default sort (SKU);
- sorted page: page 2 sorted by price, descending;
- filtered page: name starts with "Classic" (10 % of the items), page 1;
- selective filter: SKU starts with the prefix of 100 items, page 1;
- last page: the deepest page of the default sort (LIMIT/OFFSET: reported, not a goal).

The goal: each of the first three at the largest size <= 1.5x the same at the smallest.
Printed per request: median ms per size, the ratio, the SQL queries per request, and how
much of the largest size's time went to counting the rows (Tabulator needs the last page;
see grids/counting.py for the strategy).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import sized_databases  # noqa: E402  (after the path is set)

GOAL = 1.5
ADJECTIVES = ["Classic", "Everyday", "Heritage", "Coastal", "Nordic", "Urban", "Alpine",
              "Studio", "Meadow", "Harbour"]
NOUNS = ["Tee", "Sweater", "Shirt", "Jacket", "Sneaker", "Boot", "Mug", "Skillet", "Towel",
         "Notebook", "Pen", "Bottle", "Lantern", "Blanket", "Kite", "Puzzle"]


def requests_for(last_page: int) -> list[tuple[str, dict[str, str], bool]]:
    """(label, query, has a goal). SKUs are B000000, B000001…: "B0001" is 100 items
    (B000100–B000199) at any size from 200 up."""
    return [
        ("first page", {"page": "1", "size": "50"}, True),
        ("sorted page", {"page": "2", "size": "50", "sort[0][field]": "price",
                         "sort[0][dir]": "desc"}, True),
        ("filtered page", {"page": "1", "size": "50", "filter[0][field]": "name",
                           "filter[0][type]": "like", "filter[0][value]": "Classic"}, True),
        ("selective filter", {"page": "1", "size": "50", "filter[0][field]": "sku",
                              "filter[0][type]": "like", "filter[0][value]": "B0001"}, False),
        ("last page", {"page": str(last_page), "size": "50"}, False),
    ]


# -- the child: one backend, one database per size ------------------------------------------


def load(size: int) -> None:
    """N items and their stock at two locations, inserted in bulk with plain SQL (the ORM
    would spend minutes building 100k model instances)."""
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.utils import timezone

    from catalog.models import Brand, Department, Item, Location, StockLevel, Vendor

    rng = random.Random(size)
    departments = Department.objects.bulk_create(
        [Department(name=f"Department {n}") for n in range(12)])
    vendors = Vendor.objects.bulk_create([Vendor(name=f"Vendor {n}") for n in range(30)])
    brands = Brand.objects.bulk_create([Brand(name=f"Brand {n}") for n in range(20)])
    locations = Location.objects.bulk_create(
        [Location(code="STORE1", name="Store"), Location(code="WH1", name="Warehouse")])
    now: Any = timezone.now()
    if connection.vendor == "sqlite":
        now = str(now.replace(tzinfo=None))  # as Django stores it there
    columns = ["sku", "product_number", "name", "description", "price", "cost_price", "upc",
               "bin_number", "brand_id", "vendor_id", "department_id", "ecommerce_enabled",
               "created_at", "updated_at", "weight", "width", "height", "depth"]

    def row(i: int) -> tuple[Any, ...]:
        price = Decimal(rng.randrange(100, 50000)) / 100
        brand = brands[i % len(brands)].pk if i % 4 else None
        return (f"B{i:06d}", "",
                f"{ADJECTIVES[i % len(ADJECTIVES)]} {NOUNS[(i // 10) % len(NOUNS)]} {i}", "",
                price, (price * Decimal("0.45")).quantize(Decimal("0.01")),
                f"{400000000000 + i:012d}", f"{chr(65 + i % 6)}-{i % 400:03d}", brand,
                vendors[i % len(vendors)].pk, departments[i % len(departments)].pk,
                i % 10 != 0, now, now, Decimal("0.5"), Decimal("10"), Decimal("5"),
                Decimal("2"))

    item_table, stock_table = Item._meta.db_table, StockLevel._meta.db_table
    per_statement = 500  # rows in one multi-row INSERT (9,000 parameters)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own: COPY is several times faster than INSERTs
            with raw.copy(f"COPY {item_table} ({', '.join(columns)}) FROM STDIN") as copy:
                for i in range(size):
                    copy.write_row(row(i))
        else:
            for start in range(0, size, per_statement):
                rows = [row(i) for i in range(start, min(size, start + per_statement))]
                values = ", ".join([f"({', '.join(['%s'] * len(columns))})"] * len(rows))
                cursor.execute(f"INSERT INTO {item_table} ({', '.join(columns)}) "
                               f"VALUES {values}", [value for one in rows for value in one])
        for location in locations:
            cursor.execute(
                f"INSERT INTO {stock_table} (item_id, variant_id, location_id, on_hand, "
                f"reserved, updated_at) SELECT id, NULL, %s, (id * 7 + %s) %% 40, 0, %s "
                f"FROM {item_table}", [location.pk, location.pk, now])
    _sync_records(locations[0], now)
    User.objects.create_superuser("bench", "bench@example.com", "bench-password")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _sync_records(location: Any, now: Any) -> None:
    """A store connection with Item Sync Enforcement on, so the page carries its link and
    sync-state columns: every other item linked, two in three entitled to its location."""
    from django.db import connection, transaction

    from bcsync.models import ItemSync, StoreConnection
    from catalog.models import Item

    store = StoreConnection.objects.create(description="Bench", store_hash="benchstore",
                                           access_token="bench-token", pos_location=location,
                                           item_sync_enforcement=True)
    items, syncs = Item._meta.db_table, ItemSync._meta.db_table
    entitled = Item.locations.through._meta.db_table
    empty = "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {syncs} (connection_id, item_id, bc_product_id, linked_by, linked_at, "
            f"pushed, pushed_at, conflicts, error, error_field, updated_at) "
            f"SELECT %s, id, id, 'sku', %s, {empty}, %s, {empty}, '', '', %s "
            f"FROM {items} WHERE id %% 2 = 0", [store.pk, now, now, now])
        cursor.execute(f"INSERT INTO {entitled} (item_id, location_id) SELECT id, %s "
                       f"FROM {items} WHERE id %% 3 <> 0", [location.pk])


def load_lc(size: int) -> None:
    """One LC product per item (bc_id = the item's id, so the items' sync records link every
    other one), with brands and categories, inserted in bulk with plain SQL."""
    from django.db import connection, transaction
    from django.utils import timezone

    from catalog.models import Item
    from localcopy.models import LcBrand, LcCategory, LcProduct

    store = "benchstore"
    now: Any = timezone.now()
    LcBrand.objects.bulk_create([LcBrand(store_hash=store, bc_id=n, name=f"Brand {n}",
                                         synced_at=now) for n in range(1, 21)])
    LcCategory.objects.bulk_create([LcCategory(store_hash=store, bc_id=n, name=f"Category {n}",
                                               synced_at=now) for n in range(1, 51)])
    if connection.vendor == "sqlite":
        now = str(now.replace(tzinfo=None))
    columns = ["store_hash", "bc_id", "raw", "raw_hash", "synced_at", "name", "sku", "upc",
               "price", "cost_price", "inventory_level", "inventory_tracking", "is_visible",
               "brand_id", "category_ids", "bin_picking_number", "date_modified"]
    # Read before writing: a server-side cursor cannot run on the connection a COPY holds.
    items = list(Item.objects.order_by("pk").values_list("pk", "sku", "name", "price",
                                                         "cost_price", "upc"))

    def row(pk: int, sku: str, name: str, price: Any, cost: Any, upc: str) -> tuple[Any, ...]:
        return (store, pk, "{}", "", now, name, sku, upc, price, cost,
                (pk * 7) % 40, "product", pk % 10 != 0, (pk % 20) + 1 if pk % 4 else None,
                json.dumps([pk % 50 + 1, (pk * 3) % 50 + 1]), "", now)

    table = LcProduct._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for values in items:
                    copy.write_row(row(*values))
        else:
            batch: list[tuple[Any, ...]] = []
            for values in items:
                batch.append(row(*values))
                if len(batch) == 400:
                    _insert(cursor, table, columns, batch)
                    batch = []
            if batch:
                _insert(cursor, table, columns, batch)
    assert LcProduct.objects.count() == size


def _insert(cursor: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    values = ", ".join([f"({', '.join(['%s'] * len(columns))})"] * len(rows))
    cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values}",
                   [value for one in rows for value in one])


def child(args: argparse.Namespace) -> None:
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DEBUG"] = "false"  # no query log kept in memory
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", "k9nW3hKzvO9oYcS1b0s6mE2XoQF2Jq3lWQh9nq1O2y4=")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.settings")
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    databases = {int(size): name for size, name in json.loads(args.databases).items()}
    clients: dict[int, Client] = {}
    url = reverse("bcsync:web_products_rows" if args.grid == "web" else "bcsync:pos_items_rows")
    for size, name in databases.items():
        sized_databases.use_database(name)
        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        load(size)
        if args.grid == "web":
            load_lc(size)
            from django.db import connection as db
            with db.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE" if db.vendor == "postgresql" else "ANALYZE")
        print(f"  {args.backend}: {size:,} items loaded in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr, flush=True)
        client = Client()
        client.force_login(User.objects.get(username="bench"))
        clients[size] = client

    sql: dict[str, float] = {}

    def timed(execute: Any, statement: str, params: Any, many: bool, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            head = statement.lstrip().upper()
            kind = "count" if head.startswith(("SELECT COUNT(", "EXPLAIN")) else "other"
            sql[kind] = sql.get(kind, 0.0) + time.perf_counter() - t0
            sql["queries"] = sql.get("queries", 0) + 1

    sizes = sorted(clients)
    plans = {size: requests_for(last_page=-(-size // 50)) for size in sizes}
    times: dict[tuple[int, str], list[float]] = {}
    counts: dict[tuple[int, str], dict[str, float]] = {}
    exact: dict[tuple[int, str], bool] = {}
    for round_no in range(args.rounds + 2):  # two warm-up rounds
        for size in sizes:
            sized_databases.use_database(databases[size])
            client = clients[size]
            client.get(url, {"page": "1", "size": "1"})  # connect outside the timing
            for label, query, _ in plans[size]:
                sql.clear()
                with connection.execute_wrapper(timed):
                    t0 = time.perf_counter()
                    response = client.get(url, query)
                    elapsed = time.perf_counter() - t0
                assert response.status_code == 200, response.content
                exact[(size, label)] = response.json()["count_exact"]
                if round_no >= 2:
                    times.setdefault((size, label), []).append(elapsed)
                    counts.setdefault((size, label), {"count": 0.0, "queries": 0})
                    counts[(size, label)]["count"] += sql.get("count", 0.0)
                    counts[(size, label)]["queries"] = sql.get("queries", 0)
    result = {
        "backend": args.backend,
        "rows": [
            {"label": label, "goal": goal,
             "ms": {str(size): statistics.median(times[(size, label)]) * 1000 for size in sizes},
             "queries": counts[(sizes[-1], label)]["queries"],
             "count_ms": counts[(sizes[-1], label)]["count"] / args.rounds * 1000,
             "exact": exact[(sizes[-1], label)]}
            for label, _, goal in plans[sizes[-1]]
        ],
    }
    connection.close()
    print(json.dumps(result))


# -- the parent: databases, children, the table -------------------------------------------------


def run_backend(backend: str, sizes: list[int], args: argparse.Namespace) -> dict[str, Any]:
    return sized_databases.run_backend(
        script=__file__, label="grid", backend=backend, sizes=sizes, pg_url=args.pg_url,
        child_args=["--rounds", str(args.rounds), "--grid", args.grid])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--grid", choices=("pos", "web"), default="pos",
                        help="the POS View's items grid or the Web View's LC products grid")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--databases", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))
    small, large = sizes[0], sizes[-1]
    title = "Web View (LC products)" if args.grid == "web" else "POS View"
    print(f"{title} rows endpoint, median of {args.rounds} rounds, 50 rows a page")
    header = (f"{'backend':<11} {'request':<17} {f'{small:,} ms':>10} {f'{large:,} ms':>11} "
              f"{'ratio':>6}  {'goal':<11} {'queries':>7} {'COUNT ms':>9}  count")
    print(header)
    print("-" * len(header))
    failed = False
    for backend in args.backends.split(","):
        result = run_backend(backend, sizes, args)
        for row in result["rows"]:
            low, high = row["ms"][str(small)], row["ms"][str(large)]
            ratio = high / low
            verdict = ""
            if row["goal"]:
                verdict = "ok" if ratio <= GOAL else "MISSED"
                failed |= ratio > GOAL
            print(f"{backend:<11} {row['label']:<17} {low:>10.2f} {high:>11.2f} {ratio:>6.2f}  "
                  f"{('<= ' + str(GOAL) + ' ' + verdict) if row['goal'] else '(info)':<11} "
                  f"{row['queries']:>7} {row['count_ms']:>9.2f}  "
                  f"{'exact' if row['exact'] else 'estimate'}")
    print(f"\nCOUNT ms: time of the COUNT queries inside the {large:,}-item request; count: "
          "whether its row count was exact or the database's estimate (grids.counting). "
          f"Goal: each request with a goal at the largest size <= {GOAL}x the smallest.")
    if failed:
        print("Some ratios missed the goal.")


if __name__ == "__main__":
    main()
