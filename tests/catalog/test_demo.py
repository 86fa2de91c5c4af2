import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from catalog.models import BundleComponent, Item, Location, StockLevel, Variant, Vendor

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count()
            for m in (Item, Variant, StockLevel, BundleComponent, Location, Vendor, User)}


def test_demo_catalog_is_realistic_and_idempotent(capsys):
    call_command("demo_catalog")
    first_output = capsys.readouterr().out
    first = counts()
    call_command("demo_catalog")
    second_output = capsys.readouterr().out
    assert counts() == first
    # On an empty database everything is new; the second time everything is already there.
    items, variants, stock = first["Item"], first["Variant"], first["StockLevel"]
    assert (f"Demo catalog: {items} items ({items} new, 0 already there), "
            f"{variants} variants ({variants} new, 0 already there), "
            f"{stock} stock levels ({stock} new, 0 already there).") in first_output
    assert (f"Demo catalog: {items} items (0 new, {items} already there), "
            f"{variants} variants (0 new, {variants} already there), "
            f"{stock} stock levels (0 new, {stock} already there).") in second_output
    assert 250 <= first["Item"] <= 400
    assert first["Location"] == 2 and first["BundleComponent"] >= 2
    assert first["User"] == 1
    # The password printed is the one that logs in, both times.
    password = first_output.split("admin / ")[1].split()[0]
    assert f"admin / {password}" in second_output
    assert User.objects.get(username="admin").check_password(password)
    assert Item.objects.filter(ecommerce_enabled=False).exists()
    assert Variant.objects.filter(option_values__has_key="Colour").exists()
    assert StockLevel.objects.values("location").distinct().count() == 2
    # Names in more than one script.
    names = list(Item.objects.values_list("name", flat=True))
    assert any(any(ord(ch) > 0x3000 for ch in n) for n in names)
    assert any(any(0x0370 <= ord(ch) <= 0x03FF for ch in n) for n in names)
