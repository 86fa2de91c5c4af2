"""``python -m bcemulator``: run the fake BigCommerce store."""

from __future__ import annotations

import argparse
import os
import sys
import time

from . import DEFAULT_PORT, DEFAULT_STORE_HASH, DEFAULT_TOKEN
from .app import Config, Emulator
from .faults import FaultSettings
from .seed import seed_store, summary
from .server import serve


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bcemulator", description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    p.add_argument("--seed", default=None,
                   help="'demo' or a number of products (default: demo, unless --db already "
                        "holds a store)")
    p.add_argument("--store-hash", default=DEFAULT_STORE_HASH)
    p.add_argument("--token", default=DEFAULT_TOKEN)
    p.add_argument("--db", default=":memory:", help="SQLite file (default: in memory)")
    p.add_argument("--quota", type=int, default=10000, help="requests per window")
    p.add_argument("--window-ms", type=int, default=30000)
    p.add_argument("--fault-seed", type=int, default=0)
    p.add_argument("--error-rate", type=float, default=0.0)
    p.add_argument("--rate-limit-rate", type=float, default=0.0)
    p.add_argument("--reset-rate", type=float, default=0.0)
    p.add_argument("--reset-after-write-rate", type=float, default=0.0)
    p.add_argument("--slow-ms", type=int, default=0)
    p.add_argument("--slow-rate", type=float, default=1.0)
    p.add_argument("--webhook-retry-delays", default="0.2,0.5,1,2",
                   help="seconds between delivery attempts, comma-separated")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = p.parse_args(argv)
    if args.seed is not None and args.seed != "demo" and not args.seed.isdigit():
        p.error("--seed must be 'demo' or a non-negative number of products")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = Config(store_hash=args.store_hash, token=args.token, db=args.db,
                    quota=args.quota, window_ms=args.window_ms,
                    webhook_retry_delays=[float(x) for x in args.webhook_retry_delays.split(",")
                                          if x.strip()])
    emu = Emulator(config)
    emu.verbose = args.verbose
    emu.faults.configure(FaultSettings(
        error_rate=args.error_rate, rate_limit_rate=args.rate_limit_rate,
        reset_rate=args.reset_rate, reset_after_write_rate=args.reset_after_write_rate,
        slow_ms=args.slow_ms, slow_rate=args.slow_rate, seed=args.fault_seed))
    started = time.perf_counter()
    seed = args.seed
    if seed is None and (args.db == ":memory:" or emu.store.is_empty()):
        seed = "demo"
    if seed is not None:
        seed_store(emu, seed)
    seeded_in = time.perf_counter() - started
    server = serve(emu, args.host, args.port)
    host, port = server.server_address[:2]
    print(f"bcemulator listening on http://{host}:{port}", flush=True)
    print(f"  API base:   http://{host}:{port}/stores/{emu.store_hash}/v3 (and /v2)")
    print(f"  store hash: {emu.store_hash}")
    print(f"  token:      X-Auth-Token: {emu.config.token}")
    print(f"  control:    http://{host}:{port}/_emulator/health")
    print(f"  store:      {summary(emu)} (seeded in {seeded_in:.2f}s)", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
