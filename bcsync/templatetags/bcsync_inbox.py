"""The inbox's unread count, for bcsync's nav and the admin header on every page."""

from __future__ import annotations

from typing import Any

from django import template

from ..inbox import notifications_unread_count
from ..roles import can_view_notifications

register = template.Library()


@register.simple_tag
def inbox_unread(user: Any) -> int | None:
    """Unread notifications `user` sees; None for whoever has no inbox (no link shown)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_staff:
        return None
    if not can_view_notifications(user):
        return None
    return notifications_unread_count(user=user)
