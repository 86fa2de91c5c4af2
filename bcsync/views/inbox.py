"""The inbox page: the notifications a staff member sees, filtered by kind, with mark read
and mark all read. Thin: the roles decide who, `bcsync.inbox` what. Every parameter is
bounded and typed: bad input is a 400 (or a 404 for a page or notification that is not
there), never a 500."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ..inbox import (
    notification_mark_read,
    notifications_for,
    notifications_mark_all_read,
    notifications_unread_count,
)
from ..models import Notification
from ..roles import can_mark_notifications_read, can_view_notifications

PER_PAGE = 50
MAX_PAGE = 100_000
MAX_ID = 2**63 - 1  # beyond a database integer: no such notification
# The filters as the inbox names them (the kinds' plural names).
KIND_FILTERS = [("error", "Errors"), ("alert", "Alerts"), ("election", "Elections"),
                ("warning", "Warnings")]
SHOW = ("all", "unread")


class BadParam(ValueError):
    pass


def _filters(params: Any) -> tuple[str, str, int]:
    """(kind, show, page) from a query or form, each checked."""
    kind = params.get("kind", "")
    if kind and kind not in Notification.Kind.values:
        raise BadParam("kind: one of error, alert, election or warning.")
    show = params.get("show", "all") or "all"
    if show not in SHOW:
        raise BadParam("show: all or unread.")
    raw_page = params.get("page", "1") or "1"
    if (len(raw_page) > 6 or not (raw_page.isascii() and raw_page.isdigit())
            or not 1 <= int(raw_page) <= MAX_PAGE):
        raise BadParam(f"page: a whole number from 1 to {MAX_PAGE}.")
    return kind, show, int(raw_page)


def _inbox_url(kind: str = "", show: str = "all", page: int = 1) -> str:
    query = {k: v for k, v in (("kind", kind), ("show", show if show != "all" else ""),
                               ("page", str(page) if page > 1 else "")) if v}
    return reverse("bcsync:inbox") + (f"?{urlencode(query)}" if query else "")


def _check(request: HttpRequest, *, write: bool = False) -> None:
    if not can_view_notifications(request.user):
        raise PermissionDenied("The inbox needs a sync role (sync operator, catalog editor or "
                               "settings admin).")
    if write and not can_mark_notifications_read(request.user):
        raise PermissionDenied("You may not mark notifications read.")


def _safe_url(url: str) -> str:
    """A notification's link, only when it is a path on this site."""
    return url if url.startswith("/") and not url.startswith("//") else ""


@staff_member_required
@require_GET
def inbox_view(request: HttpRequest) -> HttpResponse:
    _check(request)
    try:
        kind, show, page_number = _filters(request.GET)
    except BadParam as exc:
        return HttpResponseBadRequest(f"Bad inbox filter: {exc}")
    seen = notifications_for(user=request.user)
    rows = seen.select_related("connection")
    if kind:
        rows = rows.filter(kind=kind)
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    paginator = Paginator(rows.order_by("-updated_at", "-pk"), PER_PAGE)
    try:
        page = paginator.page(page_number)
    except EmptyPage as exc:
        raise Http404("No such page of the inbox.") from exc
    unread_by_kind = dict(seen.filter(read_at__isnull=True).values_list("kind")
                          .annotate(n=Count("pk")).values_list("kind", "n"))
    context = {
        **admin.site.each_context(request),
        "title": "Inbox",
        "page": page,
        "notifications": [{"n": n, "link": _safe_url(n.url)} for n in page.object_list],
        "kind": kind,
        "show": show,
        "filters": [{"kind": k, "label": label, "unread": unread_by_kind.get(k, 0),
                     "url": _inbox_url(k, show), "current": k == kind}
                    for k, label in KIND_FILTERS],
        "all_url": _inbox_url("", show),
        "unread_url": _inbox_url(kind, "unread"),
        "every_url": _inbox_url(kind, "all"),
        "unread_total": sum(unread_by_kind.values()),
        "prev_url": _inbox_url(kind, show, page.previous_page_number())
        if page.has_previous() else "",
        "next_url": _inbox_url(kind, show, page.next_page_number()) if page.has_next() else "",
        "can_mark": can_mark_notifications_read(request.user),
    }
    return render(request, "bcsync/inbox/list.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"unread": notifications_unread_count(user=request.user)})
    try:
        kind, show, page = _filters(request.POST)
    except BadParam:
        kind, show, page = "", "all", 1
    # Read ones leave the unread list: its later pages may be gone.
    return HttpResponseRedirect(_inbox_url(kind, show, page if show == "all" else 1))


@staff_member_required
@require_POST
def inbox_mark_read_view(request: HttpRequest, notification_id: int) -> HttpResponse:
    _check(request, write=True)
    if notification_id > MAX_ID:
        raise Http404("No such notification.")
    try:
        notification_mark_read(user=request.user, notification_id=notification_id)
    except Notification.DoesNotExist as exc:
        raise Http404("No such notification.") from exc
    return _back(request)


@staff_member_required
@require_POST
def inbox_mark_all_read_view(request: HttpRequest) -> HttpResponse:
    _check(request, write=True)
    try:
        kind, _show, _page = _filters(request.POST)
    except BadParam as exc:
        return HttpResponseBadRequest(f"Bad inbox filter: {exc}")
    marked = notifications_mark_all_read(user=request.user, kind=kind or None)
    if "application/json" not in request.headers.get("Accept", ""):
        messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} "
                                  "read.")
    return _back(request)
