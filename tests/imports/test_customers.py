"""Customers from the LC into the POS: by email (letter case aside, a customer's or a
contact's) with the store's code prefix, groups as price levels with B2B on, and bad input
named per record. The emulator over HTTP; the LC filled by a reload; 0 requests to import."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from bcsync.imports.customers import customers_import
from bcsync.models import CustomerSync, PriceLevelSync
from localcopy.models import LcCustomer
from localcopy.pulls import write_customers
from localcopy.runs import Tally
from orders.models import Customer, CustomerContact, PriceLevel

from .conftest import lc_fill

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]

ADA = "ada.lovelace@example.com"
GRACE = "grace.hopper@example.com"


def test_new_customers_are_created_with_the_prefix_and_existing_ones_linked_by_email(
        connection, client, api):
    connection.code_prefix = "WEB"
    connection.save()
    mine = Customer.objects.create(code="ADA", first_name="Ada", last_name="L",
                                   email="ADA.Lovelace@EXAMPLE.com")
    lc_fill(connection, client)
    ada = api.customer_by_email(ADA)
    before = api.requests()

    report = customers_import(connection=connection)

    assert api.requests() == before
    assert report.ok, [r.line() for r in report.of("failed")]
    assert report.counts == {"created": 23, "linked": 1}
    assert CustomerSync.objects.get(connection=connection, bc_customer_id=ada["id"]).customer \
        == mine
    grace = api.customer_by_email(GRACE)
    made = Customer.objects.get(code=f"WEB{grace['id']}")
    assert (made.first_name, made.last_name, made.email) == ("Grace", "Hopper", GRACE)
    assert made.company == "Hopper Trading Ltd" and made.phone == grace["phone"]
    billing = made.default_address("billing")
    assert (billing.line1, billing.city, billing.country_code) == (
        grace["addresses"][0]["address1"], "Austin", "US")
    assert made.default_address("shipping").line1 == billing.line1
    assert made.price_level is None  # B2B off

    again = customers_import(connection=connection)

    assert again.counts == {"skipped": 24}
    assert Customer.objects.count() == 24


def test_a_contacts_email_links_the_contact(connection, client, api):
    firm = Customer.objects.create(code="HOPPER", company="Hopper & Co")
    contact = CustomerContact.objects.create(customer=firm, first_name="Grace",
                                             email="Grace.Hopper@Example.COM")
    lc_fill(connection, client)

    report = customers_import(connection=connection)

    link = CustomerSync.objects.get(bc_customer_id=api.customer_by_email(GRACE)["id"])
    assert (link.customer, link.contact) == (firm, contact)
    assert "contact Grace" in report.for_id(link.bc_customer_id).message
    assert not Customer.objects.filter(email__iexact=GRACE).exists()


def test_a_code_taken_by_hand_gets_a_suffix(connection, client, api):
    ada = api.customer_by_email(ADA)
    Customer.objects.create(code=f"bc{ada['id']}", company="Someone else")
    lc_fill(connection, client)

    customers_import(connection=connection)

    assert Customer.objects.get(email=ADA).code == f"BC{ada['id']}-2"


def test_with_b2b_groups_become_price_levels_and_customers_get_theirs(connection, client,
                                                                      api):
    connection.b2b_enabled = True
    connection.save()
    lc_fill(connection, client)

    report = customers_import(connection=connection)

    levels = {p.name: p for p in PriceLevel.objects.all()}
    assert set(levels) == {"Retail", "Wholesale", "VIP"}
    assert (levels["Wholesale"].kind, levels["Wholesale"].percent) == (
        "percent_off", Decimal("15.00"))
    assert levels["Retail"].percent == 0
    assert report.parts[0].counts == {"created": 3}
    grace = Customer.objects.get(email=GRACE)  # group 2 in the demo store
    assert grace.price_level == levels["Wholesale"]
    assert PriceLevelSync.objects.get(price_level=levels["VIP"]).bc_group_id == 3


def tally(connection) -> Tally:
    return Tally(client=None, store_hash=connection.store_hash, dataset="customers",
                 kind="webhook")


def test_bad_input_is_named_per_record_and_the_rest_go_on(connection, client, api):
    long_street = "Rue " + "é" * 300
    api.add_customer(email="zoë@example.com", first_name="Zoë", last_name="Ü")
    api.add_customer(email="zoe.long@example.com", first_name="Zoë", last_name="Ναυσικά",
                     company="Ελληνικά Εμπόριο 🚢",
                     addresses=[{"first_name": "Zoë", "last_name": "N", "address1": long_street,
                                 "city": "Athens", "country_code": "GR"}])
    api.add_customer(email="ok.unicode@example.com", first_name="Jürgen", last_name="Straße",
                     company="北京贸易")
    lc_fill(connection, client)
    # What a store with older data may hold, as the LC's own writer stores it: a name
    # longer than the POS allows, and a second customer with an email already seen.
    write_customers(None, store_hash=connection.store_hash, tally=tally(connection),
                    full=False, items=[
        {"id": 900, "email": "long.name@example.com", "first_name": "N" * 150,
         "last_name": "Long", "date_modified": "2025-06-01T00:00:00Z"},
        {"id": 901, "email": ADA.upper(), "first_name": "Ada", "last_name": "Again",
         "date_modified": "2025-06-01T00:00:00Z"}])
    # And one with no email at all (the LC keeps what it is sent).
    write_customers(None, store_hash=connection.store_hash, tally=tally(connection),
                    full=False, items=[{"id": 902, "email": "", "first_name": "No",
                                        "last_name": "Email"}])

    report = customers_import(connection=connection)

    failed = {r.bc_id: r for r in report.of("failed")}
    zoe = api.customer_by_email("zoe.long@example.com")
    umlaut = api.customer_by_email("zoë@example.com")
    assert set(failed) == {zoe["id"], umlaut["id"], 900, 901, 902}, [
        r.line() for r in failed.values()]
    # BigCommerce takes a non-ASCII mailbox; the POS's email field does not.
    assert failed[umlaut["id"]].field == "email"
    assert failed[902].field == "email" and "no email" in failed[902].message
    assert "Customer (no email)" in failed[902].line()
    assert failed[zoe["id"]].field == "addresses[0].line1"
    assert failed[900].field == "first_name" and "100" in failed[900].message
    assert failed[901].field == "email" and "already linked" in failed[901].message
    assert "Customer long.name@example.com" in failed[900].line()
    assert not Customer.objects.filter(email="zoe.long@example.com").exists()
    assert not Customer.objects.filter(email="long.name@example.com").exists()
    unicode = Customer.objects.get(email="ok.unicode@example.com")
    assert (unicode.first_name, unicode.last_name, unicode.company) == (
        "Jürgen", "Straße", "北京贸易")
    assert report.counts["created"] == 25


def test_the_command_prints_a_summary_and_names_failures(connection, client, capsys):
    lc_fill(connection, client)
    LcCustomer.objects.filter(bc_id=1).update(first_name="X" * 120)

    with pytest.raises(SystemExit):
        call_command("bc_import_customers", verbosity=0)

    out, err = capsys.readouterr()
    assert "Customers: 24 read (23 created, 1 failed)" in out
    assert "[first_name]" in err and "BigCommerce id 1)" in err
