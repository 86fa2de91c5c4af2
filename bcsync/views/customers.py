"""The customer admin page's "Create or link on BigCommerce" button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_POST

from orders.models import Customer, CustomerContact

from ..client import BigCommerceError
from ..connections import client_for
from ..customer_links import customer_link_or_create
from ..imports.customers import Refused
from ..pos_grids import pos_connection
from ..roles import can_link_customers


@staff_member_required
@require_POST
def customer_bigcommerce_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Link or create, then open the customer in the BigCommerce control panel (the button
    posts to a new tab); a refusal goes back to the customer's page with its message."""
    if not can_link_customers(request.user):
        raise PermissionDenied("Creating or linking customers on BigCommerce needs the sync "
                               "operator role.")
    customer = get_object_or_404(Customer, pk=customer_id)
    contact = None
    if contact_id := request.POST.get("contact", "").strip():
        if not contact_id.isdigit() or len(contact_id) > 18:
            return HttpResponseBadRequest("contact: not a contact id.")
        contact = get_object_or_404(CustomerContact, pk=int(contact_id), customer=customer)
    back = HttpResponseRedirect(reverse("admin:orders_customer_change", args=[customer.pk]))
    connection = pos_connection(None)
    if connection is None or not connection.is_active:
        messages.error(request, "No active store connection: add one, or switch it on.")
        return back
    try:
        with client_for(connection) as client:
            result = customer_link_or_create(connection=connection, client=client,
                                             customer=customer, contact=contact,
                                             user=request.user)
    except Refused as exc:
        where = f" ({exc.field})" if exc.field else ""
        messages.error(request, f"Not linked{where}: {exc.message}")
        return back
    except BigCommerceError as exc:
        messages.error(request, f"BigCommerce refused or could not be reached: {exc.title}")
        return back
    messages.success(request, result.message())
    return HttpResponseRedirect(result.url)
