"""Tabulator's remote protocol on the server: parse page / size / sort / filter, apply them to
a grid's QuerySet in the database, and answer one page with the row count.

Request (GET, as Tabulator's default URL generator writes it):
    page=2&size=50&sort[0][field]=price&sort[0][dir]=desc
    &filter[0][field]=name&filter[0][type]=like&filter[0][value]=tee
Response:
    {"last_page": 2000, "last_row": 100000, "data": [{"id": 1, "sku": ..., ...}, ...]}

Every parameter is checked: unknown or unsortable / unfilterable columns, bad directions,
types and values, sizes out of bounds answer GridParamError (400) naming the parameter.
Paging is LIMIT/OFFSET in SQL over the rows' keys, and only the page's rows get their columns
computed; sorting always ends with the primary key in the direction of the last sort column,
so pages are stable and one index (column, pk) serves them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, Func, Q, QuerySet

from .columns import Column
from .errors import GridParamError
from .grid import Grid

MAX_SORTERS = 3
MAX_FILTERS = 20
MAX_PAGE = 1_000_000
_NESTED = re.compile(r"^(sort|filter)\[(\d{1,3})\]\[(field|dir|type|value)\](?:\[(\d{1,3})\])?$")


@dataclass(frozen=True)
class Sorter:
    column: Column
    descending: bool


@dataclass(frozen=True)
class GridFilter:
    """One checked filter: the condition it stands for."""

    column: Column
    condition: Q


@dataclass(frozen=True)
class GridQuery:
    page: int
    size: int
    sorters: tuple[Sorter, ...]
    filters: tuple[GridFilter, ...]


@dataclass(frozen=True)
class GridPage:
    page: int
    size: int
    total: int
    #: False when `total` is the database's estimate (the page says "about").
    exact: bool
    rows: list[dict[str, Any]]

    @property
    def last_page(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    def as_json(self) -> dict[str, Any]:
        return {"last_page": self.last_page, "last_row": self.total, "count_exact": self.exact,
                "data": self.rows}


# ---- parsing -------------------------------------------------------------------------------


def _whole(params: Mapping[str, Any], name: str, *, default: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 9 or not 1 <= int(raw) <= high:
        raise GridParamError(name, f"must be a whole number from 1 to {high}.")
    return int(raw)


Named = list[tuple[str, Any]]


def _nested(params: Mapping[str, Any]) -> dict[str, Named]:
    """sort[0][field]=… style keys into (name, dict) pairs, in index order."""
    found: dict[str, dict[int, dict[str, Any]]] = {"sort": {}, "filter": {}}
    for key in params:
        if not key.startswith(("sort[", "filter[")):
            continue
        match = _NESTED.match(key)
        if not match:
            raise GridParamError(key, "is not a sort or filter parameter (expected e.g. "
                                      "sort[0][field] or filter[0][value]).")
        kind, index, attr, item = match[1], int(match[2]), match[3], match[4]
        limit = MAX_SORTERS if kind == "sort" else MAX_FILTERS
        if index >= limit:
            raise GridParamError(key, f"at most {limit} {kind} entries are accepted.")
        entry = found[kind].setdefault(index, {})
        value = params.get(key)
        if item is None:
            if isinstance(entry.get(attr), dict):
                raise GridParamError(key, "is given both as a value and as a list.")
            entry[attr] = value
        elif attr != "value":
            raise GridParamError(key, "only a filter's value may be a list.")
        else:
            items = entry.setdefault("value", {})
            if not isinstance(items, dict):
                raise GridParamError(key, "is given both as a value and as a list.")
            items[int(item)] = value
    result: dict[str, Named] = {}
    for kind, entries in found.items():
        result[kind] = []
        for index in sorted(entries):
            entry = entries[index]
            if isinstance(entry.get("value"), dict):
                entry["value"] = [entry["value"][i] for i in sorted(entry["value"])]
            result[kind].append((f"{kind}[{index}]", entry))
    return result


def _sorters(grid: Grid, sorters: Named) -> tuple[Sorter, ...]:
    parsed: list[Sorter] = []
    for param, entry in sorters:
        field, direction = entry.get("field"), entry.get("dir", "asc")
        column = grid.column_map.get(field) if isinstance(field, str) else None
        if column is None or not column.sortable:
            sortable = ", ".join(c.id for c in grid.column_list if c.sortable)
            raise GridParamError(f"{param}[field]", f"{field!r} is not a sortable column "
                                                    f"(sortable: {sortable}).")
        if direction not in ("asc", "desc"):
            raise GridParamError(f"{param}[dir]", f"{direction!r} is not asc or desc.")
        if any(s.column.id == column.id for s in parsed):
            raise GridParamError(f"{param}[field]", f"{field!r} is sorted on twice.")
        parsed.append(Sorter(column, direction == "desc"))
    return tuple(parsed)


def grid_filters_parse(*, grid: Grid, filters: Any, param: str = "filter"
                       ) -> tuple[GridFilter, ...]:
    """Filters as Tabulator sends them ([{field, type, value}, …], e.g. inside a selection's
    JSON) into conditions; `param` names them in errors."""
    if not isinstance(filters, list | tuple):
        raise GridParamError(param, "must be a list of filters.")
    if len(filters) > MAX_FILTERS:
        raise GridParamError(param, f"at most {MAX_FILTERS} filters are accepted.")
    return _filters(grid, [(f"{param}[{i}]", entry) for i, entry in enumerate(filters)])


def _filters(grid: Grid, filters: Named) -> tuple[GridFilter, ...]:
    conditions: list[GridFilter] = []
    for where, entry in filters:
        if not isinstance(entry, Mapping) or not {"field", "type", "value"} <= set(entry):
            raise GridParamError(where, "must give a field, a type and a value.")
        field, kind = entry["field"], entry["type"]
        column = grid.column_map.get(field) if isinstance(field, str) else None
        if column is None or column.filter is None:
            filterable = ", ".join(c.id for c in grid.column_list if c.filter)
            raise GridParamError(f"{where}[field]", f"{field!r} is not a filterable column "
                                                    f"(filterable: {filterable}).")
        if not isinstance(kind, str):
            raise GridParamError(f"{where}[type]", "must be text.")
        condition = column.filter.q(source=column.filter_source, type=kind,
                                    value=entry["value"], param=f"{where}[value]")
        if condition is not None:
            conditions.append(GridFilter(column, condition))
    return tuple(conditions)


def grid_query_parse(*, grid: Grid, params: Mapping[str, Any]) -> GridQuery:
    page = _whole(params, "page", default=1, high=MAX_PAGE)
    size = _whole(params, "size", default=grid.page_size, high=max(grid.page_sizes))
    nested = _nested(params)
    sorters = _sorters(grid, nested["sort"])
    if not sorters and grid.default_sort:
        sorters = _sorters(grid, [(f"{type(grid).__name__}.default_sort",
                                   {"field": field, "dir": direction})
                                  for field, direction in grid.default_sort])
    return GridQuery(page=page, size=size, sorters=sorters,
                     filters=_filters(grid, nested["filter"]))


# ---- running -------------------------------------------------------------------------------


def _likely(condition: Q) -> list[Any]:
    """SQLite: each comparison of the condition marked as true for most rows (likelihood()),
    so the planner walks the sort order's index and stops at the page's end instead of
    fetching every match through the filter's index and sorting them all."""
    if condition.connector == Q.AND and not condition.negated and len(condition.children) > 1:
        parts: list[Any] = []
        for child in condition.children:
            parts += _likely(child if isinstance(child, Q) else Q(child))
        return parts
    return [Func(ExpressionWrapper(condition, output_field=BooleanField()),
                 template="likelihood(%(expressions)s, 0.9)", output_field=BooleanField())]


