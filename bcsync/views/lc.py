"""The Local copy panel: per dataset status with Full Reload, the background switches,
Delete LC and webhook registration. Thin: each view checks the role rule (`roles`) and
calls one service (`lc_requests`); what the page shows comes from `lc_selectors`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..client import BigCommerceError
from ..lc_requests import LcBusy, lc_delete_request, lc_reload_request, sync_switches_set
from ..lc_selectors import LcPanelRow, lc_connections, lc_panel
from ..models import StoreConnection, SyncSettings
from ..roles import can_register, can_run, can_switch
from ..webhook_registration import webhook_receiver_url, webhooks_register
from ..webhooks import webhook_mode

# ---- presentation --------------------------------------------------------------------------


def _ago(moment: datetime, now: datetime) -> str:
    if now - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, now, depth=1)} ago"


def _when(moment: datetime | None, now: datetime) -> dict[str, str] | None:
    if moment is None:
        return None
    local = timezone.localtime(moment)
    return {"iso": local.isoformat(), "text": f"{local:%Y-%m-%d %H:%M} {local.tzname()}",
            "ago": _ago(moment, now)}


def _duration(delta: timedelta | None) -> str:
    if delta is None:
        return ""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


_PASS_NAMES = {"full": "Full Reload", "incremental": "Incremental pass", "delete": "Delete"}


def _progress_text(row: LcPanelRow) -> str:
    """The running (or last) pass in records, the unit of the row count: of the total where
    BigCommerce gives one."""
    name = _PASS_NAMES.get(row.run_kind, "Last pass")
    if row.queued:
        return f"{name} queued: waiting for a worker"
    if row.started_at is None:
        return ""
    whole = row.items_done if row.items_total is None else row.items_total
    done = str(row.items_done) if row.items_total is None else f"{row.items_done} of {whole}"
    unit = "record" if whole == 1 else "records"
    deleted = " deleted" if row.run_kind == "delete" else ""
    return f"{name}: {done} {unit}{deleted} · {_duration(row.elapsed)}"


def _row_json(row: LcPanelRow, now: datetime) -> dict[str, Any]:
    return {
        "dataset": row.dataset,
        "label": row.label,
        "row_count": row.row_count,
        "light": row.light,
        "light_label": row.light_label,
        "reason": row.reason,
        "busy": row.busy,
        "queued": row.queued,
        "deleting": row.run_kind == "delete" and row.busy,
        "last_full_reload": _when(row.last_full_reload_at, now),
        "last_incremental": _when(row.last_incremental_at, now),
        "last_error": row.last_error,
        "last_error_at": _when(row.last_error_at, now),
        "items_done": row.items_done,
        "items_total": row.items_total,
        "percent": row.percent,
        "progress_text": _progress_text(row),
    }


def _panel_json(connection: StoreConnection) -> dict[str, Any]:
    now = timezone.now()
    rows = [_row_json(row, now) for row in lc_panel(connection=connection)]
    mode = webhook_mode(connection=connection, now=now)
    settings = SyncSettings.load()
    return {
        "store": connection.store_hash,
        "now": _when(now, now),
        "busy": any(row["busy"] for row in rows),
        "rows": rows,
        "mode": {"label": mode.label, "detail": mode.detail, "webhooks_live": mode.webhooks_live},
        "webhooks_registered": _when(connection.webhooks_registered_at, now),
        "last_webhook": _when(connection.last_webhook_at, now),
        "switches": {"lc_background_pull": settings.lc_background_pull,
                     "web_background_push": settings.web_background_push},
    }


# ---- which store ---------------------------------------------------------------------------


def _connection(request: HttpRequest) -> StoreConnection | None:
    store_hash = request.POST.get("store") or request.GET.get("store")
    if store_hash:
        return get_object_or_404(StoreConnection, store_hash=store_hash)
    connections = lc_connections()
    return connections[0] if connections else None


def _required_connection(request: HttpRequest) -> StoreConnection:
    connection = _connection(request)
    if connection is None:
        raise PermissionDenied("No store connection.")
    return connection


def _back_to_panel(connection: StoreConnection | None) -> HttpResponseRedirect:
    url = reverse("bcsync:lc_panel")
    if connection is not None:
        url += "?" + urlencode({"store": connection.store_hash})
    return HttpResponseRedirect(url)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# ---- views ---------------------------------------------------------------------------------


@staff_member_required
@require_GET
def lc_panel_view(request: HttpRequest) -> HttpResponse:
    connection = _connection(request)
    user = request.user
    context = {
        **admin.site.each_context(request),
        "title": "Local copy",
        "time_zone": timezone.get_current_timezone_name(),
        "connections": lc_connections(),
        "connection": connection,
        "panel": _panel_json(connection) if connection else None,
        "receiver_url": webhook_receiver_url(connection=connection) if connection else "",
        "can_run": can_run(user),
        "can_switch": can_switch(user),
        "can_register": can_register(user),
    }
    return render(request, "bcsync/lc/panel.html", context)


@staff_member_required
@require_GET
def lc_status_view(request: HttpRequest) -> JsonResponse:
    connection = _connection(request)
    if connection is None:
        return JsonResponse({"store": None, "rows": [], "busy": False})
    return JsonResponse(_panel_json(connection))


@staff_member_required
@require_POST
def lc_reload_view(request: HttpRequest) -> HttpResponse:
    if not can_run(request.user):
        raise PermissionDenied("Only a sync operator may reload the local copy.")
    connection = _required_connection(request)
    dataset = request.POST.get("dataset", "")
    try:
        statuses = lc_reload_request(connection=connection, dataset=dataset)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    except LcBusy as exc:
        if _wants_json(request):
            return JsonResponse({"error": str(exc)}, status=409)
        messages.error(request, f"The Full Reload was not queued: {exc}")
        return _back_to_panel(connection)
    if _wants_json(request):
        return JsonResponse(_panel_json(connection), status=202)
    names = ", ".join(s.get_dataset_display() for s in statuses)
    messages.success(request, f"Full reload requested: {names}.")
    return _back_to_panel(connection)


@staff_member_required
@require_http_methods(["GET", "POST"])
def lc_delete_view(request: HttpRequest) -> HttpResponse:
    if not can_run(request.user):
        raise PermissionDenied("Only a sync operator may delete the local copy.")
    connection = _required_connection(request)
    if request.method == "GET":
        rows = lc_panel(connection=connection)
        context = {
            **admin.site.each_context(request),
            "title": "Delete the local copy?",
            "connection": connection,
            "rows": rows,
            "busy": ", ".join(row.label for row in rows if row.busy),
        }
        return render(request, "bcsync/lc/delete_confirm.html", context)
    try:
        lc_delete_request(connection=connection)
    except LcBusy as exc:
        messages.error(request, f"The local copy was not deleted: {exc}")
    else:
        messages.success(request, f"Deleting the local copy of {connection.description} in "
                                  "the background; its progress shows below. The next Full "
                                  "Reload rebuilds it.")
    return _back_to_panel(connection)


@staff_member_required
@require_POST
def lc_switches_view(request: HttpRequest) -> HttpResponse:
    if not can_switch(request.user):
        raise PermissionDenied("You may not change the sync switches.")
    settings = sync_switches_set(
        lc_background_pull=request.POST.get("lc_background_pull") == "on",
        web_background_push=request.POST.get("web_background_push") == "on",
    )
    on_off = {True: "on", False: "off"}
    messages.success(request, f"LC background pull {on_off[settings.lc_background_pull]}, "
                              f"Web background push {on_off[settings.web_background_push]}.")
    return _back_to_panel(_connection(request))


@staff_member_required
@require_POST
def webhooks_register_view(request: HttpRequest) -> HttpResponse:
    if not can_register(request.user):
        raise PermissionDenied("You may not register webhooks.")
    connection = _required_connection(request)
    try:
        results = webhooks_register(connection=connection)
    except BigCommerceError as exc:
        messages.error(request, f"Webhooks were not registered: {exc}")
    else:
        created = sum(r.action == "created" for r in results)
        fixed = sum(r.action == "reactivated" for r in results)
        kept = sum(r.action == "unchanged" for r in results)
        messages.success(request, f"Webhooks registered for {connection.description}: "
                                  f"{created} created, {fixed} reactivated, {kept} unchanged.")
    return _back_to_panel(connection)
