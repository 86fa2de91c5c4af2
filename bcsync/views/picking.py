"""The picking list page: GET shows it; POST marks one line (with a picked count, or all of
it) or one whole order picked. Seeing it needs the view permission on sales orders, picking
the change permission on their lines (the Catalog editor role; superusers)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ..inventory.picking import PickingError, line_pick, order_pick, picking_list

VIEW_PERMISSION = "orders.view_salesorder"
PICK_PERMISSION = "orders.change_salesorderline"
MAX_ID = 2**63 - 1


def _number(raw: str | None, what: str, *, low: int = 0, high: int = MAX_ID) -> int:
    """A posted whole number in range, or a PickingError naming the field."""
    text = (raw or "").strip()
    if not text or len(text) > 19 or not text.isascii() or not text.isdigit():
        raise PickingError(f"{what} must be a whole number (got {text[:40]!r}).")
    value = int(text)
    if not low <= value <= high:
        raise PickingError(f"{what} must be between {low} and {high}.")
    return value


def _pick(request: HttpRequest) -> str:
    """Apply one POST; returns the message to show."""
    action = request.POST.get("action", "")
    if action == "pick_line":
        line_id = _number(request.POST.get("line"), "Line id", low=1)
        raw = request.POST.get("picked")
        picked = None if raw in (None, "") else _number(raw, "Picked quantity",
                                                        high=2_147_483_647)
        line = line_pick(line_id=line_id, picked=picked)
        return (f"Order {line.order.number}, line {line.sku or line.name!r}: "
                f"{line.picked_quantity} of {line.quantity} picked.")
    if action == "pick_order":
        order = order_pick(order_id=_number(request.POST.get("order"), "Order id", low=1))
        return f"Order {order.number} is picked."
    raise PickingError("Unknown action: choose to pick a line or an order.")


@staff_member_required
@require_http_methods(["GET", "POST"])
def picking_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied("The picking list needs permission to view sales orders.")
    error = ""
    if request.method == "POST":
        if not user.has_perm(PICK_PERMISSION):
            raise PermissionDenied("Picking needs permission to change sales order lines.")
        try:
            message = _pick(request)
        except PickingError as exc:
            error = str(exc)
        else:
            messages.success(request, message)
            return HttpResponseRedirect(reverse("bcsync:picking"))
    context = {**admin.site.each_context(request), "title": "Picking list",
               "picking": picking_list(), "error": error,
               "can_pick": user.has_perm(PICK_PERMISSION)}
    return render(request, "bcsync/picking/list.html", context, status=400 if error else 200)
