"""The item grid's prefix indexes ("starts with" filters on SKU, name, UPC and bin), created
by migration 0003_grid_indexes and again by catalog's post_migrate handler when a SQLite
table rebuild dropped them (see grids/prefix_indexes.py)."""

from __future__ import annotations

from typing import Any

from grids.prefix_indexes import PrefixIndexes

ITEM_PREFIX_INDEXES = PrefixIndexes(table="catalog_item", name_prefix="item",
                                    columns=("sku", "name", "upc", "bin_number"))
PREFIX_COLUMNS = ITEM_PREFIX_INDEXES.columns


def prefix_indexes_ensure(*, connection: Any) -> list[str]:
    """Create the item prefix indexes that are missing; return their names."""
    return ITEM_PREFIX_INDEXES.ensure(connection=connection)


def prefix_indexes_drop(*, connection: Any) -> None:
    ITEM_PREFIX_INDEXES.drop(connection=connection)
