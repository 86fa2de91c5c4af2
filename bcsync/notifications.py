"""Raising notifications: what a sync job wants a person to know or do.

Every job raises them through `notify`, so that one problem seen again (the same `key` while
unread) counts up on one notification instead of filling the inbox. The store's
Notifications settings (NotificationSettings) say who receives them and which kinds are
emailed; the email goes once the notification is committed, and a mail server that fails
never fails the job."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Notification, NotificationSettings, StoreConnection

logger = logging.getLogger(__name__)

Kind = Notification.Kind


def notify(kind: str, *, title: str, body: str = "", url: str = "", key: str = "",
           connection: StoreConnection | None = None, now: datetime | None = None
           ) -> Notification:
    """Raise a notification of `kind` (Notification.Kind). With a `key`, an unread
    notification of the same key is updated (count + 1, newest title and body) instead of a
    second one being made; once read, the next occurrence starts a new one. A new one is
    addressed to the recipient the store's settings name, and emailed when they say so."""
    if kind not in Notification.Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    now = now or timezone.now()
    title, body, url, key = title[:300], body[:5000], url[:500], key[:200]
    prefs = notification_settings_for(connection=connection)
    recipient_id = prefs.recipient_id if prefs else None
    fields = {"kind": kind, "connection": connection, "recipient_id": recipient_id,
              "title": title, "body": body, "url": url, "created_at": now, "updated_at": now}
    if not key:
        return _created(Notification.objects.create(**fields), prefs)
    unread = Notification.objects.filter(key=key, read_at__isnull=True)
    if not unread.update(count=F("count") + 1, updated_at=now, title=title, body=body):
        try:
            with transaction.atomic():
                return _created(Notification.objects.create(key=key, **fields), prefs)
        except IntegrityError:  # another worker raised it a moment ago
            unread.update(count=F("count") + 1, updated_at=now, title=title, body=body)
    return unread.get()


def notification_settings_for(*, connection: StoreConnection | None
                              ) -> NotificationSettings | None:
    """The store's Notifications settings. A job that names no store speaks for the only one
    when there is only one (most shops); with several, its notification goes to nobody in
    particular (every staff member's inbox) and is not emailed."""
    if connection is None:
        ids = list(StoreConnection.objects.values_list("pk", flat=True)[:2])
        if len(ids) != 1:
            return None
        connection_id = ids[0]
    else:
        connection_id = connection.pk
    return NotificationSettings.objects.filter(connection_id=connection_id).first()


def email_enabled() -> bool:
    """Notifications are emailed only where a mail server is configured (EMAIL_HOST), or
    NOTIFICATION_EMAIL says so explicitly (settings.py)."""
    return bool(getattr(settings, "NOTIFICATION_EMAIL", False))


def _created(notification: Notification, prefs: NotificationSettings | None) -> Notification:
    if (prefs is not None and prefs.recipient_id is not None and prefs.emails(notification.kind)
            and email_enabled()):
        pk = notification.pk
        # After commit: a rolled-back job sends nothing, and the mail server's wait is not
        # spent inside the job's transaction.
        transaction.on_commit(lambda: notification_email_send(notification_id=pk))
    return notification


def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification to its recipient. False when there is nothing to send (no
    recipient, no address) or the mail server failed; the failure is logged by its type only
    (an SMTP error may quote the login), and never raised: a job's work is done by now."""
    notification = (Notification.objects.select_related("recipient", "connection")
                    .filter(pk=notification_id).first())
    if (notification is None or notification.recipient is None
            or not notification.recipient.is_active):
        return False
    address = notification.recipient.email
    if not address:
        logger.info("Notification %s not emailed: its recipient has no email address.",
                    notification_id)
        return False
    link = (f"{settings.BCSYNC_PUBLIC_URL.rstrip('/')}{notification.url}"
            if notification.url.startswith("/") else notification.url)
    store = f" ({notification.connection.description})" if notification.connection else ""
    lines = [notification.body, "", f"Look: {link}" if link else "",
             f"Inbox: {settings.BCSYNC_PUBLIC_URL.rstrip('/')}/notifications/"]
    # A header holds one line: a title with a line break would be refused.
    subject = " ".join(f"[bcsync] {notification.get_kind_display()}{store}: "
                       f"{notification.title}".split())[:250]
    try:
        send_mail(
            subject=subject,
            message="\n".join(lines),
            from_email=None, recipient_list=[address], fail_silently=False)
    except Exception as exc:  # noqa: BLE001  any backend's failure: logged, never the job's
        logger.warning("Notification %s could not be emailed: %s.", notification_id,
                       type(exc).__name__)
        return False
    return True
