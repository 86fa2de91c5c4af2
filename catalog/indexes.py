"""Indexes for case-insensitive prefix filters ("starts with") on items, which Django cannot
declare in a way both databases accept.

Django's istartswith is UPPER(col::text) LIKE UPPER('abc%') on PostgreSQL, which a plain
b-tree serves only in the C collation, and col LIKE 'abc%' ESCAPE '\\' on SQLite, which only
an index with NOCASE collation serves. Migration 0003_grid_indexes creates them; because
SQLite rebuilds a table (and drops indexes Django does not know) whenever a later migration
alters it, catalog's post_migrate handler creates any that are missing again.
"""

from __future__ import annotations

from typing import Any

PREFIX_COLUMNS = ("sku", "name", "upc", "bin_number")
TABLE = "catalog_item"


def _name(column: str) -> str:
    return f"item_{column}_prefix"


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
                expression = f'UPPER("{column}"::text) text_pattern_ops'
            else:
                expression = f'"{column}" COLLATE NOCASE'
            cursor.execute(f'CREATE INDEX "{name}" ON "{TABLE}" ({expression})')
            created.append(name)
    return created


def prefix_indexes_drop(*, connection: Any) -> None:
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    with connection.cursor() as cursor:
        for column in PREFIX_COLUMNS:
            cursor.execute(f'DROP INDEX IF EXISTS "{_name(column)}"')
