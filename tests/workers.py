"""Celery workers as processes of their own, on the test database and the configured broker
(filesystem by default, Redis in CI), for what an in-process worker cannot show: a worker
killed with SIGKILL, two workers on two queues. Tests using them need
`django_db(transaction=True)`, so the workers see the rows the test commits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def worker_database_url() -> str:
    """The database this test runs on, as a DATABASE_URL for another process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


class WorkerProcess:
    """`celery worker` (solo pool: the task runs in the process we kill) on `queues`."""

    def __init__(self, queues: list[str], *, name: str, env: dict[str, str] | None = None):
        self.queues = queues
        self.name = name
        self.env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> WorkerProcess:
        env = {**os.environ, "DATABASE_URL": worker_database_url(), "PYTHONUNBUFFERED": "1",
               **self.env}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "settings", "worker", "--pool", "solo",
             "--queues", ",".join(self.queues), "--hostname", f"{self.name}@%h",
             "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, nothing cleaned up."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Cold shutdown (SIGQUIT): a test is over, its worker need not finish a long pass."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def log(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def close(self) -> None:
        self.stop()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> WorkerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def wait_for(check: Callable[[], Any], what: str, *, seconds: float = 60,
             every: float = 0.1, workers: tuple[WorkerProcess, ...] = ()) -> Any:
    """Poll `check` until it returns something true; fail with `what` (and the workers'
    logs) at the deadline. Never a fixed sleep: a loaded machine only takes longer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    logs = "\n".join(f"--- {w.name} ---\n{w.log()[-4000:]}" for w in workers)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}\n{logs}")
