"""Carriers from BigCommerce's shipping methods (per zone), idempotent."""

from __future__ import annotations

import pytest

from bcsync.imports.carriers import carriers_import
from localcopy.models import LcShippingMethod
from orders.models import Carrier

from .conftest import lc_fill

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]


def test_each_zones_methods_become_carriers_and_a_second_import_changes_nothing(
        connection, client, api):
    lc_fill(connection, client, "carriers")
    before = api.requests()

    first = carriers_import(connection=connection)

    assert api.requests() == before  # the LC only
    assert first.counts["created"] == 3 and first.ok, first.line()
    carriers = {(c.name, c.service): c.code for c in Carrier.objects.all()}
    assert carriers == {("Flat Rate", "United States"): "BC-SM1",
                        ("Per Item", "United States"): "BC-SM2",
                        ("International Flat Rate", "Europe"): "BC-SM3"}

    again = carriers_import(connection=connection)

    assert again.counts["unchanged"] == 3 and Carrier.objects.count() == 3, again.line()


def test_a_renamed_method_renames_its_carrier_and_a_keyed_in_one_is_linked(
        connection, client):
    Carrier.objects.create(name="Per Item", service="United States", code="PERITEM")
    lc_fill(connection, client, "carriers")
    carriers_import(connection=connection)
    # The emulator has no shipping-method writes: the LC as a reload after a rename has it.
    LcShippingMethod.objects.filter(bc_id=3).update(name="Europe Express")

    report = carriers_import(connection=connection)

    assert report.for_id(3).outcome == "updated"
    assert report.for_id(2).outcome == "linked"
    assert Carrier.objects.get(code="BC-SM3").name == "Europe Express"
    assert Carrier.objects.get(code="PERITEM").service == "United States"
    assert Carrier.objects.count() == 3


def test_a_method_name_too_long_for_the_pos_fails_naming_it_and_the_rest_go_on(
        connection, client):
    lc_fill(connection, client, "carriers")
    LcShippingMethod.objects.filter(bc_id=1).update(name="Ü" * 150)

    report = carriers_import(connection=connection)

    failed = report.for_id(1)
    assert (failed.outcome, failed.field) == ("failed", "name")
    assert "100" in failed.message
    assert report.counts["created"] == 2
    assert not Carrier.objects.filter(code="BC-SM1").exists()
