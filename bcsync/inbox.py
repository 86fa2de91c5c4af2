"""The inbox: which notifications a staff member sees, how many are unread, and marking them
read. A notification addressed to someone is theirs; one addressed to nobody is everyone's.
Reading is shared: once read by anyone who sees it, it is read (and the next occurrence of
its problem starts a new one, see notifications.notify)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Notification


def notifications_for(*, user: Any) -> QuerySet[Notification]:
    """Everything `user` sees, newest activity first."""
    return Notification.objects.filter(Q(recipient_id=user.pk) | Q(recipient__isnull=True))


def notifications_unread_count(*, user: Any, kind: str | None = None) -> int:
    unread = notifications_for(user=user).filter(read_at__isnull=True)
    if kind:
        unread = unread.filter(kind=kind)
    return unread.count()


def notification_mark_read(*, user: Any, notification_id: int,
                           now: datetime | None = None) -> Notification:
    """Mark one notification `user` sees as read (already read: left as it was). Raises
    Notification.DoesNotExist for one they do not see."""
    notification = notifications_for(user=user).get(pk=notification_id)
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        # Conditional, so a concurrent reader's time is not overwritten.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, user: Any, kind: str | None = None,
                                now: datetime | None = None) -> int:
    """Mark every unread notification `user` sees (of `kind`, if given) read; how many."""
    unread = notifications_for(user=user).filter(read_at__isnull=True)
    if kind:
        unread = unread.filter(kind=kind)
    return unread.update(read_at=now or timezone.now())
