"""LC Full Reload and incremental passes against an emulated store of N products, on SQLite
and PostgreSQL side by side.

    .venv/bin/python bench/lc_reload.py [--sizes 10000,100000] [--latency-ms 100]
        [--databases sqlite,postgres://postgres@127.0.0.1:5432/postgres]

For each size, one emulator (`--seed N`: N products with 3 variants each), walked once
before anything is timed so that no backend bears its cold start, and for each database a
fresh child process with its own throwaway database (a SQLite file in a temp dir; on a
PostgreSQL server, a database the benchmark creates and drops), so its peak RSS is that
size's and backend's alone. Each child measures:

- requests made by a product Full Reload (the emulator's own count) vs ceil(N/250);
- the reload's time as a ratio of a bare loop that downloads and json-parses the same pages
  with `requests` (goal <= 1.5): first into an empty LC, then again with nothing changed
  (which must report the rows unchanged, not updated). Bare loops run before, between and
  after the two reloads; each reload is compared with the mean of the loops either side of
  it, so drift in the machine's load hits both alike;
- both again with --latency-ms added to every response (the emulator's slow_ms fault),
  closer to a real store, where fetching the next page overlaps writing the current one;
- the child's peak RSS after the reloads (goal: 100k within 10% of 10k);
- an incremental pass of every dataset with nothing changed (goal: 1 request per dataset,
  0 rows written), then with 100 products changed through the control API.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGE = 250
INCLUDE = "variants,images,custom_fields"
CHANGED = 100
DEFAULT_DATABASES = "sqlite,postgres://postgres@127.0.0.1:5432/postgres"


def session_for() -> requests.Session:
    return requests.Session()


# -- the child: one size, one backend, its own database ------------------------------------------


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["BCSYNC_VAR_DIR"] = args.workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.settings")
    import logging

    import django

    django.setup()
    logging.getLogger("bcsync.client").setLevel(logging.WARNING)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bcsync.client import BigCommerceClient, LocalBudget
    from localcopy.models import Dataset
    from localcopy.services import lc_delete, lc_reload, lc_sync

    # With DEBUG on, every SQL query would be kept in memory: the peak would grow with N.
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    control = f"{args.base_url}/_emulator"
    store = args.store_hash

    def stats() -> dict[str, Any]:
        return requests.get(f"{control}/stats", timeout=60).json()

    def reset_stats() -> None:
        requests.post(f"{control}/stats/reset", json={}, timeout=60).raise_for_status()

    def client() -> BigCommerceClient:
        return BigCommerceClient(api_url=args.base_url, store_hash=store,
                                 access_token=args.token, budget=LocalBudget(),
                                 session=session_for())

    out: dict[str, Any] = {"size": args.size, "vendor": connection.vendor,
                           "rss_after_setup_mb": rss_mb(), "latency_ms": args.latency_ms}

    def bare_loop() -> float:
        session = session_for()
        session.headers.update({"X-Auth-Token": args.token, "Accept": "application/json"})
        url = f"{args.base_url}/stores/{store}/v3/catalog/products"
        t0 = time.perf_counter()
        page = 1
        while True:
            params: dict[str, str | int] = {"include": INCLUDE, "limit": PAGE, "page": page}
            response = session.get(url, timeout=120, params=params)
            response.raise_for_status()
            body = json.loads(response.content)
            if page >= body["meta"]["pagination"]["total_pages"]:
                return time.perf_counter() - t0
            page += 1

    def reload() -> tuple[float, str]:
        with client() as c:
            t0 = time.perf_counter()
            summary = lc_reload(client=c, store_hash=store, dataset="products")
            seconds = time.perf_counter() - t0
        assert summary.ok, summary.error
        return seconds, summary.line()

    bare = [bare_loop()]
    reset_stats()
    out["reload_s"], out["reload_line"] = reload()
    out["reload_requests"] = stats()["total"]
    bare.append(bare_loop())
    out["unchanged_s"], out["unchanged_line"] = reload()
    bare.append(bare_loop())
    out["bare_s"] = bare
    out["rss_after_reload_mb"] = rss_mb()

    # Again with every response delayed, as a real store's are: the next page is fetched
    # while the current one is written, so the LC's own cost hides behind the wait.
    if args.latency_ms:
        requests.post(f"{control}/faults", json={"slow_ms": args.latency_ms},
                      timeout=60).raise_for_status()
        lc_delete(store_hash=store, datasets=["products"])
        slow = [bare_loop()]
        out["slow_reload_s"], _ = reload()
        slow.append(bare_loop())
        out["slow_bare_s"] = slow
        requests.post(f"{control}/faults", json={}, timeout=60).raise_for_status()

    with client() as c:
        for name in Dataset.values:
            if name != "products":
                lc_reload(client=c, store_hash=store, dataset=name)
        reset_stats()
        idle = lc_sync(client=c, store_hash=store)
    out["idle"] = {s.dataset: {"requests": s.requests, "written": s.inserted + s.updated
                                + s.deleted, "kind": s.kind, "ok": s.ok} for s in idle}
    out["idle_emulator_requests"] = stats()["total"]

    step = max(1, args.size // CHANGED)
    ids = list(range(1, args.size + 1, step))[:CHANGED]
    for n, pid in enumerate(ids):
        requests.post(f"{control}/update-product", json={"id": pid, "price": 1000 + n},
                      timeout=60).raise_for_status()
    reset_stats()
    with client() as c:
        [changed] = lc_sync(client=c, store_hash=store, datasets=["products"])
    out["changed"] = {"products": len(ids), "requests": changed.requests,
                      "written": changed.inserted + changed.updated + changed.deleted,
                      "emulator_requests": stats()["total"], "line": changed.line()}
    out["rss_peak_mb"] = rss_mb()
    connection.close()
    print("RESULT " + json.dumps(out), flush=True)


# -- the parent: one emulator per size, one child per size and database ---------------------------


class Database:
    """Where a child writes: a SQLite file in its temp dir, or a database the benchmark
    creates on a PostgreSQL server (and drops afterwards)."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.is_sqlite = spec == "sqlite"
        self.label = "sqlite" if self.is_sqlite else "postgresql"

    def create(self, workdir: str, size: int) -> str:
        if self.is_sqlite:
            return f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"
        import psycopg

        self.name = f"bcsync_lcbench_{os.getpid()}_{size}"
        with psycopg.connect(self._server_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            conn.execute(f'CREATE DATABASE "{self.name}"')
        parts = urlsplit(self.spec)
        return urlunsplit(parts._replace(path=f"/{self.name}"))

    def drop(self) -> None:
        if self.is_sqlite:
            return
        import psycopg

        with psycopg.connect(self._server_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}"')

    def _server_dsn(self) -> str:
        parts = urlsplit(self.spec)
        scheme = "postgresql" if parts.scheme in ("postgres", "postgresql", "pgsql") else ""
        if not scheme:
            raise SystemExit(f"not a PostgreSQL URL: {self.spec}")
        return urlunsplit(parts._replace(scheme=scheme, path=parts.path or "/postgres"))


def bare_walk(base_url: str, store_hash: str, token: str) -> float:
    session = session_for()
    session.headers.update({"X-Auth-Token": token, "Accept": "application/json"})
    t0 = time.perf_counter()
    page = 1
    while True:
        params: dict[str, str | int] = {"include": INCLUDE, "limit": PAGE, "page": page}
        response = session.get(f"{base_url}/stores/{store_hash}/v3/catalog/products",
                               params=params, timeout=120)
        response.raise_for_status()
        if page >= response.json()["meta"]["pagination"]["total_pages"]:
            return time.perf_counter() - t0
        page += 1


def run_size(size: int, latency_ms: int, databases: list[Database]) -> list[dict[str, Any]]:
    from bcemulator.process import EmulatorProcess

    started = time.perf_counter()
    results = []
    with EmulatorProcess(seed=size, startup_timeout=900, quota=1_000_000) as emu:
        seeded = time.perf_counter() - started
        warm = bare_walk(emu.base_url, emu.store_hash, emu.token)
        for db in databases:
            print(f"  {size} products on {db.label} ...", flush=True)
            with tempfile.TemporaryDirectory(prefix="lcbench") as workdir:
                url = db.create(workdir, size)
                try:
                    cmd = [sys.executable, __file__, "--child", "--size", str(size),
                           "--workdir", workdir, "--database-url", url,
                           "--base-url", emu.base_url, "--store-hash", emu.store_hash,
                           "--token", emu.token, "--latency-ms", str(latency_ms)]
                    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                                          check=False)
                finally:
                    db.drop()
            if proc.returncode != 0:
                raise SystemExit(f"child for {size} on {db.label} failed:\n"
                                 f"{proc.stdout}\n{proc.stderr}")
            line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
            result = json.loads(line[len("RESULT "):])
            result.update(seed_s=seeded, warm_s=warm, label=db.label)
            results.append(result)
    return results


