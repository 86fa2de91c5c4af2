"""Which items a store may receive: the Product Sync switch and Item Sync Enforcement, with
the reason in words for the grid and the history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import StoreConnection, SyncSettings

if TYPE_CHECKING:
    from catalog.models import Item

PRODUCT_SYNC_OFF = "Product Sync is off: no product is created or updated online."


def product_sync_problem(sync_settings: SyncSettings | None = None) -> str | None:
    """Why no product may be pushed at all, or None."""
    sync_settings = sync_settings or SyncSettings.load()
    return None if sync_settings.product_sync_enabled else PRODUCT_SYNC_OFF


def exclusion_reason(item: Item, *, connection: StoreConnection) -> str | None:
    """Why Item Sync Enforcement keeps this item from the store, or None when it may go.
    Uses prefetched `locations` when present."""
    if not connection.item_sync_enforcement:
        return None
    if not item.ecommerce_enabled:
        return "Excluded: not enabled for eCommerce (Item Sync Enforcement)."
    location_id = connection.pos_location_id
    if location_id is not None and location_id not in {loc.pk for loc in item.locations.all()}:
        code = connection.pos_location.code if connection.pos_location else location_id
        return (f"Excluded: not entitled to location {code} (Item Sync Enforcement).")
    return None
