"""The sales records' rules, both as validation staff see and as constraints the database
enforces (every constraint is tried with a plain save, which skips validation)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from catalog.models import UnitOfMeasure
from catalog.validators import validate_uom_code
from orders.models import (
    Carrier,
    Customer,
    CustomerAddress,
    CustomerContact,
    PriceLevel,
    PriceLevelPrice,
)
from orders.validators import (
    validate_carrier_code,
    validate_country_code,
    validate_customer_code,
)

pytestmark = pytest.mark.django_db


def refused_by_db(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def errors_of(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    return exc.value.message_dict


def customer(**fields) -> Customer:
    return Customer.objects.create(**{"code": "C1", "last_name": "Lovelace", **fields})


# ---- codes --------------------------------------------------------------------------------

@pytest.mark.parametrize(("validator", "noun", "value", "says"), [
    (validate_customer_code, "Customer code", "AB C", "a space at position 3"),
    (validate_customer_code, "Customer code", "BC_12", "'_' at position 3"),
    (validate_customer_code, "Customer code", "-BC12", "starts with a dash"),
    (validate_carrier_code, "Carrier code", "UPS/GND", "'/' at position 4"),
    (validate_uom_code, "Unit of measure code", "E A", "a space at position 2"),
])
def test_a_bad_code_is_refused_naming_the_field_and_the_character(validator, noun, value, says):
    with pytest.raises(ValidationError) as exc:
        validator(value)
    [message] = exc.value.messages
    assert message.startswith(f"{noun} {value!r}")
    assert says in message


@pytest.mark.parametrize("value", ["BC-1042", "POS0001", "a1-b2-c3"])
def test_letters_digits_and_dashes_make_a_customer_code(value):
    validate_customer_code(value)


def test_a_customer_code_error_is_keyed_to_the_code_field():
    assert "Customer code 'AB C'" in errors_of(Customer(code="AB C", last_name="X"))["code"][0]


def test_the_database_refuses_a_customer_code_of_another_shape():
    refused_by_db(lambda: customer(code="BC_12"))


def test_customer_codes_are_unique_ignoring_case():
    customer(code="BC-1")
    refused_by_db(lambda: customer(code="bc-1"))
    errors = errors_of(Customer(code="Bc-1", last_name="Hopper"))
    assert errors["code"] == ["Customer code 'Bc-1' is already used (letter case aside)."]


def test_carrier_codes_are_unique_and_name_and_service_once():
    Carrier.objects.create(name="UPS", service="Ground", code="UPS-GND")
    refused_by_db(lambda: Carrier.objects.create(name="UPS", service="Air", code="ups-gnd"))
    refused_by_db(lambda: Carrier.objects.create(name="UPS", service="Ground", code="UPS2"))
    assert "code" in errors_of(Carrier(name="UPS", service="Air", code="Ups-Gnd"))
    assert "__all__" in errors_of(Carrier(name="UPS", service="Ground", code="OTHER"))


def test_unit_of_measure_codes_are_unique_ignoring_case_and_protected_while_used(item):
    each = UnitOfMeasure.objects.create(code="EA", name="Each")
    refused_by_db(lambda: UnitOfMeasure.objects.create(code="ea", name="Each again"))
    assert "code" in errors_of(UnitOfMeasure(code="Ea", name="Each"))
    refused_by_db(lambda: UnitOfMeasure.objects.create(code="E-A", name="Dash"))
    item.unit_of_measure = each
    item.save()
    with pytest.raises(ProtectedError):
        each.delete()


# ---- price levels -------------------------------------------------------------------------

@pytest.mark.parametrize("percent", ["-0.01", "100.01", "250"])
def test_a_percentage_off_outside_0_to_100_is_refused(percent):
    refused_by_db(lambda: PriceLevel.objects.create(name="Odd", percent=Decimal(percent)))
    assert "percent" in errors_of(PriceLevel(name="Odd", percent=Decimal(percent)))


@pytest.mark.parametrize("percent", ["0", "12.5", "100"])
def test_a_percentage_off_from_0_to_100_is_kept(percent):
    level = PriceLevel(name="Fine", percent=Decimal(percent))
    level.full_clean()
    level.save()


def test_a_percentage_goes_with_its_kind_only():
    refused_by_db(lambda: PriceLevel.objects.create(name="No percent"))
    refused_by_db(lambda: PriceLevel.objects.create(
        name="List", kind=PriceLevel.Kind.PRICE_LIST, percent=Decimal("5")))
    assert errors_of(PriceLevel(name="No percent"))["percent"] == [
        "Enter the percentage off (0 to 100)."]
    assert "percent" in errors_of(
        PriceLevel(name="L", kind=PriceLevel.Kind.PRICE_LIST, percent=Decimal("5")))


def test_price_level_names_are_unique_ignoring_case():
    PriceLevel.objects.create(name="Wholesale", percent=Decimal("15"))
    refused_by_db(lambda: PriceLevel.objects.create(name="WHOLESALE", percent=Decimal("5")))
    assert errors_of(PriceLevel(name="wholesale", percent=Decimal("5")))["name"] == [
        "A price level named 'wholesale' already exists."]


def price_list(name: str = "Trade") -> PriceLevel:
    return PriceLevel.objects.create(name=name, kind=PriceLevel.Kind.PRICE_LIST)


def test_an_item_has_one_price_per_price_list(item):
    trade = price_list()
    PriceLevelPrice.objects.create(price_level=trade, item=item, price=Decimal("10"))
    refused_by_db(lambda: PriceLevelPrice.objects.create(
        price_level=trade, item=item, price=Decimal("11")))
    PriceLevelPrice.objects.create(price_level=price_list("Other"), item=item, price=Decimal("9"))


def test_a_price_list_price_is_not_negative(item):
    refused_by_db(lambda: PriceLevelPrice.objects.create(
        price_level=price_list(), item=item, price=Decimal("-1")))


def test_a_percentage_off_holds_no_item_prices(item):
    level = PriceLevel.objects.create(name="Staff", percent=Decimal("30"))
    price = PriceLevelPrice(price_level=level, item=item, price=Decimal("1"))
    assert "'Staff' is a percentage off" in errors_of(price)["__all__"][0]
    trade = price_list()
    PriceLevelPrice.objects.create(price_level=trade, item=item, price=Decimal("1"))
    trade.kind, trade.percent = PriceLevel.Kind.PERCENT_OFF, Decimal("5")
    assert "holds item prices" in errors_of(trade)["kind"][0]


def test_a_level_prices_an_item_by_percent_or_by_its_list(item):
    # item.price is 19.99
    assert PriceLevel(name="a", percent=Decimal("15")).price_for(item) == Decimal("16.99")
    assert PriceLevel(name="b", percent=Decimal("0")).price_for(item) == Decimal("19.99")
    trade = price_list()
    assert trade.price_for(item) == Decimal("19.99")
    PriceLevelPrice.objects.create(price_level=trade, item=item, price=Decimal("12.00"))
    assert trade.price_for(item) == Decimal("12.00")


def test_a_price_level_in_use_cannot_be_deleted():
    level = PriceLevel.objects.create(name="Staff", percent=Decimal("30"))
    customer(price_level=level)
    with pytest.raises(ProtectedError):
        level.delete()


# ---- customers ----------------------------------------------------------------------------

def test_a_customer_needs_a_company_or_a_name():
    refused_by_db(lambda: Customer.objects.create(code="C9"))
    assert errors_of(Customer(code="C9"))["last_name"] == [
        "Enter a company or a first or last name."]
    Customer(code="C9", company="Hopper Trading Ltd").full_clean()


def test_credit_limit_is_not_negative():
    refused_by_db(lambda: customer(credit_limit=Decimal("-0.01")))
    assert "credit_limit" in errors_of(Customer(code="C2", last_name="X", credit_limit=-1))


def test_a_tax_exempt_id_needs_a_tax_exempt_customer():
    refused_by_db(lambda: customer(tax_exempt_id="TX-1"))
    assert "tax_exempt_id" in errors_of(Customer(code="C2", last_name="X", tax_exempt_id="TX-1"))
    customer(tax_exempt=True, tax_exempt_id="TX-1")


def test_country_codes_are_two_letters_kept_in_capitals():
    owner = customer()
    address = CustomerAddress.objects.create(customer=owner, kind="billing", line1="1 Elm St",
                                             city="Austin", country_code="us")
    address.refresh_from_db()
    assert address.country_code == "US"
    bad = CustomerAddress(customer=owner, kind="shipping", line1="1", city="X",
                          country_code="U1")
    assert errors_of(bad)["country_code"] == [
        "Country code 'U1' is not two letters: use the ISO 3166-1 alpha-2 code, e.g. US or GB."]
    refused_by_db(lambda: bad.save())
    with pytest.raises(ValidationError):
        validate_country_code("USA")


def test_a_customer_has_one_default_address_of_each_kind():
    owner = customer()
    fields = {"customer": owner, "line1": "1 Elm St", "city": "Austin", "country_code": "US"}
    CustomerAddress.objects.create(kind="billing", is_default=True, **fields)
    CustomerAddress.objects.create(kind="shipping", is_default=True, **fields)
    CustomerAddress.objects.create(kind="shipping", **fields)
    refused_by_db(lambda: CustomerAddress.objects.create(kind="billing", is_default=True,
                                                         **fields))
    assert owner.default_address("shipping").is_default


def test_a_contact_needs_a_name():
    owner = customer()
    refused_by_db(lambda: CustomerContact.objects.create(customer=owner, email="a@b.example"))
    assert "last_name" in errors_of(CustomerContact(customer=owner))


# ---- matching by email --------------------------------------------------------------------

@pytest.mark.parametrize("asked", ["ada.lovelace@example.com", "ADA.LOVELACE@EXAMPLE.COM",
                                   " Ada.Lovelace@Example.com "])
def test_customers_and_contacts_are_found_by_email_in_any_letter_case(asked):
    ada = customer(email="Ada.Lovelace@Example.com")
    customer(code="C2", email="grace@example.com")
    contact = CustomerContact.objects.create(customer=ada, last_name="Byron",
                                             email="ADA.Lovelace@example.COM")
    assert list(Customer.objects.with_email(asked)) == [ada]
    assert list(CustomerContact.objects.with_email(asked)) == [contact]


def test_an_email_in_any_script_finds_itself():
    zoe = customer(email="ZOË.Ünal@exämple.com")
    assert list(Customer.objects.with_email("ZOË.Ünal@exämple.com")) == [zoe]
    assert list(Customer.objects.with_email("zoË.Ünal@exämple.COM")) == [zoe]


def test_a_blank_email_finds_nobody():
    customer(email="")
    assert not Customer.objects.with_email("").exists()
    assert not Customer.objects.with_email("  ").exists()


@pytest.mark.parametrize(("model", "index"), [(Customer, "customer_email_lower"),
                                              (CustomerContact, "customer_contact_email_lower")])
def test_lookup_by_email_is_an_index_search(model, index):
    if connection.vendor == "postgresql":
        # A handful of rows would be read straight through; ask the planner what it can use.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = model.objects.with_email("Ada@Example.com").explain()
    assert index in plan, plan
