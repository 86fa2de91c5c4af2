"""From the POS to BigCommerce: price levels as customer groups (B2B), and a customer or a
contact created or linked by email from its admin page, which then opens the customer in the
control panel. The emulator over HTTP; role checks on the button."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from bcsync.customer_links import customer_link_or_create
from bcsync.imports.customers import Refused
from bcsync.imports.price_levels import price_levels_push
from bcsync.models import CustomerSync, PriceLevelSync, SyncEvent
from orders.models import Customer, CustomerAddress, CustomerContact, PriceLevel
from tests.conftest import client_for

from .conftest import lc_fill

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]

ADA = "ada.lovelace@example.com"


@pytest.fixture
def b2b(connection):
    connection.b2b_enabled = True
    connection.save()
    return connection


def test_each_price_level_gets_a_group_with_its_discount_and_same_names_link(
        b2b, client, api):
    lc_fill(b2b, client)
    trade = PriceLevel.objects.create(name="Trade", percent=Decimal("12.50"))
    wholesale = PriceLevel.objects.create(name="WHOLESALE", percent=Decimal("20"))
    PriceLevel.objects.create(name="Contract", kind="price_list", percent=None)

    report = price_levels_push(connection=b2b, client=client)

    assert report.ok and report.counts == {"created": 2, "linked": 1}, report.line()
    groups = {g["name"]: g for g in api.groups()}
    assert groups["Trade"]["discount_rules"] == [
        {"type": "all", "method": "percent", "amount": "12.5000"}]
    # The demo's Wholesale group (15 %) is linked, not duplicated, and now has the level's
    # name and 20 %.
    assert PriceLevelSync.objects.get(price_level=wholesale).bc_group_id == \
        groups["WHOLESALE"]["id"] == 2
    assert groups["WHOLESALE"]["discount_rules"][0]["amount"] == "20.0000"
    assert groups["Contract"]["discount_rules"][0]["amount"] == "0.0000"
    assert "price list" in report.for_id(groups["Contract"]["id"]).message

    trade.percent = Decimal("5")
    trade.save()
    again = price_levels_push(connection=b2b, client=client)

    assert again.counts == {"updated": 3}
    assert {g["name"]: g for g in api.groups()}["Trade"]["discount_rules"][0]["amount"] \
        == "5.0000"
    assert len(api.groups()) == 5


def test_a_new_customer_is_created_online_in_its_levels_group(b2b, client, api):
    lc_fill(b2b, client)
    level = PriceLevel.objects.create(name="Trade", percent=Decimal("10"))
    customer = Customer.objects.create(code="C1", company="Łódź Tools", email="buyer@lodz.pl",
                                       phone="+48 42 000", price_level=level)
    CustomerAddress.objects.create(customer=customer, kind="billing", is_default=True,
                                   name="Anna Nowak", line1="ul. Piotrkowska 1", city="Łódź",
                                   country_code="PL")

    result = customer_link_or_create(connection=b2b, client=client, customer=customer)

    online = api.customer_by_email("buyer@lodz.pl")
    assert result.outcome == "created" and result.link.bc_customer_id == online["id"]
    assert result.url.endswith(f"/manage/customers/{online['id']}/edit")
    group = PriceLevelSync.objects.get(price_level=level).bc_group_id
    assert online["customer_group_id"] == group
    # A company-only customer: BigCommerce needs both names, so the company fills them.
    assert (online["first_name"], online["last_name"], online["company"]) == (
        "Łódź Tools", "Łódź Tools", "Łódź Tools")
    assert online["addresses"][0]["first_name"] == "Anna"
    assert online["addresses"][0]["city"] == "Łódź"
    assert SyncEvent.objects.get(label="Customer C1").action == "created"

    second = customer_link_or_create(connection=b2b, client=client, customer=customer)
    assert (second.outcome, second.requests) == ("already linked", 0)


def test_an_existing_customer_is_linked_by_email_from_the_lc_and_moved_to_the_group(
        b2b, client, api):
    lc_fill(b2b, client)
    level = PriceLevel.objects.create(name="Wholesale", percent=Decimal("15"))
    customer = Customer.objects.create(code="ADA", first_name="Ada", last_name="L",
                                       email=ADA.upper(), price_level=level)
    before = len(api.customers())
    assert api.customer_by_email(ADA)["customer_group_id"] == 3  # VIP in the demo store

    result = customer_link_or_create(connection=b2b, client=client, customer=customer)

    online = api.customer_by_email(ADA)
    assert (result.outcome, result.link.bc_customer_id) == ("linked", online["id"])
    assert online["customer_group_id"] == 2  # the demo's Wholesale group, linked by name
    assert len(api.customers()) == before


def test_a_customer_the_lc_has_not_seen_is_found_by_one_search(connection, client, api):
    lc_fill(connection, client)
    made = api.add_customer(email="fresh@example.com", first_name="F", last_name="Resh")
    customer = Customer.objects.create(code="F1", first_name="F", email="Fresh@Example.com")
    before = api.requests()

    result = customer_link_or_create(connection=connection, client=client, customer=customer)

    assert (result.outcome, result.link.bc_customer_id) == ("linked", made["id"])
    assert api.requests() - before == 1


def test_a_contact_gets_its_own_customer_online(connection, client, api):
    lc_fill(connection, client)
    firm = Customer.objects.create(code="FIRM", company="Firm", email=ADA)
    contact = CustomerContact.objects.create(customer=firm, first_name="Bo", last_name="Ng",
                                             email="bo@firm.example")

    mine = customer_link_or_create(connection=connection, client=client, customer=firm)
    theirs = customer_link_or_create(connection=connection, client=client, customer=firm,
                                     contact=contact)

    assert mine.outcome == "linked" and theirs.outcome == "created"
    online = api.customer_by_email("bo@firm.example")
    assert (online["first_name"], online["last_name"], online["company"]) == (
        "Bo", "Ng", "Firm")
    assert CustomerSync.objects.get(contact=contact).bc_customer_id == online["id"]


def test_no_email_or_a_refused_create_names_the_field(connection, client, api):
    lc_fill(connection, client)
    nobody = Customer.objects.create(code="NOMAIL", company="No Mail")
    with pytest.raises(Refused) as refused:
        customer_link_or_create(connection=connection, client=client, customer=nobody)
    assert refused.value.field == "email" and "NOMAIL" in refused.value.message

    # The POS takes a dotless domain (user@localhost); BigCommerce does not.
    local = Customer.objects.create(code="LOCAL", first_name="Lo", email="shop@localhost")
    with pytest.raises(Refused) as refused:
        customer_link_or_create(connection=connection, client=client, customer=local)
    assert refused.value.field == "email" and "refused" in refused.value.message
    assert not CustomerSync.objects.filter(customer=local).exists()
    failed = SyncEvent.objects.get(label="Customer LOCAL")
    assert (failed.ok, failed.error_field) == (False, "email")


@pytest.mark.parametrize("persona, allowed", [
    ("alice", True), ("bob", True), ("carol", False), ("dave", False)])
def test_the_button_needs_the_sync_operator_role_and_lands_on_the_control_panel(
        request, connection, client, api, persona, allowed):
    lc_fill(connection, client)
    user = request.getfixturevalue(persona)
    customer = Customer.objects.create(code="WEB1", first_name="Web", last_name="One",
                                       email="web.one@example.com")
    url = reverse("bcsync:customer_bigcommerce", args=[customer.pk])

    resp = client_for(user).post(url)

    if not allowed:
        assert resp.status_code == 403
        assert api.customer_by_email("web.one@example.com") is None
        return
    online = api.customer_by_email("web.one@example.com")
    assert resp.status_code == 302
    assert resp["Location"] == (f"https://store-{connection.store_hash}.mybigcommerce.com"
                                f"/manage/customers/{online['id']}/edit")


def test_the_customer_page_shows_the_buttons_to_who_may_use_them(connection, bob, carol):
    customer = Customer.objects.create(code="WEB2", first_name="Web", last_name="Two",
                                       email="web.two@example.com")
    contact = CustomerContact.objects.create(customer=customer, first_name="Cy",
                                             email="cy@example.com")
    page = reverse("admin:orders_customer_change", args=[customer.pk])

    shown = client_for(bob).get(page).content.decode()
    hidden = client_for(carol).get(page).content.decode()

    assert 'id="customer-bigcommerce"' in shown and f'value="{contact.pk}"' in shown
    assert 'formtarget="_blank"' in shown
    assert 'id="customer-bigcommerce"' not in hidden
    assert "Not linked to any store." in hidden


def test_a_refusal_goes_back_to_the_customer_page_with_the_field(connection, bob):
    customer = Customer.objects.create(code="NOMAIL2", company="No Mail")

    resp = client_for(bob).post(reverse("bcsync:customer_bigcommerce", args=[customer.pk]),
                                follow=True)

    assert resp.status_code == 200
    assert "Not linked (email)" in resp.content.decode()


@pytest.mark.parametrize("contact", ["abc", "9" * 40, "-1", "1\x00"])
def test_a_hostile_contact_is_400_not_500(connection, bob, contact):
    customer = Customer.objects.create(code="WEB3", first_name="Web", email="w3@example.com")
    resp = client_for(bob).post(reverse("bcsync:customer_bigcommerce", args=[customer.pk]),
                                {"contact": contact})
    assert resp.status_code == 400
    assert not CustomerSync.objects.exists()


def test_another_customers_contact_is_404(connection, bob):
    mine = Customer.objects.create(code="MINE", first_name="Me", email="me@example.com")
    theirs = Customer.objects.create(code="THEIRS", first_name="Them")
    contact = CustomerContact.objects.create(customer=theirs, first_name="Cy",
                                             email="cy@example.com")
    resp = client_for(bob).post(reverse("bcsync:customer_bigcommerce", args=[mine.pk]),
                                {"contact": contact.pk})
    assert resp.status_code == 404
