"""The POS demo and the emulator's demo store hold the same shared products.

Both sides are loaded for real (the POS demo into the test database, the emulator's
``--seed demo`` read over HTTP) and compared field by field: every DEMO SKU on the web store
agrees with the POS except for exactly the differences demo/catalog.py declares.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests

from bcemulator.process import EmulatorProcess
from catalog.demo import demo_catalog_load
from catalog.models import Item, StockLevel
from demo.catalog import (
    DEPARTMENTS,
    DIFFERENCES,
    DUPLICATE_NAME_SKU,
    ONLINE_LOCATION,
    STORE_CATEGORIES,
    Difference,
    demo_products,
    store_category_id,
)

pytestmark = [pytest.mark.emulator, pytest.mark.django_db]

CENTS, GRAMS = Decimal("0.01"), Decimal("0.001")
MONEY = ("price", "cost_price")
MEASURES = ("weight", "width", "height", "depth")
Facts = dict[tuple[str, str], Any]


@pytest.fixture(scope="module")
def store() -> Iterator[dict[str, Any]]:
    """The demo store as the API shows it: products with variants, category and brand names."""
    with EmulatorProcess(seed="demo") as emu:
        session = requests.Session()
        session.headers.update({"X-Auth-Token": emu.token, "Accept": "application/json"})

        def get(path: str, **params: Any) -> Any:
            r = session.get(f"{emu.api_url}{path}", params=params, timeout=30)
            r.raise_for_status()
            return r.json()

        products, page = [], 1
        while True:
            body = get("/v3/catalog/products", limit=250, page=page,
                       include="variants,custom_fields")
            products += body["data"]
            if page >= body["meta"]["pagination"]["total_pages"]:
                break
            page += 1
        yield {
            "products": products,
            "categories": {c["category_id"]: c["name"]
                           for c in get("/v3/catalog/trees/categories", limit=250)["data"]},
            "brands": {b["id"]: b["name"] for b in get("/v3/catalog/brands", limit=250)["data"]},
        }


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENTS)


def measure(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(GRAMS)


def web_facts(store: dict[str, Any]) -> Facts:
    """(SKU, field) -> value for every DEMO product and variant on the web store."""
    facts: Facts = {}
    for p in store["products"]:
        if not p["sku"].startswith("DEMO"):
            continue
        sku = p["sku"]
        facts.update({
            (sku, "name"): p["name"], (sku, "description"): p["description"],
            (sku, "brand"): store["brands"].get(p["brand_id"]),
            **{(sku, f): money(p[f]) for f in MONEY},
            **{(sku, f): measure(p[f]) for f in MEASURES},
            (sku, "upc"): p["upc"], (sku, "bin_number"): p["bin_picking_number"],
            (sku, "categories"): tuple(sorted(store["categories"][c] for c in p["categories"])),
            (sku, "custom_fields"): tuple((f["name"], f["value"]) for f in p["custom_fields"]),
        })
        options = [v for v in p["variants"] if v["option_values"]]
        facts[(sku, "variants")] = tuple(sorted(v["sku"] for v in options))
        facts[(sku, "stock")] = None if options else p["inventory_level"]
        for v in options:
            facts.update({
                (v["sku"], "options"): tuple(sorted((o["option_display_name"], o["label"])
                                                    for o in v["option_values"])),
                (v["sku"], "price"): money(p["price"] if v["price"] is None else v["price"]),
                (v["sku"], "weight"): measure(v["calculated_weight"]),
                (v["sku"], "barcode"): v["upc"],
                (v["sku"], "stock"): v["inventory_level"],
            })
    return facts


def pos_facts(skus: set[str]) -> Facts:
    """The same facts read from the POS tables, for the items with these SKUs."""
    stock = {(s.item_id, s.variant_id): s.on_hand for s in StockLevel.objects.filter(
        location__code=ONLINE_LOCATION, item__sku__in=skus)}
    facts: Facts = {}
    items = (Item.objects.filter(sku__in=skus).select_related("department", "brand")
             .prefetch_related("variants", "custom_values__definition"))
    for item in items:
        sku = item.sku
        variants = list(item.variants.all())
        facts.update({
            (sku, "name"): item.name, (sku, "description"): item.description,
            (sku, "brand"): item.brand.name if item.brand else None,
            **{(sku, f): money(getattr(item, f)) for f in MONEY},
            **{(sku, f): measure(getattr(item, f)) for f in MEASURES},
            (sku, "upc"): item.upc, (sku, "bin_number"): item.bin_number,
            # The default department -> category mapping: the category of the same name.
            (sku, "categories"): (item.department.name,),
            (sku, "custom_fields"): tuple((c.definition.name, c.value)
                                          for c in item.custom_values.all()),
            (sku, "variants"): tuple(sorted(v.sku for v in variants)),
            (sku, "stock"): None if variants else stock.get((item.pk, None)),
        })
        for v in variants:
            facts.update({
                (v.sku, "options"): tuple(sorted(v.option_values.items())),
                (v.sku, "price"): money(v.effective_price),
                (v.sku, "weight"): measure(v.effective_weight),
                (v.sku, "barcode"): v.barcode,
                (v.sku, "stock"): stock.get((item.pk, v.pk)),
            })
    return facts


def declared(diff: Difference) -> Any:
    """A declared online value in the form the comparison uses."""
    if diff.field in MONEY:
        return money(diff.online)
    if diff.field in MEASURES:
        return measure(diff.online)
    return diff.online


def disagreements(store: dict[str, Any]) -> dict[tuple[str, str], tuple[Any, Any]]:
    web = web_facts(store)
    pos = pos_facts({sku for sku, field in web if field == "name"})
    return {key: (pos.get(key), web.get(key)) for key in pos.keys() | web.keys()
            if pos.get(key) != web.get(key)}


def test_shared_products_agree_except_the_declared_differences(store):
    demo_catalog_load()
    found = disagreements(store)
    expected = {(d.sku, d.field) for d in DIFFERENCES}
    unexpected = {k: f"POS {v[0]!r} / web {v[1]!r}" for k, v in found.items()
                  if k not in expected}
    assert unexpected == {}
    assert set(found) == expected, "a declared difference is not a difference"
    for diff in DIFFERENCES:
        pos_value, web_value = found[(diff.sku, diff.field)]
        assert web_value == declared(diff), diff
        assert pos_value != declared(diff), diff


def test_the_store_numbers_its_categories_as_the_definition_says(store):
    """The demo connection maps departments to category ids from demo/catalog.py."""
    assert {store_category_id(name): name for name, _ in STORE_CATEGORIES} == \
        store["categories"]
    assert set(DEPARTMENTS) <= set(store["categories"].values())


def test_every_shared_sku_is_on_both_sides_and_pos_only_skus_are_not_online(store):
    demo_catalog_load()
    online = {p["sku"] for p in store["products"]}
    online |= {v["sku"] for p in store["products"] for v in p["variants"]}
    shared = {p.sku for p in demo_products() if p.online}
    assert shared and {s for s in online if s.startswith("DEMO")} >= shared
    assert Item.objects.filter(sku__in=shared).count() == len(shared)
    pos_only = list(Item.objects.filter(sku__startswith="DEMO").exclude(sku__in=shared)
                    .prefetch_related("variants"))
    assert len(pos_only) >= 100
    for item in pos_only:
        assert item.sku not in online
        assert not {v.sku for v in item.variants.all()} & online


def test_pos_only_items_upload_cleanly_but_one_whose_name_is_taken_online(store):
    """Names, departments (as categories) and brands of the POS-only items all exist or are
    free online, except one name: BigCommerce refuses that item as a duplicate."""
    demo_catalog_load()
    online_names = {p["name"].strip().lower(): p["sku"] for p in store["products"]}
    shared = {p.sku for p in demo_products() if p.online}
    pos_only = (Item.objects.filter(sku__startswith="DEMO").exclude(sku__in=shared)
                .select_related("department", "brand"))
    taken = {i.sku: online_names[i.name.strip().lower()] for i in pos_only
             if i.name.strip().lower() in online_names}
    assert list(taken) == [DUPLICATE_NAME_SKU]
    assert taken[DUPLICATE_NAME_SKU] and not taken[DUPLICATE_NAME_SKU].startswith("DEMO")
    categories, brands = set(store["categories"].values()), set(store["brands"].values())
    assert {i.department.name for i in pos_only} <= categories
    assert {i.brand.name for i in pos_only if i.brand} <= brands


def test_a_product_changed_on_one_side_only_is_caught(store):
    """The comparison itself can fail: one POS field edited is one more disagreement."""
    demo_catalog_load()
    Item.objects.filter(sku="DEMO0010").update(cost_price=Decimal("1.00"))
    assert ("DEMO0010", "cost_price") in disagreements(store)
