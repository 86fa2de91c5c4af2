"""`make run`'s stack for real: `manage.py run_all` starts the web app, a worker, beat and the
emulator, and a Ctrl-C (SIGINT) stops every one of them quietly.

It runs on SQLite and the embedded broker in a var folder of its own in both CI
configurations: the stack's database and broker must be its own, not the suite's."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from bcemulator.process import free_port

pytestmark = [pytest.mark.slow, pytest.mark.emulator, pytest.mark.worker]

ROOT = Path(__file__).resolve().parents[2]
NOT_QUIET = re.compile(r"Traceback|Error|ERROR|Exception|CRITICAL|killed|SIGKILL")


def stack_env(var: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL",
                        "CELERY_RESULT_BACKEND"}}
    env.update({"BCSYNC_VAR_DIR": str(var), "STATIC_ROOT": str(var / "staticfiles"),
                "BCSYNC_PUBLIC_URL": f"http://127.0.0.1:{port}",
                "DJANGO_SETTINGS_MODULE": "settings.settings", "PYTHONUNBUFFERED": "1"})
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def worker_heartbeats(var: Path) -> int:
    try:
        with sqlite3.connect(var / "bcsync.sqlite3", timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM bcsync_workerheartbeat").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def logs_in(base: str, password: str) -> bool:
    session = requests.Session()
    session.get(f"{base}/admin/login/", timeout=10)
    response = session.post(f"{base}/admin/login/?next=/admin/", timeout=10, data={
        "username": "admin", "password": password, "next": "/admin/",
        "csrfmiddlewaretoken": session.cookies["csrftoken"]}, allow_redirects=False)
    return response.status_code == 302 and response.headers["Location"] == "/admin/"


def test_run_all_serves_and_stops_quietly_on_ctrl_c(tmp_path):
    var = tmp_path / "var"
    port, emulator_port = free_port(), free_port()
    env = stack_env(var, port)
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", "from catalog.demo_admin import demo_admin_ensure; "
                               "demo_admin_ensure()")
    log = tmp_path / "run_all.log"
    with log.open("wb") as out:
        stack = subprocess.Popen(
            [sys.executable, "manage.py", "run_all", "--port", str(port),
             "--emulator-port", str(emulator_port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        ready = False
        while time.monotonic() < deadline and stack.poll() is None:
            text = log.read_text(errors="replace")
            # The web app answers, the worker said it is alive, the demo store is connected
            # and its Full Reloads are queued: the worker is busy when Ctrl-C comes.
            if ("Full Reload queued" in text and worker_heartbeats(var)
                    and listening(port)):
                ready = True
                break
            time.sleep(0.5)
        text = log.read_text(errors="replace")
        assert ready, f"the stack did not come up:\n{text[-4000:]}"
        password = re.search(r"Log in as: admin / (\S+)", text).group(1)
        assert password == (var / "demo_admin_password.txt").read_text().strip()
        assert logs_in(f"http://127.0.0.1:{port}", password)

        stack.send_signal(signal.SIGINT)
        code = stack.wait(timeout=90)
    finally:
        if stack.poll() is None:
            os.killpg(stack.pid, signal.SIGKILL)
            stack.wait()

    text = log.read_text(errors="replace")
    assert code == 0, text[-4000:]
    assert [line for line in text.splitlines() if NOT_QUIET.search(line)] == []
    assert "Stopping web, worker-realtime, worker-bulk, beat, emulator" in text
    assert not listening(port) and not listening(emulator_port)
    # The emulator's store went into the stack's var folder, not the app's var/.
    assert (var / "emulator.sqlite3").exists()
