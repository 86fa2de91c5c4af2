"""Product Sync and Item Sync Enforcement, set as a service: a switch that makes values due
which no edit marked (Product Sync back on: product changes held while it was off; Item Sync
Enforcement off: items it excluded) marks the linked items, so the next pass sends what
differs from what was last pushed, and nothing for an item in step."""

from __future__ import annotations

from django.db import transaction

from ..models import StoreConnection, SyncSettings
from .outbox import outbox_mark_store


@transaction.atomic
def product_sync_set(*, connection: StoreConnection, product_sync_enabled: bool,
                     item_sync_enforcement: bool) -> int:
    """Save the shop-wide Product Sync switch and this store's Item Sync Enforcement; returns
    how many linked items were marked for the background push."""
    settings = SyncSettings.load()
    resumed = product_sync_enabled and not settings.product_sync_enabled
    settings.product_sync_enabled = product_sync_enabled
    settings.save(update_fields=["product_sync_enabled", "updated_at"])
    relaxed = connection.item_sync_enforcement and not item_sync_enforcement
    connection.item_sync_enforcement = item_sync_enforcement
    connection.save(update_fields=["item_sync_enforcement", "updated_at"])
    marked = 0
    if resumed:
        # Shop-wide: every active store's held product changes are due again.
        for store in StoreConnection.objects.filter(is_active=True):
            marked += outbox_mark_store(connection_id=store.pk)
    elif relaxed:
        marked += outbox_mark_store(connection_id=connection.pk)
    return marked
