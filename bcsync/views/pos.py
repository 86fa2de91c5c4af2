"""The POS View page: the items grid with the selected item's details below it. The grids'
data, layouts and selections are served by the grids app's endpoints (bcsync/urls.py)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from grids.errors import GridParamError
from grids.views import grid_client_config

from ..models import StoreConnection
from ..pos_grids import PosItemDetailsGrid, PosItemsGrid


@staff_member_required
@require_GET
def pos_view(request: HttpRequest) -> HttpResponse:
    if not PosItemsGrid.has_permission(request.user):
        raise PermissionDenied("Viewing the POS View needs permission to view catalog items.")
    try:
        items = PosItemsGrid(user=request.user, params=request.GET)
        details = PosItemDetailsGrid(user=request.user, params={})
    except GridParamError as exc:
        return HttpResponseBadRequest(str(exc))
    context = {
        **admin.site.each_context(request),
        "title": "POS View",
        "connections": StoreConnection.objects.order_by("-is_active", "description"),
        "connection": items.connection,
        "location": items.location,
        "items_grid": grid_client_config(grid=items, request=request,
                                         url_name="bcsync:pos_items"),
        "details_grid": grid_client_config(grid=details, request=request,
                                           url_name="bcsync:pos_item_details"),
    }
    return render(request, "bcsync/pos/view.html", context)
