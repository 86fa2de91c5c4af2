"""Each user's column layout per grid: read (merged with the grid's current columns), save
(checked against them), reset."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .errors import GridParamError
from .grid import Grid
from .models import GridLayout

MIN_WIDTH = 20
MAX_WIDTH = 2000
_ENTRY_KEYS = {"id", "visible", "width"}


@dataclass(frozen=True)
class LayoutColumn:
    id: str
    visible: bool
    width: int | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _defaults(grid: Grid) -> list[LayoutColumn]:
    return [LayoutColumn(c.id, c.visible or not c.hideable, c.width) for c in grid.column_list]


def _merged(grid: Grid, saved: list[Any]) -> list[LayoutColumn]:
    """The saved order and choices for the columns the grid still has; columns it gained
    since go next to the column that precedes them by default, shown as by default."""
    columns = grid.column_map
    layout: list[LayoutColumn] = []
    for entry in saved:
        # Stored by layout_save, but a column may have left the grid since.
        if not isinstance(entry, dict) or entry.get("id") not in columns:
            continue
        if any(c.id == entry["id"] for c in layout):
            continue
        column = columns[entry["id"]]
        width = entry.get("width")
        layout.append(LayoutColumn(column.id,
                                   bool(entry.get("visible", True)) or not column.hideable,
                                   width if isinstance(width, int) else None))
    placed = {c.id for c in layout}
    previous: str | None = None
    for default in _defaults(grid):
        if default.id not in placed:
            at = next((i + 1 for i, c in enumerate(layout) if c.id == previous), 0)
            layout.insert(at, default)
            placed.add(default.id)
        previous = default.id
    return layout


def layout_get(*, user: Any, grid: Grid) -> list[LayoutColumn]:
    saved = (GridLayout.objects.filter(user=user, grid_key=grid.key)
             .values_list("columns", flat=True).first())
    return _merged(grid, saved if isinstance(saved, list) else [])


def _checked(grid: Grid, data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or set(data) != {"columns"}:
        raise GridParamError("body", 'must be {"columns": [...]}.')
    entries = data["columns"]
    columns = grid.column_map
    if not isinstance(entries, list) or not entries or len(entries) > len(columns):
        raise GridParamError("columns", f"must list 1 to {len(columns)} columns.")
    checked: list[dict[str, Any]] = []
    for position, entry in enumerate(entries):
        where = f"columns[{position}]"
        if not isinstance(entry, dict) or "id" not in entry or not set(entry) <= _ENTRY_KEYS:
            raise GridParamError(where, "must be {id, visible, width}.")
        column_id, visible = entry["id"], entry.get("visible", True)
        width = entry.get("width")
        if not isinstance(column_id, str) or column_id not in columns:
            raise GridParamError(f"{where}.id", f"{column_id!r} is not a column of this grid.")
        if any(c["id"] == column_id for c in checked):
            raise GridParamError(f"{where}.id", f"{column_id!r} is listed twice.")
        if not isinstance(visible, bool):
            raise GridParamError(f"{where}.visible", "must be true or false.")
        if not visible and not columns[column_id].hideable:
            raise GridParamError(f"{where}.visible", f"{column_id!r} cannot be hidden.")
        if width is not None and (isinstance(width, bool) or not isinstance(width, int)
                                  or not MIN_WIDTH <= width <= MAX_WIDTH):
            raise GridParamError(f"{where}.width",
                                 f"must be a whole number of pixels from {MIN_WIDTH} to "
                                 f"{MAX_WIDTH}, or null.")
        checked.append({"id": column_id, "visible": visible, "width": width})
    if not any(c.visible for c in _merged(grid, checked)):
        raise GridParamError("columns", "at least one column must stay visible.")
    return checked


def layout_save(*, user: Any, grid: Grid, data: Any) -> list[LayoutColumn]:
    """Keep the user's layout for this grid. `data` is the request's JSON, checked here:
    known column ids only, each once; visible a boolean; width whole pixels or null."""
    columns = _checked(grid, data)
    GridLayout.objects.update_or_create(user=user, grid_key=grid.key,
                                        defaults={"columns": columns})
    return _merged(grid, columns)


def layout_reset(*, user: Any, grid: Grid) -> list[LayoutColumn]:
    GridLayout.objects.filter(user=user, grid_key=grid.key).delete()
    return _defaults(grid)
