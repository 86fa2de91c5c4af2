"""The bridge's own state: sync switches and worker liveness. Store connections join in issue #3."""

from __future__ import annotations

from django.db import models


class SyncSettings(models.Model):
    """Shop-wide switches for the background sync. One row (pk=1), edited on the settings page."""

    SINGLETON_PK = 1

    lc_background_pull = models.BooleanField(
        "LC background pull", default=True,
        help_text="Keep the local copy current with incremental pulls on a schedule.",
    )
    web_background_push = models.BooleanField(
        "Web background push", default=False,
        help_text="Push changed On fields of linked items in the background.",
    )
    product_sync_enabled = models.BooleanField(
        default=True, help_text="Master switch for pushing POS items to BigCommerce."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "sync settings"
        verbose_name_plural = "sync settings"
        permissions = [
            ("run_sync", "Can upload, import and reload the local copy"),
        ]

    def __str__(self) -> str:
        return "Sync settings"

    @classmethod
    def load(cls) -> SyncSettings:
        obj, _ = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return obj


class WorkerHeartbeat(models.Model):
    """The last time each background process proved it was alive (shown as a status light)."""

    name = models.CharField(max_length=100, unique=True)
    last_seen = models.DateTimeField()
    beats = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"
