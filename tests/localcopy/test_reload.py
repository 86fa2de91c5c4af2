"""Full Reload mirrors the store exactly, in ceil(N/250) product requests, and removes what
BigCommerce no longer has."""

from __future__ import annotations

import json
import math
import sqlite3
from decimal import Decimal

import pytest

from bcemulator.process import EmulatorProcess
from localcopy.datasets import dataset_spec
from localcopy.models import (
    LcBrand,
    LcCategory,
    LcCustomer,
    LcCustomerGroup,
    LcLocation,
    LcOrder,
    LcOrderLine,
    LcProduct,
    LcRun,
    LcShippingAddress,
    LcShippingMethod,
    LcStatus,
    LcVariant,
)
from localcopy.parsing import read_datetime
from localcopy.pulls import write_orders
from localcopy.runs import Tally
from localcopy.services import lc_reload

from .conftest import STORE, make_client, without_variants

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]


def money(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.0001"))


def test_a_product_reload_mirrors_every_product_and_variant_exactly(client, api):
    summary = lc_reload(client=client, store_hash=STORE, dataset="products")

    served = api.all_v3("/v3/catalog/products", include="variants,images,custom_fields")
    assert summary.ok and summary.inserted == len(served) and summary.problems == []
    assert LcProduct.objects.filter(store_hash=STORE).count() == len(served)
    rows = {p.bc_id: p for p in LcProduct.objects.filter(store_hash=STORE)}
    variants = {v.bc_id: v for v in LcVariant.objects.filter(store_hash=STORE)}
    assert len(variants) == sum(len(p["variants"]) for p in served)
    for product in served:
        row = rows[product["id"]]
        # Each raw document once: the product without its variants, each variant on its row.
        assert row.raw == without_variants(product) and "variants" in product
        assert (row.name, row.sku, row.upc) == (product["name"], product["sku"], product["upc"])
        assert row.price == money(product["price"])
        assert row.cost_price == money(product["cost_price"])
        assert row.inventory_level == product["inventory_level"]
        assert row.inventory_tracking == product["inventory_tracking"]
        assert row.is_visible == product["is_visible"]
        assert row.brand_id == (product["brand_id"] or None)
        assert row.category_ids == product["categories"]
        assert row.bin_picking_number == product["bin_picking_number"]
        assert row.date_modified == read_datetime(product["date_modified"])
        for variant in product["variants"]:
            v = variants[variant["id"]]
            assert v.product_id == row.pk and v.product_bc_id == product["id"]
            assert v.raw == variant
            assert (v.sku, v.upc) == (variant["sku"], variant["upc"])
            assert v.price == money(variant["price"])
            assert v.inventory_level == variant["inventory_level"]
            assert v.is_base == (not variant["option_values"])
            for ov in variant["option_values"]:
                assert f"{ov['option_display_name']}: {ov['label']}" in v.option_label


def test_a_product_reload_makes_the_minimum_number_of_requests(client, store):
    summary = lc_reload(client=client, store_hash=STORE, dataset="products")

    minimum = math.ceil(LcProduct.objects.count() / 250)
    assert summary.requests == minimum
    assert store.stats()["by_endpoint"] == {"GET /v3/catalog/products": minimum}


def test_progress_and_the_run_are_recorded(client):
    seen = []
    lc_reload(client=client, store_hash=STORE, dataset="products",
              progress=lambda s: seen.append((s.state, s.items_done, s.items_total)))

    status = LcStatus.objects.get(store_hash=STORE, dataset="products")
    assert status.state == LcStatus.State.IDLE and status.run_token == ""
    assert (status.items_done, status.items_total) == (400, 400)
    assert status.row_count == 400 and status.last_full_reload_at and status.watermark
    assert ("running", 250, 400) in seen and seen[-1][0] == "idle"
    run = LcRun.objects.get(store_hash=STORE, dataset="products")
    assert (run.kind, run.ok, run.inserted, run.requests) == ("full", True, 400, 2)


@pytest.mark.parametrize("dataset", ["products", "categories", "brands", "orders",
                                      "customers", "carriers"])
def test_progress_and_row_count_agree_in_records_even_over_several_lists(client, dataset):
    seen = []
    lc_reload(client=client, store_hash=STORE, dataset=dataset,
              progress=lambda s: seen.append((s.items_done, s.items_total)))

    status = LcStatus.objects.get(store_hash=STORE, dataset=dataset)
    owned = sum(model.objects.filter(store_hash=STORE).count()
                for model in dataset_spec(dataset).models)
    # Customers count their groups, carriers their locations and shipping methods: the rows
    # the panel shows are the records the bar counted.
    assert status.row_count == owned == status.items_done == status.items_total > 0
    assert all(total is None or done <= total for done, total in seen), seen


def test_a_second_reload_updates_and_removes_products_gone_from_bigcommerce(client, store):
    lc_reload(client=client, store_hash=STORE, dataset="products")
    store.delete_product(5)
    store.update_product(6, name="Renamed by the test")

    summary = lc_reload(client=client, store_hash=STORE, dataset="products")

    # Only the renamed product is written; the other 398 are read, found unchanged, kept.
    assert (summary.inserted, summary.updated, summary.deleted) == (0, 1, 1)
    assert summary.skipped == 398
    assert not LcProduct.objects.filter(bc_id=5).exists()
    assert not LcVariant.objects.filter(product_bc_id=5).exists()
    assert LcProduct.objects.get(bc_id=6).name == "Renamed by the test"


def test_orders_come_with_their_lines_and_shipping_addresses(client, api, store):
    store.reset_stats()
    summary = lc_reload(client=client, store_hash=STORE, dataset="orders")
    counted = store.stats()["by_endpoint"]

    served = api.get("/v2/orders", limit=250)
    assert summary.ok and summary.inserted == len(served)
    # The lines and addresses come inside each order: one request per page of orders.
    assert counted == {"GET /v2/orders": 1} and summary.requests == 1
    # What is stored is what the per-order endpoints serve, raw JSON included; the order's
    # own raw is the order as served without the include.
    for bare in served:
        order = LcOrder.objects.get(bc_id=bare["id"])
        assert order.raw == bare
        assert [x.raw for x in order.lines.order_by("bc_id")] == api.get(
            f"/v2/orders/{order.bc_id}/products")
        assert [x.raw for x in order.shipping_addresses.order_by("bc_id")] == api.get(
            f"/v2/orders/{order.bc_id}/shipping_addresses")
    assert LcShippingAddress.objects.count() >= len(served)


def mirrored_orders() -> dict[str, list[dict]]:
    """Every order row with its lines and addresses, as comparable values (no pk, no
    write time)."""
    skip = {"id", "order", "order_id", "synced_at", "created_at", "updated_at", "raw_hash",
            "raw_json"}

    def rows(model) -> list[dict]:
        return [{k: v for k, v in row.items() if k not in skip}
                for row in model.objects.order_by("bc_id").values()]

    return {"orders": rows(LcOrder), "lines": rows(LcOrderLine),
            "addresses": rows(LcShippingAddress),
            "parents": list(LcOrderLine.objects.order_by("bc_id")
                            .values_list("bc_id", "order__bc_id"))
            + list(LcShippingAddress.objects.order_by("bc_id")
                   .values_list("bc_id", "order__bc_id"))}


def test_orders_without_consignments_are_read_per_order_into_the_same_rows(client, store):
    """A store that ignores the include sends bare orders: their lines and addresses are
    then fetched per order, and the rows are the same as from the consignments."""
    lc_reload(client=client, store_hash=STORE, dataset="orders")
    from_consignments = mirrored_orders()
    LcOrder.objects.all().delete()
    bare = [o for page in client.iter_order_pages() for o in page.items]
    assert bare and not any("consignments" in o for o in bare)
    store.reset_stats()

    write_orders(None, client=client, store_hash=STORE, items=bare, full=True,
                 tally=Tally(client=client, store_hash=STORE, dataset="orders", kind="full"))

    assert store.stats()["by_endpoint"] == {
        "GET /v2/orders/{order_id}/products": len(bare),
        "GET /v2/orders/{order_id}/shipping_addresses": len(bare)}
    assert mirrored_orders() == from_consignments
    assert LcOrderLine.objects.count() > len(bare)


def test_a_reload_of_orders_costs_one_request_per_page(client, store, api):
    for n in range(260):  # custom lines: no stock to run out of
        store.place_order([{"name": f"Gift wrap {n}", "quantity": 2, "price_inc_tax": 3}])
    count = api.get("/v2/orders/count")["count"]
    assert count > 250
    store.reset_stats()

    summary = lc_reload(client=client, store_hash=STORE, dataset="orders")

    pages = math.ceil(count / 250)
    assert summary.ok and summary.inserted == count
    assert store.stats()["by_endpoint"] == {"GET /v2/orders": pages}
    assert summary.requests == pages
    assert LcOrderLine.objects.filter(name__startswith="Gift wrap", quantity=2).count() == 260
    assert LcShippingAddress.objects.values("order_id").distinct().count() == count


def test_reloading_unchanged_orders_fetches_no_lines_again(client, store):
    lc_reload(client=client, store_hash=STORE, dataset="orders")
    written = dict(LcOrderLine.objects.values_list("bc_id", "synced_at"))
    edited = LcOrder.objects.order_by("bc_id").first()
    line = edited.lines.order_by("bc_id")[0].bc_id
    store.edit_order(edited.bc_id, [{"id": line, "quantity": 9}])
    store.reset_stats()

    summary = lc_reload(client=client, store_hash=STORE, dataset="orders")

    # No request per order at all, changed or not: the lines come with the order list.
    assert summary.ok and summary.requests == 1
    assert store.stats()["by_endpoint"] == {"GET /v2/orders": 1}
    assert summary.updated == 1 and summary.skipped == LcOrder.objects.count() - 1
    # Only the edited line is written again.
    rewritten = {bc_id for bc_id, at in LcOrderLine.objects.values_list("bc_id", "synced_at")
                 if written.get(bc_id) != at}
    assert rewritten == {line} and LcOrderLine.objects.get(bc_id=line).quantity == 9


def test_every_other_category_is_mirrored(client, api):
    summary = lc_reload(client=client, store_hash=STORE, dataset="all")

    assert summary.ok, summary.error
    assert LcCategory.objects.count() == len(api.all_v3("/v3/catalog/trees/categories"))
    assert LcBrand.objects.count() == len(api.all_v3("/v3/catalog/brands"))
    assert LcCustomer.objects.count() == len(api.all_v3("/v3/customers"))
    assert LcCustomerGroup.objects.count() == len(api.get("/v2/customer_groups"))
    assert LcLocation.objects.count() == len(api.all_v3("/v3/inventory/locations"))
    zones = api.get("/v2/shipping/zones")
    assert LcShippingMethod.objects.count() == sum(
        len(api.get(f"/v2/shipping/zones/{z['id']}/methods")) for z in zones)
    child = LcCategory.objects.exclude(parent_bc_id=None).first()
    assert child.tree_id == 1 and child.raw["parent_id"] == child.parent_bc_id
    assert set(LcStatus.objects.values_list("state", flat=True)) == {"idle"}


def test_unicode_and_longest_allowed_values_round_trip(client, store):
    name = ("Ελληνικό μέλι 😀 " + "ß" * 250)[:250]
    store.update_product(3, name=name, bin_picking_number="Z" * 255)

    summary = lc_reload(client=client, store_hash=STORE, dataset="products")

    row = LcProduct.objects.get(bc_id=3)
    assert summary.problems == []
    assert row.name == name and row.raw["name"] == name
    assert row.bin_picking_number == "Z" * 255


MALFORMED = {
    "name": None, "sku": 12345, "price": "abc", "sale_price": 5, "cost_price": 1e30,
    "inventory_tracking": "sometimes", "is_visible": "yes", "upc": "9" * 40,
    "categories": "not-a-list", "brand_id": -3, "date_modified": "garbage",
    "bin_picking_number": "nul\x00byte " + "€" * 300,
}


def test_a_malformed_product_from_the_store_is_kept_with_its_problems_logged(tmp_path):
    # The emulator validates every write through its API (as BigCommerce does), so the only
    # way to have it serve a broken record is to break its storage: its SQLite file.
    db = tmp_path / "store.sqlite3"
    with EmulatorProcess(seed="demo", store_hash=STORE, db=str(db)) as emu:
        with sqlite3.connect(db) as conn:
            (data,) = conn.execute("SELECT data FROM products WHERE id=4").fetchone()
            conn.execute("UPDATE products SET data=? WHERE id=4",
                         (json.dumps({**json.loads(data), **MALFORMED}),))
        with make_client(emu) as client:
            summary = lc_reload(client=client, store_hash=STORE, dataset="products")

    assert summary.ok and summary.inserted == 400
    [problem] = [p for p in summary.problems if p["id"] == 4]
    for field in ("name: missing", "price: not a usable amount", "cost_price",
                  "inventory_tracking: unknown", "is_visible: not true/false",
                  "upc: 40 characters, cut to 32", "categories: not a list",
                  "brand_id", "date_modified: not a date", "bin_picking_number: 3",
                  "raw: characters"):
        assert field in problem["problem"], field
    row = LcProduct.objects.get(bc_id=4)
    assert (row.name, row.sku, row.price, row.upc) == ("", "12345", None, "9" * 32)
    assert row.is_visible is None and row.category_ids == [] and row.date_modified is None
    assert row.raw["categories"] == "not-a-list" and "\x00" not in row.raw["bin_picking_number"]
    assert LcRun.objects.get(dataset="products").problems == summary.problems


def lc_writes(queries) -> list[str]:
    """The statements that wrote to LC tables (not the status row or the run log)."""
    verbs = ("INSERT", "UPDATE", "DELETE", "COPY")
    return [q["sql"] for q in queries
            if q["sql"].lstrip().upper().startswith(verbs) and "localcopy_lc" in q["sql"]
            and "localcopy_lcstatus" not in q["sql"] and "localcopy_lcrun" not in q["sql"]]


def test_a_reload_with_nothing_changed_reports_unchanged_and_writes_nothing(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lc_reload(client=client, store_hash=STORE, dataset="products")
    variants_before = dict(LcVariant.objects.values_list("bc_id", "synced_at"))
    products_before = {p.bc_id: (p.raw, p.name, p.price) for p in LcProduct.objects.all()}

    with CaptureQueriesContext(connection) as queries:
        summary = lc_reload(client=client, store_hash=STORE, dataset="products")

    assert summary.ok and summary.line().endswith("(400 unchanged)")
    assert (summary.inserted, summary.updated, summary.deleted, summary.skipped) == (0, 0, 0, 400)
    run = LcRun.objects.filter(dataset="products").latest("started_at")
    assert (run.inserted, run.updated, run.skipped) == (0, 0, 400)
    # Not even a mark of what was seen: the walk in id order accounts for every id range.
    assert lc_writes(queries.captured_queries) == []
    assert dict(LcVariant.objects.values_list("bc_id", "synced_at")) == variants_before
    assert {p.bc_id: (p.raw, p.name, p.price)
            for p in LcProduct.objects.all()} == products_before


def test_every_column_reads_back_as_the_parser_made_it_on_this_backend(client):
    """The upsert feeds each backend's driver its own representation (text datetimes on
    SQLite, COPY on PostgreSQL): what the ORM reads back must be what was parsed, so both
    backends hold the same LC."""
    from localcopy import parsing

    summary = lc_reload(client=client, store_hash=STORE, dataset="all")
    assert summary.ok, summary.error

    checks = [(LcProduct, parsing.parse_product), (LcCategory, parsing.parse_category),
              (LcBrand, parsing.parse_brand), (LcOrder, parsing.parse_order),
              (LcOrderLine, parsing.parse_order_line),
              (LcShippingAddress, parsing.parse_shipping_address),
              (LcCustomer, parsing.parse_customer),
              (LcCustomerGroup, parsing.parse_customer_group),
              (LcLocation, parsing.parse_location)]
    for model, parse in checks:
        rows = list(model.objects.filter(store_hash=STORE))
        assert rows, model
        for row in rows:
            parsed = parse(row.raw)
            assert row.raw_hash and row.bc_id == parsed.bc_id
            for name, value in parsed.fields.items():
                assert getattr(row, name) == value, (model.__name__, row.bc_id, name)
    for variant in LcVariant.objects.filter(store_hash=STORE):
        parsed = parsing.parse_variant(variant.raw, product_bc_id=variant.product_bc_id)
        assert {n: getattr(variant, n) for n in parsed.fields} == parsed.fields
        assert variant.product.bc_id == variant.product_bc_id


def test_a_change_to_one_variant_alone_is_still_seen_though_the_product_row_omits_variants(
        client, api):
    lc_reload(client=client, store_hash=STORE, dataset="products")
    product = next(p for p in api.all_v3("/v3/catalog/products", include="variants")
                   if len(p["variants"]) > 1)
    variant = product["variants"][1]
    response = api.session.put(
        f"{api.emu.api_url}/v3/catalog/products/{product['id']}/variants/{variant['id']}",
        json={"price": 123.45}, timeout=30)
    response.raise_for_status()

    summary = lc_reload(client=client, store_hash=STORE, dataset="products")

    assert summary.updated == 1, summary.line()
    row = LcVariant.objects.get(store_hash=STORE, bc_id=variant["id"])
    assert row.price == money(123.45) and row.raw["price"] == 123.45
    assert "variants" not in LcProduct.objects.get(store_hash=STORE, bc_id=product["id"]).raw


def test_products_gone_anywhere_in_the_id_order_are_removed_and_only_they(client, store):
    """The walk in id order accounts for each page's id range: a product gone before the
    first page, between two pages, inside a page or after the last is found and removed
    (after one request confirms they are gone), and nothing else is touched."""
    lc_reload(client=client, store_hash=STORE, dataset="products")
    ids = sorted(LcProduct.objects.filter(store_hash=STORE).values_list("bc_id", flat=True))
    gone = [ids[0], ids[100], ids[249], ids[250], ids[-1]]
    for bc_id in gone:
        store.delete_product(bc_id)
    store.reset_stats()

    summary = lc_reload(client=client, store_hash=STORE, dataset="products")

    assert (summary.inserted, summary.updated, summary.deleted) == (0, 0, len(gone))
    left = set(LcProduct.objects.filter(store_hash=STORE).values_list("bc_id", flat=True))
    assert left == set(ids) - set(gone)
    # Two pages, and one id:in request confirming the five unseen ids are gone.
    assert store.stats()["by_endpoint"] == {"GET /v3/catalog/products": 3}


def test_a_product_the_walk_missed_is_confirmed_by_id_and_kept(client, store):
    """Offset paging skips a product when another is deleted mid-walk; a row the pages lack
    is asked for by id, and kept when BigCommerce still has it."""
    from localcopy import pulls

    lc_reload(client=client, store_hash=STORE, dataset="products")
    ids = sorted(LcProduct.objects.filter(store_hash=STORE).values_list("bc_id", flat=True))
    missed = ids[300]
    real = pulls.parsed_pages

    def pages_missing_one(pages, parse):
        for page, parsed in real(pages, parse):
            yield page, [row for row in parsed if row.bc_id != missed]

    pulls.parsed_pages = pages_missing_one
    try:
        summary = lc_reload(client=client, store_hash=STORE, dataset="products")
    finally:
        pulls.parsed_pages = real

    assert summary.deleted == 0
    assert LcProduct.objects.filter(store_hash=STORE, bc_id=missed).exists()
