"""Stock taken by orders reaches the LC without webhooks: the incremental orders pass reads
the products on new or changed orders again (stock moves change no date_modified)."""

from __future__ import annotations

import math

import pytest

from localcopy.models import LcProduct, LcRun, LcVariant
from localcopy.pulls import STOCK_CHUNK
from localcopy.services import lc_reload, lc_sync

from .conftest import STORE, without_variants

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]

INCLUDE = "variants,images,custom_fields"


def served(api, ids: list[int]) -> dict[int, dict]:
    """The emulator's own records of these products (with variants), by id."""
    body = api.get("/v3/catalog/products", **{"id:in": ",".join(map(str, ids)),
                                              "include": INCLUDE, "limit": 250})
    return {p["id"]: p for p in body["data"]}


def on_hand_at_default_location(api, product_id: int) -> dict[int, int]:
    """The inventory API's view: on hand at location 1 by variant id."""
    body = api.get("/v3/inventory/items", **{"product_id:in": product_id, "limit": 1000})
    return {item["identity"]["variant_id"]: next(
        loc["total_inventory_onhand"] for loc in item["locations"] if loc["location_id"] == 1)
        for item in body["data"]}


def assert_lc_stock_is_exact(api, ids: list[int]) -> None:
    now = served(api, ids)
    for pid in ids:
        product = LcProduct.objects.get(store_hash=STORE, bc_id=pid)
        assert product.inventory_level == now[pid]["inventory_level"], pid
        assert product.raw == without_variants(now[pid])
        variants = {v.bc_id: v.inventory_level
                    for v in LcVariant.objects.filter(store_hash=STORE, product_bc_id=pid)}
        assert variants == {v["id"]: v["inventory_level"] for v in now[pid]["variants"]}
        if now[pid]["inventory_tracking"] == "variant":
            assert variants == on_hand_at_default_location(api, pid)


def test_one_incremental_pass_brings_the_stock_that_orders_took(client, store, api):
    lc_reload(client=client, store_hash=STORE, dataset="all")
    multi = [p for p in LcProduct.objects.filter(store_hash=STORE)
             if p.variants.count() > 1 and p.inventory_tracking == "variant"][:3]
    simple = [p for p in LcProduct.objects.filter(store_hash=STORE, inventory_tracking="product")
              if p.inventory_level and p.inventory_level > 2][:2]
    before = {p.bc_id: p.inventory_level for p in multi + simple}
    for product in multi:
        variant = product.variants.filter(inventory_level__gt=1).first()
        store.place_order([{"product_id": product.bc_id, "variant_id": variant.bc_id,
                            "quantity": 1}], customer_id=1)
    store.place_order([{"product_id": p.bc_id, "quantity": 2} for p in simple])
    ids = sorted(before)
    assert all(served(api, ids)[pid]["inventory_level"] < before[pid] for pid in ids)
    store.reset_stats()

    summaries = {s.dataset: s for s in lc_sync(client=client, store_hash=STORE)}
    by_endpoint = store.stats()["by_endpoint"]

    assert all(s.ok for s in summaries.values()), summaries
    # The products' own pass sees nothing: stock moves change no date_modified.
    assert summaries["products"].updated == 0
    assert_lc_stock_is_exact(api, ids)
    # One product request is the products' pass; the others read the stock again.
    extra = by_endpoint["GET /v3/catalog/products"] - 1
    print(f"stock of {len(ids)} products on 4 new orders: {extra} extra request(s); "
          f"{summaries['orders'].line()}")
    assert extra == math.ceil(len(ids) / STOCK_CHUNK) == 1
    assert "GET /v3/inventory/items" not in by_endpoint
    run = LcRun.objects.filter(dataset="products", kind="incremental").latest("started_at")
    assert (run.ok, run.updated, run.requests) == (True, len(ids), 1)


def test_an_edit_that_drops_a_line_returns_its_stock_to_the_lc(client, store, api):
    lc_reload(client=client, store_hash=STORE, dataset="all")
    kept, dropped = [p.bc_id for p in LcProduct.objects.filter(
        store_hash=STORE, inventory_tracking="product", inventory_level__gt=3)[:2]]
    order = store.place_order([{"product_id": kept, "quantity": 1},
                               {"product_id": dropped, "quantity": 3}])
    lc_sync(client=client, store_hash=STORE)
    taken = LcProduct.objects.get(store_hash=STORE, bc_id=dropped).inventory_level
    store.edit_order(order["id"], [{"product_id": kept, "quantity": 1},
                                   {"product_id": dropped, "quantity": 0}])

    lc_sync(client=client, store_hash=STORE)

    assert LcProduct.objects.get(store_hash=STORE, bc_id=dropped).inventory_level == taken + 3
    assert_lc_stock_is_exact(api, [kept, dropped])


def test_an_idle_pass_reads_no_stock(client, store):
    lc_reload(client=client, store_hash=STORE, dataset="all")
    store.place_order([{"product_id": 1, "quantity": 1}])
    lc_sync(client=client, store_hash=STORE)
    store.reset_stats()

    lc_sync(client=client, store_hash=STORE)

    assert store.stats()["by_endpoint"].get("GET /v3/catalog/products") == 1
