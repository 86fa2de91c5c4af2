"""Seeds: determinism, the demo store's contents, and seeding speed."""

from __future__ import annotations

import time

import pytest

from .conftest import Api

pytestmark = pytest.mark.emulator


def all_products(api: Api) -> list[dict]:
    out, page = [], 1
    while True:
        body = api.get("/v3/catalog/products", params={
            "limit": 250, "page": page, "include": "variants,images,custom_fields"}).json()
        out.extend(body["data"])
        if page >= body["meta"]["pagination"]["total_pages"]:
            return out
        page += 1


def test_same_seed_same_store(emulator_factory):
    a = Api(emulator_factory(seed=300))
    b = Api(emulator_factory(seed=300))
    products_a = all_products(a)
    assert len(products_a) == 300
    assert products_a == all_products(b)
    assert all(len(p["variants"]) == 3 for p in products_a)
    assert [v["option_values"][0]["label"] for v in products_a[0]["variants"]] == ["S", "M", "L"]
    c = Api(emulator_factory(seed=301))
    assert all_products(c)[0] != products_a[0]


def test_demo_is_deterministic(emulator_factory):
    a = Api(emulator_factory(seed="demo"))
    b = Api(emulator_factory(seed="demo"))
    assert all_products(a) == all_products(b)
    def orders(api: Api) -> list[dict]:
        # Sub-resource links carry each emulator's own port; everything else must match.
        return [{k: v for k, v in o.items() if k not in ("products", "shipping_addresses",
                                                         "coupons")}
                for o in api.get("/v2/orders").json()]

    assert orders(a) == orders(b)
    assert a.get("/v3/customers").json() == b.get("/v3/customers").json()


def test_seed_zero_is_empty_but_has_location_and_statuses(emulator_factory):
    api = Api(emulator_factory(seed=0))
    assert api.get("/v3/catalog/products").json()["data"] == []
    assert api.get("/v2/orders").status_code == 204
    assert [x["id"] for x in api.get("/v3/inventory/locations").json()["data"]] == [1]
    assert len(api.get("/v2/order_statuses").json()) == 15


def test_demo_overlaps_pos_catalog_exactly(api):
    products = all_products(api)
    skus = {p["sku"] for p in products}
    demo = sorted(s for s in skus if s.startswith("DEMO"))
    assert demo[:150] == [f"DEMO{i:04d}" for i in range(1, 151)]
    assert "DEMO0151" not in skus and "DEMO0300" not in skus


def test_demo_has_the_awkward_cases(api):
    products = all_products(api)
    by_sku = {p["sku"]: p for p in products}
    assert {"WEB-TEE/01", "MUG.2"} <= set(by_sku)
    assert any(p["sku"] == "" for p in products)
    names = " ".join(p["name"] for p in products)
    for sample in ("抹茶", "Μέλι", "زيت", "Матрёшка", "Crème", "🚀"):
        assert sample in names
    assert any(len(p["categories"]) > 1 for p in products)
    assert any(p["inventory_level"] == 0 for p in products)
    assert any(len(p["variants"]) > 1 for p in products)
    trees = api.get("/v3/catalog/trees/categories").json()["data"]
    parents = {c["category_id"]: c["parent_id"] for c in trees}
    assert any(parents.get(parents[c]) for c in parents)  # at least three levels deep
    groups = {g["name"] for g in api.get("/v2/customer_groups").json()}
    assert {"Wholesale", "Retail"} <= groups
    statuses = {o["status_id"] for o in api.get("/v2/orders", params={"limit": 250}).json()}
    assert len(statuses) >= 5


def test_seeding_speed(emulator_factory):
    emu = emulator_factory(seed=0)
    started = time.perf_counter()
    summary = emu.seed(20000)
    elapsed = time.perf_counter() - started
    assert summary["products"] == 20000 and summary["variants"] == 60000
    print(f"seeded 20k products x 3 variants in {elapsed:.2f}s")
    api = Api(emu)
    started = time.perf_counter()
    body = api.get("/v3/catalog/products", params={
        "limit": 250, "page": 40, "include": "variants,images,custom_fields"}).json()
    page_ms = (time.perf_counter() - started) * 1000
    assert len(body["data"]) == 250
    print(f"page 40 of 250 products with variants in {page_ms:.0f} ms")
    assert elapsed < 60  # generous: measured, not a benchmark


def test_db_file_persists_between_runs(emulator_factory, tmp_path):
    db = str(tmp_path / "store.sqlite")
    first = emulator_factory(seed=5, db=db)
    order = first.place_order([{"product_id": 1, "variant_id": 1, "quantity": 1}])
    first.stop()
    second = emulator_factory(seed=None, db=db)
    api = Api(second)
    assert api.get(f"/v2/orders/{order['id']}").json()["id"] == order["id"]
    assert api.get("/v3/catalog/products").json()["meta"]["pagination"]["total"] == 5
    # ids keep counting from where the first run stopped
    again = second.place_order([{"product_id": 1, "variant_id": 2, "quantity": 1}])
    assert again["id"] == order["id"] + 1


def test_launcher_reports_startup_failure(emulator):
    from bcemulator.process import EmulatorError, EmulatorProcess

    clash = EmulatorProcess(seed=0, port=emulator.port, startup_timeout=10)
    try:
        with pytest.raises(EmulatorError, match=r"(?i)address already in use"):
            clash.start()
    finally:
        clash.stop()  # never leave a process behind, even if start() wrongly succeeded


def test_start_banner_names_url_hash_and_token(emulator):
    out = emulator.stdout()
    assert emulator.base_url in out
    assert "store hash: bcsyncdemo" in out and "emulator-token" in out
