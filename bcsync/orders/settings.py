"""Each store's order sync settings, read with defaults when none are saved yet."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ..models import ORDER_STATUSES, OrderSyncSettings, StoreConnection


def order_settings_for(*, connection: StoreConnection) -> OrderSyncSettings:
    """The store's settings row, made with the defaults on first use."""
    found = OrderSyncSettings.objects.filter(connection=connection).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return OrderSyncSettings.objects.create(connection=connection)
    except IntegrityError:  # another worker made it a moment ago
        return OrderSyncSettings.objects.get(connection=connection)


def status_name(status_id: int | None) -> str:
    if status_id is None:
        return "(none)"
    return ORDER_STATUSES.get(int(status_id), f"status {status_id}")


def get_status_ids(settings: OrderSyncSettings) -> set[int]:
    return {int(s) for s in (settings.get_status_ids or []) if int(s) in ORDER_STATUSES}


def last_sync_clear(*, connection: StoreConnection) -> OrderSyncSettings:
    """Forget the last sync: the next pass takes every order in the Get statuses, whatever
    its age (and imports the store's customers first)."""
    settings = order_settings_for(connection=connection)
    OrderSyncSettings.objects.filter(pk=settings.pk).update(last_sync_at=None)
    settings.last_sync_at = None
    return settings
