"""BigCommerce webhooks: turn a delivery into a targeted LC refresh (registering ours on a
store is `webhook_registration`).

A delivery only says *what* changed (scope + id), never trusted content: the refresh re-reads
the record from BigCommerce, so duplicate, late and out-of-order deliveries are harmless.
Where BigCommerce cannot reach us (behind NAT), the scheduled incremental pass still keeps
the LC current; webhooks only make it quicker.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from localcopy.services import lc_refresh_request

from .models import StoreConnection, SyncSettings
from .tasks import lc_refresh_enqueue

# A hook that has delivered within this window counts as reaching us.
WEBHOOK_RECENT = timedelta(hours=24)


class WebhookUnauthorized(Exception):
    """Unknown or inactive store, or a missing or wrong secret."""


class WebhookBadPayload(Exception):
    """Not JSON, or not a BigCommerce webhook payload."""


@dataclass(frozen=True)
class WebhookRefresh:
    """What one delivery asks the LC to re-read (see `localcopy.services.lc_refresh_record`)."""

    resource: str
    bc_id: int
    deleted: bool = False


# ---- receiving -----------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _sub(data: Mapping[str, Any], key: str, field: str) -> Any:
    inner = data.get(key)
    return inner.get(field) if isinstance(inner, Mapping) else None


def webhook_refresh_for(payload: Mapping[str, Any]) -> WebhookRefresh | None:
    """The refresh one payload asks for, or None for a scope the LC does not mirror.
    Raises WebhookBadPayload when a mirrored scope carries no usable id."""
    scope = payload.get("scope")
    data = payload.get("data")
    if not isinstance(scope, str) or not isinstance(data, Mapping):
        raise WebhookBadPayload("a webhook payload has a scope and a data object")
    parts = scope.split("/")
    if len(parts) < 3 or parts[0] != "store":
        raise WebhookBadPayload(f"unexpected scope {scope!r}")
    entity, tail = parts[1], parts[2:]
    removed = tail == ["deleted"]

    refresh: WebhookRefresh | None
    if entity == "product":
        # Inventory events name the product in data.inventory; the others in data.id.
        bc_id = _int(_sub(data, "inventory", "product_id")) or _int(data.get("id"))
        refresh = WebhookRefresh("product", bc_id, removed) if bc_id else None
    elif entity == "sku":
        # A variant is refreshed by re-reading its product with all its variants, so even a
        # deleted SKU is a re-read (its product lives on), never a product deletion.
        bc_id = (_int(_sub(data, "sku", "product_id"))
                 or _int(_sub(data, "inventory", "product_id")))
        refresh = WebhookRefresh("sku", bc_id) if bc_id else None
    elif entity == "category":
        bc_id = _int(data.get("id"))
        refresh = WebhookRefresh("category", bc_id, removed) if bc_id else None
    elif entity == "order":
        # Messages, refunds, transactions and status changes all carry the order's id;
        # an archived order leaves the store's order list.
        bc_id = _int(data.get("id"))
        refresh = WebhookRefresh("order", bc_id, tail == ["archived"]) if bc_id else None
    elif entity == "shipment":
        bc_id = _int(data.get("orderId"))
        refresh = WebhookRefresh("order", bc_id) if bc_id else None
    elif entity == "customer":
        if tail[0] == "address":
            bc_id = _int(_sub(data, "address", "customer_id"))
            refresh = WebhookRefresh("customer", bc_id) if bc_id else None
        else:
            bc_id = _int(data.get("id"))
            refresh = WebhookRefresh("customer", bc_id, removed) if bc_id else None
    else:
        return None  # store/app/uninstalled, store/information/updated, ...
    if refresh is None:
        raise WebhookBadPayload(f"{scope} without a usable id")
    return refresh


def webhook_secret_ok(*, connection: StoreConnection, presented: str | None) -> bool:
    expected = connection.webhook_secret or ""
    # compare_digest takes as long for a near miss as for a wild guess.
    return bool(expected) and hmac.compare_digest(
        (presented or "").encode(), expected.encode())


def webhook_receive(*, store_hash: str, secret: str | None, body: bytes
                    ) -> WebhookRefresh | None:
    """Check, parse and map one delivery; record its refresh, sent when the request commits.
    No BigCommerce call happens here: BigCommerce wants a quick 2xx."""
    connection = StoreConnection.objects.filter(store_hash=store_hash, is_active=True).first()
    if connection is None or not webhook_secret_ok(connection=connection, presented=secret):
        raise WebhookUnauthorized(store_hash)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookBadPayload("the body is not JSON") from exc
    if not isinstance(payload, Mapping):
        raise WebhookBadPayload("the body is not a JSON object")
    refresh = webhook_refresh_for(payload)
    with transaction.atomic():
        StoreConnection.objects.filter(pk=connection.pk).update(last_webhook_at=timezone.now())
        # One pending refresh per record: a task only for a new one (or one whose fetch is
        # under way and may predate this delivery); repeated deliveries join it.
        if refresh is not None and lc_refresh_request(
                store_hash=connection.store_hash, resource=refresh.resource,
                bc_id=refresh.bc_id, deleted=refresh.deleted):
            lc_refresh_enqueue(connection_id=connection.pk, resource=refresh.resource,
                               bc_id=refresh.bc_id)
    return refresh


# ---- how the LC is kept current ------------------------------------------------------------


@dataclass(frozen=True)
class WebhookMode:
    label: str
    detail: str
    webhooks_live: bool
    background_pull: bool


def webhook_mode(*, connection: StoreConnection, now: datetime | None = None) -> WebhookMode:
    """Which mechanisms keep this store's LC current, for the panel's indicator."""
    now = now or timezone.now()
    pull = SyncSettings.load().lc_background_pull
    registered = connection.webhooks_registered_at is not None
    live = registered and connection.last_webhook_at is not None \
        and now - connection.last_webhook_at < WEBHOOK_RECENT
    label = {
        (True, True): "Webhooks + incremental",
        (False, True): "Incremental only",
        (True, False): "Webhooks only",
        (False, False): "Manual reloads only",
    }[(live, pull)]
    if not registered:
        detail = "Webhooks are not registered."
    elif connection.last_webhook_at is None:
        detail = ("Webhooks are registered, but none has arrived yet: BigCommerce may not "
                  "reach this server (check BCSYNC_PUBLIC_URL).")
    elif not live:
        detail = "No webhook has arrived in the last 24 hours."
    else:
        detail = "Webhooks are arriving."
    if not pull:
        detail += " LC background pull is off."
    return WebhookMode(label=label, detail=detail, webhooks_live=live, background_pull=pull)
