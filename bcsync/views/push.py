"""Upload and Preview from the POS View (the grid's row and selection actions), bulk-upload
progress, the item's "open in BigCommerce" link and the Upload button of the item's admin
page. Thin: each view checks the role rule and calls one service (`push.upload`,
`push.jobs`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from catalog.models import Item
from grids.errors import GridParamError
from grids.views import selection_from_request

from ..client import BigCommerceError
from ..connections import client_for
from ..models import ItemSync, StoreConnection, SyncJob
from ..pos_grids import PosItemsGrid, pos_connection
from ..push.job_requests import upload_job_request
from ..push.upload import ItemPlan, items_preview, items_upload
from ..roles import can_preview, can_upload
from ..sync_jobs import job_progress

# Up to this many items upload while the person waits; more go to the bulk queue as a job.
UPLOAD_NOW_MAX = 5
PREVIEW_MAX = 200


def _refuse(message: str, status: int = 403) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _selection(request: HttpRequest) -> tuple[StoreConnection | None, list[int]]:
    grid, rows = selection_from_request(request, PosItemsGrid)
    assert isinstance(grid, PosItemsGrid)
    return grid.connection, list(rows.order_by("pk").values_list("pk", flat=True))


def _summary_message(summary: Any) -> str:
    text = f"Upload: {summary.line()}."
    if summary.errors:
        text += " " + " ".join(summary.errors[:3])
    return text


@staff_member_required
@require_POST
def pos_upload_view(request: HttpRequest) -> JsonResponse:
    if not can_upload(request.user):
        return _refuse("Uploading to BigCommerce needs the sync operator role.")
    try:
        connection, ids = _selection(request)
    except GridParamError as exc:
        return _refuse(str(exc), 400)
    if connection is None:
        return _refuse("No store is connected: add a store connection first.", 400)
    if not connection.is_active:
        return _refuse(f"The store connection {connection.description} is switched off.", 400)
    if not ids:
        return _refuse("Nothing selected.", 400)
    if len(ids) > UPLOAD_NOW_MAX:
        job = upload_job_request(connection=connection, user=request.user, item_ids=ids)
        return JsonResponse({"message": f"Upload of {len(ids)} items queued as job #{job.pk}; "
                                        "its progress shows above the grid.",
                             "job": job_progress(job)})
    try:
        summary = items_upload(items=Item.objects.filter(pk__in=ids), connection=connection,
                               client=None, user=request.user)
    except BigCommerceError as exc:
        return _refuse(f"BigCommerce could not be reached: {exc.title}", 502)
    return JsonResponse({"message": _summary_message(summary), "failed": summary.failed})


def _preview_text(plan: ItemPlan) -> str:
    words = {"create": "would be created", "link": f"would be linked to product "
             f"#{plan.bc_product_id} (by {plan.linked_by})", "update": "would be updated",
             "unchanged": "is in step: nothing to send", "skip": "is skipped",
             "fail": "cannot be uploaded"}
    head = f"{plan.item.sku}: {words.get(plan.action, plan.action)}"
    if plan.reason:
        head += f" – {plan.reason}"
    changes = [f"{k} {v['from']!r} → {v['to']!r}" for k, v in plan.changes.items()]
    for vp in plan.variants:
        changes += [f"{vp.variant.sku}.{k} {v['from']!r} → {v['to']!r}"
                    for k, v in vp.changes.items()]
    if changes and plan.action not in ("skip", "fail"):
        head += ": " + "; ".join(changes)
    return head


@staff_member_required
@require_POST
def pos_preview_view(request: HttpRequest) -> JsonResponse:
    if not can_preview(request.user):
        return _refuse("Previewing an upload needs the sync operator or catalog editor role.")
    try:
        connection, ids = _selection(request)
    except GridParamError as exc:
        return _refuse(str(exc), 400)
    if connection is None:
        return _refuse("No store is connected: add a store connection first.", 400)
    plans = items_preview(items=Item.objects.filter(pk__in=ids[:PREVIEW_MAX]),
                          connection=connection)
    lines = [_preview_text(p) for p in plans]
    more = len(ids) - len(plans)
    message = "Preview (nothing sent). " + " | ".join(lines[:10])
    if len(lines) > 10 or more > 0:
        message += f" | … {len(ids) - min(10, len(lines))} more items"
    return JsonResponse({"message": message, "preview": [p.as_json() for p in plans]})


@staff_member_required
@require_GET
def pos_jobs_view(request: HttpRequest) -> JsonResponse:
    if not PosItemsGrid.has_permission(request.user):
        return _refuse("Viewing upload jobs needs permission to view catalog items.")
    try:
        connection = pos_connection(request.GET.get("store"))
    except GridParamError as exc:
        return _refuse(str(exc), 400)
    jobs = (SyncJob.objects.filter(connection=connection, kind=SyncJob.Kind.UPLOAD)[:5]
            if connection else [])
    return JsonResponse({"jobs": [job_progress(j) for j in jobs]})


def bigcommerce_product_url(connection: StoreConnection, product_id: int) -> str:
    """The product's page in the BigCommerce control panel."""
    return (f"https://store-{connection.store_hash}.mybigcommerce.com/manage/products/"
            f"{int(product_id)}/edit")


@staff_member_required
@require_GET
def pos_open_in_bigcommerce_view(request: HttpRequest, item_id: int) -> HttpResponse:
    if not PosItemsGrid.has_permission(request.user):
        raise PermissionDenied("Needs permission to view catalog items.")
    connection = pos_connection(request.GET.get("store"))
    sync = get_object_or_404(ItemSync, connection=connection, item_id=item_id,
                             bc_product_id__isnull=False)
    return HttpResponseRedirect(bigcommerce_product_url(sync.connection,
                                                        sync.bc_product_id or 0))


@staff_member_required
@require_POST
def item_upload_view(request: HttpRequest, item_id: int) -> HttpResponse:
    """The Upload button of the item's admin page: upload now, back to the page."""
    item = get_object_or_404(Item, pk=item_id)
    back = reverse("admin:catalog_item_change", args=[item.pk])
    if not can_upload(request.user):
        raise PermissionDenied("Uploading to BigCommerce needs the sync operator role.")
    connection = pos_connection(None)
    if connection is None or not connection.is_active:
        messages.error(request, "No active store connection: add one, or switch it on.")
        return HttpResponseRedirect(back)
    try:
        with client_for(connection) as client:
            summary = items_upload(items=[item], connection=connection, client=client,
                                   user=request.user)
    except BigCommerceError as exc:
        messages.error(request, f"BigCommerce could not be reached: {exc.title}")
        return HttpResponseRedirect(back)
    level = messages.ERROR if summary.failed else messages.SUCCESS
    messages.add_message(request, level, _summary_message(summary))
    return HttpResponseRedirect(back)
