"""One demo-seeded emulator for the LC tests, reseeded before each test that uses `store`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from bcemulator.process import EmulatorProcess
from bcsync.client import BigCommerceClient, LocalBudget

STORE = "bcsyncdemo"


@pytest.fixture(scope="session")
def emu() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed="demo", store_hash=STORE) as process:
        yield process


@pytest.fixture
def store(emu: EmulatorProcess) -> EmulatorProcess:
    """The demo store, pristine: reseeded, faults off, request counters at zero."""
    emu.faults()
    emu.seed("demo")
    emu.reset_stats()
    return emu


def make_client(emu: EmulatorProcess, **kwargs: Any) -> BigCommerceClient:
    kwargs.setdefault("max_retries", 2)
    kwargs.setdefault("max_retry_seconds", 5)
    return BigCommerceClient(api_url=emu.base_url, store_hash=emu.store_hash,
                             access_token=emu.token, budget=LocalBudget(), **kwargs)


@pytest.fixture
def client(store: EmulatorProcess) -> Iterator[BigCommerceClient]:
    with make_client(store) as c:
        yield c


class Api:
    """Plain HTTP reads of the emulator, independent of our client, for comparisons."""

    def __init__(self, emu: EmulatorProcess) -> None:
        self.emu = emu
        self.session = requests.Session()
        self.session.headers.update({"X-Auth-Token": emu.token, "Accept": "application/json"})

    def get(self, path: str, **params: Any) -> Any:
        resp = self.session.get(f"{self.emu.api_url}{path}", params=params, timeout=30)
        resp.raise_for_status()
        return resp.json() if resp.status_code != 204 else []

    def all_v3(self, path: str, **params: Any) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            body = self.get(path, page=page, limit=250, **params)
            out.extend(body["data"])
            if page >= body["meta"]["pagination"]["total_pages"]:
                return out
            page += 1


@pytest.fixture
def api(store: EmulatorProcess) -> Api:
    return Api(store)


def without_variants(product: dict[str, Any]) -> dict[str, Any]:
    """A product as the LC stores its raw JSON: its variants live on their own rows."""
    return {k: v for k, v in product.items() if k != "variants"}
