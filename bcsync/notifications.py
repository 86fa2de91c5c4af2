"""Raising notifications: what a sync job wants a person to know or do.

Every job raises them through `notify`, so that one problem seen again (the same `key` while
unread) counts up on one notification instead of filling the inbox."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Notification, StoreConnection

Kind = Notification.Kind


def notify(kind: str, *, title: str, body: str = "", url: str = "", key: str = "",
           connection: StoreConnection | None = None, now: datetime | None = None
           ) -> Notification:
    """Raise a notification of `kind` (Notification.Kind). With a `key`, an unread
    notification of the same key is updated (count + 1, newest title and body) instead of a
    second one being made; once read, the next occurrence starts a new one."""
    if kind not in Notification.Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    now = now or timezone.now()
    title, body, url, key = title[:300], body[:5000], url[:500], key[:200]
    if not key:
        return Notification.objects.create(kind=kind, connection=connection, title=title,
                                           body=body, url=url, created_at=now, updated_at=now)
    unread = Notification.objects.filter(key=key, read_at__isnull=True)
    if not unread.update(count=F("count") + 1, updated_at=now, title=title, body=body):
        try:
            with transaction.atomic():
                return Notification.objects.create(
                    kind=kind, connection=connection, title=title, body=body, url=url, key=key,
                    created_at=now, updated_at=now)
        except IntegrityError:  # another worker raised it a moment ago
            unread.update(count=F("count") + 1, updated_at=now, title=title, body=body)
    return unread.get()
