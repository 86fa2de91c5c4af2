"""Start the emulator as a subprocess, for tests, benchmarks and demos (stdlib only).

    with EmulatorProcess(seed="demo") as emu:
        requests.get(f"{emu.base_url}/stores/{emu.store_hash}/v3/catalog/products",
                     headers={"X-Auth-Token": emu.token})
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from . import DEFAULT_STORE_HASH, DEFAULT_TOKEN

REPO_ROOT = Path(__file__).resolve().parent.parent


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmulatorError(RuntimeError):
    pass


class EmulatorProcess:
    def __init__(
        self,
        seed: str | int | None = "demo",
        *,
        port: int | None = None,
        host: str = "127.0.0.1",
        store_hash: str = DEFAULT_STORE_HASH,
        token: str = DEFAULT_TOKEN,
        db: str | None = None,
        quota: int | None = None,
        window_ms: int | None = None,
        fault_seed: int | None = None,
        faults: dict[str, float] | None = None,
        webhook_retry_delays: list[float] | None = None,
        startup_timeout: float = 30.0,
        python: str | None = None,
        extra_args: list[str] | None = None,
    ) -> None:
        self.initial_seed = seed
        self.host = host
        self.port = port or free_port(host)
        self.store_hash = store_hash
        self.token = token
        self.db = db
        self.quota = quota
        self.window_ms = window_ms
        self.fault_seed = fault_seed
        self.fault_flags = dict(faults or {})
        self.webhook_retry_delays = webhook_retry_delays
        self.startup_timeout = startup_timeout
        self.python = python or sys.executable
        self.extra_args = list(extra_args or [])
        self.proc: subprocess.Popen[bytes] | None = None
        self._stderr_file: Any = None
        self._stdout_file: Any = None

    # ---- addresses -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The API host; clients append ``/stores/{hash}/v3/...``."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/stores/{self.store_hash}"

    @property
    def control_url(self) -> str:
        return f"{self.base_url}/_emulator"

    # ---- lifecycle -------------------------------------------------------------------

    def command(self) -> list[str]:
        cmd = [self.python, "-m", "bcemulator", "--host", self.host, "--port", str(self.port),
               "--store-hash", self.store_hash, "--token", self.token]
        if self.initial_seed is not None:  # None: keep what --db already holds
            cmd += ["--seed", str(self.initial_seed)]
        if self.db:
            cmd += ["--db", self.db]
        if self.quota is not None:
            cmd += ["--quota", str(self.quota)]
        if self.window_ms is not None:
            cmd += ["--window-ms", str(self.window_ms)]
        if self.fault_seed is not None:
            cmd += ["--fault-seed", str(self.fault_seed)]
        for name, value in self.fault_flags.items():
            cmd += [f"--{name.replace('_', '-')}", str(value)]
        if self.webhook_retry_delays is not None:
            cmd += ["--webhook-retry-delays", ",".join(map(str, self.webhook_retry_delays))]
        return cmd + self.extra_args

    def start(self) -> EmulatorProcess:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
        env["PYTHONUNBUFFERED"] = "1"
        # Files, not pipes: a chatty emulator must never block on a full pipe buffer.
        self._stderr_file = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self._stdout_file = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(self.command(), cwd=str(REPO_ROOT), env=env,
                                     stdout=self._stdout_file, stderr=self._stderr_file)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                message = f"emulator exited with {self.proc.returncode}:\n{self.stderr()}"
                self.stop()
                raise EmulatorError(message)
            try:
                # The pid check makes sure the answer is ours, not another server's that
                # already holds the port.
                if self.health().get("pid") == self.proc.pid:
                    return self
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        message = f"emulator did not answer within {self.startup_timeout}s:\n{self.stderr()}"
        self.stop()
        raise EmulatorError(message)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        for f in (self._stdout_file, self._stderr_file):
            if f is not None:
                f.close()
        self._stdout_file = self._stderr_file = None

    def stderr(self) -> str:
        if self._stderr_file is None:
            return ""
        self._stderr_file.seek(0)
        return self._stderr_file.read().decode(errors="replace")

    def stdout(self) -> str:
        if self._stdout_file is None:
            return ""
        self._stdout_file.seek(0)
        return self._stdout_file.read().decode(errors="replace")

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- control API -----------------------------------------------------------------

    def control(self, method: str, path: str, body: Any = None, timeout: float = 120) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.control_url}/{path.lstrip('/')}", data=data, method=method,
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")
            raise EmulatorError(f"{method} /_emulator/{path} -> {exc.code}: {detail}") from exc

    def health(self) -> dict[str, Any]:
        return self.control("GET", "health", timeout=2)

    def stats(self) -> dict[str, Any]:
        return self.control("GET", "stats")

    def reset_stats(self) -> None:
        self.control("POST", "stats/reset", {})

    def reset(self) -> dict[str, Any]:
        return self.control("POST", "reset", {})

    def seed(self, seed: str | int) -> dict[str, Any]:
        """Replace the store contents with ``seed`` ('demo' or a product count)."""
        return self.control("POST", "seed", {"seed": seed}, timeout=600)

    def faults(self, **settings: float) -> dict[str, Any]:
        return self.control("POST", "faults", settings)

    def ratelimit(self, quota: int, window_ms: int) -> dict[str, Any]:
        return self.control("POST", "ratelimit", {"quota": quota, "window_ms": window_ms})

    def place_order(self, lines: list[dict[str, Any]], customer_id: int = 0,
                    status_id: int = 11, email: str | None = None, **extra: Any
                    ) -> dict[str, Any]:
        return self.control("POST", "place-order", {
            "customer_id": customer_id, "status_id": status_id, "email": email,
            "lines": lines, **extra})

    def edit_order(self, order_id: int, lines: list[dict[str, Any]]) -> dict[str, Any]:
        return self.control("POST", "edit-order", {"order_id": order_id, "lines": lines})

    def update_product(self, product_id: int, **fields: Any) -> dict[str, Any]:
        return self.control("POST", "update-product", {"id": product_id, **fields})

    def delete_product(self, product_id: int) -> dict[str, Any]:
        return self.control("POST", "delete-product", {"id": product_id})

    def webhook_deliveries(self) -> dict[str, Any]:
        return self.control("GET", "webhooks/deliveries")
