"""Requests, responses and the path-template router shared by every resource module."""

from __future__ import annotations

import builtins
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, MapAdapter, Rule

from . import clock
from .errors import ApiError, v2_error, v3_error

# SQLite stores integers as signed 64-bit; anything wider is no id and no count.
INT64_MAX = 2**63 - 1
_INTEGER = re.compile(r"[+-]?\d+")


class BadInput(ValueError):
    """A value that does not parse; the caller names the field in the 4xx."""


def parse_int(text: str) -> int:
    """An integer within signed 64 bits; V2's `number` params may send `2.0` or `1e2`."""
    text = text.strip()
    if _INTEGER.fullmatch(text):
        value = int(text)
    else:
        try:
            number = float(text)
        except ValueError as exc:
            raise BadInput("must be an integer") from exc
        if not math.isfinite(number) or not number.is_integer():
            raise BadInput("must be an integer")
        value = int(number)
    if abs(value) > INT64_MAX:
        raise BadInput("is out of range")
    return value


def _json_int(text: str) -> int:
    value = int(text)
    if abs(value) > INT64_MAX:
        raise BadInput(f"the number {text[:30]} is out of range")
    return value


def _json_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadInput(f"the number {text[:30]} is out of range")
    return value


def _json_constant(name: str) -> Any:
    raise BadInput(f"{name} is not valid JSON")


def loads_strict(raw: bytes) -> Any:
    """JSON as BigCommerce reads it: no NaN/Infinity, no integer wider than 64 bits."""
    return json.loads(raw, parse_int=_json_int, parse_float=_json_float,
                      parse_constant=_json_constant)

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

    def error(self, status: int, message: str,
              errors: dict[str, Any] | None = None) -> ApiError:
        if self.api == "v2":
            return v2_error(status, message)
        return v3_error(status, message, errors)

    def bad_filter(self, name: str, problem: str) -> ApiError:
        """A query parameter that does not parse: V2 answers 400, V3 422, naming it."""
        if self.api == "v2":
            return v2_error(400, f"The field '{name}' is invalid: it {problem}.")
        return v3_error(422, f"The filter {name} {problem}.", {name: problem})

    def json(self) -> Any:
        if not self.body.strip():
            if self.api == "v2":
                raise v2_error(400, "The request body is missing.")
            raise v3_error(422, "JSON data is missing or invalid", {"body": "error.path.missing"})
        try:
            return loads_strict(self.body)
        except BadInput as exc:
            if self.api == "v2":
                raise v2_error(400, f"The request body is invalid: {exc}.") from exc
            raise v3_error(422, "JSON data is missing or invalid", {"body": str(exc)}) from exc
        except (ValueError, RecursionError) as exc:
            if self.api == "v2":
                raise v2_error(400, "The request body is not valid JSON.") from exc
            raise v3_error(
                422, "JSON data is missing or invalid", {"body": "error.json.invalid"}
            ) from exc

    def json_object(self) -> dict[str, Any]:
        body = self.json()
        if not isinstance(body, dict):
            if self.api == "v2":
                raise v2_error(400, "The request body must be a JSON object.")
            raise v3_error(422, "JSON data is missing or invalid", {"body": "must be an object"})
        return body

    def json_list(self, *, allow_object: bool = False) -> list[Any]:
        """A JSON array (or one object standing for a one-item array, where allowed)."""
        body = self.json()
        if allow_object and isinstance(body, dict):
            return [body]
        if not isinstance(body, list):
            raise self.error(422, "JSON data is missing or invalid", {"body": "must be an array"})
        return body

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
            return parse_int(value)
        except BadInput as exc:
            raise self.bad_filter(name, str(exc)) from exc

    def number(self, name: str) -> float | None:
        value = self.get(name)
        if value is None or value == "":
            return None
        try:
            number = float(value)
        except ValueError as exc:
            raise self.bad_filter(name, "must be a number") from exc
        if not math.isfinite(number):
            raise self.bad_filter(name, "must be a number")
        return number

    def date(self, name: str) -> datetime | None:
        """A date filter (ISO-8601, RFC-2822 or unix time); one that does not parse is a 4xx,
        never a 500 (a client takes a 500 for a passing fault and retries)."""
        value = self.get(name)
        if value is None:
            return None
        try:
            return clock.parse_any(value)
        except (ValueError, TypeError, OverflowError) as exc:
            raise self.bad_filter(name, "must be a date (ISO-8601 or RFC-2822)") from exc

    def csv(self, name: str) -> list[str] | None:
        """``name=a,b`` (spec style ``explode: false``) or repeated ``name=a&name=b``."""
        values = self.query.get(name)
        if values is None:
            return None
        return [part for value in values for part in value.split(",") if part != ""]

    # `int` in this class body is the method above, so the builtin is spelled out.
    def int_csv(self, name: str) -> list[builtins.int] | None:
        parts = self.csv(name)
        if parts is None:
            return None
        try:
            return [parse_int(p) for p in parts]
        except BadInput as exc:
            raise self.bad_filter(name, "must be a list of integers") from exc

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
        self._adapter: MapAdapter | None = None

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
        if any(value > INT64_MAX for value in params.values()):
            # An id wider than 64 bits names no record (and SQLite cannot bind it): 404.
            return None, None, {}
        # werkzeug types the params as a Mapping; Request keeps a dict.
        return key.split(" ", 1)[1], self._handlers[key], dict(params)

    def allowed_methods(self, path: str) -> list[str]:
        if self._adapter is None:
            self._adapter = self._map.bind("localhost")
        return sorted(self._adapter.allowed_methods(path))

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


def v3_page(req: Request, *, declared_max: int | None = None, cap: int = 250,
            default: int = 50) -> Page:
    """`page` and `limit` of a V3 list.

    `limit` and `page` below 1 are a 422 (the specs give no meaning to them). Where the
    spec declares `maximum` for `limit` (products, category trees, options, modifiers:
    250) a larger limit is a 422 too; where it declares none, the page is capped at `cap`
    and `meta.pagination.per_page` says so.
    """
    limit = req.int("limit", default)
    page = req.int("page", 1)
    assert limit is not None and page is not None
    if limit < 1:
        raise req.bad_filter("limit", "must be at least 1")
    if page < 1:
        raise req.bad_filter("page", "must be at least 1")
    if declared_max is not None and limit > declared_max:
        raise req.bad_filter("limit", f"must be at most {declared_max}")
    # The offset is handed to SQLite: keep page * limit inside 64 bits.
    if page > INT64_MAX // limit:
        raise req.bad_filter("page", "is out of range")
    return Page(page=page, limit=min(limit, cap))


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
    """`page` and `limit` of a V2 list: below 1 is a 400; `limit` is capped at 250."""
    limit = req.int("limit", default)
    page = req.int("page", 1)
    assert limit is not None and page is not None
    if limit < 1:
        raise req.bad_filter("limit", "must be at least 1")
    if page < 1:
        raise req.bad_filter("page", "must be at least 1")
    limit = min(limit, maximum)
    if page > INT64_MAX // limit:
        raise req.bad_filter("page", "is out of range")
    return Page(page=page, limit=limit)


def v2_list(items: list[Any], page: Page | None = None) -> Response:
    """Every V2 list answers 204 No Content for an empty page (DIGEST §2), 200 otherwise."""
    if page is not None:
        items = items[page.offset:page.offset + page.limit]
    return Response(200, items) if items else Response(204)


def placeholders(values: list[Any]) -> str:
    return ",".join("?" * len(values))
