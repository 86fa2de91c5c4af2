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
from django.db.models import Q
from django.utils import timezone

from localcopy.models import LcRun
from localcopy.services import lc_refresh_request

from .models import StoreConnection, SyncSettings
from .tasks import lc_refresh_enqueue, order_refunds_apply_enqueue

# Every delivery is bounded before it is parsed. BigCommerce's payloads are a few hundred
# bytes, three levels deep, with ids as JSON integers (webhooks.v3.yml); a body past these
# bounds is not one of them.
MAX_BODY_BYTES = 64 * 1024
MAX_DEPTH = 10
MAX_ID = 2**63 - 1  # BigCommerce ids fit a signed 64-bit integer, and so do our columns.

# A hook that has delivered within this window counts as reaching us.
WEBHOOK_RECENT = timedelta(hours=24)


class WebhookUnauthorized(Exception):
    """Unknown or inactive store, or a missing or wrong secret."""


class WebhookBadPayload(Exception):
    """Not JSON, or not a BigCommerce webhook payload."""


class WebhookTooLarge(Exception):
    """A body over MAX_BODY_BYTES."""


@dataclass(frozen=True)
class WebhookRefresh:
    """What one delivery asks the LC to re-read (see `localcopy.services.lc_refresh_record`)."""

    resource: str
    bc_id: int
    deleted: bool = False


# ---- receiving -----------------------------------------------------------------------------


def _id(data: Mapping[str, Any], *keys: str) -> int | None:
    """The id at data[keys[0]][keys[1]]..., None when absent; a JSON integer in 1..2^63-1 or
    WebhookBadPayload (never a float rounded down, a numeric string or a bool)."""
    value: Any = data
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    if value is None:
        return None
    if type(value) is not int or not 0 < value <= MAX_ID:
        raise WebhookBadPayload(f"data.{'.'.join(keys)} is not a positive integer below 2^63")
    return value


_MIRRORED = frozenset({"product", "sku", "category", "order", "shipment", "customer"})


def webhook_refresh_for(payload: Mapping[str, Any]) -> WebhookRefresh | None:
    """The refresh one payload asks for, or None for a scope the LC does not mirror.
    Raises WebhookBadPayload when a mirrored scope carries no usable id."""
    scope = payload.get("scope")
    data = payload.get("data")
    if not isinstance(scope, str) or not isinstance(data, Mapping):
        raise WebhookBadPayload("a webhook payload has a scope and a data object")
    parts = scope.split("/")
    if len(parts) < 3 or parts[0] != "store":
        raise WebhookBadPayload(f"unexpected scope {scope[:100]!r}")
    entity, tail = parts[1], parts[2:]
    if entity not in _MIRRORED:
        return None  # store/app/uninstalled, store/information/updated, ...
    removed = tail == ["deleted"]
    data_id = _id(data, "id")

    refresh: WebhookRefresh | None
    if entity == "product":
        # Inventory events name the product in data.inventory; the others in data.id.
        bc_id = _id(data, "inventory", "product_id") or data_id
        refresh = WebhookRefresh("product", bc_id, removed) if bc_id else None
    elif entity == "sku":
        # A variant is refreshed by re-reading its product with all its variants, so even a
        # deleted SKU is a re-read (its product lives on), never a product deletion.
        bc_id = _id(data, "sku", "product_id") or _id(data, "inventory", "product_id")
        refresh = WebhookRefresh("sku", bc_id) if bc_id else None
    elif entity == "category":
        refresh = WebhookRefresh("category", data_id, removed) if data_id else None
    elif entity == "order":
        # Messages, refunds, transactions and status changes all carry the order's id;
        # an archived order leaves the store's order list.
        refresh = WebhookRefresh("order", data_id, tail == ["archived"]) if data_id else None
    elif entity == "shipment":
        bc_id = _id(data, "orderId")
        refresh = WebhookRefresh("order", bc_id) if bc_id else None
    elif tail[0] == "address":  # customer
        bc_id = _id(data, "address", "customer_id")
        refresh = WebhookRefresh("customer", bc_id) if bc_id else None
    else:
        refresh = WebhookRefresh("customer", data_id, removed) if data_id else None
    if refresh is None:
        raise WebhookBadPayload(f"{scope[:100]} without a usable id")
    return refresh


# A refund made on BigCommerce: besides the LC's re-read of the order, its refunds are applied
# to the POS order (bcsync.orders.refunds).
REFUND_CREATED = "store/order/refund/created"


