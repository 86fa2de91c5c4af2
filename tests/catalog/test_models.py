"""The POS rules, both as validation staff see and as constraints the database enforces."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.models import (
    NO_VENDOR,
    BundleComponent,
    Item,
    StockLevel,
    Variant,
    Vendor,
)
from catalog.validators import is_valid_pos_sku, validate_pos_sku

pytestmark = pytest.mark.django_db


def new_item(department, vendor, **fields) -> Item:
    values = {"sku": "MUG1", "name": "Mug", "department": department, "vendor": vendor, **fields}
    return Item(**values)


@pytest.mark.parametrize(
    ("sku", "char", "pos"),
    [("TEE-01", "'-'", 4), ("TEE 01", "a space", 4), ("ÄPFEL", "'Ä'", 1), ("A/B", "'/'", 2)],
)
def test_it_names_the_bad_character_in_a_sku(sku, char, pos):
    with pytest.raises(ValidationError) as exc:
        validate_pos_sku(sku)
    message = exc.value.messages[0]
    assert char in message
    assert f"position {pos}" in message
    assert repr(sku) in message


def test_it_accepts_letters_and_digits():
    validate_pos_sku("TEE01abc")
    assert is_valid_pos_sku("ABC123")
    assert not is_valid_pos_sku("")
    assert not is_valid_pos_sku("WEB-TEE/01")


def test_full_clean_reports_sku_and_required_fields(department):
    item = Item(sku="BAD SKU", name="")
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    errors = exc.value.message_dict
    assert "sku" in errors and "a space" in errors["sku"][0]
    assert set(errors) >= {"sku", "name", "vendor", "department"}


def test_the_no_vendor_record_exists():
    assert Vendor.objects.filter(name=NO_VENDOR).exists()
    assert Vendor.default().name == NO_VENDOR


def test_the_database_rejects_a_sku_with_punctuation(department, vendor):
    with pytest.raises(IntegrityError), transaction.atomic():
        new_item(department, vendor, sku="MUG-1").save()


def test_the_database_rejects_a_duplicate_sku_in_another_case(department, vendor):
    new_item(department, vendor, sku="MUG1").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        new_item(department, vendor, sku="mug1", name="Other").save()


def test_the_database_rejects_negative_prices_and_dimensions(department, vendor):
    for field, value in (("price", "-1"), ("cost_price", "-0.01"), ("weight", "-2")):
        with pytest.raises(IntegrityError), transaction.atomic():
            new_item(department, vendor, **{field: Decimal(value)}).save()


def test_a_variant_sku_may_not_repeat_an_item_sku(item):
    variant = Variant(item=item, sku="tee001", option_values={"Size": "M"})
    with pytest.raises(ValidationError) as exc:
        variant.full_clean()
    assert "already used by an item" in exc.value.message_dict["sku"][0]


def test_variant_price_modes_are_enforced_by_the_database(item):
    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.create(item=item, sku="TEE001M", price_mode="absolute", price=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.create(item=item, sku="TEE001L", price_mode="inherit",
                               price=Decimal("1"))


def test_variant_effective_price_and_weight(item):
    item.weight = Decimal("0.200")
    absolute = Variant(item=item, sku="TEE001S", price_mode="absolute", price=Decimal("15"))
    change = Variant(item=item, sku="TEE001L", price_mode="change", price=Decimal("2.00"),
                     weight_mode="change", weight=Decimal("0.050"))
    inherit = Variant(item=item, sku="TEE001M")
    assert absolute.effective_price == Decimal("15")
    assert change.effective_price == Decimal("21.99")
    assert change.effective_weight == Decimal("0.250")
    assert inherit.effective_price == item.price


def test_variant_validation_names_the_field(item):
    variant = Variant(item=item, sku="TEE001S", price_mode="change", price=None,
                      option_values={"Size": 3})
    with pytest.raises(ValidationError) as exc:
        variant.full_clean()
    assert set(exc.value.message_dict) == {"price", "option_values"}


def test_one_stock_row_per_item_and_location(item, store_location):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.create(item=item, location=store_location, on_hand=1)


def test_reserved_stock_cannot_be_negative(item, store_location):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(item=item).update(reserved=-1)


def test_on_hand_may_go_negative_when_oversold(item):
    stock = item.stock_levels.get()
    stock.on_hand = -2
    stock.save()
    assert stock.available == -2


def test_a_bundle_cannot_contain_itself_or_zero_of_something(item, department, vendor):
    child = Item.objects.create(sku="TOWEL1", name="Towel", department=department, vendor=vendor)
    BundleComponent.objects.create(bundle=item, component=child, quantity=2)
    assert item.is_bundle
    with pytest.raises(IntegrityError), transaction.atomic():
        BundleComponent.objects.create(bundle=item, component=item, quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        BundleComponent.objects.filter(bundle=item).update(quantity=0)


def test_a_department_in_use_cannot_be_deleted(item):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        item.department.delete()