def _ratios(r: dict[str, Any]) -> tuple[float, float]:
    bare = r["bare_s"]
    return (r["reload_s"] / statistics.mean(bare[0:2]),
            r["unchanged_s"] / statistics.mean(bare[1:3]))


def _ok(ratio: float) -> str:
    return "OK" if ratio <= 1.5 else "OVER"


def _appender(rows: list[tuple[str, list[str]]]) -> Any:
    def row(label: str, cells: list[str]) -> None:
        rows.append((label, cells))

    return row


def report_size(results: list[dict[str, Any]]) -> None:
    """One size's figures, printed as soon as it is done (a 100k run takes a while)."""
    first = results[0]
    n = first["size"]
    minimum = max(1, math.ceil(n / PAGE))
    print(f"== {n} products ({3 * n} variants), emulator seeded in {first['seed_s']:.1f} s, "
          f"warm-up walk {first['warm_s']:.2f} s")
    rows: list[tuple[str, list[str]]] = []
    row = _appender(rows)
    row("", [r["label"] for r in results])
    row("Full Reload requests", [
        f"{r['reload_requests']} of min {minimum} "
        f"{'OK' if r['reload_requests'] == minimum else 'ABOVE'}" for r in results])
    row("bare loops (s)", [" / ".join(f"{b:.2f}" for b in r["bare_s"]) for r in results])
    row("reload, empty LC (s)", [
        f"{r['reload_s']:.2f}  x{_ratios(r)[0]:.2f} {_ok(_ratios(r)[0])}" for r in results])
    row("reload, unchanged (s)", [
        f"{r['unchanged_s']:.2f}  x{_ratios(r)[1]:.2f} {_ok(_ratios(r)[1])}"
        for r in results])
    if "slow_reload_s" in first:
        row(f"+{first['latency_ms']} ms: bare (s)",
            [" / ".join(f"{b:.2f}" for b in r["slow_bare_s"]) for r in results])
        slow = [r["slow_reload_s"] / statistics.mean(r["slow_bare_s"]) for r in results]
        row(f"+{first['latency_ms']} ms: reload (s)", [
            f"{r['slow_reload_s']:.2f}  x{s:.2f} {_ok(s)}"
            for r, s in zip(results, slow, strict=True)])
    row("peak RSS (MB)", [
        f"{r['rss_after_setup_mb']:.0f} setup, {r['rss_after_reload_mb']:.0f} reloads, "
        f"{r['rss_peak_mb']:.0f} end" for r in results])
    row("idle sync: requests / rows", [
        f"{sum(v['requests'] for v in r['idle'].values())} "
        f"(emu {r['idle_emulator_requests']}) / "
        f"{sum(v['written'] for v in r['idle'].values())}" for r in results])
    row(f"{CHANGED} changed: requests / rows", [
        f"{r['changed']['requests']} (emu {r['changed']['emulator_requests']}) / "
        f"{r['changed']['written']}" for r in results])
    width = max(len(label) for label, _ in rows) + 2
    col = max(len(c) for _, cells in rows for c in cells) + 3
    for label, cells in rows:
        print(f"  {label:<{width}}" + "".join(f"{c:<{col}}" for c in cells).rstrip())
    for r in results:
        print(f"  {r['label']}: {r['reload_line']}")
        print(f"  {r['label']}: {r['unchanged_line']}")
        print(f"  {r['label']}: {r['changed']['line']}")
        idle = ", ".join(f"{name} {v['requests']}/{v['written']}"
                         for name, v in r["idle"].items())
        print(f"  {r['label']}: idle pass per dataset (requests/rows): {idle}")
    print(flush=True)


