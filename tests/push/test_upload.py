"""Manual upload against the emulator over HTTP: create, link by match, update by policy,
duplicate names, variants, enforcement and the Product Sync switch, a lost create answer,
conflicts and our own echo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bcsync.models import (
    DepartmentCategory,
    ItemSync,
    SyncEvent,
    SyncSettings,
    VariantSync,
)
from bcsync.push.conflicts import conflicts_scan
from bcsync.push.policies import policies_set
from bcsync.push.upload import items_preview, items_upload
from catalog.models import Brand, CustomFieldDefinition, CustomFieldValue, StockLevel, Variant

from .conftest import lc_load, new_item

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]


@pytest.fixture
def make(department, vendor, store_location):
    def make(**kwargs):
        return new_item(department, vendor, store_location, **kwargs)
    return make


def sync_of(item) -> ItemSync:
    return ItemSync.objects.get(item=item)


def test_a_new_item_is_created_with_what_bigcommerce_needs_and_its_extras(
        connection, client, api, make, department):
    item = make(sku="NEW001", name="Linen Apron", price="24.50", stock=7,
                description="<p>Apron</p>", brand=Brand.objects.create(name="Loomcraft"))
    cf = CustomFieldDefinition.objects.create(name="Material")
    CustomFieldValue.objects.create(item=item, definition=cf, value="Linen")
    DepartmentCategory.objects.create(connection=connection, department=department,
                                      bc_category_ids=[3])

    summary = items_upload(items=[item], connection=connection, client=client)

    assert (summary.done, summary.failed, summary.counts["created"]) == (1, 0, 1)
    sync = sync_of(item)
    assert sync.is_linked and sync.linked_by == "created"
    product = api.product(sync.bc_product_id, include="custom_fields")
    assert (product["name"], product["price"], product["weight"], product["type"]) == (
        "Linen Apron", 24.5, 0.25, "physical")
    assert product["sku"] == "NEW001" and product["categories"] == [3]
    assert product["description"] == "<p>Apron</p>"
    assert [(c["name"], c["value"]) for c in product["custom_fields"]] == [("Material", "Linen")]
    brand = api.get(f"/v3/catalog/brands/{product['brand_id']}")["data"]
    assert brand["name"] == "Loomcraft"
    stock = api.get("/v3/inventory/items", **{"product_id:in": sync.bc_product_id})["data"]
    assert stock[0]["locations"][0]["total_inventory_onhand"] == 7
    assert sync.pushed["price"] == "24.5" and sync.pushed["inventory_level"] == 7
    event = SyncEvent.objects.get(item=item)
    assert (event.action, event.ok) == ("created", True)
    assert event.fields["name"] == {"from": None, "to": "Linen Apron"}
    # requests: one create, one stock adjustment
    assert summary.requests == 2


def test_an_off_field_stays_as_it_is_online_and_a_manual_one_is_set_on_upload(
        connection, client, api, make):
    item = make(sku="NEW002", name="Clay Pot", price="12.00")
    items_upload(items=[item], connection=connection, client=client)
    # prices stay Manual; an On field is set by a manual upload too
    policies_set(connection=connection, changes={"names": "off", "cost_prices": "on"})
    item.name, item.price, item.cost_price = "Clay Pot XL", Decimal("15.00"), Decimal("6.50")
    item.save()

    summary = items_upload(items=[item], connection=connection, client=client)

    product = api.product(sync_of(item).bc_product_id)
    assert product["name"] == "Clay Pot"
    assert (product["price"], product["cost_price"]) == (15.0, 6.5)
    assert summary.counts["updated"] == 1
    event = SyncEvent.objects.filter(item=item).first()
    assert event.fields == {"price": {"from": "12", "to": "15"},
                            "cost_price": {"from": "0", "to": "6.5"}}


def test_the_four_manual_only_fields_refuse_on(connection):
    for name in ("skus", "var_prices", "var_weights", "var_images"):
        with pytest.raises(ValidationError, match="Off or Manual only"):
            policies_set(connection=connection, changes={name: "on"})
    assert policies_set(connection=connection, changes={"prices": "on"})["prices"] == "on"


def test_nothing_changed_sends_nothing(connection, client, make):
    item = make(sku="NEW003", name="Tin Cup")
    with_variants = make(sku="NEW004", name="Tin Plate")
    Variant.objects.create(item=with_variants, sku="NEW004S", option_values={"Size": "S"})
    items_upload(items=[item, with_variants], connection=connection, client=client)
    again = items_upload(items=[item, with_variants], connection=connection, client=client)
    assert (again.requests, again.counts["unchanged"]) == (0, 2)
    lc_load(connection, client)  # and once the LC has seen the products
    again = items_upload(items=[item, with_variants], connection=connection, client=client)
    assert (again.requests, again.counts["unchanged"]) == (0, 2)


@pytest.mark.parametrize(("match_by", "fields"), [
    ("sku", {"sku": "SKU000002", "name": "Something else"}),
    ("name", {"sku": "POS002", "name": "Organic Hoodie 000001"}),
    ("upc", {"sku": "POS003", "name": "Another name", "upc": "0123456789012"}),
])
def test_a_not_linked_item_links_to_its_match_instead_of_creating(
        connection, client, api, make, store, match_by, fields):
    store.update_product(3, upc="0123456789012")
    lc_load(connection, client)
    connection.match_by = match_by
    connection.save()
    before = len(api.products())
    item = make(**fields)

    summary = items_upload(items=[item], connection=connection, client=client)

    assert summary.counts["linked"] == 1, summary.errors
    assert len(api.products()) == before
    sync = sync_of(item)
    assert sync.linked_by == match_by
    assert sync.bc_product_id == {"sku": 2, "name": 1, "upc": 3}[match_by]


def test_several_matches_are_an_error_naming_them(connection, client, make, store):
    store.update_product(1, upc="0999")
    store.update_product(2, upc="0999")
    lc_load(connection, client)
    connection.match_by = "upc"
    connection.save()
    item = make(sku="POS004", name="Ambiguous", upc="0999")

    summary = items_upload(items=[item], connection=connection, client=client)

    sync = sync_of(item)
    assert summary.failed == 1 and not sync.is_linked
    assert sync.error_field == "upc"
    assert "#1" in sync.error and "#2" in sync.error and "POS004" in sync.error


def test_a_duplicate_name_fails_on_that_item_and_the_rest_goes_on(connection, client, make):
    lc_load(connection, client)
    first = make(sku="NEW010", name="Fine Item")
    dupe = make(sku="NEW011", name="Organic Hoodie 000001")
    last = make(sku="NEW012", name="Another Fine Item")

    summary = items_upload(items=[first, dupe, last], connection=connection, client=client)

    assert (summary.done, summary.failed, summary.counts["created"]) == (3, 1, 2)
    sync = sync_of(dupe)
    assert not sync.is_linked
    assert sync.error_field == "name" and "duplicate" in sync.error.lower()
    event = SyncEvent.objects.get(item=dupe)
    assert (event.action, event.ok, event.error_field) == ("failed", False, "name")
    assert sync_of(first).is_linked and sync_of(last).is_linked


def test_variants_go_with_their_option_values_and_are_linked(connection, client, api, make,
                                                             store_location):
    item = make(sku="SHIRT1", name="Field Shirt", price="30.00")
    small = Variant.objects.create(item=item, sku="SHIRT1S",
                                   option_values={"Size": "S", "Colour": "Red"})
    large = Variant.objects.create(item=item, sku="SHIRT1L",
                                   option_values={"Size": "L", "Colour": "Red"},
                                   price_mode="absolute", price=Decimal("34.00"))
    StockLevel.objects.create(item=item, variant=small, location=store_location, on_hand=4)
    StockLevel.objects.create(item=item, variant=large, location=store_location, on_hand=2)

    summary = items_upload(items=[item], connection=connection, client=client)

    assert summary.failed == 0, summary.errors
    sync = sync_of(item)
    variants = api.get(f"/v3/catalog/products/{sync.bc_product_id}/variants")["data"]
    by_sku = {v["sku"]: v for v in variants}
    assert {o["label"] for o in by_sku["SHIRT1L"]["option_values"]} == {"L", "Red"}
    assert by_sku["SHIRT1L"]["price"] == 34.0
    assert by_sku["SHIRT1S"]["inventory_level"] == 4
    links = {vs.variant.sku: vs.bc_variant_id for vs in VariantSync.objects.filter(
        item_sync=sync)}
    assert links == {"SHIRT1S": by_sku["SHIRT1S"]["id"], "SHIRT1L": by_sku["SHIRT1L"]["id"]}

    large.price = Decimal("36.00")
    large.save()
    items_upload(items=[item], connection=connection, client=client)
    path = f"/v3/catalog/products/{sync.bc_product_id}/variants/{links['SHIRT1L']}"
    assert api.get(path)["data"]["price"] == 36.0


def test_enforcement_and_the_product_sync_switch_keep_items_back_with_a_reason(
        connection, client, api, make):
    item = make(sku="NEW020", name="Hidden", ecommerce_enabled=False)
    connection.item_sync_enforcement = True
    connection.save()
    before = api.requests()

    summary = items_upload(items=[item], connection=connection, client=client)

    assert summary.counts["skipped"] == 1 and api.requests() == before
    assert "not enabled for eCommerce" in SyncEvent.objects.get(item=item).error

    connection.item_sync_enforcement = False
    connection.save()
    settings_row = SyncSettings.load()
    settings_row.product_sync_enabled = False
    settings_row.save()
    summary = items_upload(items=[item], connection=connection, client=client)
    assert summary.counts["skipped"] == 1 and api.requests() == before
    assert "Product Sync is off" in SyncEvent.objects.filter(item=item).first().error
    assert not sync_of(item).is_linked


def test_a_create_whose_answer_was_lost_is_not_made_twice(connection, client, api, make,
                                                          store):
    item = make(sku="LOST01", name="Lost Answer")
    Variant.objects.create(item=item, sku="LOST01M", option_values={"Size": "M"})
    store.faults(reset_after_write_rate=1.0)
    summary = items_upload(items=[item], connection=connection, client=client)
    store.faults()
    assert summary.failed == 1 and sync_of(item).error
    assert len(api.products(sku="LOST01")) == 1  # it reached the store

    summary = items_upload(items=[item], connection=connection, client=client)

    assert summary.failed == 0, summary.errors
    assert len(api.products(sku="LOST01")) == 1
    sync = sync_of(item)
    assert sync.bc_product_id == api.products(sku="LOST01")[0]["id"] and not sync.error
    online = api.get(f"/v3/catalog/products/{sync.bc_product_id}/variants")["data"]
    assert [v["sku"] for v in online] == ["LOST01M"]
    assert VariantSync.objects.get(item_sync=sync).bc_variant_id == online[0]["id"]


def test_an_edit_online_is_a_conflict_and_our_own_echo_is_not(connection, client, make,
                                                              store):
    item = make(sku="NEW030", name="Echo Jar", price="9.00")
    items_upload(items=[item], connection=connection, client=client)
    lc_load(connection, client)  # the echo of our own push

    assert conflicts_scan(connection=connection) == 0
    assert items_preview(items=[item], connection=connection)[0].action == "unchanged"

    store.update_product(sync_of(item).bc_product_id, price=11.5, inventory_level=1)
    lc_load(connection, client)
    assert conflicts_scan(connection=connection) == 1
    sync = sync_of(item)
    assert sync.conflicts["price"]["pushed"] == "9" and sync.conflicts["price"]["online"] == "11.5"
    assert "inventory_level" not in sync.conflicts  # a sale online is no conflict
    event = SyncEvent.objects.filter(item=item, action="conflict").get()
    assert event.fields == {"price": {"from": "9", "to": "11.5"}}
    assert conflicts_scan(connection=connection) == 0  # recorded once

    preview = items_preview(items=[item], connection=connection)[0]
    assert preview.changes == {"price": {"from": "11.5", "to": "9"},
                               "inventory_level": {"from": 1, "to": 3}}


def test_a_category_bigcommerce_refuses_is_an_error_on_the_item(connection, client, make,
                                                                department):
    DepartmentCategory.objects.create(connection=connection, department=department,
                                      bc_category_ids=[9999])
    item = make(sku="CAT001", name="Lost Category")
    summary = items_upload(items=[item], connection=connection, client=client)
    sync = sync_of(item)
    assert summary.failed == 1 and sync.error_field == "categories"
    assert "9999" in sync.error


def test_a_webhook_refresh_of_an_edited_product_flags_the_conflict(connection, client, make,
                                                                   store):
    from bcsync.lc_jobs import lc_refresh_run
    from localcopy.services import lc_refresh_request

    item = make(sku="HOOK01", name="Hook Jar", price="9.00")
    items_upload(items=[item], connection=connection, client=client)
    product_id = sync_of(item).bc_product_id
    for edit in ({}, {"name": "Hook Jar (edited online)"}):
        if edit:
            store.update_product(product_id, **edit)
        lc_refresh_request(store_hash=connection.store_hash, resource="product", bc_id=product_id)
        lc_refresh_run(connection_id=connection.pk, resource="product", bc_id=product_id)
        conflicts = sync_of(item).conflicts
        assert list(conflicts) == (["name"] if edit else [])  # the first refresh is our echo


def test_an_lc_that_has_not_seen_our_push_yet_is_no_conflict_and_nothing_to_resend(
        connection, client, make):
    item = make(sku="STALE1", name="Stale Jar", price="9.00")
    items_upload(items=[item], connection=connection, client=client)
    lc_load(connection, client)
    item.price = Decimal("12.00")
    item.save()
    assert items_upload(items=[item], connection=connection, client=client).requests == 1

    # The LC still says 9 until the webhook's refresh lands.
    assert conflicts_scan(connection=connection) == 0
    assert items_preview(items=[item], connection=connection)[0].action == "unchanged"


def test_an_incremental_pass_that_brings_an_edit_flags_the_conflict(connection, client, make,
                                                                    store):
    from bcsync.lc_jobs import lc_sync_all

    item = make(sku="PASS01", name="Pass Jar", price="9.00")
    items_upload(items=[item], connection=connection, client=client)
    lc_load(connection, client)
    row = SyncSettings.load()
    row.lc_background_pull = True
    row.save()
    store.update_product(sync_of(item).bc_product_id, upc="0777")
    lc_sync_all()
    assert sync_of(item).conflicts["upc"] == {**sync_of(item).conflicts["upc"],
                                             "pushed": "", "online": "0777"}
