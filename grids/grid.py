"""The Grid base class: what a page declares to get a server-side grid.

    class PosItemsGrid(Grid):
        key = "pos.items"                    # saved layouts are kept under this key
        permission = "catalog.view_item"
        default_sort = (("sku", "asc"),)
        params = ("store",)                  # extra request parameters it reads

        def get_columns(self): ...           # list of Column
        def get_queryset(self): ...          # the selector: a QuerySet, no paging

A grid is built per request with the user and that request's parameters, so its columns
and rows may depend on them (the store's location, the item whose details are shown).
Everything else (paging, sorting, filtering, counting, layouts, selections) is generic: see
grids.query, grids.selection, grids.layouts and grids.views.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any, ClassVar

from django.db.models import QuerySet

from .columns import Column, RowAction
from .counting import RowCount, rows_count
from .errors import GridParamError

MAX_PARAM_LENGTH = 200


class Grid:
    key: ClassVar[str]
    permission: ClassVar[str]
    title: ClassVar[str] = ""
    columns: ClassVar[Sequence[Column]] = ()
    #: Sorting when the request gives none: (column id, "asc" | "desc") pairs.
    default_sort: ClassVar[tuple[tuple[str, str], ...]] = ()
    page_sizes: ClassVar[tuple[int, ...]] = (25, 50, 100, 200)
    page_size: ClassVar[int] = 50
    #: Rows carry a checkbox; the selection goes to the server as ids or as the filter.
    selectable: ClassVar[bool] = False
    #: Names of the extra request parameters this grid reads (besides paging, sort, filter).
    params: ClassVar[tuple[str, ...]] = ()
    #: Text shown when no row matches.
    empty_text: ClassVar[str] = "No rows."
    #: PostgreSQL: rows are counted exactly up to this many; beyond, the planner's estimate
    #: is shown as "about N" (see grids.counting). None: always count exactly.
    exact_count_limit: ClassVar[int | None] = 1000
    #: SQLite: above this many matching rows, a filtered page walks the sort order's index
    #: instead of the filter's (see grids.query._likely).
    many_matches: ClassVar[int] = 1000

    def __init__(self, *, user: Any, params: Mapping[str, Any]) -> None:
        self.user = user
        self.args: dict[str, str] = {}
        for name in self.params:
            value = params.get(name)
            if value is None or value == "":
                continue
            if not isinstance(value, str) or len(value) > MAX_PARAM_LENGTH:
                raise GridParamError(name, f"must be text of at most {MAX_PARAM_LENGTH} "
                                           "characters.")
            self.args[name] = value
        self.setup()

    @classmethod
    def has_permission(cls, user: Any) -> bool:
        return bool(user.is_active and user.is_staff and user.has_perm(cls.permission))

    # ---- what subclasses provide ---------------------------------------------------------

    def setup(self) -> None:
        """Check `self.args` and load what the columns and rows depend on. Raise
        GridParamError for a bad parameter. A missing parameter must be accepted here (the
        layout endpoints send none): refuse it in get_queryset if the rows need it."""

    def get_columns(self) -> Sequence[Column]:
        return self.columns

    def get_queryset(self) -> QuerySet[Any]:
        """The selector: every row the grid can show, before filters, sorting and paging."""
        raise NotImplementedError

    def get_actions(self) -> Sequence[RowAction]:
        """Buttons for rows and for the selection; check the user's permissions here."""
        return ()

    def count(self, queryset: QuerySet[Any], *, filtered: bool) -> RowCount:
        """How many rows match (Tabulator needs the last page): exact up to
        `exact_count_limit`, estimated beyond. Override for another strategy."""
        return rows_count(queryset, exact_limit=self.exact_count_limit)

    # ---- derived -------------------------------------------------------------------------

    @cached_property
    def column_list(self) -> list[Column]:
        columns = list(self.get_columns())
        ids = [c.id for c in columns]
        if len(set(ids)) != len(ids) or "id" in ids:
            raise ValueError(f"{type(self).__name__}: column ids must be unique and not 'id'.")
        return columns

    @cached_property
    def column_map(self) -> dict[str, Column]:
        return {c.id: c for c in self.column_list}

    def extra_params(self) -> dict[str, str]:
        """The parameters the page sends back with every request of this grid."""
        return dict(self.args)
