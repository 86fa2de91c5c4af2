"""The demo sales records: loaded after the demo catalog, the same rows however often."""

import pytest
from django.core.management import call_command

from catalog.demo import demo_catalog_load
from catalog.models import UnitOfMeasure
from orders.demo import CUSTOMERS, demo_sales_remove
from orders.models import Carrier, Customer, CustomerAddress, PriceLevel, PriceLevelPrice

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (
        Customer, CustomerAddress, PriceLevel, PriceLevelPrice, Carrier, UnitOfMeasure)}


def test_demo_sales_are_realistic_and_idempotent(capsys):
    demo_catalog_load()
    call_command("demo_sales")
    first = counts()
    call_command("demo_sales")
    assert counts() == first
    assert first["Customer"] == len(CUSTOMERS)
    assert first["CustomerAddress"] == 2 * len(CUSTOMERS)
    assert first["PriceLevelPrice"] == 20
    assert "Demo sales: 4 price levels, 8 customers, 5 carriers" in capsys.readouterr().out
    # The emulator's demo store has ada.lovelace@example.com: matching by email finds her.
    assert Customer.objects.with_email("ada.lovelace@example.com").get().code == "POS-0001"
    for customer in Customer.objects.all():
        customer.full_clean()
    demo_sales_remove()
    assert not Customer.objects.exists()
    assert not PriceLevel.objects.exists()
