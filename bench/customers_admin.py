"""The customers' admin changelist over 100 and 10k customers, side by side, on SQLite and on
PostgreSQL.

    .venv/bin/python bench/customers_admin.py [--sizes 100,10000] [--backends sqlite,postgresql]
                                              [--rounds 15] [--pg-url postgres://…:5432]

Each backend runs in a child process with one throwaway database per size (SQLite files in
a temp dir; PostgreSQL databases it creates and drops). Each customer has a price level (one
of 20), a billing and a shipping address and a contact. Requests go through Django's test
client as a superuser; sizes are measured in turn within each round and the median printed,
with the SQL queries per request (which must not grow with the rows: tests/orders checks
that, this prints the time). Requests:

- first page: the default order (code), 50 rows;
- by price level: the list filtered to one level (5 % of the customers);
- sorted by city: the billing city, a subquery per row (information);
- search email: the admin's search box with one customer's email; the admin searches with
  icontains over several columns and the contacts, a scan of the table (information).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import sized_databases  # noqa: E402  (after the path is set)

LEVELS = 20


def requests_for(level_pk: int, size: int) -> list[tuple[str, dict[str, str]]]:
    return [
        ("first page", {}),
        ("by price level", {"price_level__id__exact": str(level_pk)}),
        ("sorted by city", {"o": "4.1"}),
        ("search email", {"q": f"bench{size // 2}@example.com"}),
    ]


def load(size: int) -> None:
    from django.contrib.auth.models import User

    from orders.models import Customer, CustomerAddress, CustomerContact, PriceLevel

    levels = PriceLevel.objects.bulk_create(
        [PriceLevel(name=f"Level {n}", percent=n) for n in range(LEVELS)])
    customers = Customer.objects.bulk_create(
        (Customer(code=f"BC-{n:06d}", first_name="Bench", last_name=f"Customer {n}",
                  email=f"bench{n}@example.com", price_level=levels[n % LEVELS])
         for n in range(size)), batch_size=500)
    CustomerAddress.objects.bulk_create(
        (CustomerAddress(customer=c, kind=kind, is_default=True, line1=f"{n} Elm St",
                         city=f"City {n % 97}", country_code="US")
         for n, c in enumerate(customers) for kind in ("billing", "shipping")), batch_size=500)
    CustomerContact.objects.bulk_create(
        (CustomerContact(customer=c, last_name=f"Contact {n}", email=f"contact{n}@example.com")
         for n, c in enumerate(customers)), batch_size=500)
    User.objects.create_superuser("bench", "bench@example.com", "bench-password")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def child(args: argparse.Namespace) -> None:
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DEBUG"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", "k9nW3hKzvO9oYcS1b0s6mE2XoQF2Jq3lWQh9nq1O2y4=")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.settings")
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.conf import settings
    from django.test.utils import override_settings

    # Admin pages link static files: plain storage, no collectstatic manifest needed.
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from orders.models import PriceLevel

    databases = {int(size): name for size, name in json.loads(args.databases).items()}
    clients: dict[int, Client] = {}
    plans: dict[int, list[tuple[str, dict[str, str]]]] = {}
    url = reverse("admin:orders_customer_changelist")
    for size, name in databases.items():
        sized_databases.use_database(name)
        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        load(size)
        print(f"  {args.backend}: {size:,} customers loaded in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr, flush=True)
        client = Client()
        client.force_login(User.objects.get(username="bench"))
        clients[size] = client
        plans[size] = requests_for(PriceLevel.objects.get(name="Level 3").pk, size)

    queries = {"n": 0}

    def counted(execute: Any, statement: str, params: Any, many: bool, context: Any) -> Any:
        queries["n"] += 1
        return execute(statement, params, many, context)

    sizes = sorted(clients)
    times: dict[tuple[int, str], list[float]] = {}
    counts: dict[tuple[int, str], int] = {}
    for round_no in range(args.rounds + 1):  # one warm-up round
        for size in sizes:
            sized_databases.use_database(databases[size])
            clients[size].get(url, {"q": "warm"})  # connect outside the timing
            for label, query in plans[size]:
                queries["n"] = 0
                with connection.execute_wrapper(counted):
                    t0 = time.perf_counter()
                    response = clients[size].get(url, query)
                    elapsed = time.perf_counter() - t0
                assert response.status_code == 200, response.status_code
                counts[(size, label)] = queries["n"]
                if round_no >= 1:
                    times.setdefault((size, label), []).append(elapsed)
    print(json.dumps({"rows": [
        {"label": label,
         "ms": {str(s): statistics.median(times[(s, label)]) * 1000 for s in sizes},
         "queries": {str(s): counts[(s, label)] for s in sizes}}
        for label, _ in plans[sizes[-1]]]}))
    connection.close()


def run_backend(backend: str, sizes: list[int], args: argparse.Namespace) -> dict[str, Any]:
    return sized_databases.run_backend(
        script=__file__, label="customers", backend=backend, sizes=sizes, pg_url=args.pg_url,
        child_args=["--rounds", str(args.rounds)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,10000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--databases", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))
    small, large = sizes[0], sizes[-1]
    print(f"Customers admin changelist, median of {args.rounds} rounds, 50 rows a page")
    header = (f"{'backend':<11} {'request':<15} {f'{small:,} ms':>10} {f'{large:,} ms':>11} "
              f"{'ratio':>6} {'queries':>9}")
    print(header)
    print("-" * len(header))
    for backend in args.backends.split(","):
        for row in run_backend(backend, sizes, args)["rows"]:
            low, high = row["ms"][str(small)], row["ms"][str(large)]
            q = row["queries"]
            print(f"{backend:<11} {row['label']:<15} {low:>10.2f} {high:>11.2f} "
                  f"{high / low:>6.2f} {q[str(small)]:>4}/{q[str(large)]:<4}")
    print("\nqueries: per request at the smallest / largest size.")


if __name__ == "__main__":
    main()
