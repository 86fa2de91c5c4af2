"""The Web View grid's prefix indexes ("starts with" filters on LC products' SKU, name and
UPC), each leading with store_hash because the grid always filters on the store first.
Created by migration 0006_web_view_indexes and again by localcopy's post_migrate handler when
a SQLite table rebuild dropped them (see grids/prefix_indexes.py)."""

from __future__ import annotations

from typing import Any

from grids.prefix_indexes import PrefixIndexes

LC_PRODUCT_PREFIX_INDEXES = PrefixIndexes(table="localcopy_lcproduct", name_prefix="lc_product",
                                          columns=("sku", "name", "upc"),
                                          leading=("store_hash",))
PREFIX_COLUMNS = LC_PRODUCT_PREFIX_INDEXES.columns


def prefix_indexes_ensure(*, connection: Any) -> list[str]:
    """Create the LC product prefix indexes that are missing; return their names."""
    return LC_PRODUCT_PREFIX_INDEXES.ensure(connection=connection)


def prefix_indexes_drop(*, connection: Any) -> None:
    LC_PRODUCT_PREFIX_INDEXES.drop(connection=connection)
