"""Finding a not-linked item's product already online, in the local copy, by the store's
`match_by` (SKU by default, or name, or UPC), so an upload links instead of duplicating."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from localcopy.models import LcProduct

from ..models import ItemSync, StoreConnection
from .fields import web_sku

if TYPE_CHECKING:
    from catalog.models import Item

MAX_CANDIDATES_NAMED = 5
MATCH_LABELS = {"sku": "SKU", "name": "name", "upc": "UPC"}


class AmbiguousMatch(Exception):
    """Several products online match the item: a person must choose."""

    def __init__(self, item: Item, match_by: str, candidates: list[LcProduct]) -> None:
        self.item = item
        self.match_by = match_by
        self.candidates = candidates
        named = ", ".join(f"#{p.bc_id} {p.name!r} (SKU {p.sku or '–'})"
                          for p in candidates[:MAX_CANDIDATES_NAMED])
        more = len(candidates) - MAX_CANDIDATES_NAMED
        if more > 0:
            named += f" and {more} more"
        label = MATCH_LABELS.get(match_by, match_by)
        super().__init__(f"{item.sku}: {len(candidates)} products online have this {label}: "
                         f"{named}. Link one by hand or change the {label}.")


@dataclass(frozen=True)
class Match:
    product: LcProduct
    match_by: str


def match_key(item: Item, match_by: str) -> str:
    """The item's value that `match_by` compares ("" when it has none)."""
    if match_by == "name":
        return item.name.strip()
    if match_by == "upc":
        return item.upc.strip()
    return web_sku(item).strip()


def product_match(item: Item, *, connection: StoreConnection) -> Match | None:
    """The one LC product matching the item and not linked to another item; None when there
    is none. Raises AmbiguousMatch when there are several."""
    match_by = connection.match_by or "sku"
    key = match_key(item, match_by)
    if not key:
        return None
    lookup = {"sku": "sku__iexact", "name": "name__iexact", "upc": "upc"}[match_by]
    linked_elsewhere = (ItemSync.objects.filter(connection=connection, bc_product_id__isnull=False)
                        .exclude(item=item).values("bc_product_id"))
    candidates = list(LcProduct.objects.filter(store_hash=connection.store_hash, **{lookup: key})
                      .exclude(bc_id__in=linked_elsewhere).order_by("bc_id")[:50])
    if len(candidates) > 1:
        raise AmbiguousMatch(item, match_by, candidates)
    return Match(candidates[0], match_by) if candidates else None
