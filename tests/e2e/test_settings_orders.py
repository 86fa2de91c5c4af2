"""The Orders section of the sync settings page in a real browser: a settings admin ticks a
Get status, chooses the Set status and the restock choice, saves, and after a reload finds
them kept; then clears the last sync and sees "never"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from bcsync.connections import connection_upsert
from bcsync.models import OrderSyncSettings
from bcsync.orders.settings import order_settings_for
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
expect.set_options(timeout=15_000)


def test_a_settings_admin_sets_the_order_statuses_and_clears_the_last_sync(
        live_server, browser, artifacts, dave):
    connection, _ = connection_upsert(store_hash="abc123", access_token="tok-SECRET-e2e-2",
                                      api_url="http://127.0.0.1:9", description="Web shop")
    settings = order_settings_for(connection=connection)
    settings.last_sync_at = timezone.now()
    settings.save()
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    settings_url = reverse("bcsync:settings", args=[connection.pk])
    page.goto(f"{live_server.url}/admin/login/?next={settings_url}")
    page.fill("#id_username", "dave")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{settings_url}")

    orders = page.locator("#settings-orders")
    expect(orders.get_by_label("Awaiting Fulfillment (11)")).to_be_checked()
    orders.get_by_label("Awaiting Payment (7)").check()
    orders.get_by_label("Set order status").select_option(label="Awaiting Pickup (8)")
    orders.get_by_label("Restock refunded items").uncheck()
    orders.get_by_role("button", name="Save orders").click()
    expect(page.get_by_text("Saved orders.")).to_be_visible()

    page.reload()
    orders = page.locator("#settings-orders")
    expect(orders.get_by_label("Awaiting Payment (7)")).to_be_checked()
    expect(orders.get_by_label("Awaiting Fulfillment (11)")).to_be_checked()
    expect(orders.get_by_label("Shipped (2)")).not_to_be_checked()
    expect(orders.get_by_label("Set order status")).to_have_value("8")
    expect(orders.get_by_label("Restock refunded items")).not_to_be_checked()
    expect(page.locator("#settings-orders-last-sync")).not_to_contain_text("never")

    page.locator("#settings-orders-clear_last_sync").click()
    expect(page.get_by_text("Last sync cleared")).to_be_visible()
    expect(page.locator("#settings-orders-last-sync")).to_contain_text("never")
    page.reload()
    expect(page.locator("#settings-orders-last-sync")).to_contain_text("never")
    # Clearing the last sync leaves the choices alone.
    expect(page.locator("#settings-orders").get_by_label("Awaiting Payment (7)")).to_be_checked()

    assert "tok-SECRET-e2e-2" not in page.content()
    page.screenshot(path=str(artifacts / "settings-orders.png"), full_page=True)
    saved = OrderSyncSettings.objects.get(connection=connection)
    assert saved.get_status_ids == [7, 11] and saved.set_status_id == 8
    assert saved.last_sync_at is None
    connection.refresh_from_db()
    assert connection.restock_refunded_items is False
    assert errors == []
    context.close()
