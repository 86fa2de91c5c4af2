"""A catalog editor adds a customer with a billing address in a real browser and finds it by
email in another letter case."""

import pytest

from orders.models import Customer
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_catalog_editor_adds_a_customer_with_an_address(live_server, page, artifacts, carol):
    page.goto(f"{live_server.url}/admin/orders/customer/add/")
    page.fill("#id_username", "carol")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.fill("#id_code", "BC-1042")
    page.fill("#id_first_name", "José")
    page.fill("#id_last_name", "Muñoz")
    page.fill("#id_email", "Jose.Munoz@Example.com")
    page.get_by_text("Add another Customer address").click()
    page.select_option("[name='addresses-0-kind']", "billing")
    page.check("[name='addresses-0-is_default']")
    page.fill("[name='addresses-0-line1']", "Calle Mayor 1")
    page.fill("[name='addresses-0-city']", "Madrid")
    page.fill("[name='addresses-0-country_code']", "es")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/orders/customer/")
    row = page.locator("#result_list tbody tr").first
    assert "BC-1042" in row.inner_text() and "Madrid" in row.inner_text()

    page.fill("#searchbar", "JOSE.MUNOZ@example.com")
    page.press("#searchbar", "Enter")
    page.wait_for_url("**/admin/orders/customer/?q=*")
    page.wait_for_load_state()
    assert page.locator("#result_list tbody tr").count() == 1
    page.screenshot(path=str(artifacts / "admin-customers.png"), full_page=True)
    assert Customer.objects.get(code="BC-1042").default_address("billing").country_code == "ES"
