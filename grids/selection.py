"""A grid's selection as the server sees it, and back into a QuerySet.

The page sends one of
    {"ids": [3, 7, 12]}                                      these rows (at most 1000)
    {"all": true, "filter": [{field, type, value}, …],
     "except": [7]}                                          everything the filter shows,
                                                             less the rows unticked since
and the server rebuilds the rows from the grid's own selector and filters, so "all 100,000
matching items" travels as a filter, never as 100,000 ids. The rows are those matching when
the action runs.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .errors import GridParamError
from .grid import Grid
from .query import grid_filters_parse, grid_queryset

MAX_IDS = 1000
_KEYS = {"ids", "all", "filter", "except"}


def _ids(value: Any, param: str, *, required: bool) -> list[int]:
    if value is None and not required:
        return []
    if not isinstance(value, list) or len(value) > MAX_IDS:
        raise GridParamError(param, f"must be a list of at most {MAX_IDS} row ids.")
    if required and not value:
        raise GridParamError(param, "selects no row.")
    for position, pk in enumerate(value):
        if isinstance(pk, bool) or not isinstance(pk, int) or not 0 < pk < 2**63:
            raise GridParamError(f"{param}[{position}]", f"{pk!r} is not a row id.")
    return value


def grid_selection(*, grid: Grid, selection: Any, param: str = "selection") -> QuerySet[Any]:
    """The rows a selection stands for (unordered). Raises GridParamError for anything
    malformed, naming the field."""
    if not isinstance(selection, dict):
        raise GridParamError(param, "must be an object with ids, or all and filter.")
    unknown = set(selection) - _KEYS
    if unknown:
        raise GridParamError(f"{param}.{sorted(unknown)[0]}", "is not a selection field.")
    if selection.get("all") is True:
        if "ids" in selection:
            raise GridParamError(f"{param}.ids", "cannot be given with all.")
        filters = grid_filters_parse(grid=grid, filters=selection.get("filter", []),
                                     param=f"{param}.filter")
        excluded = _ids(selection.get("except"), f"{param}.except", required=False)
        rows = grid_queryset(grid=grid, filters=filters)
        return rows.exclude(pk__in=excluded) if excluded else rows
    if "all" in selection and selection["all"] is not False:
        raise GridParamError(f"{param}.all", "must be true or false.")
    if "filter" in selection or "except" in selection:
        raise GridParamError(f"{param}.filter", "is only read with all: true.")
    ids = _ids(selection.get("ids"), f"{param}.ids", required=True)
    return grid_queryset(grid=grid).filter(pk__in=ids)
