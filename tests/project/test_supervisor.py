"""The supervisor behind `make run`, on small real processes: who gets which signal, what
happens when one process dies or will not stop, and the exit code each case gives."""

from __future__ import annotations

import io
import signal
import sys
import threading
import time

import pytest

from bcsync.supervisor import Supervisor, stop_signal_for

PY = sys.executable

# Prints "up", then waits; SIGINT makes it exit with code 0, as runserver does.
POLITE = (f"{PY} -c 'import signal, sys, time; "
          "signal.signal(signal.SIGINT, lambda *_: sys.exit(0)); "
          "print(\"up\", flush=True); time.sleep(60)'")
STUBBORN = (f"{PY} -c 'import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
            "print(\"up\", flush=True); time.sleep(60)'")


def system_lines(output: str) -> list[str]:
    return [line.split("| ", 1)[1] for line in output.splitlines() if " system " in line]


def supervise(processes: dict[str, str], *, grace: float = 10.0,
              stops: int = 1) -> tuple[int, str, float]:
    """Run until every process printed "up", then ask `stops` times to stop."""
    output = io.StringIO()
    supervisor = Supervisor(processes, env={"PATH": "/usr/bin:/bin"}, cwd="/",
                            output=output, grace=grace)

    def stop_when_up() -> None:
        deadline = time.monotonic() + 30
        while output.getvalue().count("| up") < len(processes):
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        for _ in range(stops):
            supervisor.request_stop()
            time.sleep(0.3)

    if stops:
        threading.Thread(target=stop_when_up, daemon=True).start()
    started = time.monotonic()
    code = supervisor.run()
    return code, output.getvalue(), time.monotonic() - started


@pytest.mark.parametrize(("command", "expected"), [
    (".venv/bin/celery -A settings worker --loglevel INFO --concurrency 2", signal.SIGQUIT),
    ("celery -A settings worker -Q bulk", signal.SIGQUIT),
    (".venv/bin/celery -A settings beat --loglevel INFO", signal.SIGINT),
    (".venv/bin/python manage.py runserver --noreload 127.0.0.1:8000", signal.SIGINT),
    (".venv/bin/python -m bcemulator --port 8765", signal.SIGINT),
])
def test_each_process_is_asked_to_stop_the_way_it_stops_at_once(command, expected):
    assert stop_signal_for(command) == expected


def test_a_stop_asked_for_ends_every_process_and_exits_0():
    code, output, _ = supervise({"one": POLITE, "two": POLITE})
    assert code == 0, output
    assert system_lines(output) == ["Stopping one, two (Ctrl-C again stops them at once)."]
    assert "Traceback" not in output


def test_a_process_that_exits_by_itself_stops_the_others_and_gives_its_code(tmp_path):
    up = tmp_path / "steady-is-up"
    # steady says it is up once its SIGINT handler is in place; failing waits for that, so
    # the stop does not catch steady still starting.
    steady = (f"{PY} -c 'import pathlib, signal, sys, time; "
              "signal.signal(signal.SIGINT, lambda *_: sys.exit(0)); "
              f"pathlib.Path(\"{up}\").touch(); time.sleep(60)'")
    failing = (f"{PY} -c 'import pathlib, sys, time; "
               f"[time.sleep(0.05) for _ in range(600) if not pathlib.Path(\"{up}\").exists()]; "
               "sys.exit(3)'")
    code, output, _ = supervise({"steady": steady, "failing": failing}, stops=0)
    assert code == 3
    # steady stopped cleanly: nothing is said about it.
    assert system_lines(output) == ["failing exited by itself with code 3; stopping the others."]


def test_a_process_that_ignores_its_stop_is_killed_after_the_grace_and_named():
    code, output, took = supervise({"polite": POLITE, "stubborn": STUBBORN}, grace=1.5)
    assert code == 1
    assert system_lines(output) == [
        "Stopping polite, stubborn (Ctrl-C again stops them at once).",
        "stubborn did not stop within 2 s; killing.",
        "stubborn was killed while stopping.",
    ]
    assert took < 20


def test_a_second_ctrl_c_kills_at_once():
    code, output, took = supervise({"stubborn": STUBBORN}, grace=60, stops=2)
    assert code == 1
    assert "Stopping at once." in output
    assert took < 20
