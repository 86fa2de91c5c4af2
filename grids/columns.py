"""What a grid shows: its columns, and the actions a page offers on its rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from .filters import Filter

COLUMN_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

#: How the page draws a cell (static/grids/grid.js has one formatter per kind; a page may
#: register more with BcGrid.registerFormatter).
Kind = str
Align = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Column:
    """One column.

    `id` is what the client, the saved layouts and the API call it: keep it stable. The value
    comes from `source` (a field path such as "department__name"; default: the id) or from
    `expression`, an ORM expression the grid annotates (e.g. a Subquery). `sortable` and
    `filter` whitelist the column for sorting and filtering: only give them to columns an
    index serves, so a page costs the same at 100k rows as at 1k.
    """

    id: str
    title: str
    source: str | None = None
    expression: Any = None
    sortable: bool = False
    filter: Filter | None = None
    kind: Kind = "text"
    align: Align = "left"
    visible: bool = True
    hideable: bool = True
    width: int | None = None
    description: str = ""
    #: Round Decimal values to this many places (SQLite returns computed decimals unrounded).
    decimals: int | None = None

    def __post_init__(self) -> None:
        if not COLUMN_ID.match(self.id):
            raise ValueError(f"Column id {self.id!r} must match {COLUMN_ID.pattern}.")
        if self.source is not None and self.expression is not None:
            raise ValueError(f"Column {self.id!r}: give a source or an expression, not both.")

    @property
    def alias(self) -> str:
        """The name the column's value has in the grid's QuerySet."""
        if self.expression is not None:
            return f"col_{self.id}"
        return self.source or self.id

    @property
    def filter_source(self) -> str:
        if self.filter is not None and self.filter.source:
            return self.filter.source
        return self.alias

    def value(self, raw: Any) -> Any:
        """The cell's value as the JSON answer carries it."""
        if self.decimals is not None and isinstance(raw, Decimal):
            return raw.quantize(Decimal(1).scaleb(-self.decimals))
        return raw

    def client(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "kind": self.kind, "align": self.align,
            "sortable": self.sortable, "hideable": self.hideable, "width": self.width,
            "description": self.description,
            "filter": self.filter.client() if self.filter else None,
        }


@dataclass(frozen=True)
class RowAction:
    """A button on each row (in the Actions column) or on the selection bar.

    method "link": opens `url` with {id} replaced by the row's id (`new_tab` for pages of
    another site, such as BigCommerce's control panel). method "post": sends the selection as
    JSON to `url` (see grids.selection) and shows the message the server answers; the page
    then reloads the rows. `scope` says where the button appears: "row", "selection" or both.
    `when` names a boolean column: the row button shows only where it is true.
    """

    id: str
    label: str
    url: str
    method: Literal["link", "post"] = "link"
    scope: Literal["row", "selection", "both"] = "row"
    new_tab: bool = False
    when: str | None = None
    confirm: str = ""

    def client(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "url": self.url, "method": self.method,
                "scope": self.scope, "new_tab": self.new_tab, "when": self.when,
                "confirm": self.confirm}
