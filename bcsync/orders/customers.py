"""Whose order it is: the POS customer for a BigCommerce order.

A registered customer is found by its link (CustomerSync), else by email (and linked), else
imported from the local copy like the customer import does, else made from the order's
billing address. A guest order (customer id 0) goes where the store's guest rule says."""

from __future__ import annotations

from typing import Any

from localcopy.models import LcCustomer
from orders.models import Customer
from orders.selectors import customers_by_email

from ..imports.customers import Refused, customer_code, customers_import, link_to
from ..models import CustomerSync, OrderSyncSettings, StoreConnection

CODE_MAX = 30


def _billing(raw: dict[str, Any]) -> dict[str, Any]:
    billing = raw.get("billing_address")
    return billing if isinstance(billing, dict) else {}


def _text(value: Any, limit: int) -> str:
    return (value if isinstance(value, str) else "").strip()[:limit]


def order_customer(*, connection: StoreConnection, settings: OrderSyncSettings,
                   bc_order_id: int, customer_bc_id: int | None, email: str,
                   raw: dict[str, Any], flags: list[str]) -> Customer | None:
    """The POS customer the order is sold to (None: a sale to no customer on file, flagged).
    Runs inside the order's transaction: a customer made here goes if the order does."""
    email = (email or "").strip()
    if customer_bc_id:
        return _registered(connection, int(customer_bc_id), email, raw, flags)
    if settings.guest_rule == OrderSyncSettings.Guest.CUSTOMER:
        if settings.guest_customer_id is not None:
            return settings.guest_customer
        flags.append("guest order: no guest customer is configured, so a customer was found "
                     "or made from the billing email")
    return _by_email_or_new(connection, email, raw, flags,
                            code_base=f"{connection.code_prefix or ''}G{bc_order_id}")


def _registered(connection: StoreConnection, bc_id: int, email: str, raw: dict[str, Any],
                flags: list[str]) -> Customer | None:
    link = (CustomerSync.objects.filter(connection=connection, bc_customer_id=bc_id)
            .select_related("customer").first())
    if link is not None:
        return link.customer
    matches = list(customers_by_email(email=email)) if email else []
    if len(matches) == 1:
        try:
            link_to(connection=connection, customer=matches[0], contact=None,
                    bc_customer_id=bc_id, email=email, linked_by=CustomerSync.LinkedBy.EMAIL)
        except Refused as exc:  # linked to another BigCommerce customer: sell, don't relink
            flags.append(f"customer: {exc.message}")
        return matches[0]
    if len(matches) > 1:
        codes = ", ".join(sorted(c.code for c in matches))
        flags.append(f"customer: {len(matches)} POS customers have the email {email} "
                     f"({codes}); {matches[0].code} was used")
        return sorted(matches, key=lambda c: c.code)[0]
    if LcCustomer.objects.filter(store_hash=connection.store_hash, bc_id=bc_id).exists():
        customers_import(connection=connection, bc_ids=[bc_id])
        link = CustomerSync.objects.filter(connection=connection, bc_customer_id=bc_id).first()
        if link is not None:
            return link.customer
    customer = _new_from_billing(connection, email, raw,
                                 code=customer_code(connection=connection, bc_id=bc_id))
    if customer is not None and email:
        link_to(connection=connection, customer=customer, contact=None, bc_customer_id=bc_id,
                email=email, linked_by=CustomerSync.LinkedBy.IMPORTED)
    if customer is None:
        flags.append(f"customer: BigCommerce customer {bc_id} has no name or email to make a "
                     "POS customer from")
    return customer


def _by_email_or_new(connection: StoreConnection, email: str, raw: dict[str, Any],
                     flags: list[str], *, code_base: str) -> Customer | None:
    if not email:
        flags.append("customer: a guest order without a billing email: sold to no customer")
        return None
    matches = sorted(customers_by_email(email=email), key=lambda c: c.code)
    if matches:
        if len(matches) > 1:
            flags.append(f"customer: {len(matches)} POS customers have the email {email}; "
                         f"{matches[0].code} was used")
        return matches[0]
    customer = _new_from_billing(connection, email, raw, code=_free_code(code_base))
    if customer is None:
        flags.append("customer: the guest's billing address has no name: sold to no customer")
    return customer


def _free_code(base: str) -> str:
    base = base[:CODE_MAX]
    code, n = base, 1
    while Customer.objects.filter(code__iexact=code).exists():
        n += 1
        suffix = f"-{n}"
        code = base[:CODE_MAX - len(suffix)] + suffix
    return code


def _new_from_billing(connection: StoreConnection, email: str, raw: dict[str, Any], *,
                      code: str) -> Customer | None:
    billing = _billing(raw)
    first = _text(billing.get("first_name"), 100)
    last = _text(billing.get("last_name"), 100)
    company = _text(billing.get("company"), 255)
    if not (first or last or company):
        if not email:
            return None
        last = email.split("@", 1)[0][:100] or email[:100]
    customer = Customer(code=code, first_name=first, last_name=last, company=company,
                        email=email[:255] if "@" in email else "",
                        phone=_text(billing.get("phone"), 50),
                        notes="Made by the order import from a BigCommerce order.")
    customer.save()
    return customer
