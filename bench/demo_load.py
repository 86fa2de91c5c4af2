"""How long the POS demo loader takes (`manage.py demo_catalog`, `make run`'s first step), on
SQLite and on PostgreSQL.

    .venv/bin/python bench/demo_load.py [--backends sqlite,postgresql]
                                        [--pg-url postgres://postgres@127.0.0.1:5432]

For each backend a child process migrates a throwaway database (a SQLite file in a temp dir;
a PostgreSQL database it creates and drops), then times three loads side by side: into the
empty database, again with nothing to change, and again after every demo item's price and
every stock level were edited (all of it written back). The admin login is not part of it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def child() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from catalog.demo import demo_catalog_load
    from catalog.models import Item, StockLevel

    call_command("migrate", verbosity=0)
    figures: dict[str, Any] = {}
    for label in ("empty database", "nothing changed", "everything edited"):
        if label == "everything edited":
            Item.objects.filter(sku__startswith="DEMO").update(price=1)
            StockLevel.objects.update(on_hand=-1)
        started = time.perf_counter()
        summary = demo_catalog_load()
        figures[label] = {"s": time.perf_counter() - started, "line": summary.line()}
    figures["vendor"] = connection.vendor
    print(json.dumps(figures))


def run(backend: str, pg_url: str) -> dict:
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "BCSYNC_VAR_DIR": var}
        name = f"bcsync_bench_demo_{uuid.uuid4().hex[:8]}"
        if backend == "postgresql":
            env["DATABASE_URL"] = f"{pg_url}/{name}"
            subprocess.run(["psql", f"{pg_url}/postgres", "-qc", f"CREATE DATABASE {name}"],
                           check=True, capture_output=True)
        else:
            env["DATABASE_URL"] = f"sqlite:///{var}/bench.sqlite3"
        try:
            out = subprocess.run([sys.executable, __file__, "--child"], env=env, cwd=ROOT,
                                 check=True, capture_output=True, text=True).stdout
        finally:
            if backend == "postgresql":
                subprocess.run(["psql", f"{pg_url}/postgres", "-qc",
                                f"DROP DATABASE IF EXISTS {name}"], check=False)
        return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    results = {b: run(b, args.pg_url) for b in args.backends.split(",")}
    labels = ("empty database", "nothing changed", "everything edited")
    print(f"{'load':<20}" + "".join(f"{b:>14}" for b in results))
    for label in labels:
        print(f"{label:<20}" + "".join(f"{r[label]['s']:>13.2f}s" for r in results.values()))
    first = next(iter(results.values()))
    for label in labels:
        print(f"  {label}: {first[label]['line']}")


if __name__ == "__main__":
    main()