def grid_queryset(*, grid: Grid, filters: Sequence[GridFilter] = (),
                  many_match: bool = False) -> QuerySet[Any]:
    """The grid's rows with its columns' expressions annotated and the filters applied.
    `many_match`: the filters are known to match many rows (see _likely)."""
    queryset = grid.get_queryset()
    annotations = {c.alias: c.expression for c in grid.column_list if c.expression is not None}
    if annotations:
        queryset = queryset.annotate(**annotations)
    hint = many_match and connections[queryset.db].vendor == "sqlite"
    for spec in filters:
        queryset = (queryset.filter(*_likely(spec.condition)) if hint
                    else queryset.filter(spec.condition))
    return queryset


def grid_ordering(sorters: Sequence[Sorter]) -> list[str]:
    ordering = [f"-{s.column.alias}" if s.descending else s.column.alias for s in sorters]
    # The tiebreak follows the last sort's direction so that one index scan, forwards or
    # backwards, serves the whole ORDER BY.
    ordering.append("-pk" if sorters and sorters[-1].descending else "pk")
    return ordering


def _page_rows(grid: Grid, query: GridQuery, offset: int, *, many_match: bool
               ) -> list[dict[str, Any]]:
    columns = grid.column_list
    aliases = list(dict.fromkeys(c.alias for c in columns))
    ordering = grid_ordering(query.sorters)
    # Two steps in one query: the page's keys (sorted, filtered and sliced over the bare
    # rows), then the columns for those keys only. Selecting the columns in the sliced
    # query would have the database compute every expression column (a stock subquery) for
    # each row it skips (OFFSET) or sorts, not only for the page's own.
    keys = (grid_queryset(grid=grid, filters=query.filters, many_match=many_match)
            .order_by(*ordering).values("pk")[offset:offset + query.size])
    page = grid_queryset(grid=grid).filter(pk__in=keys).order_by(*ordering).values("pk", *aliases)
    return [{"id": row["pk"], **{c.id: c.value(row[c.alias]) for c in columns}} for row in page]


def grid_page(*, grid: Grid, query: GridQuery) -> GridPage:
    queryset = grid_queryset(grid=grid, filters=query.filters)
    count = grid.count(queryset, filtered=bool(query.filters))
    total, exact = count.total, count.exact
    offset = (query.page - 1) * query.size
    rows: list[dict[str, Any]] = []
    if offset < total or not exact:
        many = bool(query.filters) and (not exact or total > grid.many_matches)
        rows = _page_rows(grid, query, offset, many_match=many)
    if not exact:
        # The page shows where an estimate went wrong: a short page is the end; a full page
        # at or past the estimated end means at least one more page.
        if rows and len(rows) < query.size:
            total, exact = offset + len(rows), True
        elif rows:
            total = max(total, offset + query.size + 1)
        elif offset:
            total, exact = queryset.count(), True
        else:
            total, exact = 0, True
    return GridPage(page=query.page, size=query.size, total=total, exact=exact, rows=rows)
