"""The Web View page (the LC's products, linked or not to POS items) and its actions:
Import Now's confirmation summary, the import itself (now for a few products, a bulk job
with a progress bar for more), import progress, and the links to a product's POS item and
to BigCommerce. Thin: each view checks the role rule, reads the selection and calls one
service (`web_imports`, `imports.products.products_import`,
`imports.job_requests.import_job_request`)."""

from __future__ import annotations

import json

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from grids.errors import GridParamError
from grids.views import grid_client_config, selection_from_request
from localcopy.models import LcProduct

from ..imports.job_requests import import_job_request
from ..imports.products import products_import
from ..models import ItemSync, StoreConnection, SyncJob
from ..pos_grids import pos_connection
from ..roles import can_import
from ..sync_jobs import job_progress
from ..web_grids import WebProductsGrid, WebProductVariantsGrid
from ..web_imports import import_summary
from .push import bigcommerce_product_url

# Up to this many products import while the person waits; more go to the bulk queue.
IMPORT_NOW_MAX = 5
NO_IMPORT = "Importing from BigCommerce needs the sync operator role and permission to add " \
            "catalog items."


def _refuse(message: str, status: int = 403) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@staff_member_required
@require_GET
def web_view(request: HttpRequest) -> HttpResponse:
    if not WebProductsGrid.has_permission(request.user):
        raise PermissionDenied("Viewing the Web View needs permission to view LC products.")
    try:
        products = WebProductsGrid(user=request.user, params=request.GET)
        variants = WebProductVariantsGrid(user=request.user, params={})
    except GridParamError as exc:
        return HttpResponseBadRequest(str(exc))
    context = {
        **admin.site.each_context(request),
        "title": "Web View",
        "connections": StoreConnection.objects.order_by("-is_active", "description"),
        "connection": products.connection,
        "products_grid": grid_client_config(grid=products, request=request,
                                            url_name="bcsync:web_products"),
        "variants_grid": grid_client_config(grid=variants, request=request,
                                            url_name="bcsync:web_product_variants"),
    }
    return render(request, "bcsync/web/view.html", context)


def _selection(request: HttpRequest
               ) -> tuple[StoreConnection | None, QuerySet[LcProduct]] | JsonResponse:
    try:
        grid, rows = selection_from_request(request, WebProductsGrid)
    except GridParamError as exc:
        return _refuse(str(exc), 400)
    assert isinstance(grid, WebProductsGrid)
    if grid.connection is None:
        return _refuse("No store is connected: add a store connection first.", 400)
    if not grid.connection.is_active:
        return _refuse(f"The store connection {grid.connection.description} is switched off.",
                       400)
    return grid.connection, rows


@staff_member_required
@require_POST
def web_import_summary_view(request: HttpRequest) -> JsonResponse:
    """Import Now, step one: what an import of the selection would do (nothing imported).
    The answer carries the request back, so the page's Import button sends the same."""
    if not can_import(request.user):
        return _refuse(NO_IMPORT)
    chosen = _selection(request)
    if isinstance(chosen, JsonResponse):
        return chosen
    connection, rows = chosen
    assert connection is not None
    summary = import_summary(connection=connection, products=rows)
    if not summary.products:
        return _refuse("Nothing selected.", 400)
    body = json.loads(request.body)
    return JsonResponse({"message": summary.text() + " Confirm below.",
                         "confirm": {**summary.as_json(),
                                     "url": reverse("bcsync:web_import"),
                                     "request": {"selection": body.get("selection"),
                                                 "params": body.get("params")}}})


@staff_member_required
@require_POST
def web_import_view(request: HttpRequest) -> JsonResponse:
    """Import Now, step two (the confirmation's Import button)."""
    if not can_import(request.user):
        return _refuse(NO_IMPORT)
    chosen = _selection(request)
    if isinstance(chosen, JsonResponse):
        return chosen
    connection, rows = chosen
    assert connection is not None
    bc_ids = list(rows.order_by("bc_id").values_list("bc_id", flat=True))
    if not bc_ids:
        return _refuse("Nothing selected.", 400)
    if len(bc_ids) > IMPORT_NOW_MAX:
        job = import_job_request(connection=connection, user=request.user,
                                 bc_product_ids=bc_ids)
        return JsonResponse({"message": f"Import of {len(bc_ids)} products queued as job "
                                        f"#{job.pk}; its progress shows above the grid.",
                             "job": job_progress(job)})
    report = products_import(connection=connection, bc_product_ids=bc_ids, user=request.user)
    text = f"Import: {report.line()}."
    if report.failed:
        text += " " + " ".join(r.line() for r in report.failed[:3])
    return JsonResponse({"message": text, "counts": report.counts,
                         "failed": len(report.failed)})


@staff_member_required
@require_GET
def web_jobs_view(request: HttpRequest) -> JsonResponse:
    if not WebProductsGrid.has_permission(request.user):
        return _refuse("Viewing import jobs needs permission to view LC products.")
    try:
        connection = pos_connection(request.GET.get("store"))
    except GridParamError as exc:
        return _refuse(str(exc), 400)
    jobs = (SyncJob.objects.filter(connection=connection, kind=SyncJob.Kind.IMPORT)[:5]
            if connection else [])
    return JsonResponse({"jobs": [job_progress(j) for j in jobs]})


def _product(request: HttpRequest, product_id: int) -> tuple[StoreConnection, LcProduct]:
    if not WebProductsGrid.has_permission(request.user):
        raise PermissionDenied("Needs permission to view LC products.")
    try:
        connection = pos_connection(request.GET.get("store"))
    except GridParamError as exc:
        raise PermissionDenied(str(exc)) from exc
    if connection is None:
        raise PermissionDenied("No store is connected.")
    product = get_object_or_404(LcProduct, pk=product_id, store_hash=connection.store_hash)
    return connection, product


@staff_member_required
@require_GET
def web_pos_item_view(request: HttpRequest, product_id: int) -> HttpResponse:
    """A linked product's POS item: its admin page."""
    connection, product = _product(request, product_id)
    if not request.user.has_perm("catalog.view_item"):
        raise PermissionDenied("Needs permission to view catalog items.")
    sync = get_object_or_404(ItemSync, connection=connection, bc_product_id=product.bc_id)
    return HttpResponseRedirect(reverse("admin:catalog_item_change", args=[sync.item_id]))


@staff_member_required
@require_GET
def web_open_in_bigcommerce_view(request: HttpRequest, product_id: int) -> HttpResponse:
    connection, product = _product(request, product_id)
    return HttpResponseRedirect(bigcommerce_product_url(connection, product.bc_id))
