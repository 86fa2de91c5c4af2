"""Requests, responses and the path-template router shared by every resource module."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from .errors import ApiError, v2_error, v3_error

if TYPE_CHECKING:
    from .app import Emulator


@dataclass
class Request:
    method: str
    path: str  # without the /stores/{hash} prefix, e.g. /v3/catalog/products
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    params: dict[str, Any] = field(default_factory=dict)
    template: str = ""

    @property
    def api(self) -> str:
        return "v2" if self.path.startswith("/v2/") else "v3"

    def error(self, status: int, message: str) -> ApiError:
        if self.api == "v2":
            return v2_error(status, message)
        return v3_error(status, message)

    def json(self) -> Any:
        if not self.body.strip():
            if self.api == "v2":
                raise v2_error(400, "The request body is missing.")
            raise v3_error(422, "JSON data is missing or invalid")
        try:
            return json.loads(self.body)
        except ValueError as exc:
            if self.api == "v2":
                raise v2_error(400, "The request body is not valid JSON.") from exc
            raise v3_error(
                422, "JSON data is missing or invalid", {"body": "error.json.invalid"}
            ) from exc

    def get(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def has(self, name: str) -> bool:
        return name in self.query

    def int(self, name: str, default: int | None = None) -> int | None:
        value = self.get(name)
        if value is None or value == "":
            return default
        try:
            return int(float(value))
        except ValueError as exc:
            raise self.error(422 if self.api == "v3" else 400,
                             f"The filter {name} must be an integer.") from exc

    def csv(self, name: str) -> list[str] | None:
        """``name=a,b`` (spec style ``explode: false``) or repeated ``name=a&name=b``."""
        values = self.query.get(name)
        if values is None:
            return None
        return [part for value in values for part in value.split(",") if part != ""]

    def int_csv(self, name: str) -> list[int] | None:
        parts = self.csv(name)
        if parts is None:
            return None
        try:
            return [int(p) for p in parts]
        except ValueError as exc:
            raise self.error(422, f"The filter {name} must be a list of integers.") from exc

    def bool(self, name: str) -> bool | None:
        value = self.get(name)
        if value is None:
            return None
        return value.lower() in ("1", "true", "yes")


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[["Emulator", Request], Response]


def _rule_path(template: str) -> str:
    return re.sub(r"\{(\w+)\}", r"<int:\1>", template)


class Router:
    """Dispatches on method + path template; the template doubles as the stats key."""

    def __init__(self) -> None:
        self._map = Map(strict_slashes=False, merge_slashes=False)
        self._handlers: dict[str, Handler] = {}
        self._adapter = None

    def add(self, method: str, template: str, handler: Handler) -> None:
        key = f"{method} {template}"
        self._handlers[key] = handler
        self._map.add(Rule(_rule_path(template), endpoint=key, methods=[method]))
        self._adapter = None

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        def deco(func: Handler) -> Handler:
            self.add(method, template, func)
            return func

        return deco

    def match(self, method: str, path: str) -> tuple[str | None, Handler | None, dict[str, Any]]:
        """Return (template, handler, params); handler None means 404/405 as the template says."""
        if self._adapter is None:
            self._adapter = self._map.bind("localhost")
        try:
            key, params = self._adapter.match(path, method=method)
        except MethodNotAllowed:
            return "<method not allowed>", None, {}
        except NotFound:
            return None, None, {}
        return key.split(" ", 1)[1], self._handlers[key], params

    def templates(self) -> list[str]:
        return sorted(self._handlers)


# ---- V3 pagination -------------------------------------------------------------------


@dataclass
class Page:
    page: int
    limit: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


def v3_page(req: Request, default: int = 50, maximum: int | None = None) -> Page:
    limit = req.int("limit", default) or default
    if limit < 1:
        limit = default
    if maximum is not None:
        limit = min(limit, maximum)
    page = max(req.int("page", 1) or 1, 1)
    return Page(page=page, limit=limit)


def pagination(page: Page, total: int, count: int) -> dict[str, Any]:
    total_pages = math.ceil(total / page.limit) if total else 0
    links: dict[str, str] = {"current": f"?page={page.page}&limit={page.limit}"}
    if page.page > 1:
        links["previous"] = f"?page={page.page - 1}&limit={page.limit}"
    if page.page < total_pages:
        links["next"] = f"?page={page.page + 1}&limit={page.limit}"
    return {
        "total": total,
        "count": count,
        "per_page": page.limit,
        "current_page": page.page,
        "total_pages": total_pages,
        "links": links,
    }


def v3_list(data: list[Any], page: Page, total: int) -> Response:
    return Response(200, {"data": data, "meta": {"pagination": pagination(page, total, len(data))}})


def v3_one(data: Any, status: int = 200) -> Response:
    return Response(status, {"data": data, "meta": {}})


def v2_page(req: Request, default: int = 50, maximum: int = 250) -> Page:
    limit = req.int("limit", default) or default
    limit = max(1, min(limit, maximum))
    return Page(page=max(req.int("page", 1) or 1, 1), limit=limit)


def placeholders(values: list[Any]) -> str:
    return ",".join("?" * len(values))
