"""The sync settings page: one per store connection, made of the sections registered in
bcsync.settings_page. Each section's form posts on its own (`section=<key>`); the view checks
who may see and change it, binds the form, and lets the section save."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from ..lc_selectors import lc_connections
from ..models import StoreConnection
from ..roles import can_view_settings
from ..settings_page.sections import SettingsSection, section_for, sections


def _page_url(connection: StoreConnection) -> str:
    return reverse("bcsync:settings", args=[connection.pk])


@staff_member_required
@require_GET
def settings_home_view(request: HttpRequest) -> HttpResponse:
    """The first connection's page, or how to connect one."""
    if not can_view_settings(request.user):
        raise PermissionDenied("The sync settings need the Settings admin role.")
    connections = lc_connections()
    if connections:
        return HttpResponseRedirect(_page_url(connections[0]))
    return render(request, "bcsync/settings/page.html", {
        **admin.site.each_context(request), "title": "Sync settings", "connection": None})


def _posted(request: HttpRequest, connection: StoreConnection
            ) -> tuple[SettingsSection, Any] | HttpResponse:
    """Handle one section's POST: a redirect when saved, else the section and its form
    carrying the errors."""
    key = request.POST.get("section", "")
    section = section_for(key) if len(key) <= 50 else None
    if section is None or not section.visible(request.user):
        return HttpResponseBadRequest("Unknown settings section.")
    if not section.editable(request.user):
        raise PermissionDenied(f"You may not change the {section.title} settings.")
    action = request.POST.get("action", "save")
    if action not in dict(section.actions):
        return HttpResponseBadRequest(f"Unknown action for the {section.title} section.")
    form = section.form(connection=connection, data=request.POST) if action == "save" else None
    if form is None or form.is_valid():
        saved = section.save(connection=connection, form=form, user=request.user,
                             action=action)
        if saved is not None:
            (messages.success if saved.ok else messages.error)(request, saved.message)
            return HttpResponseRedirect(f"{_page_url(connection)}#settings-{section.key}")
    return section, form


@staff_member_required
@sensitive_post_parameters("connection-access_token")
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest, connection_id: int) -> HttpResponse:
    user = request.user
    if not can_view_settings(user):
        raise PermissionDenied("The sync settings need the Settings admin role.")
    connection = get_object_or_404(StoreConnection, pk=connection_id)
    failed: tuple[SettingsSection, Any] | None = None
    if request.method == "POST":
        outcome = _posted(request, connection)
        if isinstance(outcome, HttpResponse):
            return outcome
        failed = outcome
    shown = []
    for section in sections():
        if not section.visible(user):
            continue
        if failed is not None and failed[0] is section:
            form = failed[1]
        else:
            form = section.form(connection=connection)
        shown.append({"section": section, "form": form, "editable": section.editable(user),
                      "extra": section.extra(connection=connection, user=user)})
    context = {
        **admin.site.each_context(request),
        "title": f"Sync settings: {connection.description}",
        "connection": connection,
        "connections": lc_connections(),
        "sections": shown,
        "page_url": _page_url(connection),
    }
    return render(request, "bcsync/settings/page.html", context,
                  status=400 if failed is not None else 200)
