"""Moving stock: every change to an item's on-hand quantity, with the reason it moved.

Other code still writes `StockLevel` directly; what goes through `stock_move` leaves a
`StockMovement` behind, written in the same transaction as the level."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from .models import Item, Location, StockLevel, StockMovement, Variant


def stock_move(*, item: Item, variant: Variant | None = None, location: Location, delta: int,
               reason: str, reference: str = "") -> StockMovement:
    """Add `delta` (negative: take) to the item's (or variant's) on hand at `location` and
    record why. The level and its movement are saved together or not at all; concurrent
    moves on one level all count (the addition is done by the database, not in Python)."""
    if variant is not None and variant.item_id != item.pk:
        raise ValueError(f"Variant {variant.sku} belongs to another item than {item.sku}.")
    if not delta:
        raise ValueError(f"A stock move of {item.sku} at {location.code} needs a quantity "
                         "other than 0.")
    if reason not in StockMovement.Reason.values:
        raise ValueError(f"Stock move of {item.sku}: unknown reason {reason!r}.")
    with transaction.atomic():
        # get_or_create retries the read if another worker creates the row first (the
        # unique constraints on item/variant + location make that an IntegrityError).
        level, _ = StockLevel.objects.get_or_create(item=item, variant=variant,
                                                    location=location)
        StockLevel.objects.filter(pk=level.pk).update(on_hand=F("on_hand") + delta)
        return StockMovement.objects.create(item=item, variant=variant, location=location,
                                            quantity=delta, reason=reason,
                                            reference=reference[:255])
