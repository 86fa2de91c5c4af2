"""Staff log into the admin in a real browser and find an item by SKU."""

import pytest

from catalog.demo import demo_catalog_load
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
