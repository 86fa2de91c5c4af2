"""Indexes for the grids' case-insensitive prefix filters ("starts with"), which Django cannot
declare in a way both databases accept.

Django's istartswith is UPPER(col::text) LIKE UPPER('abc%') on PostgreSQL, which a plain
b-tree serves only in the C collation (hence UPPER(col) text_pattern_ops), and
col LIKE 'abc%' ESCAPE '\\' on SQLite, which only an index with NOCASE collation serves.
Each app declares its set and creates it in a migration; because SQLite rebuilds a table (and
drops indexes Django does not know) whenever a later migration alters it, the app's
post_migrate handler creates any that are missing again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PrefixIndexes:
    """One prefix index per column of `table`, named `<name_prefix>_<column>_prefix`; each
    leads with `leading` (e.g. the store, which a grid always filters on first)."""

    table: str
    columns: tuple[str, ...]
    name_prefix: str
    leading: tuple[str, ...] = ()

    def name(self, column: str) -> str:
        return f"{self.name_prefix}_{column}_prefix"

    def _expression(self, column: str, vendor: str) -> str:
        if vendor == "postgresql":
            key = f'UPPER("{column}"::text) text_pattern_ops'
        else:
            key = f'"{column}" COLLATE NOCASE'
        return ", ".join([*(f'"{c}"' for c in self.leading), key])

    def ensure(self, *, connection: Any) -> list[str]:
        """Create the indexes that are missing; return their names."""
        if connection.vendor not in ("postgresql", "sqlite"):
            return []
        with connection.cursor() as cursor:
            if self.table not in connection.introspection.table_names(cursor):
                return []
            existing = set(connection.introspection.get_constraints(cursor, self.table))
            created = []
            for column in self.columns:
                name = self.name(column)
                if name in existing:
                    continue
                cursor.execute(f'CREATE INDEX "{name}" ON "{self.table}" '
                               f"({self._expression(column, connection.vendor)})")
                created.append(name)
        return created

    def drop(self, *, connection: Any) -> None:
        if connection.vendor not in ("postgresql", "sqlite"):
            return
        with connection.cursor() as cursor:
            for column in self.columns:
                cursor.execute(f'DROP INDEX IF EXISTS "{self.name(column)}"')