def report_memory(by_size: list[list[dict[str, Any]]]) -> None:
    if len(by_size) > 1:
        for small, large in zip(by_size[0], by_size[-1], strict=True):
            growth = large["rss_after_reload_mb"] / small["rss_after_reload_mb"] - 1
            print(f"Peak RSS after the reloads on {small['label']}, {small['size']} vs "
                  f"{large['size']}: {small['rss_after_reload_mb']:.1f} MB vs "
                  f"{large['rss_after_reload_mb']:.1f} MB ({growth:+.1%}; goal within 10%) "
                  f"{'OK' if abs(growth) <= 0.10 else 'OVER'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="comma-separated product counts (default 10000,100000)")
    parser.add_argument("--latency-ms", type=int, default=100,
                        help="also time both loops with this delay per response (0: skip)")
    parser.add_argument("--databases", default=DEFAULT_DATABASES,
                        help="comma-separated: 'sqlite' and/or PostgreSQL server URLs, on "
                        "which a throwaway database is created and dropped "
                        f"(default {DEFAULT_DATABASES})")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--store-hash", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    databases = [Database(s.strip()) for s in args.databases.split(",") if s.strip()]
    by_size = []
    for size in sizes:
        print(f"running {size} products ...", flush=True)
        by_size.append(run_size(size, args.latency_ms, databases))
        print()
        report_size(by_size[-1])
    report_memory(by_size)


if __name__ == "__main__":
    main()
