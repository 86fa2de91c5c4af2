"""The dashboard, bcsync's home page: orders to fulfil and to ship per store (linked to their
lists), each background job's last run and state, open errors and unread notifications, and
a chart of the last 14 days' sync activity. Thin: the roles decide who, `bcsync.dashboard`
what."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..dashboard import (
    AWAITING_FULFILLMENT,
    AWAITING_SHIPMENT,
    ORDER_STATUS_NAMES,
    jobs_for,
    lc_orders_with_status,
    open_errors,
    orders_waiting,
    pos_orders_for,
    sync_activity,
    workers,
)
from ..lc_selectors import lc_connections
from ..models import StoreConnection
from ..roles import can_view_dashboard, can_view_notifications

PER_PAGE = 100
MAX_PAGE = 100_000
MAX_ID = 2**63 - 1


def _check(request: HttpRequest) -> None:
    if not can_view_dashboard(request.user):
        raise PermissionDenied("The dashboard needs a sync role (sync operator, catalog editor "
                               "or settings admin).")


def _can_see_orders(request: HttpRequest) -> bool:
    return bool(request.user.has_perm("orders.view_salesorder"))


def _list_url(connection: StoreConnection, status_id: int) -> str:
    return f"{reverse('bcsync:dashboard_orders')}?store={connection.pk}&status={status_id}"


@staff_member_required
@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    _check(request)
    connections = lc_connections()
    stores = []
    for waiting in orders_waiting(connections=connections):
        c = waiting.connection
        stores.append({"connection": c, "to_fulfill": waiting.to_fulfill,
                       "to_ship": waiting.to_ship,
                       "to_fulfill_url": _list_url(c, AWAITING_FULFILLMENT),
                       "to_ship_url": _list_url(c, AWAITING_SHIPMENT),
                       "jobs": jobs_for(connection=c)})
    chart = sync_activity().chart()
    context = {
        **admin.site.each_context(request),
        "title": "Dashboard",
        "stores": stores,
        "show_orders": _can_see_orders(request),
        "workers": workers(),
        "errors": open_errors(user=request.user),
        "show_inbox": can_view_notifications(request.user),
        "activity": chart,
        "activity_rows": list(zip(chart["labels"],
                                  zip(*(s["data"] for s in chart["series"]), strict=True),
                                  strict=True)),
        "time_zone": timezone.get_current_timezone_name(),
    }
    return render(request, "bcsync/dashboard/page.html", context)


def _int_param(request: HttpRequest, name: str, *, default: str | None = None,
               high: int = MAX_ID) -> int:
    raw = request.GET.get(name, default)
    if (raw is None or len(raw) > 19 or not (raw.isascii() and raw.isdigit())
            or not 1 <= int(raw) <= high):
        raise ValueError(f"{name}: a whole number from 1 to {high}.")
    return int(raw)


@staff_member_required
@require_GET
def dashboard_orders_view(request: HttpRequest) -> HttpResponse:
    """A store's LC orders of one of the dashboard's statuses, with the POS order each became."""
    _check(request)
    if not _can_see_orders(request):
        raise PermissionDenied("Orders need a role that may view sales orders.")
    try:
        store_id = _int_param(request, "store")
        status_id = _int_param(request, "status")
        page_number = _int_param(request, "page", default="1", high=MAX_PAGE)
    except ValueError as exc:
        return HttpResponseBadRequest(f"Bad order list parameter: {exc}")
    if status_id not in ORDER_STATUS_NAMES:
        return HttpResponseBadRequest("Bad order list parameter: status: 11 (Awaiting "
                                      "Fulfillment) or 9 (Awaiting Shipment).")
    connection = StoreConnection.objects.filter(pk=store_id).first()
    if connection is None:
        raise Http404("No such store connection.")
    paginator = Paginator(lc_orders_with_status(connection=connection, status_id=status_id),
                          PER_PAGE)
    try:
        page = paginator.page(page_number)
    except EmptyPage as exc:
        raise Http404("No such page of orders.") from exc
    orders = list(page.object_list)
    pos = pos_orders_for(connection=connection, bc_order_ids=[o.bc_id for o in orders])
    base = _list_url(connection, status_id)
    context = {
        **admin.site.each_context(request),
        "title": f"{ORDER_STATUS_NAMES[status_id]}: {connection.description}",
        "connection": connection,
        "status_name": ORDER_STATUS_NAMES[status_id],
        "rows": [{"order": o, "pos": pos.get(o.bc_id)} for o in orders],
        "page": page,
        "prev_url": f"{base}&page={page.previous_page_number()}" if page.has_previous() else "",
        "next_url": f"{base}&page={page.next_page_number()}" if page.has_next() else "",
    }
    return render(request, "bcsync/dashboard/orders.html", context)
