"""The customer admin page's BigCommerce panel: links per store, and the "Create or link on
BigCommerce" buttons for the customer and each contact."""

from __future__ import annotations

from typing import Any

from django import template

from ..customer_links import bigcommerce_customer_url
from ..models import CustomerSync
from ..roles import can_link_customers

register = template.Library()


@register.inclusion_tag("bcsync/customers/customer_sync_panel.html", takes_context=True)
def customer_sync_panel(context: dict[str, Any], customer: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if customer is None or getattr(customer, "pk", None) is None:
        return {"customer": None}
    syncs = list(CustomerSync.objects.filter(customer=customer)
                 .select_related("connection", "contact"))
    links = [{"link": s, "url": bigcommerce_customer_url(s.connection, s.bc_customer_id)}
             for s in syncs]
    linked_contacts = {s.contact_id for s in syncs}
    contacts = [c for c in customer.contacts.all() if c.pk not in linked_contacts]
    own_linked = None in linked_contacts
    return {"customer": customer, "links": links, "contacts": contacts,
            "own_linked": own_linked,
            "can_link": bool(user and can_link_customers(user))}
