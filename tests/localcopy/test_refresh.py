"""Webhook refresh: one record re-read; duplicate, late and out-of-order deliveries and
deletions all converge on what BigCommerce has now."""

from __future__ import annotations

from datetime import timedelta

import pytest

from localcopy.models import (
    LcBrand,
    LcCategory,
    LcCustomer,
    LcOrder,
    LcProduct,
    LcStatus,
    LcVariant,
)
from localcopy.pulls import write_products
from localcopy.runs import Tally
from localcopy.services import lc_reconcile_ids, lc_refresh_record, lc_reload

from .conftest import STORE, without_variants

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]


def refresh(client, resource: str, bc_id: int, **kw):
    return lc_refresh_record(client=client, store_hash=STORE, resource=resource, bc_id=bc_id,
                             **kw)


def test_a_product_webhook_brings_in_the_product_and_its_variants(client, api):
    summary = refresh(client, "product", 12)

    served = api.get("/v3/catalog/products/12", include="variants,images,custom_fields")["data"]
    assert (summary.ok, summary.kind, summary.inserted, summary.requests) == (
        True, "webhook", 1, 1)
    row = LcProduct.objects.get(bc_id=12)
    assert row.raw == without_variants(served)
    assert set(row.variants.values_list("bc_id", flat=True)) == {
        v["id"] for v in served["variants"]}


def test_a_duplicate_delivery_writes_nothing(client):
    refresh(client, "product", 12)

    again = refresh(client, "product", 12)

    assert (again.inserted, again.updated, again.skipped) == (0, 0, 1)


def test_a_late_delivery_of_an_old_event_keeps_the_newest_state(client, store):
    refresh(client, "product", 13)
    store.update_product(13, name="Second edit")
    refresh(client, "product", 13)  # the second event's delivery

    late = refresh(client, "product", 13)  # the first event's delivery, late

    assert late.updated == 0 and LcProduct.objects.get(bc_id=13).name == "Second edit"


def test_an_older_copy_than_the_mirror_is_never_written(client, store):
    refresh(client, "product", 14)
    row = LcProduct.objects.get(bc_id=14)
    older = dict(row.raw, name="Stale copy from a slow fetch")
    older["date_modified"] = (row.date_modified - timedelta(hours=1)).isoformat()
    tally = Tally(client=None, store_hash=STORE, dataset="products", kind="webhook")

    write_products(None, store_hash=STORE, tally=tally, items=[older], full=False)

    assert tally.skipped == 1 and LcProduct.objects.get(bc_id=14).name == row.name


def test_a_deleted_product_is_removed_and_an_out_of_order_update_does_not_bring_it_back(
        client, store):
    lc_reload(client=client, store_hash=STORE, dataset="products")
    store.delete_product(15)

    gone = refresh(client, "product", 15, deleted=True)
    late_update = refresh(client, "product", 15)  # "updated" delivered after "deleted"

    assert gone.deleted == 1 and gone.requests == 0
    assert late_update.ok and late_update.deleted == 0
    assert not LcProduct.objects.filter(bc_id=15).exists()
    assert not LcVariant.objects.filter(product_bc_id=15).exists()


def test_a_product_bigcommerce_no_longer_has_is_removed_on_any_event(client, store):
    refresh(client, "product", 16)
    store.delete_product(16)

    summary = refresh(client, "product", 16)

    assert summary.deleted == 1 and not LcProduct.objects.filter(bc_id=16).exists()


def test_a_sku_event_refreshes_the_variants_of_its_product(client, store, api):
    lc_reload(client=client, store_hash=STORE, dataset="products")
    product = next(p for p in api.all_v3("/v3/catalog/products", include="variants")
                   if len(p["variants"]) > 1)
    variant = product["variants"][1]
    api.session.put(f"{store.api_url}/v3/catalog/variants",
                    json=[{"id": variant["id"], "price": 77.7}]).raise_for_status()

    summary = refresh(client, "sku", product["id"])

    assert summary.updated == 1
    assert str(LcVariant.objects.get(bc_id=variant["id"]).price) == "77.7000"


def test_an_order_event_brings_in_the_order_with_its_lines(client, store, api):
    order = store.place_order([{"product_id": 3, "quantity": 1}])

    summary = refresh(client, "order", order["id"])

    # One request: the order comes with its consignments, which hold its lines and address.
    assert summary.inserted == 1 and summary.requests == 1
    row = LcOrder.objects.get(bc_id=order["id"])
    assert row.raw == api.get(f"/v2/orders/{order['id']}")  # without the consignments
    assert [x.raw for x in row.lines.order_by("bc_id")] == api.get(
        f"/v2/orders/{order['id']}/products")
    assert [x.raw for x in row.shipping_addresses.order_by("bc_id")] == api.get(
        f"/v2/orders/{order['id']}/shipping_addresses")


def test_an_order_event_after_an_edit_rewrites_its_lines_in_one_request(client, store):
    order = store.place_order([{"product_id": 3, "quantity": 1}])
    refresh(client, "order", order["id"])
    store.edit_order(order["id"], [{"product_id": 3, "quantity": 4},
                                   {"product_id": 1, "quantity": 2}])

    summary = refresh(client, "order", order["id"])

    assert summary.updated == 1 and summary.requests == 1
    lines = LcOrder.objects.get(bc_id=order["id"]).lines.order_by("product_bc_id")
    assert [(x.product_bc_id, x.quantity) for x in lines] == [(1, 2), (3, 4)]


def test_customer_brand_and_category_events(client, store, api):
    api.session.put(f"{store.api_url}/v3/customers",
                    json=[{"id": 2, "first_name": "Amazing Grace"}]).raise_for_status()
    api.session.put(f"{store.api_url}/v3/catalog/brands/2",
                    json={"name": "Acme Goods Renamed"}).raise_for_status()
    api.session.put(f"{store.api_url}/v3/catalog/trees/categories",
                    json=[{"category_id": 2, "name": "Tees"}]).raise_for_status()

    results = [refresh(client, "customer", 2), refresh(client, "brand", 2),
               refresh(client, "category", 2)]

    assert all(r.ok and r.inserted == 1 for r in results)
    assert LcCustomer.objects.get(bc_id=2).first_name == "Amazing Grace"
    assert LcBrand.objects.get(bc_id=2).name == "Acme Goods Renamed"
    assert LcCategory.objects.get(bc_id=2).name == "Tees"
    assert refresh(client, "brand", 999).deleted == 0  # unknown id: nothing to do


def test_a_failed_fetch_is_reported_not_raised(client, store):
    store.faults(error_rate=1.0)

    summary = refresh(client, "product", 12)

    assert not summary.ok and summary.error.startswith("ServerError")


def test_the_row_count_follows_every_write_outside_a_pass(client, store):
    def count() -> int:
        return LcStatus.objects.get(store_hash=STORE, dataset="products").row_count

    lc_reload(client=client, store_hash=STORE, dataset="products")
    assert count() == 400
    store.delete_product(17)
    refresh(client, "product", 17)
    assert count() == 399
    refresh(client, "product", 12)  # unchanged: no move
    assert count() == 399
    store.delete_product(18)
    lc_reconcile_ids(client=client, store_hash=STORE, dataset="products")
    assert count() == 398 == LcProduct.objects.filter(store_hash=STORE).count()

    lc_refresh_record(client=client, store_hash=STORE, resource="customer", bc_id=3)
    customers = LcStatus.objects.get(store_hash=STORE, dataset="customers")
    assert customers.row_count == 1 and customers.last_full_reload_at is None
