"""Rate-limit headers and 429s, deterministic faults, control API stats."""

from __future__ import annotations

import pytest
import requests

from .conftest import Api

pytestmark = pytest.mark.emulator

LIMIT_HEADERS = ("X-Rate-Limit-Time-Window-Ms", "X-Rate-Limit-Time-Reset-Ms",
                 "X-Rate-Limit-Requests-Quota", "X-Rate-Limit-Requests-Left")


def test_rate_limit_headers_and_429(emulator_factory):
    emu = emulator_factory(seed=0, quota=5, window_ms=60000)
    api = Api(emu)
    lefts = []
    for _ in range(5):
        r = api.get("/v2/time")
        assert r.status_code == 200
        assert all(h in r.headers for h in LIMIT_HEADERS)
        lefts.append(int(r.headers["X-Rate-Limit-Requests-Left"]))
    assert lefts == [4, 3, 2, 1, 0]
    assert r.headers["X-Rate-Limit-Requests-Quota"] == "5"
    assert r.headers["X-Rate-Limit-Time-Window-Ms"] == "60000"
    r = api.get("/v3/catalog/products")
    assert r.status_code == 429
    assert r.json() == {"status": 429, "title": "Too many requests",
                        "type": "/api-docs/getting-started/api-status-codes", "errors": {}}
    assert 0 < int(r.headers["X-Rate-Limit-Time-Reset-Ms"]) <= 60000
    assert 1 <= int(r.headers["X-Retry-After"]) <= 60
    # The control API is never limited.
    assert emu.health()["ok"]


def test_rate_limit_window_resets(emulator_factory):
    import time

    emu = emulator_factory(seed=0, quota=2, window_ms=300)
    api = Api(emu)
    assert [api.get("/v2/time").status_code for _ in range(3)] == [200, 200, 429]
    time.sleep(0.35)
    assert api.get("/v2/time").status_code == 200


def outcomes(api: Api, n: int) -> list[str]:
    seen = []
    for _ in range(n):
        try:
            r = api.get("/v2/time")
            seen.append(str(r.status_code))
        except requests.ConnectionError:
            seen.append("reset")
    return seen


def test_faults_are_deterministic_per_seed(emulator_factory):
    emu = emulator_factory(seed=0)
    api = Api(emu)
    settings = {"error_rate": 0.2, "rate_limit_rate": 0.1, "reset_rate": 0.1, "seed": 7}
    emu.faults(**settings)
    first = outcomes(api, 60)
    emu.faults(**settings)
    second = outcomes(api, 60)
    assert first == second
    assert {"429", "reset", "200"} <= set(first)
    assert {"500", "502", "503"} & set(first)
    emu.faults(**{**settings, "seed": 8})
    assert outcomes(api, 60) != first
    emu.faults()  # all off
    assert set(outcomes(api, 10)) == {"200"}
    # Faults never touch the control API.
    emu.faults(error_rate=1.0, seed=1)
    assert emu.health()["ok"] and emu.stats()["total"] > 0
    emu.faults()


def test_fault_flags_at_start_and_error_bodies(emulator_factory):
    emu = emulator_factory(seed=0, fault_seed=3, faults={"error_rate": 1.0})
    api = Api(emu)
    r = api.get("/v3/catalog/products")
    assert r.status_code in (500, 502, 503) and r.json()["status"] == r.status_code
    r = api.get("/v2/orders")
    assert r.status_code in (500, 502, 503) and r.json()[0]["status"] == r.status_code


def test_reset_after_write_applies_the_write(emulator_factory):
    emu = emulator_factory(seed=0)
    api = Api(emu)
    emu.faults(reset_after_write_rate=1.0, seed=1)
    name = "Written then reset"
    with pytest.raises(requests.ConnectionError):
        api.post("/v3/catalog/products", json={"name": name, "type": "physical", "weight": 1,
                                               "price": 1})
    emu.faults()
    found = api.get("/v3/catalog/products", params={"name": name}).json()["data"]
    assert len(found) == 1
    # A reset *before* the write leaves nothing behind.
    emu.faults(reset_rate=1.0, seed=1)
    with pytest.raises(requests.ConnectionError):
        api.post("/v3/catalog/products", json={"name": "Never written", "type": "physical",
                                               "weight": 1, "price": 1})
    emu.faults()
    assert api.get("/v3/catalog/products", params={"name": "Never written"}).json()[
        "data"] == []


def test_slow_responses(emulator_factory):
    import time

    emu = emulator_factory(seed=0)
    api = Api(emu)
    emu.faults(slow_ms=300, seed=1)
    started = time.perf_counter()
    assert api.get("/v2/time").status_code == 200
    assert time.perf_counter() - started >= 0.3
    emu.faults()


def test_stats_count_by_template(emulator_factory):
    emu = emulator_factory(seed="demo")
    api = Api(emu)
    emu.reset_stats()
    api.get("/v3/catalog/products")
    api.get("/v3/catalog/products/1")
    api.get("/v3/catalog/products/2")
    requests.get(f"{emu.api_url}/v2/orders", timeout=10)  # 401s count too
    stats = emu.stats()
    assert stats["total"] == 4
    assert stats["by_endpoint"] == {"GET /v3/catalog/products": 1,
                                    "GET /v3/catalog/products/{product_id}": 2,
                                    "GET /v2/orders": 1}
    emu.reset_stats()
    assert emu.stats() == {"total": 0, "by_endpoint": {}}
