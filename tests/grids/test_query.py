"""How a page is computed: counts that stay cheap on big tables and are corrected where an
estimate was wrong; filtered pages that walk the sort order on SQLite; expression columns
computed for the page's rows only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bcsync.pos_grids import PosItemsGrid
from grids.query import grid_page, grid_query_parse
from tests.grids.catalog import ROWS, pos_catalog_make

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


class SmallCountGrid(PosItemsGrid):
    exact_count_limit = 3


class ManyMatchesGrid(PosItemsGrid):
    many_matches = 0


@pytest.fixture
def catalog(db):
    return pos_catalog_make()


def page(grid_class, user, **params):
    grid = grid_class(user=user, params={})
    return grid_page(grid=grid, query=grid_query_parse(grid=grid, params=params))


def walk(grid_class, user, **params) -> tuple[list[str], list[bool]]:
    """Follow the pages as Tabulator does: up to the last page the server announces."""
    seen, exactness, number = [], [], 1
    while True:
        answer = page(grid_class, user, page=str(number), **params)
        seen += [row["sku"] for row in answer.rows]
        exactness.append(answer.exact)
        if number >= answer.last_page:
            return seen, exactness
        number += 1


@pytest.mark.skipif(not POSTGRES, reason="SQLite counts exactly: see the test below")
def test_past_the_limit_postgresql_shows_an_estimate_and_corrects_it_at_the_end(alice, catalog):
    first = page(SmallCountGrid, alice, size="5")
    assert first.exact is False
    assert first.total >= 4
    assert first.as_json()["count_exact"] is False
    seen, exactness = walk(SmallCountGrid, alice, size="5")
    assert sorted(seen) == sorted(ROWS)  # every row once, whatever the estimate said
    assert exactness[-1] is True
    last = page(SmallCountGrid, alice, page="3", size="5")
    assert (last.total, last.exact, last.last_page) == (len(ROWS), True, 3)


@pytest.mark.skipif(not POSTGRES, reason="SQLite counts exactly")
def test_a_page_beyond_an_estimate_recounts_so_the_page_can_go_back(alice, catalog):
    beyond = page(SmallCountGrid, alice, page="40", size="5")
    assert beyond.rows == []
    assert (beyond.total, beyond.exact, beyond.last_page) == (len(ROWS), True, 3)


@pytest.mark.skipif(POSTGRES, reason="PostgreSQL estimates past the limit: see above")
def test_sqlite_counts_exactly_past_the_limit(alice, catalog):
    first = page(SmallCountGrid, alice, size="5")
    assert (first.total, first.exact) == (len(ROWS), True)


def test_counts_under_the_limit_are_exact_everywhere(alice, catalog):
    answer = page(SmallCountGrid, alice, size="5", **{
        "filter[0][field]": "sku", "filter[0][type]": "like", "filter[0][value]": "TEE"})
    assert (answer.total, answer.exact) == (3, True)


def test_a_filter_matching_many_rows_gives_the_same_page_by_the_sort_order(alice, catalog):
    params = {"size": "4", "sort[0][field]": "price", "sort[0][dir]": "desc",
              "filter[0][field]": "price", "filter[0][type]": "like",
              "filter[0][value]": "10..50", "filter[1][field]": "name",
              "filter[1][type]": "like", "filter[1][value]": "*o"}
    with CaptureQueriesContext(connection) as queries:
        hinted = [page(ManyMatchesGrid, alice, page=str(n), **params).rows for n in (1, 2, 3)]
    plain = [page(PosItemsGrid, alice, page=str(n), **params).rows for n in (1, 2, 3)]
    assert hinted == plain
    # Price 10–50 with an "o" in the name, dearest first, ties on the newest row first.
    assert [[row["sku"] for row in p] for p in plain] == [
        ["PEN001", "TEE002", "HAT001", "TEE001"], ["BAG001", "MUG001"], []]
    hints = [q["sql"] for q in queries.captured_queries if "likelihood(" in q["sql"]]
    assert bool(hints) == (connection.vendor == "sqlite")
    if hints:
        # One hint per comparison (the range's two bounds and the name), not one per filter.
        assert hints[0].count("likelihood(") == 3


def test_expression_columns_are_computed_for_the_page_rows_only(alice, catalog):
    with CaptureQueriesContext(connection) as queries:
        answer = page(PosItemsGrid, alice, page="3", size="3",
                      **{"sort[0][field]": "price", "sort[0][dir]": "desc"})
    [rows_sql] = [q["sql"] for q in queries.captured_queries if "OFFSET" in q["sql"]]
    sliced = rows_sql[rows_sql.index("IN (SELECT"):]
    assert "SUM(" not in sliced  # the stock subquery stays outside the sorted, sliced keys
    assert [(row["sku"], row["stock"]) for row in answer.rows] == [
        ("TEE003", 0), ("TEE001", 39), ("BAG001", 0)]


@pytest.mark.skipif(not POSTGRES, reason="only PostgreSQL has a planner estimate to use")
def test_postgresql_trusts_an_estimate_far_past_the_limit_and_counts_near_it(catalog):
    from catalog.models import Item
    from grids.counting import rows_count

    template = catalog.items["MUG001"]
    Item.objects.bulk_create([Item(sku=f"BULK{n:03d}", name=f"Bulk {n}", vendor=template.vendor,
                                   department=template.department) for n in range(88)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_item")  # the estimate is now the row count, 100
    items = Item.objects.all()

    def counted(limit):
        with CaptureQueriesContext(connection) as queries:
            answer = rows_count(items, exact_limit=limit)
        bounded = any(f"LIMIT {limit + 1}" in q["sql"] for q in queries.captured_queries)
        return answer.total, answer.exact, bounded

    assert counted(3) == (100, False, False)  # 100 > 2 × 3: no row is counted
    assert counted(60) == (100, False, True)  # near the limit: counted up to it first
    assert counted(200) == (100, True, True)
