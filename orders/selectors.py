"""Read-only queries over the sales records, for imports and pages."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Customer, CustomerContact


def customers_by_email(*, email: str) -> QuerySet[Customer]:
    """Customers whose own email, or one of whose contacts' emails, is `email` (letter case
    aside): how a BigCommerce customer finds its POS customer. Two index searches (one per
    table) rather than one OR across a join, which no index serves."""
    ids = set(Customer.objects.with_email(email).values_list("pk", flat=True))
    ids |= set(CustomerContact.objects.with_email(email).values_list("customer_id", flat=True))
    return Customer.objects.filter(pk__in=ids)
