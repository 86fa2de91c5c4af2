"""Walk every product (with variants) of an emulated store through bcsync's client and
through a bare `requests` + `json` loop, side by side in one run.

    .venv/bin/python bench/client_paging.py [--seed 10000] [--rounds 3]

Prints the requests each made (from the emulator's own stats), the minimum possible
(ceil(N / 250)), and the client's time as a ratio of the bare loop's (goal: requests equal
to the minimum; ratio <= 1.2). Rounds alternate the two loops so drift hits both alike.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bcemulator.process import EmulatorProcess
from bcsync.client import BigCommerceClient

MAX_PAGE = 250
INCLUDE = ("variants",)


def bare_walk(emulator: EmulatorProcess) -> int:
    session = requests.Session()
    session.headers.update({"X-Auth-Token": emulator.token, "Accept": "application/json"})
    url = f"{emulator.api_url}/v3/catalog/products"
    page, count = 1, 0
    while True:
        params: dict[str, str | int] = {"limit": MAX_PAGE, "page": page,
                                        "include": ",".join(INCLUDE)}
        response = session.get(url, params=params, timeout=60)
        response.raise_for_status()
        body = json.loads(response.content)
        count += len(body["data"])
        if page >= body["meta"]["pagination"]["total_pages"]:
            return count
        page += 1


def client_walk(emulator: EmulatorProcess) -> int:
    with BigCommerceClient(api_url=emulator.base_url, store_hash=emulator.store_hash,
                           access_token=emulator.token) as client:
        return sum(len(page.items)
                   for page in client.iter_product_pages(include=INCLUDE, limit=MAX_PAGE))


def measure(emulator: EmulatorProcess, walk) -> tuple[float, int, int]:
    emulator.reset_stats()
    started = time.perf_counter()
    count = walk(emulator)
    seconds = time.perf_counter() - started
    return seconds, count, emulator.stats()["total"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with EmulatorProcess(seed=args.seed, startup_timeout=300) as emulator:
        minimum = max(1, math.ceil(args.seed / MAX_PAGE))
        bare_walk(emulator)  # warm caches on both sides once
        times: dict[str, list[float]] = {"bare": [], "client": []}
        requests_made: dict[str, int] = {}
        counts: dict[str, int] = {}
        for _ in range(args.rounds):
            for name, walk in (("bare", bare_walk), ("client", client_walk)):
                seconds, count, made = measure(emulator, walk)
                times[name].append(seconds)
                requests_made[name], counts[name] = made, count

    bare, client = statistics.median(times["bare"]), statistics.median(times["client"])
    print(f"catalog: {args.seed} products with variants, page size {MAX_PAGE}, "
          f"{args.rounds} rounds (median)")
    print(f"  products read:        bare {counts['bare']}, client {counts['client']}")
    print(f"  requests (emulator):  bare {requests_made['bare']}, "
          f"client {requests_made['client']}, minimum {minimum}")
    print(f"  time:                 bare {bare:.2f} s, client {client:.2f} s")
    print(f"  client / bare ratio:  {client / bare:.3f}  (goal <= 1.2)")
    print(f"  requests = minimum:   {requests_made['client'] == minimum}")


if __name__ == "__main__":
    main()
