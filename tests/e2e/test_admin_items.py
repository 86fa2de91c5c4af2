"""Staff log into the admin in a real browser, find an item by SKU and edit its variants."""

from decimal import Decimal

import pytest

from catalog.demo import demo_catalog_load
from catalog.models import Item, Location, StockLevel, Variant
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_log_in_and_find_an_item_by_sku(live_server, page, artifacts, alice):
    demo_catalog_load()
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.get_by_role("link", name="Items").first.click()
    assert "Select item to change" in page.content()

    page.fill("#searchbar", "DEMO0042")
    page.press("#searchbar", "Enter")
    page.wait_for_url("**/catalog/item/?q=DEMO0042")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "DEMO0042" in rows.first.inner_text()
    page.screenshot(path=str(artifacts / "admin-item-search.png"), full_page=True)
    assert (artifacts / "admin-item-search.png").stat().st_size > 10_000


LAPTOP = {"width": 1366, "height": 768}


def _item_with_variants(item: Item, store_location: Location) -> Item:
    """The demo's sized garment: nine variants, each with stock at two locations."""
    warehouse = Location.objects.create(code="TESTWH", name="Test warehouse",
                                        kind=Location.Kind.WAREHOUSE)
    item.locations.add(warehouse)
    for colour in ("Red", "Navy", "Grey"):
        for size in ("S", "M", "L"):
            variant = Variant.objects.create(
                item=item, sku=f"{item.sku}{colour[0]}{size}",
                option_values={"Size": size, "Colour": colour},
                price_mode=Variant.Mode.CHANGE if size == "L" else Variant.Mode.INHERIT,
                price=Decimal("2.00") if size == "L" else None,
                barcode=f"5000000{len(colour)}{ord(size):05d}")
            for location in (store_location, warehouse):
                StockLevel.objects.create(item=item, variant=variant, location=location,
                                          on_hand=3)
    return item


def test_an_item_with_variants_fits_a_laptop_and_option_values_are_fields(
        live_server, browser, artifacts, alice, item, store_location):
    _item_with_variants(item, store_location)
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/admin/login/?next=/admin/catalog/item/{item.pk}/change/")
        page.fill("#id_username", "alice")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"**/admin/catalog/item/{item.pk}/change/")

        page.screenshot(path=str(artifacts / "admin-item-variants-1366.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= LAPTOP["width"], f"the item page is {width} px wide"
        # Nor does a part of it scroll sideways inside its own box (Django's tabular
        # inlines scroll rather than widen the page).
        scrolled = page.evaluate("""() => [...document.querySelectorAll(
            '#content-main fieldset, #content-main .inline-group, #content-main .tabular,'
            + ' #content-main table')].filter(el => el.scrollWidth > el.clientWidth + 1)
            .map(el => `${el.id || el.className}: ${el.scrollWidth} > ${el.clientWidth}`)""")
        assert scrolled == []

        # The first variant (TEE001GL, by SKU): change its size, add a third option.
        row = page.locator("#variants-0")
        assert row.locator("input[name='variants-0-sku']").input_value() == "TEE001GL"
        assert row.get_by_label("Option 1 name").input_value() == "Size"
        assert row.get_by_label("Option 2 value").input_value() == "Grey"
        row.get_by_label("Option 1 value").fill("XL")
        row.get_by_label("Option 3 name").fill("Fit")
        row.get_by_label("Option 3 value").fill("Slim")
        page.click("input[name=_continue]")
        page.wait_for_url(f"**/admin/catalog/item/{item.pk}/change/")
        assert "was changed successfully" in page.content()

        # A new variant, added with the admin's "Add another" row, gets two blank options.
        page.locator("#variants-group .add-row a").click()
        new = page.locator("#variants-9")
        new.locator("input[name='variants-9-sku']").fill("TEE001XS")
        new.get_by_label("Option 1 name").fill("Size")
        new.get_by_label("Option 1 value").fill("XS")
        new.get_by_label("Option 2 name").fill("Colour")
        new.get_by_label("Option 2 value").fill("Red")
        page.click("input[name=_continue]")
        page.wait_for_url(f"**/admin/catalog/item/{item.pk}/change/")
        assert "was changed successfully" in page.content()
    finally:
        context.close()

    variant = Variant.objects.get(sku="TEE001GL")
    assert variant.option_values == {"Size": "XL", "Colour": "Grey", "Fit": "Slim"}
    assert Variant.objects.get(sku="TEE001GM").option_values == {"Size": "M", "Colour": "Grey"}
    assert Variant.objects.get(sku="TEE001XS").option_values == {"Size": "XS", "Colour": "Red"}
