"""Store connections, the shop-wide sync switches and worker liveness."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from ..fields import SecretField
from ..validators import validate_access_token, validate_api_url


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
        "API host", max_length=200, default=_default_api_url, validators=[validate_api_url],
        help_text="https://api.bigcommerce.com for a real store; the client appends "
                  "/stores/{store_hash}/v3/… itself.",
    )
    client_id = models.CharField(max_length=100, blank=True)
    access_token = SecretField(max_length=200, validators=[validate_access_token],
                               help_text="Stored encrypted; never shown again.")
    token_set_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When the access token was last entered.",
    )
    pos_location = models.ForeignKey(
        "catalog.Location", null=True, blank=True, on_delete=models.PROTECT,
        help_text="The POS location whose stock this store sells (item sync enforcement).",
    )
    bc_location_id = models.PositiveIntegerField(
        "BigCommerce location id", default=1,
        help_text="Inventory location on BigCommerce (1 is the default location).",
    )
    match_by = models.CharField(
        "match products by", max_length=10, choices=[
            ("sku", "SKU"), ("name", "Name"), ("upc", "UPC"),
        ], default="sku",
        help_text="How an upload of a not-linked item finds its product already online "
                  "(in the local copy) instead of creating a duplicate.",
    )
    item_sync_enforcement = models.BooleanField(
        default=False,
        help_text="Push and upload only items enabled for eCommerce and entitled to the POS "
                  "location above.",
    )
    code_prefix = models.CharField(
        max_length=10, blank=True, default="BC",
        validators=[RegexValidator(r"^[A-Za-z0-9]*$", "Letters and digits only.")],
        help_text="Prefix for codes of records imported from this store (e.g. BC123).",
    )
    restock_refunded_items = models.BooleanField(
        default=True,
        help_text="A refund made on BigCommerce puts the refunded items back in stock at the "
                  "POS location (each refund line records whether it did).",
    )
    b2b_enabled = models.BooleanField(
        "B2B", default=False,
        help_text="Price levels and BigCommerce customer groups kept in step, both ways; "
                  "customers land in their price level's group.",
    )
    webhook_secret = SecretField(
        max_length=100, default=_new_webhook_secret,
        help_text="Sent by BigCommerce in a custom header with every webhook.",
    )
    webhook_secret_set_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When the webhook secret was last set.",
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

    # The token is bound to the host it was entered for: what was loaded is remembered so
    # that a new host or store hash without the token entered again can be refused, and so
    # that token_set_at / webhook_secret_set_at move exactly when a secret changes.
    _TRACKED = ("store_hash", "api_url", "access_token", "webhook_secret")

    class Meta:
        ordering = ["description"]

    def __str__(self) -> str:
        return f"{self.description} ({self.store_hash})"

    def __repr__(self) -> str:
        # The token never appears, even in a debugger or a traceback's locals.
        return f"<StoreConnection {self.pk}: {self.store_hash} @ {self.api_url}>"

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        saved = set(self._TRACKED if fields is None else fields)
        now = timezone.now()
        stamped = []
        adding = self._state.adding
        if "access_token" in saved and self.access_token and (
                adding or getattr(self, "_token_entered", False)
                or self._changed("access_token")):
            self.token_set_at = now
            stamped.append("token_set_at")
        if "webhook_secret" in saved and self.webhook_secret and (
                adding or self._changed("webhook_secret")):
            self.webhook_secret_set_at = now
            stamped.append("webhook_secret_set_at")
        if fields is not None and stamped:
            kwargs["update_fields"] = {*fields, *stamped}
        super().save(*args, **kwargs)
        self._remember_stored(only=fields)

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any],
                **kwargs: Any) -> StoreConnection:
        # kwargs: later Djangos (and the stubs) add keyword-only arguments.
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._remember_stored()
        return instance

    def refresh_from_db(self, using: str | None = None, fields: Any = None,
                        from_queryset: Any = None) -> None:
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        self._remember_stored(only=fields)

    def _remember_stored(self, only: Any = None) -> None:
        """Note the tracked values as they now are in the database (`only` those fields)."""
        deferred = self.get_deferred_fields()
        stored: dict[str, str] = dict(getattr(self, "_stored", {})) if only is not None else {}
        for name in self._TRACKED:
            if name not in deferred and (only is None or name in only):
                stored[name] = getattr(self, name)
        self._stored = stored
        if only is None or "access_token" in only:
            self._token_entered = False

    def _changed(self, name: str) -> bool:
        stored: dict[str, str] = getattr(self, "_stored", {})
        return name in stored and stored[name] != getattr(self, name)

    def set_access_token(self, token: str) -> None:
        """Enter the token (again). A change of host or store hash needs this, even with the
        same token: whoever moves the connection must know the token it will carry."""
        self.access_token = token
        self._token_entered = True

    def clean(self) -> None:
        super().clean()
        host_moved = self._changed("api_url") or self._changed("store_hash")
        entered = getattr(self, "_token_entered", False) or self._changed("access_token")
        if self.pk and host_moved and not entered:
            raise ValidationError({"access_token": (
                "Enter the access token again: the API host or store hash changed, and the "
                "stored token is only ever sent to the host it was entered for.")})
