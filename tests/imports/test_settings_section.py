"""The Customers and B2B section of the sync settings page: the code prefix and B2B saved by
the settings admin only; its action brings price levels and customer groups in step both
ways against the emulator; bad input is a form error naming the field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from bcsync.models import PriceLevelSync, StoreConnection
from orders.models import PriceLevel
from tests.conftest import client_for

from .conftest import lc_fill

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]


def url(connection) -> str:
    return reverse("bcsync:settings", args=[connection.pk])


def test_dave_saves_the_prefix_and_b2b_and_bob_may_not(connection, dave, bob):
    body = {"section": "customers", "customers-code_prefix": "WEB",
            "customers-b2b_enabled": "on"}

    page = client_for(bob).get(url(connection)).content.decode()
    assert 'id="settings-customers"' in page and 'id="settings-customers-save"' not in page
    assert client_for(bob).post(url(connection), body).status_code == 403
    assert not StoreConnection.objects.get(pk=connection.pk).b2b_enabled

    response = client_for(dave).post(url(connection), body)

    assert response.status_code == 302
    saved = StoreConnection.objects.get(pk=connection.pk)
    assert (saved.code_prefix, saved.b2b_enabled) == ("WEB", True)


@pytest.mark.parametrize("prefix", ["WE B", "BC-", "x" * 11, "Ü"])
def test_a_bad_prefix_is_a_form_error_naming_it(connection, dave, prefix):
    response = client_for(dave).post(url(connection), {
        "section": "customers", "customers-code_prefix": prefix})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert StoreConnection.objects.get(pk=connection.pk).code_prefix == "BC"


def test_the_sync_action_imports_groups_and_pushes_levels(connection, client, api, dave):
    lc_fill(connection, client)
    PriceLevel.objects.create(name="Trade", percent=Decimal("7.5"))
    connection.b2b_enabled = True
    connection.save()

    response = client_for(dave).post(url(connection), {"section": "customers",
                                                       "action": "b2b_sync"})

    messages = [m.message for m in get_messages(response.wsgi_request)]
    assert response.status_code == 302, messages
    assert "Price levels: 3 read (3 created)" in messages[0]
    assert set(PriceLevel.objects.values_list("name", flat=True)) == {
        "Trade", "Retail", "Wholesale", "VIP"}
    trade = {g["name"]: g for g in api.groups()}["Trade"]
    assert trade["discount_rules"][0]["amount"] == "7.5000"
    assert PriceLevelSync.objects.filter(connection=connection).count() == 4


def test_the_sync_action_with_b2b_off_sends_nothing(connection, client, api, dave):
    before = api.requests()
    response = client_for(dave).post(url(connection), {"section": "customers",
                                                       "action": "b2b_sync"})
    assert "Turn B2B on" in next(m.message for m in get_messages(response.wsgi_request))
    assert api.requests() == before
