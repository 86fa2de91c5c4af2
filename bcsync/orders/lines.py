"""An order's lines: which POS item (or variant) each sold, and the stock each takes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from catalog.models import BundleComponent, Item, Location, StockLevel, StockMovement, Variant
from catalog.stock import stock_move

from ..models import ItemSync, Notification, StoreConnection, VariantSync
from ..notifications import notify


@dataclass(frozen=True)
class Election:
    """A line's SKU fitted several POS items or variants and the rule chose one."""

    sku: str
    candidates: tuple[str, ...]  # each described, in the rule's order: the chosen first
    rule: str


@dataclass(frozen=True)
class Match:
    item: Item | None
    variant: Variant | None
    by: str  # "link", "sku" or "" (unmatched)
    election: Election | None = None


# How one SKU's candidates are ranked, in words for the notification (`_rank` is the code).
ELECTION_RULE = ("linked to this store first, then eCommerce-enabled, then the one whose own "
                 "SKU is exactly the line's (letter case too; a product number last), then "
                 "variants before items, then the lowest id")


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
                # SKUs are unique ignoring case: at most one variant of the item fits.
                variant = Variant.objects.filter(item=link.item, sku__iexact=sku).first()
            return Match(link.item, variant, "link")
    sku = (sku or "").strip()
    if not sku:
        return Match(None, None, "")
    candidates = sku_candidates(connection=connection, sku=sku)
    if not candidates:
        return Match(None, None, "")
    item, variant = candidates[0]
    election = None
    if len(candidates) > 1:
        election = Election(sku=sku, candidates=tuple(_described(i, v) for i, v in candidates),
                            rule=ELECTION_RULE)
    return Match(item, variant, "sku", election)


def sku_candidates(*, connection: StoreConnection, sku: str
                   ) -> list[tuple[Item, Variant | None]]:
    """Every POS item or variant a line's SKU may mean, best first (ELECTION_RULE): a
    variant's SKU, an item's SKU (each unique ignoring case, but an item and a variant may
    share one), and items holding it as their product number (a web SKU that is no valid POS
    SKU; not unique: several items may hold it)."""
    found: list[tuple[Item, Variant | None]] = [
        (v.item, v) for v in Variant.objects.filter(sku__iexact=sku).select_related("item")]
    found += [(i, None) for i in Item.objects.filter(Q(sku__iexact=sku)
                                                      | Q(product_number__iexact=sku))]
    if len(found) < 2:
        return found
    linked = set(ItemSync.objects.filter(
        connection=connection, bc_product_id__isnull=False,
        item_id__in={item.pk for item, _ in found}).values_list("item_id", flat=True))

    def rank(candidate: tuple[Item, Variant | None]) -> tuple[bool, bool, int, bool, int]:
        item, variant = candidate
        own = variant.sku if variant is not None else item.sku
        exact = 0 if own == sku else 1 if own.upper() == sku.upper() else 2
        return (item.pk not in linked, not item.ecommerce_enabled, exact, variant is None,
                (variant or item).pk)

    return sorted(found, key=rank)


def _described(item: Item, variant: Variant | None) -> str:
    if variant is not None:
        return f"variant {variant.sku} of item {item.sku} (id {variant.pk})"
    return f"item {item.sku} {item.name!r} (id {item.pk})"


def election_notify(*, connection: StoreConnection, election: Election, order: str) -> None:
    """Tell a person the rule chose among several POS items for a SKU. One notification per
    store and SKU while unread: each further order with that SKU counts up on it."""
    chosen, others = election.candidates[0], election.candidates[1:]
    notify(Notification.Kind.ELECTION, connection=connection,
           title=f"Order {order}: SKU {election.sku} fits {len(election.candidates)} POS "
                 f"items; chose {chosen}",
           body=(f"Order {order}, SKU {election.sku}. Chosen: {chosen}. Also fitting: "
                 f"{'; '.join(others)}. Rule: {election.rule}. Give each POS item its own "
                 "SKU, or link the BigCommerce product, to settle it."),
           key=f"order-sku-election:{connection.pk}:{election.sku.upper()}")


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
