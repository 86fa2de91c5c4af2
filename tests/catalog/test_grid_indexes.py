"""The indexes the POS View grid pages through: one per sort order and one per "starts with"
filter, on SQLite and on PostgreSQL, kept even when SQLite rebuilds the table."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import connection

from bcsync.pos_grids import PosItemsGrid
from catalog.indexes import PREFIX_COLUMNS, prefix_indexes_drop
from catalog.models import Item
from grids.query import grid_ordering, grid_query_parse, grid_queryset

pytestmark = pytest.mark.django_db


def item_indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, Item._meta.db_table))


def plan(queryset) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # On a near-empty table a scan and a sort are cheapest: ask what the planner does
            # when they are not (it still scans or sorts when nothing else can serve).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
    return queryset.explain()


def test_migrate_creates_a_prefix_index_per_filterable_text_column():
    assert {f"item_{c}_prefix" for c in PREFIX_COLUMNS} <= item_indexes()


def test_migrate_puts_back_a_prefix_index_a_table_rebuild_dropped():
    prefix_indexes_drop(connection=connection)
    assert not {f"item_{c}_prefix" for c in PREFIX_COLUMNS} & item_indexes()
    call_command("migrate", verbosity=0)
    assert {f"item_{c}_prefix" for c in PREFIX_COLUMNS} <= item_indexes()


@pytest.mark.parametrize("column", PREFIX_COLUMNS)
def test_a_starts_with_filter_is_served_by_its_index(column):
    queryset = Item.objects.filter(**{f"{column}__istartswith": "Ab"}).order_by().values("pk")
    assert f"item_{column}_prefix" in plan(queryset)


SORTABLE = ["sku", "name", "price", "cost_price", "upc", "bin_number", "updated_at"]


def test_the_sortable_columns_checked_here_are_the_grids(alice):
    grid = PosItemsGrid(user=alice, params={})
    assert [c.id for c in grid.column_list if c.sortable] == SORTABLE


@pytest.mark.parametrize("column", SORTABLE)
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_every_sortable_column_pages_from_an_index_without_sorting(alice, column, direction):
    grid = PosItemsGrid(user=alice, params={})
    query = grid_query_parse(grid=grid, params={"sort[0][field]": column,
                                                "sort[0][dir]": direction})
    keys = grid_queryset(grid=grid).order_by(*grid_ordering(query.sorters)).values("pk")[:50]
    text = plan(keys)
    if connection.vendor == "sqlite":
        assert "TEMP B-TREE" not in text, text
    else:
        # An index scan; at most an incremental sort of equal values by the primary key.
        assert "Index" in text and not re.search(r"(^|->)\s*Sort\s+\(cost", text, re.M), text
