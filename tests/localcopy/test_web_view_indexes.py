"""The indexes the Web View grid pages through: one per sort order and one per "starts
with" filter, each leading with the store, on SQLite and on PostgreSQL, kept even when
SQLite rebuilds the table."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bcsync.models import StoreConnection
from bcsync.web_grids import WebProductsGrid
from grids.query import grid_ordering, grid_query_parse, grid_queryset
from localcopy.indexes import PREFIX_COLUMNS, prefix_indexes_drop
from localcopy.models import LcProduct

pytestmark = pytest.mark.django_db


def product_indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor,
                                                            LcProduct._meta.db_table))


def plan(queryset) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # On a near-empty table a scan and a sort are cheapest: ask what the planner does
            # when they are not.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
    return queryset.explain()


@pytest.fixture
def grid(alice):
    StoreConnection.objects.create(store_hash="shop1", access_token="t", description="Web")
    return WebProductsGrid(user=alice, params={})


def test_every_filterable_text_column_has_a_prefix_index(grid):
    from grids.filters import TextFilter
    assert sorted(c.id for c in grid.column_list if isinstance(c.filter, TextFilter)) == sorted(
        PREFIX_COLUMNS)


def test_migrate_puts_back_a_prefix_index_a_table_rebuild_dropped():
    names = {f"lc_product_{c}_prefix" for c in PREFIX_COLUMNS}
    assert names <= product_indexes()
    prefix_indexes_drop(connection=connection)
    assert not names & product_indexes()
    call_command("migrate", verbosity=0)
    assert names <= product_indexes()


@pytest.mark.parametrize("column", PREFIX_COLUMNS)
def test_a_starts_with_filter_is_served_by_its_index(grid, column):
    # Enough varied rows, analysed, that the planner tells the indexes apart.
    now = timezone.now()
    LcProduct.objects.bulk_create(
        LcProduct(store_hash="shop1", bc_id=n, sku=f"S{n:05d}", name=f"N{n:05d}",
                  upc=f"{n:012d}", synced_at=now) for n in range(2000))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {LcProduct._meta.db_table}")
    query = grid_query_parse(grid=grid, params={"filter[0][field]": column,
                                                "filter[0][type]": "like",
                                                "filter[0][value]": "Ab"})
    keys = grid_queryset(grid=grid, filters=query.filters).order_by().values("pk")
    assert f"lc_product_{column}_prefix" in plan(keys)


SORTABLE = ["sku", "name", "price", "cost_price", "upc", "inventory_level", "date_modified",
            "bc_id"]


def test_the_sortable_columns_checked_here_are_the_grids(grid):
    assert [c.id for c in grid.column_list if c.sortable] == SORTABLE


@pytest.mark.parametrize("column", SORTABLE)
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_every_sortable_column_pages_from_an_index_without_sorting(grid, column, direction):
    query = grid_query_parse(grid=grid, params={"sort[0][field]": column,
                                                "sort[0][dir]": direction})
    keys = grid_queryset(grid=grid).order_by(*grid_ordering(query.sorters)).values("pk")[:50]
    text = plan(keys)
    if connection.vendor == "sqlite":
        assert "TEMP B-TREE" not in text, text
    else:
        assert "Index" in text and not re.search(r"(^|->)\s*Sort\s+\(cost", text, re.M), text
