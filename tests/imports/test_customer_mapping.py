"""The customer import applies the Customer Import mapping chosen in the import settings (a
saved Save As mapping); the emulator over HTTP, the LC filled by a reload."""

from __future__ import annotations

import pytest

from bcsync.imports.customers import customers_import
from bcsync.imports.mappings import mapping_save_as
from bcsync.imports.settings import import_settings_for
from bcsync.models import FieldMapping
from orders.models import Customer

from .conftest import lc_fill

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]

GRACE = "grace.hopper@example.com"


def test_a_saved_mapping_with_a_combine_target_changes_the_imported_customer(
        connection, client, api):
    mapping = mapping_save_as(kind=FieldMapping.Kind.CUSTOMER_IMPORT, name="Names as company",
                              rows=[{"sources": ["last_name", "first_name"],
                                     "target": "company", "separator": ", "},
                                    {"sources": ["email"], "target": "phone"}])
    settings = import_settings_for(connection=connection)
    settings.customer_mapping = mapping
    settings.save()
    lc_fill(connection, client)
    grace = api.customer_by_email(GRACE)

    report = customers_import(connection=connection, bc_ids=[grace["id"]])

    assert report.counts == {"created": 1}, [r.line() for r in report.of("failed")]
    made = Customer.objects.get(email__iexact=GRACE)
    assert made.company == "Hopper, Grace"  # not "Hopper Trading Ltd"
    assert made.phone == GRACE  # a target the mapping names is the mapping's
    # targets it does not name stay Automatic's
    assert (made.first_name, made.last_name) == ("Grace", "Hopper")


def test_a_mapped_value_too_long_for_the_field_fails_that_customer_naming_it(
        connection, client, api):
    mapping = mapping_save_as(kind=FieldMapping.Kind.CUSTOMER_IMPORT, name="Long phone",
                              rows=[{"sources": ["email", "email", "email"],
                                     "target": "phone"}])
    settings = import_settings_for(connection=connection)
    settings.customer_mapping = mapping
    settings.save()
    lc_fill(connection, client)
    grace = api.customer_by_email(GRACE)

    report = customers_import(connection=connection, bc_ids=[grace["id"]])

    failed = report.for_id(grace["id"])
    assert (failed.outcome, failed.field) == ("failed", "phone"), failed.line()
    assert not Customer.objects.filter(email__iexact=GRACE).exists()
