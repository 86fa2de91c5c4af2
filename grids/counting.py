"""How many rows a grid's filter matches, at a cost that does not grow with the table.

Tabulator needs the last page. An exact COUNT(*) visits every matching row: on PostgreSQL,
whose counts check each row's visibility, that is the largest part of a page at 100k rows.
So on PostgreSQL the planner's row estimate (kept by ANALYZE / autovacuum) is asked first:
far above a limit it is shown as it is; otherwise rows are counted exactly up to the limit
(COUNT over a LIMIT subquery: bounded work), and the estimate is used past it. SQLite,
which counts a b-tree without visibility checks, counts exactly. An estimate is marked as
such (the page says "about"), and grids.query corrects it whenever a page shows where the
rows really end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet

#: An estimate above this many times the exact limit is taken as it is; below, the rows are
#: counted (up to the limit), so a planner's misjudgement near the limit costs little.
ESTIMATE_TRUSTED = 2


@dataclass(frozen=True)
class RowCount:
    total: int
    exact: bool


def _planner_estimate(queryset: QuerySet[Any]) -> int | None:
    plan = json.loads(queryset.explain(format="json"))
    rows = plan[0]["Plan"].get("Plan Rows") if plan else None
    return int(rows) if isinstance(rows, int | float) else None


def rows_count(queryset: QuerySet[Any], *, exact_limit: int | None) -> RowCount:
    """Exact when at most `exact_limit` rows match, or when the limit is None, or on a
    database without a planner estimate."""
    if exact_limit is None or connections[queryset.db].vendor != "postgresql":
        return RowCount(queryset.count(), True)
    keys = queryset.order_by().values("pk")
    estimate = _planner_estimate(keys)
    if estimate is not None and estimate > ESTIMATE_TRUSTED * exact_limit:
        # Far past the limit: even a bounded count would visit exact_limit rows for nothing.
        return RowCount(estimate, False)
    bounded = keys[:exact_limit + 1].count()
    if bounded <= exact_limit:
        return RowCount(bounded, True)
    return RowCount(max(estimate or 0, exact_limit + 1), False)
