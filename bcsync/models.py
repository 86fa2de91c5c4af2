"""The bridge's own state: store connections, sync switches and worker liveness."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from .fields import SecretField


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


def _default_api_url() -> str:
    return settings.BIGCOMMERCE_API_URL


def _new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class StoreConnection(models.Model):
    """How to reach one BigCommerce store, and which POS location it serves."""

    description = models.CharField(max_length=100, help_text="e.g. 'Main web shop'.")
    store_hash = models.CharField(
        max_length=32, unique=True,
        validators=[RegexValidator(r"^[a-z0-9]+$", "A store hash holds lowercase letters "
                                   "and digits only, as in stores/{store_hash}/v3.")],
    )
    api_url = models.URLField(
        "API host", max_length=200, default=_default_api_url,
        help_text="https://api.bigcommerce.com for a real store; the client appends "
                  "/stores/{store_hash}/v3/… itself.",
    )
    client_id = models.CharField(max_length=100, blank=True)
    access_token = SecretField(max_length=200, help_text="Stored encrypted; never shown again.")
    pos_location = models.ForeignKey(
        "catalog.Location", null=True, blank=True, on_delete=models.PROTECT,
        help_text="The POS location whose stock this store sells (item sync enforcement).",
    )
    bc_location_id = models.PositiveIntegerField(
        "BigCommerce location id", default=1,
        help_text="Inventory location on BigCommerce (1 is the default location).",
    )
    code_prefix = models.CharField(
        max_length=10, blank=True, default="BC",
        validators=[RegexValidator(r"^[A-Za-z0-9]*$", "Letters and digits only.")],
        help_text="Prefix for codes of records imported from this store (e.g. BC123).",
    )
    webhook_secret = SecretField(
        max_length=100, default=_new_webhook_secret,
        help_text="Sent by BigCommerce in a custom header with every webhook.",
    )
    is_active = models.BooleanField(default=True)
    webhooks_registered_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When our webhooks were last (re)registered on BigCommerce.",
    )
    webhooks_destination = models.URLField(
        max_length=300, blank=True,
        help_text="The receiver URL the webhooks were registered for.",
    )
    last_webhook_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When a webhook with the right secret last arrived from this store.",
    )
    last_tested_at = models.DateTimeField(null=True, blank=True)
    last_test_ok = models.BooleanField(null=True, blank=True)
    last_test_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["description"]

    def __str__(self) -> str:
        return f"{self.description} ({self.store_hash})"

    def __repr__(self) -> str:
        # The token never appears, even in a debugger or a traceback's locals.
        return f"<StoreConnection {self.pk}: {self.store_hash} @ {self.api_url}>"
