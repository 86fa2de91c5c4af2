"""Which POS location's stock goes to which BigCommerce inventory location, per store.

The connection's own `pos_location` → `bc_location_id` is the default pair, pushed under the
`inventory_level` key as it always was; each `LocationMapping` row adds a pair, pushed under
its own key `inventory_level@<BigCommerce location id>` in the same memory of what was pushed
(`ItemSync.pushed`, `VariantSync.pushed`), so one diff finds what changed at any location and
one batch of absolute adjustments sends it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..models import LocationMapping, StoreConnection
from ..push.fields import INVENTORY_KEY

if TYPE_CHECKING:
    from catalog.models import Item, Variant

KEY_PREFIX = f"{INVENTORY_KEY}@"
_CACHE = "_bcsync_extra_locations"


@dataclass(frozen=True)
class LocationPair:
    pos_location_id: int | None  # None: every POS location (a connection that names none)
    bc_location_id: int
    key: str  # the key its quantity is remembered under


def stock_key(bc_location_id: int, *, connection: StoreConnection) -> str:
    if bc_location_id == connection.bc_location_id:
        return INVENTORY_KEY
    return f"{KEY_PREFIX}{int(bc_location_id)}"


def location_of_key(key: str, *, connection: StoreConnection) -> int:
    """The BigCommerce location a stock key is set at."""
    if key == INVENTORY_KEY:
        return connection.bc_location_id
    if key.startswith(KEY_PREFIX):
        return int(key[len(KEY_PREFIX):])
    raise ValueError(f"{key!r} is not a stock key")


def is_stock_key(key: str) -> bool:
    return key == INVENTORY_KEY or key.startswith(KEY_PREFIX)


def extra_locations(connection: StoreConnection, *, fresh: bool = False) -> list[LocationPair]:
    """The mapped pairs besides the connection's own, kept on the connection instance so a
    pass of many items reads them once (a pass starts with `fresh=True`)."""
    cached = getattr(connection, _CACHE, None)
    if cached is not None and not fresh:
        return cached
    pairs = [LocationPair(row.pos_location_id, row.bc_location_id,
                          stock_key(row.bc_location_id, connection=connection))
             for row in LocationMapping.objects.filter(connection_id=connection.pk)
             .order_by("bc_location_id")
             # The default pair's own BigCommerce location is the default's (a row that
             # names it was refused on save; one left from before is not pushed twice).
             if row.bc_location_id != connection.bc_location_id]
    setattr(connection, _CACHE, pairs)
    return pairs


def location_pairs(connection: StoreConnection, *, fresh: bool = False) -> list[LocationPair]:
    """Every pair of the store: the default first, then the mapped ones."""
    default = LocationPair(connection.pos_location_id, connection.bc_location_id, INVENTORY_KEY)
    return [default, *extra_locations(connection, fresh=fresh)]


def extra_stock_values(item: Item, *, connection: StoreConnection,
                       variant: Variant | None = None) -> dict[str, int]:
    """The quantity at each extra mapped location, by stock key (bundle-aware, see
    `push.fields.stock_for`)."""
    from ..push.fields import stock_for

    return {pair.key: stock_for(item, connection=connection, variant=variant,
                                location_id=pair.pos_location_id)
            for pair in extra_locations(connection)}


def location_memory_forget(*, connection: StoreConnection, bc_location_id: int) -> int:
    """Drop what was last pushed at a BigCommerce location from the store's memory (a pair
    removed): if the location is mapped again later, its first push sends every quantity
    instead of trusting a memory that went stale meanwhile. Returns the rows changed."""
    from ..models import ItemSync, VariantSync

    key = stock_key(bc_location_id, connection=connection)
    if key == INVENTORY_KEY:
        return 0  # the default pair's memory is the store's own
    changed = 0
    for model, scope in ((ItemSync, {"connection": connection}),
                         (VariantSync, {"item_sync__connection": connection})):
        for row in model.objects.filter(pushed__has_key=key, **scope).only("pk", "pushed"):
            row.pushed = {k: v for k, v in row.pushed.items() if k != key}
            model.objects.filter(pk=row.pk).update(pushed=row.pushed)
            changed += 1
    return changed
