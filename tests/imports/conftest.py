"""The demo-seeded emulator (24 customers in three groups, two shipping zones with three
methods), reseeded before each test; a store connection to it; the LC filled by a reload."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from bcemulator.process import EmulatorProcess
from bcsync.client import BigCommerceClient, LocalBudget
from bcsync.connections import connection_upsert
from bcsync.models import StoreConnection
from localcopy.services import lc_reload


@pytest.fixture(scope="session")
def emu() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed="demo") as process:
        yield process


@pytest.fixture
def store(emu: EmulatorProcess) -> EmulatorProcess:
    emu.faults()
    emu.seed("demo")
    emu.reset_stats()
    return emu


@pytest.fixture
def connection(store, settings) -> StoreConnection:
    settings.BIGCOMMERCE_CLIENT = {**settings.BIGCOMMERCE_CLIENT, "max_retries": 1,
                                   "max_retry_seconds": 2}
    conn, _ = connection_upsert(store_hash=store.store_hash, access_token=store.token,
                                api_url=store.base_url, description="Demo shop")
    return conn


@pytest.fixture
def client(store) -> Iterator[BigCommerceClient]:
    with BigCommerceClient(api_url=store.base_url, store_hash=store.store_hash,
                           access_token=store.token, budget=LocalBudget(),
                           max_retries=1, max_retry_seconds=2) as c:
        yield c


def lc_fill(connection: StoreConnection, client: BigCommerceClient,
            *datasets: str) -> None:
    """The LC as BigCommerce has it now (customers with their groups, by default)."""
    for dataset in datasets or ("customers",):
        summary = lc_reload(client=client, store_hash=connection.store_hash, dataset=dataset)
        assert summary.ok, summary.line()


class Api:
    """Plain HTTP to the emulator, independent of our client."""

    def __init__(self, emu: EmulatorProcess) -> None:
        self.emu = emu
        self.session = requests.Session()
        self.session.headers.update({"X-Auth-Token": emu.token, "Accept": "application/json"})

    def get(self, path: str, **params: Any) -> Any:
        resp = self.session.get(f"{self.emu.api_url}{path}", params=params, timeout=30)
        resp.raise_for_status()
        return resp.json()

    def send(self, method: str, path: str, body: Any) -> Any:
        resp = self.session.request(method, f"{self.emu.api_url}{path}", json=body, timeout=30)
        assert resp.ok, resp.text
        return resp.json()

    def customers(self, **params: Any) -> list[dict[str, Any]]:
        return self.get("/v3/customers", limit=250, **params)["data"]

    def customer_by_email(self, email: str) -> dict[str, Any] | None:
        found = self.customers(**{"email:in": email, "include": "addresses"})
        return found[0] if found else None

    def add_customer(self, **fields: Any) -> dict[str, Any]:
        return self.send("POST", "/v3/customers", [fields])["data"][0]

    def groups(self) -> list[dict[str, Any]]:
        return self.get("/v2/customer_groups", limit=250)

    def requests(self) -> int:
        return int(self.emu.stats()["total"])


@pytest.fixture
def api(store) -> Api:
    return Api(store)
