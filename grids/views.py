"""The grid endpoints, thin over grids.query / grids.selection / grids.layouts, and the two
helpers a page uses: `grid_urls` mounts a grid's endpoints in the page's URLconf, and
`grid_client_config` gives the template what static/grids/grid.js needs.

Every answer is JSON. Bad parameters answer 400 {"error", "param"}; a user who is not staff,
or lacks the grid's permission, 403. Writes (PUT/DELETE layout, POST selection) go through
Django's CSRF check like any form.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .errors import GridParamError
from .grid import Grid
from .layouts import layout_get, layout_reset, layout_save
from .query import grid_page, grid_query_parse
from .selection import grid_selection

MAX_BODY = 64 * 1024


def _error(status: int, message: str, param: str | None = None) -> JsonResponse:
    body: dict[str, Any] = {"error": message}
    if param is not None:
        body["param"] = param
    return JsonResponse(body, status=status)


def _bad(exc: GridParamError) -> JsonResponse:
    return _error(400, str(exc), exc.param)


def _denied(request: HttpRequest, grid_class: type[Grid]) -> JsonResponse | None:
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return _error(403, "Log in as staff to use this grid.")
    if not grid_class.has_permission(user):
        return _error(403, f"You may not view this grid ({grid_class.permission}).")
    return None


def _json_body(request: HttpRequest) -> Any:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY + 1
    if length > MAX_BODY:
        raise GridParamError("body", f"is larger than {MAX_BODY} bytes.")
    try:
        return json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise GridParamError("body", "is not valid JSON.") from None


def _params(body: Any) -> Mapping[str, Any]:
    params = body.get("params", {}) if isinstance(body, dict) else {}
    if not isinstance(params, dict):
        raise GridParamError("params", "must be an object.")
    return params


@require_GET
def grid_rows_view(request: HttpRequest, *, grid_class: type[Grid]) -> HttpResponse:
    if denied := _denied(request, grid_class):
        return denied
    try:
        grid = grid_class(user=request.user, params=request.GET)
        page = grid_page(grid=grid, query=grid_query_parse(grid=grid, params=request.GET))
    except GridParamError as exc:
        return _bad(exc)
    return JsonResponse(page.as_json())


@require_http_methods(["GET", "PUT", "DELETE"])
def grid_layout_view(request: HttpRequest, *, grid_class: type[Grid]) -> HttpResponse:
    """GET: the user's layout; PUT {"columns": [{id, visible, width}, …]}: keep it;
    DELETE: back to the grid's defaults. Each answers the layout now in force."""
    if denied := _denied(request, grid_class):
        return denied
    try:
        grid = grid_class(user=request.user, params=request.GET)
        if request.method == "PUT":
            layout = layout_save(user=request.user, grid=grid, data=_json_body(request))
        elif request.method == "DELETE":
            layout = layout_reset(user=request.user, grid=grid)
        else:
            layout = layout_get(user=request.user, grid=grid)
    except GridParamError as exc:
        return _bad(exc)
    return JsonResponse({"grid": grid.key, "columns": [c.as_json() for c in layout]})


@require_POST
def grid_selection_view(request: HttpRequest, *, grid_class: type[Grid]) -> HttpResponse:
    """POST {"selection": {...}, "params": {...}}: how many rows the selection stands for,
    as the server will act on it (the page shows it before an action)."""
    if denied := _denied(request, grid_class):
        return denied
    try:
        body = _json_body(request)
        grid = grid_class(user=request.user, params=_params(body))
        rows = grid_selection(grid=grid, selection=body.get("selection")
                              if isinstance(body, dict) else None)
        count = rows.count()
    except GridParamError as exc:
        return _bad(exc)
    return JsonResponse({"count": count})


def selection_from_request(request: HttpRequest, grid_class: type[Grid]
                           ) -> tuple[Grid, QuerySet[Any]]:
    """For a page's own action views (Upload, Import…): the grid and the QuerySet of the
    selection posted as {"selection": {...}, "params": {...}}. Raises GridParamError; check
    permissions first."""
    body = _json_body(request)
    grid = grid_class(user=request.user, params=_params(body))
    return grid, grid_selection(grid=grid, selection=body.get("selection")
                                if isinstance(body, dict) else None)


def grid_urls(prefix: str, grid_class: type[Grid], *, name: str) -> list[URLPattern]:
    """The endpoints of one grid under `prefix`: {name}_rows, {name}_layout and
    {name}_selection."""
    views: list[tuple[str, Callable[..., HttpResponse]]] = [
        ("rows", grid_rows_view), ("layout", grid_layout_view), ("selection", grid_selection_view),
    ]
    return [path(f"{prefix}{suffix}/", view, {"grid_class": grid_class}, name=f"{name}_{suffix}")
            for suffix, view in views]


def grid_client_config(*, grid: Grid, request: HttpRequest, url_name: str) -> dict[str, Any]:
    """What static/grids/grid.js needs to draw the grid (render it with json_script).
    `url_name` is the name given to grid_urls, with the namespace (e.g. "bcsync:pos_items")."""
    return {
        "key": grid.key,
        "title": grid.title,
        "columns": [c.client() for c in grid.column_list],
        "layout": [c.as_json() for c in layout_get(user=request.user, grid=grid)],
        "urls": {s: reverse(f"{url_name}_{s}") for s in ("rows", "layout", "selection")},
        "params": grid.extra_params(),
        "page_size": grid.page_size,
        "page_sizes": list(grid.page_sizes),
        "default_sort": [{"column": c, "dir": d} for c, d in grid.default_sort],
        "selectable": grid.selectable,
        "actions": [a.client() for a in grid.get_actions()],
        "empty_text": grid.empty_text,
        "csrf_token": get_token(request),
    }