def webhook_refund_order_id(payload: Mapping[str, Any]) -> int | None:
    """The BigCommerce order whose refunds to apply, for a refund-created delivery."""
    if payload.get("scope") != REFUND_CREATED or not isinstance(payload.get("data"), Mapping):
        return None
    return _id(payload["data"], "id")


def _nests_deeper_than(text: str, limit: int) -> bool:
    """Whether arrays/objects nest deeper than `limit`, brackets inside strings aside. One
    linear pass, so a hostile body never reaches the parser's recursion."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def webhook_payload(body: bytes) -> Mapping[str, Any]:
    """The delivery's JSON object, within MAX_BODY_BYTES and MAX_DEPTH; WebhookTooLarge or
    WebhookBadPayload otherwise."""
    if len(body) > MAX_BODY_BYTES:
        raise WebhookTooLarge(f"the body is over {MAX_BODY_BYTES} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookBadPayload("the body is not UTF-8 JSON") from None
    if _nests_deeper_than(text, MAX_DEPTH):
        raise WebhookBadPayload(f"the JSON nests deeper than {MAX_DEPTH} levels")
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        raise WebhookBadPayload("the body is not JSON") from None
    if not isinstance(payload, Mapping):
        raise WebhookBadPayload("the body is not a JSON object")
    return payload


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
    payload = webhook_payload(body)
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
        # Not coalesced like the refresh: each refund is applied once whatever the number of
        # tasks (OrderRefundApplied), and a task skips an order not imported yet.
        refund_order_id = webhook_refund_order_id(payload)
        if refund_order_id is not None:
            order_refunds_apply_enqueue(connection_id=connection.pk, bc_order_id=refund_order_id)
    return refresh


# ---- how the LC is kept current ------------------------------------------------------------


@dataclass(frozen=True)
class WebhookMode:
    label: str
    detail: str
    webhooks_live: bool
    background_pull: bool


# BigCommerce delivers within seconds. Webhooks registered this long, with no delivery while
# incremental passes found changes they cover, are taken as not reaching this server.
WEBHOOK_UNREACHED_AFTER = timedelta(minutes=15)
# The LC datasets our scopes cover (brands and carriers have no webhooks).
WEBHOOK_DATASETS = ("products", "categories", "orders", "customers")


def webhook_mode(*, connection: StoreConnection, now: datetime | None = None) -> WebhookMode:
    """Which mechanisms keep this store's LC current, for the panel's indicator.

    Registered webhooks are "waiting" until the first delivery: a store where nothing
    changes sends none. They are called unreachable only on evidence, when an incremental
    pass found changes they cover well after registration and still none arrived.
    """
    now = now or timezone.now()
    pull = SyncSettings.load().lc_background_pull
    registered_at = connection.webhooks_registered_at
    live = registered_at is not None and connection.last_webhook_at is not None \
        and now - connection.last_webhook_at < WEBHOOK_RECENT
    waiting = False
    if registered_at is None:
        detail = "Webhooks are not registered."
    elif connection.last_webhook_at is None:
        missed = LcRun.objects.filter(
            store_hash=connection.store_hash, kind=LcRun.Kind.INCREMENTAL,
            dataset__in=WEBHOOK_DATASETS,
            started_at__gte=registered_at + WEBHOOK_UNREACHED_AFTER,
        ).filter(Q(inserted__gt=0) | Q(updated__gt=0) | Q(deleted__gt=0)).exists()
        if missed:
            detail = ("Webhooks are registered, but none has arrived while incremental passes "
                      "found changes in the store: BigCommerce may not reach this server "
                      "(check BCSYNC_PUBLIC_URL).")
        else:
            waiting = True
            detail = ("Waiting for the first webhook: BigCommerce sends one when something "
                      "changes in the store.")
    elif not live:
        detail = "No webhook has arrived in the last 24 hours."
    else:
        detail = "Webhooks are arriving."
    if waiting:
        label = "Webhooks (waiting) + incremental" if pull else "Webhooks (waiting)"
    else:
        label = {
            (True, True): "Webhooks + incremental",
            (False, True): "Incremental only",
            (True, False): "Webhooks only",
            (False, False): "Manual reloads only",
        }[(live, pull)]
    if not pull:
        detail += " LC background pull is off."
    return WebhookMode(label=label, detail=detail, webhooks_live=live, background_pull=pull)
