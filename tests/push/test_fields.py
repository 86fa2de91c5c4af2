"""The field table: POS and BigCommerce values in one canonical form, diffs, payloads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bcsync.models import StoreConnection, SyncField
from bcsync.push import fields as f
from catalog.models import Brand, StockLevel, Variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection(store_location) -> StoreConnection:
    return StoreConnection.objects.create(description="Shop", store_hash="abc123",
                                          access_token="t", pos_location=store_location)


def test_every_sync_field_has_an_entry_with_keys():
    assert set(f.FIELDS) == set(SyncField.values)
    assert all(spec.product_keys or spec.variant_keys for spec in f.FIELDS.values())


def test_pos_and_bigcommerce_values_of_the_same_product_are_equal(item, connection):
    item.brand = Brand.objects.create(name="Acme")
    item.weight = Decimal("1.500")
    item.save()
    pos = f.pos_values(item, connection=connection)
    online = {"name": "Organic Tee", "price": 19.99, "cost_price": "0.0000", "upc": "012345678905",
              "bin_picking_number": "", "brand_id": 7, "weight": 1.5, "width": 0, "height": 0,
              "depth": 0, "sku": "TEE001", "inventory_level": 5, "inventory_tracking": "product"}
    assert f.bc_values(online, brand_names={7: "Acme"}) == pos
    assert f.diff(f.bc_values(online, brand_names={}), pos, SyncField.values) == {
        "brand_name": {"from": "#7", "to": "Acme"}}


def test_only_fields_asked_for_and_only_what_differs_from_pushed_is_sent(item, connection):
    values = f.pos_values(item, connection=connection)
    pushed = dict(values, price="18")
    assert f.changed_fields(pushed, values, {SyncField.PRICES, SyncField.NAMES}) == {
        "price": "19.99"}
    assert f.changed_fields(pushed, values, {SyncField.NAMES}) == {}
    assert f.changed_fields({}, values, {SyncField.DIMENSIONS}) == {
        "width": "0", "height": "0", "depth": "0"}


def test_payloads_carry_numbers_as_numbers_and_leave_stock_to_the_inventory_api(item,
                                                                                connection):
    values = f.pos_values(item, connection=connection)
    body = f.product_payload(values, {SyncField.PRICES, SyncField.QOHS, SyncField.BRANDS})
    assert body == {"price": 19.99, "brand_id": 0}
    assert f.inventory_adjustment(values["inventory_level"], location_id=3, product_id=9) == {
        "location_id": 3, "quantity": 5, "product_id": 9}


def test_a_variant_item_keeps_stock_on_its_variants(item, connection, store_location):
    variant = Variant.objects.create(item=item, sku="TEE001M", option_values={"Size": "M"},
                                     price_mode="absolute", price=Decimal("21.00"))
    StockLevel.objects.create(item=item, variant=variant, location=store_location, on_hand=-2)
    assert "inventory_level" not in f.pos_values(item, connection=connection)
    values = f.variant_values(variant, connection=connection)
    assert values == {"sku": "TEE001M", "price": "21", "weight": "0", "image_url": "",
                      "inventory_level": 0}
    assert f.variant_payload(values, {SyncField.VAR_PRICES, SyncField.VAR_WEIGHTS},
                             inherit=f.variant_inherits(variant)) == {
        "price": 21.0, "weight": None}
    # BigCommerce's null (or the product's own value) for an inherited weight is the same
    online = {"sku": "TEE001M", "price": 21, "weight": None, "inventory_level": 0}
    assert f.bc_variant_values(online, product={"price": 19.99, "weight": 0}) == values
