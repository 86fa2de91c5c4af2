"""From a POS customer (or one of its contacts) to its BigCommerce customer: link by email
when BigCommerce has it, else create it, and remember the link.

Matching looks in the LC first (0 requests); when the LC has no customer of that email, one
search by email on BigCommerce makes sure (the LC may not have seen a customer made a
moment ago) before a create. With B2B on, the customer is put in (or created in) its price
level's customer group, so it sees its prices online. Each attempt is written to the sync
history (SyncEvent) with who asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from localcopy.models import LcCustomer
from orders.models import Customer, CustomerAddress, CustomerContact

from .client import BigCommerceClient, BigCommerceError
from .client.batching import BatchItemError
from .imports.customers import Refused, link_to
from .imports.price_levels import group_for
from .models import CustomerSync, StoreConnection, SyncEvent

ALREADY = "already linked"
LINKED = "linked"
CREATED = "created"
BC_ADDRESSES_MAX = 10


def bigcommerce_customer_url(connection: StoreConnection, customer_id: int) -> str:
    """The customer's page in the BigCommerce control panel."""
    return (f"https://store-{connection.store_hash}.mybigcommerce.com/manage/customers/"
            f"{int(customer_id)}/edit")


@dataclass(frozen=True)
class CustomerLinkResult:
    outcome: str
    link: CustomerSync
    url: str
    requests: int

    def message(self) -> str:
        return (f"{self.link.email}: {self.outcome} BigCommerce customer "
                f"#{self.link.bc_customer_id}.")


def _names(customer: Customer, contact: CustomerContact | None) -> tuple[str, str]:
    """BigCommerce requires a first and a last name; a company-only customer uses its company
    (or its code) for the one it lacks."""
    person = contact if contact is not None else customer
    fallback = customer.company.strip() or customer.code
    return ((person.first_name.strip() or fallback)[:100],
            (person.last_name.strip() or fallback)[:100])


def _address_body(address: CustomerAddress, first: str, last: str) -> dict[str, Any]:
    named = address.name.strip().split(" ", 1)
    body = {"first_name": named[0] if named[0] else first,
            "last_name": named[1] if len(named) > 1 else last,
            "company": address.company, "address1": address.line1, "address2": address.line2,
            "city": address.city, "state_or_province": address.state,
            "postal_code": address.postal_code, "country_code": address.country_code,
            "phone": address.phone,
            "address_type": "commercial" if address.company else "residential"}
    return {k: v for k, v in body.items() if v != ""}


def customer_body(customer: Customer, contact: CustomerContact | None,
                  group_id: int | None) -> dict[str, Any]:
    first, last = _names(customer, contact)
    person = contact if contact is not None else customer
    body: dict[str, Any] = {"email": person.email.strip(), "first_name": first,
                            "last_name": last, "company": customer.company,
                            "phone": person.phone or customer.phone}
    if group_id is not None:
        body["customer_group_id"] = group_id
    if contact is None:
        addresses = [_address_body(a, first, last)
                     for a in customer.addresses.order_by("-is_default", "kind", "pk")]
        # One address per place: the billing and the shipping address are often the same.
        unique = {tuple(sorted(a.items())): a for a in addresses}
        body["addresses"] = list(unique.values())[:BC_ADDRESSES_MAX]
    return {k: v for k, v in body.items() if v not in ("", [])}


def customer_link_or_create(*, connection: StoreConnection, client: BigCommerceClient,
                            customer: Customer, contact: CustomerContact | None = None,
                            user: Any = None) -> CustomerLinkResult:
    """Link the customer (or contact) to its BigCommerce customer, creating that when
    missing. Raises Refused (field, message) for what cannot be sent, BigCommerceError for
    what BigCommerce refused."""
    if contact is not None and contact.customer_id != customer.pk:
        raise Refused("contact", f"Contact {contact} is not one of {customer.code}'s.")
    start = client.request_count
    existing = CustomerSync.objects.filter(connection=connection, customer=customer,
                                           contact=contact).first()
    if existing is not None:
        return CustomerLinkResult(ALREADY, existing, bigcommerce_customer_url(
            connection, existing.bc_customer_id), 0)
    person = contact if contact is not None else customer
    email = person.email.strip()
    label = f"{customer.code}" + (f" / {contact}" if contact is not None else "")
    if not email:
        raise Refused("email", f"{label} has no email: BigCommerce customers are matched "
                               "and created by email.")
    try:
        group_id = group_for(connection=connection, client=client, level=customer.price_level)
        found = LcCustomer.objects.filter(store_hash=connection.store_hash,
                                          email__iexact=email).order_by("bc_id").first()
        bc_id = found.bc_id if found is not None else None
        current_group = found.customer_group_id if found is not None else None
        if bc_id is None:
            online = client.find_customers_by_email([email])
            if online:
                bc_id = int(online[0]["id"])
                current_group = online[0].get("customer_group_id")
        if bc_id is not None:
            outcome = LINKED
            if group_id is not None and current_group != group_id:
                client.update_customers([{"id": bc_id, "customer_group_id": group_id}])
        else:
            outcome = CREATED
            result = client.create_customers([customer_body(customer, contact, group_id)])
            if result.failed or not result.succeeded:
                raise _refusal(result.failed[0] if result.failed else None)
            bc_id = int(result.succeeded[0]["id"])
    except Refused as exc:
        _history(connection, customer, user, action=SyncEvent.Action.FAILED, label=label,
                 error=exc.message, field=exc.field)
        raise
    except BigCommerceError as exc:
        _history(connection, customer, user, action=SyncEvent.Action.FAILED, label=label,
                 error=str(exc))
        raise
    with transaction.atomic():
        link = link_to(connection=connection, customer=customer, contact=contact,
                       bc_customer_id=bc_id, email=email,
                       linked_by=CustomerSync.LinkedBy.EMAIL if outcome == LINKED
                       else CustomerSync.LinkedBy.CREATED)
        _history(connection, customer, user, label=label,
                 action=SyncEvent.Action.LINKED if outcome == LINKED
                 else SyncEvent.Action.CREATED,
                 detail={"bc_customer_id": {"from": None, "to": bc_id}})
    return CustomerLinkResult(outcome, link, bigcommerce_customer_url(connection, bc_id),
                              client.request_count - start)


def _refusal(error: BatchItemError | None) -> Refused:
    """BigCommerce's refusal of a create, naming its first field ("0.last_name" → last_name)."""
    if error is None:
        return Refused("", "BigCommerce did not create the customer.")
    key, detail = next(iter(error.errors.items()), ("", ""))
    field = key.split(".", 1)[1] if key[:1].isdigit() and "." in key else key
    return Refused(field, f"BigCommerce refused the customer: {error.title}"
                          + (f" ({detail})" if detail else ""))


def _history(connection: StoreConnection, customer: Customer, user: Any, *, action: str,
             label: str, error: str = "", field: str = "",
             detail: dict[str, Any] | None = None) -> None:
    SyncEvent.objects.create(
        connection=connection, user=user if getattr(user, "pk", None) else None,
        at=timezone.now(), action=action, label=f"Customer {label}"[:300],
        fields=detail or {}, ok=action != SyncEvent.Action.FAILED, error=error[:500],
        error_field=field[:100])
