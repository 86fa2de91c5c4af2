"""What a stock change marks for the background push besides the item itself.

- A stock movement (`catalog.stock.stock_move`): it changes the level with an `update()`,
  which sends no signal, so the movement's own save marks the item.
- A child's stock (a level saved or deleted, or a movement): every bundle master it is part
  of, whose available quantity online is decided by its children (`inventory.bundles`).
- A bundle's components added, changed or removed: the master.

Marks go through `push.outbox.outbox_mark`, so they are written when the change commits,
and nothing when it rolls back."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS

from ..push.outbox import outbox_mark
from .bundles import masters_of


def _stock_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    using = kwargs.get("using") or DEFAULT_DB_ALIAS
    item_id = instance.item_id
    outbox_mark(item_ids=[item_id, *masters_of([item_id])], using=using)


def _component_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    outbox_mark(item_ids=[instance.bundle_id], using=kwargs.get("using") or DEFAULT_DB_ALIAS)


def inventory_signals_connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from catalog.models import BundleComponent, StockLevel, StockMovement

    post_save.connect(_stock_changed, sender=StockMovement,
                      dispatch_uid="bcsync.inventory.movement")
    for model in (StockLevel,):
        post_save.connect(_stock_changed, sender=model, dispatch_uid="bcsync.inventory.level.save")
        post_delete.connect(_stock_changed, sender=model,
                            dispatch_uid="bcsync.inventory.level.delete")
    post_save.connect(_component_changed, sender=BundleComponent,
                      dispatch_uid="bcsync.inventory.component.save")
    post_delete.connect(_component_changed, sender=BundleComponent,
                        dispatch_uid="bcsync.inventory.component.delete")
