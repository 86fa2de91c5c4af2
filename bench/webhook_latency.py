"""How long a product changed on the store takes to reach the LC through a webhook.

    .venv/bin/python bench/webhook_latency.py [--changes 40] [--intervals 1.0,0.1]
                                              [--redis redis://127.0.0.1:6379/5]

The demo's own path, timed end to end: the emulator fires the webhook, the web app's
receiver records the refresh and sends the task, a `realtime` worker (as `make run` starts
it) takes it from the broker, re-reads the product from the emulator and writes the LC. One
broker hop. For each broker (the embedded filesystem broker at each polling interval given,
and Redis when --redis names one), in a child process with its own throwaway SQLite
database and var/ folder: a fresh emulator, the web app (runserver), one worker, the store
connected (webhooks registered), then `--changes` product edits one after the other, each
timed from the edit to the new name in the LC. Prints p50 / p95 / max per broker.
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def wait_http(url: str, seconds: float = 60) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def child(args: argparse.Namespace) -> None:
    """One broker: everything started here, measured, stopped; the result as a JSON line."""
    from bcemulator.process import EmulatorProcess, free_port

    workdir = Path(args.workdir)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
           "BCSYNC_VAR_DIR": str(workdir), "BCSYNC_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "DJANGO_SETTINGS_MODULE": "settings.settings", "PYTHONUNBUFFERED": "1",
           "LOG_LEVEL": "WARNING"}
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        env.pop(name, None)
    if args.broker == "redis":
        env["CELERY_BROKER_URL"] = args.redis
    else:
        env["CELERY_BROKER_POLLING_INTERVAL"] = str(args.interval)
    os.environ.update(env)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                   env=env, check=True)

    import django

    django.setup()
    from localcopy.models import LcProduct

    processes: list[subprocess.Popen[bytes]] = []
    log = open(workdir / "processes.log", "wb")  # noqa: SIM115 - closed below
    try:
        with EmulatorProcess(seed="demo") as emu:
            processes.append(subprocess.Popen(
                [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
            processes.append(subprocess.Popen(
                [python, "-m", "celery", "-A", "settings", "worker", "--queues", "realtime",
                 "--concurrency", "2", "--loglevel", "WARNING", "--hostname",
                 f"bench-{args.broker}@%h", "--without-gossip", "--without-mingle"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
            wait_http(f"http://127.0.0.1:{port}/admin/login/")
            subprocess.run(
                [python, "manage.py", "bcconnect", "--store-hash", emu.store_hash,
                 "--token", emu.token, "--api-url", emu.base_url],
                cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
            # Warm up: the worker's first task imports and connects.
            _timed_change(emu, LcProduct, 1, "warm-up", timeout=60)
            # The demo store's products 2..301, each edited once.
            seconds = [_timed_change(emu, LcProduct, 2 + i % 300, f"Latency {i}")
                       for i in range(args.changes)]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
    print(json.dumps({"seconds": seconds}))


def _timed_change(emu: Any, model: Any, product_id: int, name: str,
                  timeout: float = 30) -> float:
    t0 = time.perf_counter()
    emu.update_product(product_id, name=name)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if model.objects.filter(bc_id=product_id, name=name).exists():
            return time.perf_counter() - t0
        time.sleep(0.002)
    raise RuntimeError(f"product {product_id} did not reach the LC within {timeout} s")


def run_one(args: argparse.Namespace, broker: str, interval: float | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bcsync-latency-") as workdir:
        command = [sys.executable, __file__, "--child", "--workdir", workdir,
                   "--broker", broker, "--changes", str(args.changes)]
        if interval is not None:
            command += ["--interval", str(interval)]
        if args.redis:
            command += ["--redis", args.redis]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                timeout=900)
        if result.returncode != 0:
            log = Path(workdir, "processes.log")
            raise SystemExit(f"{broker} run failed:\n{result.stderr[-3000:]}\n"
                             f"{log.read_text()[-3000:] if log.exists() else ''}")
        return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=40)
    parser.add_argument("--intervals", default="1.0,0.1",
                        help="filesystem broker polling intervals to compare, seconds")
    parser.add_argument("--redis", default="", help="a Redis URL to measure as well")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--broker", help=argparse.SUPPRESS)
    parser.add_argument("--interval", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    runs: list[tuple[str, float | None]] = [
        ("filesystem", float(x)) for x in args.intervals.split(",") if x]
    if args.redis:
        runs.append(("redis", None))
    print(f"{args.changes} product edits each, one after the other; seconds from the edit "
          "on the emulator to the new name in the LC (webhook -> receiver -> broker -> "
          "realtime worker -> API read -> LC)\n")
    print(f"{'broker':<32} {'p50':>7} {'p95':>7} {'max':>7}")
    for broker, interval in runs:
        seconds = sorted(run_one(args, broker, interval)["seconds"])
        p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
        label = (f"filesystem, polling {interval:g} s" if broker == "filesystem"
                 else f"redis ({args.redis})")
        print(f"{label:<32} {statistics.median(seconds):7.3f} {p95:7.3f} {seconds[-1]:7.3f}",
              flush=True)


if __name__ == "__main__":
    main()
