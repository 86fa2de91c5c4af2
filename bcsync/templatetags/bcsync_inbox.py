"""The inbox's unread count, for bcsync's nav and the admin header on every page."""

from __future__ import annotations

from typing import Any

from django import template

from ..inbox import notifications_unread_count
from ..roles import can_view_notifications

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread(context: template.Context, user: Any) -> int | None:
    """Unread notifications `user` sees; None for whoever has no inbox (no link shown).
    Counted once per request: the header and the nav of one page both show it."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_staff:
        return None
    if not can_view_notifications(user):
        return None
    request = context.get("request")
    cached = getattr(request, "_bcsync_unread", None) if request is not None else None
    if cached is not None and cached[0] == user.pk:
        return int(cached[1])
    count = notifications_unread_count(user=user)
    if request is not None:
        request._bcsync_unread = (user.pk, count)
    return count
