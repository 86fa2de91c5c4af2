"""Fixtures that run the BigCommerce emulator as a real process on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from bcemulator.process import EmulatorProcess


class Api:
    """A requests session bound to one emulator's store API."""

    def __init__(self, emu: EmulatorProcess, token: str | None = None) -> None:
        self.emu = emu
        self.session = requests.Session()
        self.session.headers.update({"X-Auth-Token": token or emu.token,
                                     "Accept": "application/json"})

    def url(self, path: str) -> str:
        return f"{self.emu.api_url}{path}"

    def request(self, method: str, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", 30)
        return self.session.request(method, self.url(path), **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.request("DELETE", path, **kw)


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorProcess]:
    """One demo-seeded emulator for the whole session; tests must not assume it is pristine."""
    with EmulatorProcess(seed="demo") as emu:
        yield emu


@pytest.fixture(scope="session")
def api(emulator: EmulatorProcess) -> Api:
    return Api(emulator)


@pytest.fixture
def emulator_factory() -> Iterator[Callable[..., EmulatorProcess]]:
    """Start extra emulators with their own options; all are stopped after the test."""
    started: list[EmulatorProcess] = []

    def make(**kwargs: Any) -> EmulatorProcess:
        emu = EmulatorProcess(**kwargs).start()
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()
