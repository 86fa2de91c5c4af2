"""The sync settings page in a real browser, at a laptop's 1366 px: a settings admin turns
Prices On, finds SKUs' On disabled, sets matching to UPC, and after a reload finds both kept."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from bcsync.connections import connection_upsert
from bcsync.push.policies import policies_for
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
expect.set_options(timeout=15_000)


def test_a_settings_admin_changes_a_policy_and_the_matching_and_both_are_kept(
        live_server, browser, artifacts, dave):
    connection, _ = connection_upsert(store_hash="abc123", access_token="tok-SECRET-e2e-1",
                                      api_url="http://127.0.0.1:9", description="Web shop")
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

    policies = page.locator("#settings-policies")
    skus = policies.get_by_role("group", name="SKUs")
    expect(skus.get_by_label("On", exact=True)).to_be_disabled()
    expect(skus.get_by_label("Manual", exact=True)).to_be_enabled()
    policies.locator("label[for=id_policies-prices_on]").click()
    policies.get_by_role("button", name="Save field policies").click()
    expect(page.get_by_text("Saved field policies.")).to_be_visible()

    page.locator("#settings-matching").get_by_label("UPC").check()
    page.get_by_role("button", name="Save matching").click()
    expect(page.get_by_text("Saved matching.")).to_be_visible()

    page.reload()
    expect(page.locator("#id_policies-prices_on")).to_be_checked()
    expect(page.locator("#id_policies-names_manual")).to_be_checked()
    expect(page.locator("#settings-matching").get_by_label("UPC")).to_be_checked()
    # Nothing wider than the window: no sideways scrolling at 1366 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert "tok-SECRET-e2e-1" not in page.content()
    page.screenshot(path=str(artifacts / "settings-page.png"), full_page=True)
    assert policies_for(connection=connection)["prices"] == "on"
    assert errors == []
    context.close()
