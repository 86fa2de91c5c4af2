"""Order import benchmark against the emulator.

    .venv/bin/python bench/orders.py [--orders 5000] [--latency-orders 200]
                                     [--database sqlite|postgres://…]

Throughput (in this process, on a throwaway database): the emulator gets N orders of 3 lines
each (lines whose SKUs are POS items, so each is matched and takes stock). Then, timed: the
LC's incremental pull of the orders, and the background pass importing them (customer,
addresses, lines, stock, status write-back). Prints orders/s and requests per order for
each step (the emulator's own count).

Latency (`--latency-orders` > 0; in a child process with its own SQLite database and var/
folder, as bench/webhook_latency.py): the web app, one `realtime` worker and the store
connected with its webhooks; then orders placed one after the other, each timed from
`place-order` to its POS sales order existing. Prints p50 / p95 / max. With
`--during-reload N` (default 10000; 0: off) it is measured a second time on a store of N
products with a `bulk` worker running Full Reloads of them back to back, counting only the
orders placed while a reload was running.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SKUS = ("ORDBENCHA", "ORDBENCHB", "ORDBENCHC")


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "false"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", "k9nW3hKzvO9oYcS1b0s6mE2XoQF2Jq3lWQh9nq1O2y4=")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.settings")
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def pos_items() -> None:
    from catalog.models import Department, Item, Vendor

    department, _ = Department.objects.get_or_create(name="Order bench")
    vendor = Vendor.default()
    for sku in SKUS:
        Item.objects.get_or_create(sku=sku, defaults={"name": f"Bench {sku}", "price": 5,
                                                      "department": department,
                                                      "vendor": vendor})


def order_lines(n: int) -> list[dict[str, Any]]:
    # Custom lines (no catalog product): the emulator's stock never runs out mid-bench.
    return [{"name": f"Bench item {sku}", "sku": sku, "quantity": 1 + (n + i) % 3,
             "price_inc_tax": 5} for i, sku in enumerate(SKUS)]


def throughput(count: int) -> None:
    from django.utils import timezone

    from bcemulator.process import EmulatorProcess
    from bcsync.client import BigCommerceClient, LocalBudget
    from bcsync.connections import connection_upsert
    from bcsync.orders.passes import orders_pass
    from bcsync.orders.settings import order_settings_for
    from catalog.models import Location
    from localcopy.services import lc_reload, lc_sync
    from orders.models import SalesOrder

    pos_items()
    with EmulatorProcess(seed=0) as emu:
        connection, _ = connection_upsert(store_hash=emu.store_hash, access_token=emu.token,
                                          api_url=emu.base_url, description="Bench")
        connection.pos_location = Location.objects.create(code="BENCH", name="Bench shop")
        connection.code_prefix = "WEB"
        connection.save()
        with BigCommerceClient(api_url=emu.base_url, store_hash=emu.store_hash,
                               access_token=emu.token, budget=LocalBudget()) as client:
            assert lc_reload(client=client, store_hash=emu.store_hash, dataset="orders").ok
            settings = order_settings_for(connection=connection)
            settings.last_sync_at = timezone.now() - timedelta(seconds=1)
            settings.save()
            t0 = time.perf_counter()
            for n in range(count):
                emu.place_order(order_lines(n), email=f"buyer{n % 500}@example.com")
            print(f"  {count:,} orders placed on the emulator in "
                  f"{time.perf_counter() - t0:.1f} s (untimed)")
            emu.reset_stats()
            t0 = time.perf_counter()
            summaries = lc_sync(client=client, store_hash=emu.store_hash, datasets=["orders"])
            pull = time.perf_counter() - t0
            assert all(s.ok for s in summaries), [s.line() for s in summaries]
            pull_requests = emu.stats()["total"]
            emu.reset_stats()
            t0 = time.perf_counter()
            report = orders_pass(connection=connection, client=client, force=True)
            elapsed = time.perf_counter() - t0
            import_requests = emu.stats()["total"]
    assert report is not None
    made = SalesOrder.objects.filter(source_store_hash=connection.store_hash).count()
    print(f"  import: {report.line()}; {made:,} POS orders")
    print(f"  {'step':28} {'seconds':>8} {'orders/s':>9} {'requests':>9} {'req/order':>9}")
    for label, seconds, requests in (("LC incremental pull", pull, pull_requests),
                                     ("import + status write-back", elapsed, import_requests),
                                     ("together", pull + elapsed,
                                      pull_requests + import_requests)):
        print(f"  {label:28} {seconds:8.2f} {count / seconds:9.0f} {requests:9,} "
              f"{requests / count:9.2f}")


# ---- latency by webhook --------------------------------------------------------------------


def wait_http(url: str, seconds: float = 60) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def child(args: argparse.Namespace) -> None:
    """Everything started here, measured, stopped; the result as a JSON line."""
    from bcemulator.process import EmulatorProcess, free_port

    workdir = Path(args.workdir)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
           "BCSYNC_VAR_DIR": str(workdir), "BCSYNC_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "DJANGO_SETTINGS_MODULE": "settings.settings", "PYTHONUNBUFFERED": "1",
           "LOG_LEVEL": "WARNING"}
    # DEBUG as the project's default (the throughput part turned it off in this process's
    # environment, and off it redirects the webhook receiver to HTTPS).
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DEBUG"):
        env.pop(name, None)
        # This process queues work too (the Full Reloads): on the same broker as the workers.
        os.environ.pop(name, None)
    os.environ.update(env)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                   env=env, check=True)

    import django

    django.setup()
    from orders.models import SalesOrder

    pos_items()
    processes: list[subprocess.Popen[bytes]] = []
    log = open(workdir / "processes.log", "wb")  # noqa: SIM115 - closed below
    try:
        with EmulatorProcess(seed=args.during_reload, startup_timeout=900,
                             quota=1_000_000) as emu:
            processes.append(subprocess.Popen(
                [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
            processes.append(subprocess.Popen(
                [python, "-m", "celery", "-A", "settings", "worker", "--queues", "realtime",
                 "--concurrency", "1", "--loglevel", "WARNING", "--hostname",
                 "bench-orders@%h", "--without-gossip", "--without-mingle"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
            if args.during_reload:
                processes.append(subprocess.Popen(
                    [python, "-m", "celery", "-A", "settings", "worker", "--queues", "bulk",
                     "--concurrency", "1", "--loglevel", "WARNING", "--hostname",
                     "bench-bulk@%h", "--without-gossip", "--without-mingle"],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
            wait_http(f"http://127.0.0.1:{port}/admin/login/")
            subprocess.run(
                [python, "manage.py", "bcconnect", "--store-hash", emu.store_hash,
                 "--token", emu.token, "--api-url", emu.base_url],
                cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
            _timed_order(emu, SalesOrder, 0, timeout=60)  # warm-up
            if not args.during_reload:
                seconds = [_timed_order(emu, SalesOrder, n + 1)
                           for n in range(args.latency_orders)]
            else:
                seconds, reloads = _during_reloads(emu, SalesOrder, args.latency_orders)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
    print(json.dumps({"seconds": seconds,
                      "reloads": reloads if args.during_reload else 0}))


def _during_reloads(emu: Any, model: Any, count: int) -> tuple[list[float], int]:
    """Orders timed while a products Full Reload runs on the bulk worker (a new one is
    requested whenever the last has finished); only orders placed under a live reload
    count."""
    from bcsync.lc_requests import lc_reload_request
    from bcsync.models import StoreConnection
    from localcopy.models import LcRun, LcStatus

    connection = StoreConnection.objects.get(store_hash=emu.store_hash)

    def reloading() -> bool:
        status = LcStatus.objects.filter(store_hash=emu.store_hash, dataset="products").first()
        return status is not None and status.state == LcStatus.State.RUNNING

    seconds: list[float] = []
    reloads = 0
    n = 1000
    deadline = time.monotonic() + 1800
    while len(seconds) < count and time.monotonic() < deadline:
        if not reloading():
            runs = LcRun.objects.filter(store_hash=emu.store_hash, dataset="products").count()
            lc_reload_request(connection=connection, dataset="products")
            reloads += 1
            started = time.monotonic()
            # Started (or already done, on a small store): a new run of the dataset.
            while not reloading() and LcRun.objects.filter(
                    store_hash=emu.store_hash, dataset="products").count() == runs:
                if time.monotonic() - started > 60:
                    raise RuntimeError("the bulk worker did not start the Full Reload "
                                       "within 60 s")
                time.sleep(0.05)
        n += 1
        under = reloading()
        took = _timed_order(emu, model, n)
        if under and reloading():
            seconds.append(took)
    return seconds, reloads


def _timed_order(emu: Any, model: Any, n: int, timeout: float = 30) -> float:
    t0 = time.perf_counter()
    oid = int(emu.place_order(order_lines(n), email=f"buyer{n}@example.com")["id"])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if model.objects.filter(bc_order_id=oid).exists():
            return time.perf_counter() - t0
        time.sleep(0.005)
    raise RuntimeError(f"order {oid} did not reach the POS within {timeout} s")


def latency(count: int, during_reload: int = 0) -> None:
    with tempfile.TemporaryDirectory(prefix="bcsync-orders-") as workdir:
        result = subprocess.run(
            [sys.executable, __file__, "--child", "--workdir", workdir,
             "--latency-orders", str(count), "--during-reload", str(during_reload)],
            cwd=ROOT, capture_output=True, text=True, timeout=1800)
        if result.returncode != 0:
            log = Path(workdir, "processes.log")
            raise SystemExit(f"latency run failed:\n{result.stderr[-3000:]}\n"
                             f"{log.read_text()[-3000:] if log.exists() else ''}")
        answer = json.loads(result.stdout.strip().splitlines()[-1])
    seconds = answer["seconds"]
    if not seconds:
        raise SystemExit("no order was placed while a Full Reload ran")
    ordered = sorted(seconds)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    under = (f", during {answer['reloads']} Full Reload(s) of {during_reload:,} products "
             "on a bulk worker" if during_reload else "")
    print(f"  place-order → POS order by webhook, {len(seconds)} orders, one realtime worker"
          f"{under}: p50 {statistics.median(seconds):.3f} s, p95 {p95:.3f} s, "
          f"max {ordered[-1]:.3f} s (goal p95 ≤ 2 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--latency-orders", type=int, default=200)
    parser.add_argument("--database", default="sqlite",
                        help="sqlite (a temp file) or a PostgreSQL server URL "
                             "(a throwaway database is created on it)")
    parser.add_argument("--during-reload", type=int, default=10000,
                        help="also measure the latency while Full Reloads of this many "
                             "products run (0: don't)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if args.latency_orders > 0 and args.orders == 0:
        latency(args.latency_orders)
        if args.during_reload:
            latency(args.latency_orders, args.during_reload)
        return
    print(f"order import of {args.orders:,} orders (3 lines each), "
          f"{args.database.split('@')[-1]}")
    if args.database == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            setup(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
            throughput(args.orders)
    else:
        import psycopg

        name = f"bcsync_ordersbench_{os.getpid()}"
        server = args.database.rstrip("/")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            setup(f"{server}/{name}")
            throughput(args.orders)
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if args.latency_orders > 0:
        latency(args.latency_orders)
        if args.during_reload:
            latency(args.latency_orders, args.during_reload)


if __name__ == "__main__":
    main()
