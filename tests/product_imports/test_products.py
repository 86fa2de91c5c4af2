"""products_import against the emulator over HTTP, the LC filled by a reload."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bcsync.imports.products import (
    IMAGES_NOTE,
    pos_sku_base,
    products_import,
    unlinked_product_ids,
)
from bcsync.imports.settings import import_settings_for
from bcsync.models import (
    FieldPolicy,
    ImportSettings,
    ItemNumberSource,
    ItemSync,
    Policy,
    PushRequest,
    SyncField,
    VariantSync,
)
from bcsync.push.fields import changed_fields, pos_values
from catalog.models import Department, Item, StockLevel, Variant, Vendor
from localcopy.models import LcProduct

from .conftest import product_post

pytestmark = pytest.mark.django_db(transaction=False)


def _ids(connection) -> list[int]:
    return list(LcProduct.objects.filter(store_hash=connection.store_hash)
                .order_by("bc_id").values_list("bc_id", flat=True))


def test_it_imports_a_product_with_variants_and_links_it(connection, lc, api):
    lc()
    first = _ids(connection)[0]
    lcp = LcProduct.objects.get(store_hash=connection.store_hash, bc_id=first)
    api.emu.reset_stats()
    report = products_import(connection=connection, bc_product_ids=[first])
    assert report.counts == {"created": 1}, report.line()
    assert api.requests() == 0
    item = Item.objects.get(pk=report.results[0].item_id)
    assert item.sku == "SKU000001" and item.product_number == "SKU000001"
    assert item.name == lcp.name
    assert item.price == Decimal(str(lcp.raw["price"])).quantize(Decimal("0.01"))
    assert item.vendor.name == "No Vendor"
    assert item.department.name == "Home"  # category id 2 of seed 3, BigCommerce's first
    assert item.brand is not None and item.description == lcp.raw["description"]
    assert sorted(v.option_values["Size"] for v in item.variants.all()) == ["L", "M", "S"]
    sync = ItemSync.objects.get(connection=connection, item=item)
    assert sync.bc_product_id == first and sync.linked_by == ItemSync.LinkedBy.IMPORTED
    assert VariantSync.objects.filter(item_sync=sync).count() == 3
    # in step: the push finds nothing to send
    item = Item.objects.prefetch_related("variants", "stock_levels").get(pk=item.pk)
    assert changed_fields(sync.pushed, pos_values(item, connection=connection),
                          SyncField.values) == {}
    # no stock outside the initial dataset while the POS owns it (QOH Manual)
    assert not StockLevel.objects.filter(item=item).exists()


def test_importing_twice_links_never_duplicates(connection, lc):
    lc()
    ids = _ids(connection)
    products_import(connection=connection, bc_product_ids=ids)
    again = products_import(connection=connection, bc_product_ids=ids)
    assert again.counts == {"linked": len(ids)}
    assert Item.objects.count() == len(ids)
    assert unlinked_product_ids(connection=connection) == []


def test_an_unlinked_item_with_the_same_sku_is_linked(connection, lc, department, vendor,
                                                      django_capture_on_commit_callbacks):
    lc()
    ids = _ids(connection)
    first = ids[0]
    mine = Item.objects.create(sku="SKU000001", name="Ours", department=department,
                               vendor=vendor)
    with django_capture_on_commit_callbacks(execute=True):
        report = products_import(connection=connection, bc_product_ids=[first])
        created = products_import(connection=connection, bc_product_ids=ids[1:])
    # the linked item's own values go up by the policies; an imported one is in step
    assert set(PushRequest.objects.values_list("item_id", flat=True)) == {mine.pk}
    assert created.counts == {"created": 2}
    assert report.counts == {"linked": 1}
    assert report.results[0].item_id == mine.pk
    assert Item.objects.count() == 3  # ours, linked, and the two others created
    assert ItemSync.objects.get(item=mine).bc_product_id == first
    mine.refresh_from_db()
    assert mine.name == "Ours"  # linking changes nothing in the POS


def test_bad_skus(connection, lc, api):
    a = product_post(api, name="Dash Tee", sku="AB-12")
    b = product_post(api, name="Slash Tee", sku="AB/12")
    punct = product_post(api, name="Punct", sku="--//")
    none = product_post(api, name="No SKU at all", sku="")
    lc()
    report = products_import(connection=connection,
                             bc_product_ids=[a["id"], b["id"], punct["id"], none["id"]])
    assert report.counts == {"created": 4}, [r.line() for r in report.results]
    skus = {r.bc_product_id: r.sku for r in report.results}
    assert skus[a["id"]] == "AB12"
    assert skus[b["id"]] == f"AB12X{b['id']}"
    assert skus[punct["id"]] == str(punct["id"])
    assert skus[none["id"]] == str(none["id"])
    assert Item.objects.get(sku=f"AB12X{b['id']}").product_number == "AB/12"


@pytest.mark.parametrize("source,expected", [
    (ItemNumberSource.BC_PRODUCT_ID, "id"), (ItemNumberSource.SEQUENCE, "seq")])
def test_item_number_sources(connection, lc, api, source, expected):
    p = product_post(api, name="Numbered", sku="NUM-1")
    lc()
    settings = import_settings_for(connection=connection)
    settings.item_number_source = source
    settings.sequence_next, settings.sequence_prefix = 1000, "W"
    settings.save()
    report = products_import(connection=connection, bc_product_ids=[p["id"]])
    want = str(p["id"]) if expected == "id" else "W1000"
    assert report.results[0].sku == want
    if expected == "seq":
        assert ImportSettings.objects.get(pk=settings.pk).sequence_next == 1001


def test_no_categories_goes_to_the_default_department_and_vendor(connection, lc, api):
    p = product_post(api, name="Uncategorised", sku="UNC1", categories=[])
    lc()
    settings = import_settings_for(connection=connection)
    settings.default_department = Department.objects.create(name="Imported")
    settings.default_vendor = Vendor.objects.create(name="Web Supplier")
    settings.save()
    report = products_import(connection=connection, bc_product_ids=[p["id"]])
    item = Item.objects.get(pk=report.results[0].item_id)
    assert (item.department.name, item.vendor.name) == ("Imported", "Web Supplier")


def test_unicode_zero_price_missing_weight_images(connection, lc, api):
    p = product_post(api, name="抹茶マグカップ 🚀 Ωμέγα", sku="MATCHA-1", price=0,
                     images=[{"image_url": "https://cdn.example.com/x.jpg",
                              "is_thumbnail": True}])
    lc()
    row = LcProduct.objects.get(store_hash=connection.store_hash, bc_id=p["id"])
    row.raw = {**row.raw, "weight": None}
    row.save()
    report = products_import(connection=connection, bc_product_ids=[p["id"]])
    r = report.results[0]
    assert r.outcome == "created", r.line()
    item = Item.objects.get(pk=r.item_id)
    assert item.name == "抹茶マグカップ 🚀 Ωμέγα" and item.price == 0 and item.weight == 0
    assert IMAGES_NOTE in r.notes


def test_long_name_is_shortened_and_negative_price_is_refused(connection, lc, api):
    long = product_post(api, name="Long", sku="LONG1")
    neg = product_post(api, name="Negative", sku="NEG1")
    ok = product_post(api, name="Fine", sku="FINE1")
    lc()
    rows = {r.bc_id: r for r in LcProduct.objects.filter(bc_id__in=[long["id"], neg["id"]])}
    rows[long["id"]].raw = {**rows[long["id"]].raw, "name": "Ж" * 300}
    rows[neg["id"]].raw = {**rows[neg["id"]].raw, "price": -3}
    for row in rows.values():
        row.save()
    report = products_import(connection=connection,
                             bc_product_ids=[long["id"], neg["id"], ok["id"]])
    by = {r.bc_product_id: r for r in report.results}
    assert by[long["id"]].outcome == "created"
    assert len(Item.objects.get(sku="LONG1").name) == 250
    assert by[neg["id"]].outcome == "failed" and by[neg["id"]].field == "price"
    assert "negative" in by[neg["id"]].message
    assert by[ok["id"]].outcome == "created"
    assert not Item.objects.filter(sku="NEG1").exists()
    assert not ItemSync.objects.filter(bc_product_id=neg["id"]).exists()


def test_a_failing_variant_leaves_nothing_half_made(connection, lc):
    lc()
    first = _ids(connection)[0]
    lcp = LcProduct.objects.get(store_hash=connection.store_hash, bc_id=first)
    lv = lcp.variants.order_by("bc_id").last()
    lv.raw = {**lv.raw, "price": -1}
    lv.save()
    report = products_import(connection=connection, bc_product_ids=[first])
    assert report.results[0].outcome == "failed" and report.results[0].field == "price"
    assert not Item.objects.exists() and not Variant.objects.exists()


def test_stock_only_when_qoh_is_off_and_skip_zero(connection, lc, api):
    zero = product_post(api, name="Empty", sku="EMPTY1", inventory_tracking="product",
                        inventory_level=0)
    some = product_post(api, name="Some", sku="SOME1", inventory_tracking="product",
                        inventory_level=7)
    lc()
    FieldPolicy.objects.create(connection=connection, field=SyncField.QOHS, policy=Policy.OFF)
    report = products_import(connection=connection, bc_product_ids=[zero["id"], some["id"]])
    assert report.stock_rows == 1 and report.stock_skipped_zero == 1
    level = StockLevel.objects.get()
    assert level.item.sku == "SOME1" and level.on_hand == 7
    assert level.location == connection.pos_location


def test_a_product_missing_from_the_lc_is_reported(connection, lc):
    lc()
    report = products_import(connection=connection, bc_product_ids=[999999])
    assert report.results[0].outcome == "failed" and report.results[0].field == "id"


def test_a_batch_whose_write_fails_goes_again_product_by_product(connection, lc, department,
                                                                 vendor):
    lc()
    ids = _ids(connection)
    third = LcProduct.objects.get(store_hash=connection.store_hash, bc_id=ids[2])
    lv = third.variants.exclude(sku="").order_by("bc_id").first()
    contested = pos_sku_base(lv.sku)
    other = Item.objects.create(sku="OTHER1", name="Other", department=department,
                                vendor=vendor)

    def meanwhile(report):
        # Another process takes the variant SKU after the SKUs in use were read.
        if len(report.results) == 2:
            Variant.objects.create(item=other, sku=contested, option_values={"Size": "X"})

    report = products_import(connection=connection, bc_product_ids=ids, batch_size=1,
                             progress=meanwhile)
    assert report.counts == {"created": 3}, [r.line() for r in report.results]
    mine = Variant.objects.get(item_id=report.results[2].item_id, option_values__Size=lv.raw[
        "option_values"][0]["label"])
    assert mine.sku == f"{contested}X{lv.bc_id}"


def test_the_history_says_imports_came_from_bigcommerce_and_the_dashboard_counts_them(
        connection, lc, department, vendor):
    from bcsync.dashboard import sync_activity
    from bcsync.models import SyncEvent

    lc()
    ids = _ids(connection)
    Item.objects.create(sku="SKU000001", name="Ours", department=department, vendor=vendor)
    report = products_import(connection=connection, bc_product_ids=ids)
    assert report.counts == {"linked": 1, "created": len(ids) - 1}
    events = SyncEvent.objects.filter(connection=connection)
    assert events.count() == len(ids)
    assert set(events.values_list("direction", flat=True)) == {SyncEvent.Direction.IMPORT}
    today = sync_activity()
    assert today.items_imported[-1] == len(ids) and today.items_pushed[-1] == 0
