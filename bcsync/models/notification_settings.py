"""Who receives a store's notifications, and which kinds also go out by email."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .connections import StoreConnection


class NotificationSettings(models.Model):
    """One per store connection, edited in the settings page's Notifications section. No row
    (or no recipient): notifications are addressed to nobody, so every staff member with the
    inbox sees them, and no email is sent."""

    connection = models.OneToOneField(StoreConnection, on_delete=models.CASCADE,
                                      related_name="notification_settings")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", limit_choices_to={"is_staff": True, "is_active": True},
        help_text="The staff member the sync's notifications are addressed to.",
    )
    email_errors = models.BooleanField("email errors", default=True)
    email_alerts = models.BooleanField("email alerts", default=True)
    email_elections = models.BooleanField("email elections", default=False)
    email_warnings = models.BooleanField("email warnings", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "notification settings"
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"Notifications of {self.connection_id}"

    def emails(self, kind: str) -> bool:
        """Whether a new notification of `kind` (Notification.Kind) is emailed."""
        return bool(getattr(self, f"email_{kind}s", False))
