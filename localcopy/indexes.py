"""Indexes for the Web View grid's case-insensitive prefix filters ("starts with") on LC
products, per store, which Django cannot declare in a way both databases accept.

As catalog/indexes.py: istartswith is UPPER(col::text) LIKE UPPER('abc%') on PostgreSQL
(served by an UPPER(col) text_pattern_ops index) and col LIKE 'abc%' ESCAPE '\\' on SQLite
(served by a NOCASE index). The grid always filters on the store first, so each index leads
with store_hash. Migration 0006_web_view_indexes creates them; localcopy's post_migrate
handler creates any a later SQLite table rebuild dropped.
"""

from __future__ import annotations

from typing import Any

PREFIX_COLUMNS = ("sku", "name", "upc")
TABLE = "localcopy_lcproduct"


def _name(column: str) -> str:
    return f"lc_product_{column}_prefix"


def prefix_indexes_ensure(*, connection: Any) -> list[str]:
    """Create the prefix indexes that are missing; return their names."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return []
    with connection.cursor() as cursor:
        if TABLE not in connection.introspection.table_names(cursor):
            return []
        existing = set(connection.introspection.get_constraints(cursor, TABLE))
        created = []
        for column in PREFIX_COLUMNS:
            name = _name(column)
            if name in existing:
                continue
            if connection.vendor == "postgresql":
                expression = f'"store_hash", UPPER("{column}"::text) text_pattern_ops'
            else:
                expression = f'"store_hash", "{column}" COLLATE NOCASE'
            cursor.execute(f'CREATE INDEX "{name}" ON "{TABLE}" ({expression})')
            created.append(name)
    return created


def prefix_indexes_drop(*, connection: Any) -> None:
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    with connection.cursor() as cursor:
        for column in PREFIX_COLUMNS:
            cursor.execute(f'DROP INDEX IF EXISTS "{_name(column)}"')
