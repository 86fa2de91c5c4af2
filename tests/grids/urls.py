"""The project's URLs plus a page whose items grid carries a POST action, as the push work's
Upload will: for the browser test of the actions extension point."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_POST

from bcsync.pos_grids import PosItemDetailsGrid, PosItemsGrid
from grids.columns import RowAction
from grids.errors import GridParamError
from grids.views import grid_client_config, grid_urls, selection_from_request
from settings.urls import urlpatterns as project_urlpatterns


class CountingGrid(PosItemsGrid):
    """The POS items grid with one action, on rows and on the selection."""

    key = "test.counting"

    def get_actions(self):
        return [RowAction("count", "Count", "/test/count/", method="post", scope="both")]


@require_POST
def count_view(request: HttpRequest) -> HttpResponse:
    try:
        _, rows = selection_from_request(request, CountingGrid)
    except GridParamError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    skus = sorted(rows.values_list("sku", flat=True))
    return JsonResponse({"message": f"Counted {len(skus)}: {', '.join(skus)}."})


def page_view(request: HttpRequest) -> HttpResponse:
    items = CountingGrid(user=request.user, params={})
    details = PosItemDetailsGrid(user=request.user, params={})
    return render(request, "bcsync/pos/view.html", {
        **admin.site.each_context(request), "title": "Counting",
        "items_grid": grid_client_config(grid=items, request=request, url_name="counting"),
        "details_grid": grid_client_config(grid=details, request=request,
                                           url_name="bcsync:pos_item_details"),
    })


urlpatterns = [
    path("test/page/", page_view),
    path("test/count/", count_view),
    *grid_urls("test/counting/", CountingGrid, name="counting"),
    *project_urlpatterns,
]
