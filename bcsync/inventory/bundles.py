"""Bundles online: a master item (one with `BundleComponent` rows) has no stock of its own on
BigCommerce; what it can sell is what its children allow.

    available(master) = min over children of floor(child on hand / quantity per master)

A child at zero (or below: the POS lets on hand go negative) makes the master 0. Children's
variants are not counted: a bundle names items, and an item with variants keeps its stock on
the variants, so such a child allows nothing (0) rather than a guess."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Sum

from catalog.models import BundleComponent, Item, StockLevel


def is_master(item: Item) -> bool:
    """Whether the item is sold as a bundle (uses prefetched `components` if any)."""
    return bool(item.components.all())


def bundle_available(item: Item, *, location_id: int | None) -> int:
    """What the master can sell at a POS location (every location when None), never below
    zero. One query for the children's levels."""
    components = [(c.component_id, c.quantity) for c in item.components.all()]
    if not components:
        raise ValueError(f"Item {item.sku} is not a bundle master: it has no components.")
    levels = StockLevel.objects.filter(item_id__in=[cid for cid, _ in components],
                                       variant__isnull=True)
    if location_id is not None:
        levels = levels.filter(location_id=location_id)
    on_hand = dict(levels.values("item_id").annotate(total=Sum("on_hand"))
                   .values_list("item_id", "total"))
    return max(0, min((on_hand.get(cid) or 0) // quantity for cid, quantity in components))


def masters_of(item_ids: Iterable[int]) -> set[int]:
    """The masters whose available quantity the stock of these items decides."""
    ids = {int(pk) for pk in item_ids if pk is not None}
    if not ids:
        return set()
    return set(BundleComponent.objects.filter(component_id__in=ids)
               .values_list("bundle_id", flat=True))
