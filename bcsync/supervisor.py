"""`make run`'s process supervisor: starts the Procfile's processes, relays their output and,
on Ctrl-C or SIGTERM, stops every one of them cleanly and quietly.

Honcho's manager (which this replaces; its Procfile parser and printer are still used) sent
SIGTERM to each process *group*: the worker's pool processes died mid-task and were logged as
errors, the worker itself was killed five seconds later, and `make` reported the exit code of
the signal. Here each process is asked the way it stops cleanly, only its main process is
signalled (the worker ends its own pool), and a stop that was asked for exits with 0.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TextIO

from honcho.colour import get_colours
from honcho.printer import Message, Printer

# How long the processes get to stop before they are killed; a Celery worker on the embedded
# broker takes about six seconds to close its pool and connection.
GRACE_SECONDS = 30.0
SYSTEM = "system"


def stop_signal_for(command: str) -> signal.Signals:
    """The signal that stops this command at once and cleanly.

    A Celery worker gets SIGQUIT, its cold shutdown: the task it is running stops and its
    message goes back to the queue, where SIGTERM's warm shutdown would wait for a Full Reload
    to finish. Everything else gets SIGINT, what Ctrl-C sends in a terminal, on which
    runserver, beat and the emulator exit with 0.
    """
    words = [os.path.basename(word) for word in shlex.split(command)]
    if "celery" in words and "worker" in words:
        return signal.SIGQUIT
    return signal.SIGINT


@dataclass
class Child:
    name: str
    command: str
    colour: str | None
    stop_signal: signal.Signals = field(init=False)
    process: subprocess.Popen[bytes] | None = None
    reader: threading.Thread | None = None
    killed: bool = False

    def __post_init__(self) -> None:
        self.stop_signal = stop_signal_for(self.command)

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.poll()

    @property
    def stopped_cleanly(self) -> bool:
        # Dying of the very signal that asked it to stop is stopping as asked.
        return not self.killed and self.returncode in (0, -self.stop_signal)


class Supervisor:
    def __init__(self, processes: Mapping[str, str], *, env: Mapping[str, str], cwd: str,
                 output: TextIO, grace: float = GRACE_SECONDS) -> None:
        colours = get_colours()
        self.children = [Child(name, command, next(colours))
                         for name, command in processes.items()]
        self.env = dict(env)
        self.cwd = cwd
        self.grace = grace
        self._printer = Printer(output, width=max([len(SYSTEM), *map(len, processes)]))
        self._print_lock = threading.Lock()
        self._stop_requests = 0
        self._wake = threading.Event()

    # ---- public ---------------------------------------------------------------------------

    def run(self) -> int:
        """Run until a process exits or a stop is requested; return the exit code: 0 when a
        stop was asked for and every process stopped cleanly."""
        handled = (signal.SIGINT, signal.SIGTERM)
        previous = {signum: signal.signal(signum, self._on_signal) for signum in handled}
        try:
            for child in self.children:
                self._start(child)
            exited = self._wait_for_stop_or_exit()
            if exited is None:
                names = ", ".join(child.name for child in self.children)
                self._say(f"Stopping {names} (Ctrl-C again stops them at once).")
            else:
                self._say(f"{exited.name} exited by itself with code {exited.returncode}; "
                          "stopping the others.")
            self._stop_all()
        except BaseException:
            self._stop_all()  # nothing is left running behind an error
            raise
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return self._exit_code(exited)

    def request_stop(self) -> None:
        """What Ctrl-C does: the first asks every process to stop, the second kills them."""
        self._stop_requests += 1
        self._wake.set()

    # ---- running --------------------------------------------------------------------------

    def _on_signal(self, signum: int, frame: object) -> None:
        self.request_stop()

    def _start(self, child: Child) -> None:
        # `exec`: the shell expands the Procfile's variables, then becomes the command, so a
        # signal to the pid reaches the program. A session of its own: the terminal's Ctrl-C
        # reaches this supervisor only, which then stops each process the way it should be.
        child.process = subprocess.Popen(
            ["/bin/sh", "-c", f"exec {child.command}"], cwd=self.cwd, env=self.env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True)
        child.reader = threading.Thread(target=self._relay, args=(child,), daemon=True,
                                        name=f"relay-{child.name}")
        child.reader.start()

    def _relay(self, child: Child) -> None:
        assert child.process is not None and child.process.stdout is not None
        for line in iter(child.process.stdout.readline, b""):
            self._print(child.name, child.colour, line)
        child.process.stdout.close()
        self._wake.set()

    def _wait_for_stop_or_exit(self) -> Child | None:
        while True:
            if self._stop_requests:
                return None
            for child in self.children:
                if child.returncode is not None:
                    return child
            self._wake.wait(0.2)
            self._wake.clear()

    # ---- stopping -------------------------------------------------------------------------

    def _running(self) -> list[Child]:
        return [child for child in self.children if child.returncode is None]

    def _stop_all(self) -> None:
        requests = self._stop_requests
        for child in self._running():
            self._signal(child, child.stop_signal)
        deadline = time.monotonic() + self.grace
        while self._running():
            if self._stop_requests > requests:
                self._say("Stopping at once.")
                break
            if time.monotonic() >= deadline:
                names = ", ".join(child.name for child in self._running())
                self._say(f"{names} did not stop within {self.grace:.0f} s; killing.")
                break
            self._wake.wait(0.1)
            self._wake.clear()
        for child in self._running():
            child.killed = True
        for child in self.children:
            # Also whatever the process left behind in its group (a pool process, say), so
            # nothing keeps a port, a file or the output pipe after `make run` returns.
            self._signal_group(child, signal.SIGKILL)
        for child in self.children:
            if child.process is not None:
                child.process.wait()
            if child.reader is not None:
                child.reader.join(timeout=5)

    def _signal(self, child: Child, signum: signal.Signals) -> None:
        if child.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.process.pid, signum)

    def _signal_group(self, child: Child, signum: signal.Signals) -> None:
        if child.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.process.pid, signum)

    def _exit_code(self, exited: Child | None) -> int:
        unclean = [child for child in self.children
                   if child is not exited and not child.stopped_cleanly]
        for child in unclean:
            how = "was killed" if child.killed else f"exited with code {child.returncode}"
            self._say(f"{child.name} {how} while stopping.")
        if exited is not None:
            code = exited.returncode or 1
            return code if code > 0 else 128 - code  # as a shell reports a signal
        return 1 if unclean else 0

    # ---- output ---------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self._print(SYSTEM, None, text)

    def _print(self, name: str, colour: str | None, data: bytes | str) -> None:
        now = datetime.datetime.now().astimezone()
        message = Message(type="line", data=data, time=now, name=name, colour=colour)
        with self._print_lock:
            self._printer.write(message)
