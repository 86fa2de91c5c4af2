"""Inventory in a real browser, at a laptop's 1366 px: a settings admin maps a second
location and turns End of Day on (both kept after a reload); a catalog editor picks a line
and then the rest of an order from the picking list."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from bcsync.connections import connection_upsert
from bcsync.models import InventorySettings, LocationMapping
from catalog.models import Location
from orders.models import SalesOrder
from tests.conftest import PASSWORD
from tests.inventory.orders_made import order_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
expect.set_options(timeout=15_000)


def logged_in(browser, live_server, username: str, url: str):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/admin/login/?next={url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{url}")
    return context, page, errors


def test_a_settings_admin_maps_a_location_and_sets_end_of_day(live_server, browser,
                                                               artifacts, dave):
    shop = Location.objects.create(code="SHOP", name="High street")
    back = Location.objects.create(code="BACK", name="Back room")
    connection, _ = connection_upsert(store_hash="abc123", access_token="tok-SECRET-e2e-2",
                                      api_url="http://127.0.0.1:9", description="Web shop")
    connection.pos_location = shop
    connection.save()
    url = reverse("bcsync:settings", args=[connection.pk])
    context, page, errors = logged_in(browser, live_server, "dave", url)

    mappings = page.locator("#settings-location_mappings")
    mappings.get_by_label("Add: POS location").select_option(value=str(back.pk))
    mappings.get_by_label("Add: BigCommerce location id").fill("2")
    page.get_by_role("button", name="Save additional locations").click()
    expect(page.get_by_text("Saved additional locations.")).to_be_visible()
    expect(page.locator("#settings-location_mappings")).to_contain_text(
        "BACK – Back room → BigCommerce location 2")

    page.locator("#id_end_of_day-end_of_day_enabled").check()
    page.locator("#id_end_of_day-end_of_day_time").fill("21:30")
    page.locator("#id_end_of_day-subtract_unpicked").check()
    page.get_by_role("button", name="Save end of day").click()
    expect(page.get_by_text("Saved end of Day.")).to_be_visible()

    page.reload()
    expect(page.locator("#id_end_of_day-end_of_day_enabled")).to_be_checked()
    expect(page.locator("#id_end_of_day-end_of_day_time")).to_have_value("21:30")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert "tok-SECRET-e2e-2" not in page.content()
    page.screenshot(path=str(artifacts / "settings-inventory.png"), full_page=True)
    assert LocationMapping.objects.get().bc_location_id == 2
    assert InventorySettings.objects.get().subtract_unpicked
    assert errors == []
    context.close()


def test_a_catalog_editor_picks_a_line_then_the_order(live_server, browser, artifacts, carol,
                                                      item):
    order = order_with("WEB-7", [(item, 3, 0)], store_hash="abc123", bc_order_id=7)
    url = reverse("bcsync:picking")
    context, page, errors = logged_in(browser, live_server, "carol", url)

    expect(page.locator("#picking-totals")).to_contain_text("3")
    line = order.lines.get()
    page.locator(f"#picked-{line.pk}").fill("2")
    page.locator(f"#picking-line-{line.pk}").get_by_role("button", name="Set picked").click()
    expect(page.get_by_text("Order WEB-7, line")).to_be_visible()
    expect(page.locator(f"#picking-line-{line.pk}")).to_contain_text("1")

    page.get_by_role("button", name="Mark WEB-7 picked").click()
    expect(page.get_by_text("Order WEB-7 is picked.")).to_be_visible()
    expect(page.locator("#picking-empty")).to_be_visible()
    page.screenshot(path=str(artifacts / "picking.png"), full_page=True)
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.PICKED
    assert errors == []
    context.close()
