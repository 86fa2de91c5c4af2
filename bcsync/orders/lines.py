"""An order's lines: which POS item (or variant) each sold, and the stock each takes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from catalog.models import BundleComponent, Item, Location, StockLevel, StockMovement, Variant
from catalog.stock import stock_move

from ..models import ItemSync, StoreConnection, VariantSync


@dataclass(frozen=True)
class Match:
    item: Item | None
    variant: Variant | None
    by: str  # "link", "sku" or "" (unmatched)


def line_match(*, connection: StoreConnection, product_bc_id: int | None,
               variant_bc_id: int | None, sku: str) -> Match:
    """By link first (the item linked to the BigCommerce product, its variant linked to the
    BigCommerce variant), then by SKU (a variant's, then an item's, letter case aside)."""
    if product_bc_id:
        link = (ItemSync.objects.filter(connection=connection, bc_product_id=product_bc_id)
                .select_related("item").first())
        if link is not None:
            variant = None
            if variant_bc_id:
                vlink = (VariantSync.objects.filter(item_sync=link, bc_variant_id=variant_bc_id)
                         .select_related("variant").first())
                variant = vlink.variant if vlink is not None else None
            if variant is None and sku:
                variant = Variant.objects.filter(item=link.item, sku__iexact=sku).first()
            return Match(link.item, variant, "link")
    sku = (sku or "").strip()
    if sku:
        variant = Variant.objects.filter(sku__iexact=sku).select_related("item").first()
        if variant is not None:
            return Match(variant.item, variant, "sku")
        item = Item.objects.filter(sku__iexact=sku).first()
        if item is not None:
            return Match(item, None, "sku")
    return Match(None, None, "")


def bundle_components(item: Item) -> list[tuple[Item, int]]:
    """The bundle's components with their quantity each (empty: not a bundle)."""
    return [(c.component, c.quantity) for c in
            BundleComponent.objects.filter(bundle=item).select_related("component")]


def line_take_stock(*, item: Item, variant: Variant | None, quantity: int,
                    location: Location, reference: str,
                    components: list[tuple[Item, int]] | None = None
                    ) -> list[tuple[Item, Variant | None]]:
    """Take the line's stock at `location`: a bundle's components (each its quantity × the
    line's), else the item or variant itself. Returns what it moved (item, variant), for
    the caller to check for levels below zero once per order."""
    if components is None:
        components = bundle_components(item)
    moves: list[tuple[Item, Variant | None, int]]
    if components and variant is None:
        moves = [(component, None, per * quantity) for component, per in components]
    else:
        moves = [(item, variant, quantity)]
    for move_item, move_variant, qty in moves:
        stock_move(item=move_item, variant=move_variant, location=location, delta=-qty,
                   reason=StockMovement.Reason.SALE, reference=reference)
    return [(move_item, move_variant) for move_item, move_variant, _ in moves]


def levels_below_zero(*, moved: list[tuple[Item, Variant | None]],
                      location: Location) -> list[StockLevel]:
    """The levels among `moved` at `location` whose on hand is now below zero (one query)."""
    if not moved:
        return []
    which = Q()
    for item, variant in moved:
        which |= Q(item=item, variant=variant)
    return list(StockLevel.objects.filter(which, location=location, on_hand__lt=0)
                .select_related("item", "variant"))
