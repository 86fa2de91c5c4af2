"""A customer over credit: after an order is imported for a POS customer who buys on account
(credit limit above 0), the total of their open orders is checked against the limit. Over
it, a Warning: the order stands (it is paid on BigCommerce), but someone should look."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse

from orders.models import Customer, SalesOrder

from ..models import Notification, StoreConnection
from ..notifications import notify

# Orders still owed on: not yet shipped, completed or cancelled.
OPEN_STATUSES = (SalesOrder.Status.OPEN, SalesOrder.Status.PICKED)


def open_orders_total(*, customer: Customer) -> Decimal:
    """What the customer's open orders (open or picked) come to."""
    total = (SalesOrder.objects.filter(customer=customer, status__in=OPEN_STATUSES)
             .aggregate(total=Sum("total"))["total"])
    # SQLite sums decimals with a float's tail: back to cents.
    return (total if total is not None else Decimal("0")).quantize(Decimal("0.01"))


def customer_credit_check(*, connection: StoreConnection, sales_order: SalesOrder
                          ) -> Decimal | None:
    """Warn when the order's customer has a credit limit and their open orders now exceed it.
    Returns the amount over the limit (None: no customer, no limit, or within it). One
    Warning per customer while unread; each further order over the limit counts up on it."""
    customer = sales_order.customer
    if customer is None or customer.credit_limit <= 0:
        return None
    owed = open_orders_total(customer=customer)
    if owed <= customer.credit_limit:
        return None
    over = owed - customer.credit_limit
    notify(Notification.Kind.WARNING, connection=connection,
           title=f"Customer {customer.code} is over their credit limit after order "
                 f"{sales_order.number}",
           body=(f"{customer} has a credit limit of {customer.credit_limit} "
                 f"{sales_order.currency_code}; their open orders come to {owed} "
                 f"({over} over). Order {sales_order.number} was imported all the same."),
           url=reverse("admin:orders_customer_change", args=[customer.pk]),
           key=f"customer-over-credit:{customer.pk}")
    return over
