"""Finding a customer by email, its own or one of its contacts'."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Customer, CustomerContact
from orders.selectors import customers_by_email

pytestmark = pytest.mark.django_db


def test_a_customer_is_found_by_its_own_email_or_a_contacts():
    ada = Customer.objects.create(code="C1", last_name="Lovelace", email="ada@example.com")
    grace = Customer.objects.create(code="C2", last_name="Hopper", email="grace@example.com")
    CustomerContact.objects.create(customer=grace, last_name="McNulty",
                                   email="Kay@Hopper.example")
    CustomerContact.objects.create(customer=ada, last_name="Byron", email="ADA@example.com")
    assert list(customers_by_email(email="kay@hopper.example")) == [grace]
    assert list(customers_by_email(email="Ada@Example.com")) == [ada]
    assert not customers_by_email(email="nobody@example.com").exists()
    assert not customers_by_email(email="").exists()


def test_each_table_is_searched_through_its_email_index():
    with CaptureQueriesContext(connection) as captured:
        list(customers_by_email(email="ada@example.com"))
    lookups = [q["sql"] for q in captured if "LOWER(" in q["sql"].upper()]
    assert len(lookups) == 2
    assert any('"orders_customer"' in sql for sql in lookups)
    assert any('"orders_customercontact"' in sql for sql in lookups)
