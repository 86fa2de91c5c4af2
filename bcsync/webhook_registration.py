"""Registering our webhooks on a store: one hook per scope, pointing at our receiver and
carrying the connection's secret. Idempotent, so it is safe to repeat on every connect."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .client import BigCommerceClient, Webhook
from .connections import client_for
from .models import StoreConnection

# BigCommerce sends the hook's custom headers with every callback; this one carries the
# connection's secret, which is how the receiver knows a delivery is genuine.
SECRET_HEADER = "X-Bcsync-Secret"

# Products are listed one by one: `store/product/*` would also match the inventory scopes on
# BigCommerce, and both hooks would then fire for one stock change. Brands have no webhooks;
# the incremental pass covers them.
WEBHOOK_SCOPES: tuple[str, ...] = (
    "store/product/created",
    "store/product/updated",
    "store/product/deleted",
    "store/product/inventory/updated",
    "store/product/inventory/order/updated",
    "store/sku/*",
    "store/category/*",
    "store/order/*",
    "store/customer/*",
)


@dataclass(frozen=True)
class HookRegistration:
    scope: str
    hook_id: int
    action: str  # created / reactivated / unchanged / removed duplicate


def webhook_receiver_url(*, connection: StoreConnection) -> str:
    """Where BigCommerce should deliver: BCSYNC_PUBLIC_URL + the receiver's path."""
    path = reverse("bcsync:webhook_receiver", args=[connection.store_hash])
    return settings.BCSYNC_PUBLIC_URL.rstrip("/") + path


def _register_with(client: BigCommerceClient, *, secret: str,
                   receiver_url: str) -> list[HookRegistration]:
    headers = {SECRET_HEADER: secret}
    existing: dict[str, list[Webhook]] = {}
    for hook in client.iter_webhooks({"destination": receiver_url}):
        existing.setdefault(hook.scope, []).append(hook)
    results = []
    for scope in WEBHOOK_SCOPES:
        hooks = existing.get(scope, [])
        if not hooks:
            hook = client.create_webhook(scope=scope, destination=receiver_url,
                                         headers=headers)
            results.append(HookRegistration(scope, hook.id, "created"))
            continue
        keep, *extra = hooks
        # A hook BigCommerce deactivated (90 days idle, or 48 h of failed deliveries) or one
        # carrying an old secret is brought back rather than duplicated.
        if not keep.is_active or keep.headers.get(SECRET_HEADER) != secret:
            client.update_webhook(keep.id, {"is_active": True, "headers": headers})
            results.append(HookRegistration(scope, keep.id, "reactivated"))
        else:
            results.append(HookRegistration(scope, keep.id, "unchanged"))
        for hook in extra:
            client.delete_webhook(hook.id)
            results.append(HookRegistration(scope, hook.id, "removed duplicate"))
    return results


def webhooks_register(*, connection: StoreConnection,
                      receiver_url: str | None = None) -> list[HookRegistration]:
    """(Re)register our webhooks on the store. Idempotent: hooks that already exist for the
    same scope and destination are kept (reactivated if needed), never duplicated."""
    receiver_url = receiver_url or webhook_receiver_url(connection=connection)
    # Few, short retries: a person is waiting on the button (the task retries on its own).
    with client_for(connection, max_retries=1, max_retry_seconds=10) as client:
        results = _register_with(client, secret=connection.webhook_secret,
                                 receiver_url=receiver_url)
    StoreConnection.objects.filter(pk=connection.pk).update(
        webhooks_registered_at=timezone.now(), webhooks_destination=receiver_url)
    return results


def webhooks_register_run(*, connection_id: int) -> list[HookRegistration]:
    connection = StoreConnection.objects.filter(pk=connection_id, is_active=True).first()
    if connection is None:
        return []
    return webhooks_register(connection=connection)
