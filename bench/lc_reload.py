"""LC Full Reload and incremental passes against an emulated store of N products.

    .venv/bin/python bench/lc_reload.py [--sizes 10000,100000] [--latency-ms 100]

For each size, a fresh emulator (`--seed N`: N products with 3 variants each) and a fresh
child process (its own throwaway SQLite database, so its peak RSS is the reload's alone)
measure:

- requests made by a product Full Reload (the emulator's own count) vs ceil(N/250);
- the reload's time as a ratio of a bare loop that downloads and json-parses the same pages
  with `requests` (goal <= 1.5). The reload runs first, against a cold emulator; then both
  again with --latency-ms added to every response (the emulator's slow_ms fault), closer to
  a real store, where fetching the next page overlaps writing the current one;
- the child's peak RSS after the reload (goal: 100k within 10% of 10k);
- an incremental pass of every dataset with nothing changed (goal: 1 request per dataset,
  0 rows written), then with 100 products changed through the control API.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGE = 250
INCLUDE = "variants,images,custom_fields"
CHANGED = 100


def session_for() -> requests.Session:
    return requests.Session()


# -- the child: one size, its own database -----------------------------------------------------


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(args: argparse.Namespace) -> None:
    workdir = Path(args.workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["BCSYNC_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.settings")
    import logging

    import django

    django.setup()
    logging.getLogger("bcsync.client").setLevel(logging.WARNING)
    from django.conf import settings
    from django.core.management import call_command

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

    out: dict[str, Any] = {"size": args.size, "rss_after_setup_mb": rss_mb(),
                           "latency_ms": args.latency_ms}

    def bare_loop() -> tuple[float, int]:
        session = session_for()
        session.headers.update({"X-Auth-Token": args.token, "Accept": "application/json"})
        url = f"{args.base_url}/stores/{store}/v3/catalog/products"
        t0 = time.perf_counter()
        page, items = 1, 0
        while True:
            response = session.get(url, timeout=120,
                                   params={"include": INCLUDE, "limit": PAGE, "page": page})
            response.raise_for_status()
            body = json.loads(response.content)
            items += len(body["data"])
            if page >= body["meta"]["pagination"]["total_pages"]:
                return time.perf_counter() - t0, items
            page += 1

    def reload() -> tuple[float, str]:
        with client() as c:
            t0 = time.perf_counter()
            summary = lc_reload(client=c, store_hash=store, dataset="products")
            seconds = time.perf_counter() - t0
        assert summary.ok, summary.error
        return seconds, summary.line()

    # First against a cold emulator and an empty LC: the reload bears the cold start.
    reset_stats()
    out["reload_s"], out["reload_line"] = reload()
    out["reload_requests"] = stats()["total"]
    out["rss_after_reload_mb"] = rss_mb()
    out["bare_s"], out["bare_items"] = bare_loop()

    # Again with every response delayed, as a real store's are: the next page is fetched
    # while the current one is written, so the LC's own cost hides behind the wait.
    if args.latency_ms:
        requests.post(f"{control}/faults", json={"slow_ms": args.latency_ms},
                      timeout=60).raise_for_status()
        lc_delete(store_hash=store, datasets=["products"])
        out["slow_reload_s"], _ = reload()
        out["slow_bare_s"], _ = bare_loop()
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
    print("RESULT " + json.dumps(out), flush=True)


# -- the parent: one emulator and one child per size ---------------------------------------------


def run_size(size: int, latency_ms: int) -> dict[str, Any]:
    from bcemulator.process import EmulatorProcess

    started = time.perf_counter()
    with EmulatorProcess(seed=size, startup_timeout=900, quota=1_000_000) as emu, \
            tempfile.TemporaryDirectory(prefix="lcbench") as workdir:
        seeded = time.perf_counter() - started
        cmd = [sys.executable, __file__, "--child", "--size", str(size), "--workdir", workdir,
               "--base-url", emu.base_url, "--store-hash", emu.store_hash, "--token",
               emu.token, "--latency-ms", str(latency_ms)]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"child for {size} failed:\n{proc.stdout}\n{proc.stderr}")
        line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
        result = json.loads(line[len("RESULT "):])
        result["seed_s"] = seeded
        return result


def report(results: list[dict[str, Any]]) -> None:
    print()
    for r in results:
        n = r["size"]
        minimum = max(1, math.ceil(n / PAGE))
        ratio = r["reload_s"] / r["bare_s"]
        print(f"== {n} products ({3 * n} variants), emulator seeded in {r['seed_s']:.1f} s")
        print(f"  Full Reload requests:   {r['reload_requests']} "
              f"(minimum ceil({n}/{PAGE}) = {minimum}) "
              f"{'OK' if r['reload_requests'] == minimum else 'ABOVE MINIMUM'}")
        print(f"  Full Reload time:       {r['reload_s']:.2f} s; bare requests+json loop "
              f"{r['bare_s']:.2f} s; ratio {ratio:.2f} (goal <= 1.5) "
              f"{'OK' if ratio <= 1.5 else 'OVER'}")
        print(f"  {r['reload_line']}")
        if "slow_reload_s" in r:
            slow = r["slow_reload_s"] / r["slow_bare_s"]
            print(f"  With {r['latency_ms']} ms per response: "
                  f"Full Reload {r['slow_reload_s']:.2f} s, "
                  f"bare loop {r['slow_bare_s']:.2f} s, ratio {slow:.2f} "
                  f"{'OK' if slow <= 1.5 else 'OVER'}")
        print(f"  Peak RSS:               {r['rss_after_setup_mb']:.1f} MB after setup, "
              f"{r['rss_after_reload_mb']:.1f} MB after the reload, "
              f"{r['rss_peak_mb']:.1f} MB at the end")
        idle = r["idle"]
        print("  Incremental, nothing changed (requests / rows written per dataset):")
        for name, v in idle.items():
            print(f"    {name:<11} {v['requests']} / {v['written']}  ({v['kind']})")
        print(f"    total {sum(v['requests'] for v in idle.values())} requests "
              f"(emulator counted {r['idle_emulator_requests']}), "
              f"{sum(v['written'] for v in idle.values())} rows written")
        c = r["changed"]
        print(f"  Incremental, {c['products']} products changed: {c['requests']} requests "
              f"(emulator counted {c['emulator_requests']}), {c['written']} rows written")
        print(f"    {c['line']}")
    if len(results) > 1:
        small, large = results[0], results[-1]
        growth = large["rss_after_reload_mb"] / small["rss_after_reload_mb"] - 1
        print(f"\nPeak RSS after reload, {small['size']} vs {large['size']}: "
              f"{small['rss_after_reload_mb']:.1f} MB vs {large['rss_after_reload_mb']:.1f} MB "
              f"({growth:+.1%}; goal within 10%) {'OK' if abs(growth) <= 0.10 else 'OVER'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="comma-separated product counts (default 10000,100000)")
    parser.add_argument("--latency-ms", type=int, default=100,
                        help="also time both loops with this delay per response (0: skip)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--store-hash", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    for size in sizes:
        print(f"running {size} products ...", flush=True)
        results.append(run_size(size, args.latency_ms))
    report(results)


if __name__ == "__main__":
    main()
