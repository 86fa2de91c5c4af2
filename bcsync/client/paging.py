"""Streaming pagination over V3 (meta.pagination) and V2 (page/limit, 204 = empty) lists."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any

from .errors import UnexpectedResponse
from .http import HttpCore

__all__ = [
    "Page",
    "encode_params",
    "flatten",
    "iso_timestamp",
    "rfc2822_timestamp",
    "walk_v2",
    "walk_v3",
]

# V2 accepts RFC-2822 or ISO-8601 dates only on these parameters.
V2_DATE_PARAMS = frozenset(
    {"min_date_created", "max_date_created", "min_date_modified", "max_date_modified"}
)
# V2 lists answer at most 250 records a page whatever `limit` asks for.
MAX_V2_LIMIT = 250


@dataclass
class Page:
    """One page of a list: its raw records plus where we are (for progress reporting)."""

    items: list[dict[str, Any]] = field(default_factory=list)
    page: int = 1
    total_pages: int | None = None
    total: int | None = None


def _as_utc(value: datetime | date) -> datetime:
    if not isinstance(value, datetime):
        # A date alone would make BigCommerce fill in the current time of day; be explicit.
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: pass an aware datetime (UTC)")
    return value.astimezone(UTC)


def iso_timestamp(value: datetime | date) -> str:
    """`2025-01-15T00:03:17Z`: the full timestamp V3 date filters need."""
    # isoformat, not strftime: %Y drops the zero padding of years before 1000 on glibc.
    return _as_utc(value).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def rfc2822_timestamp(value: datetime | date) -> str:
    """`Wed, 15 Jan 2025 00:03:17 +0000`: the format V2 itself returns."""
    return format_datetime(_as_utc(value).replace(microsecond=0))


def _encode_value(key: str, value: Any, *, v2: bool) -> str:
    if isinstance(value, datetime | date):
        return rfc2822_timestamp(value) if v2 and key in V2_DATE_PARAMS else iso_timestamp(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        # `:in` / `:not_in` / include: comma-separated (spec: style=form, explode=false).
        return ",".join(_encode_value(key, v, v2=v2) for v in value)
    return str(value)


def encode_params(filters: Mapping[str, Any] | None, *, v2: bool = False) -> dict[str, str]:
    """Turn Python values into BigCommerce query values; None values are dropped."""
    out: dict[str, str] = {}
    for key, value in (filters or {}).items():
        if value is None:
            continue
        encoded = _encode_value(key, value, v2=v2)
        if encoded == "" and not isinstance(value, str):
            continue  # an empty list means "no filter", not "match nothing"
        out[key] = encoded
    return out


def walk_v3(
    http: HttpCore, path: str, params: Mapping[str, Any] | None = None, *, limit: int = 250
) -> Iterator[Page]:
    """Yield V3 pages until `meta.pagination.total_pages`; ceil(N/limit) requests, 1 if N=0."""
    base = encode_params(params)
    page = 1
    while True:
        body = http.get_json(path, {**base, "page": page, "limit": limit}) or {}
        items = body.get("data") or []
        pagination = (body.get("meta") or {}).get("pagination") or {}
        total_pages = pagination.get("total_pages")
        yield Page(
            items=items,
            page=int(pagination.get("current_page") or page),
            total_pages=total_pages,
            total=pagination.get("total"),
        )
        if total_pages is not None:
            if page >= int(total_pages):
                return
        elif len(items) < limit:
            return  # endpoints without pagination meta: a short page is the last
        if not items:
            return  # never spin on an empty page whatever the meta claims
        page += 1


def walk_v2(
    http: HttpCore, path: str, params: Mapping[str, Any] | None = None, *, limit: int = 250
) -> Iterator[Page]:
    """Yield V2 pages; the walk ends on 204 / [] or on a page shorter than `limit`.

    An empty first page is still yielded so callers always see at least one page. `limit`
    is capped at 250: a larger one would make every full page look short and end the walk
    after the first. A page identical to the one before means the endpoint ignores `page`
    (it sent the whole list), so the walk ends there too.
    """
    base = encode_params(params, v2=True)
    limit = min(limit, MAX_V2_LIMIT)
    page = 1
    previous: list[Any] | None = None
    while True:
        body = http.get_json(path, {**base, "page": page, "limit": limit}) or []
        if not isinstance(body, list):
            raise UnexpectedResponse(
                f"expected a JSON array, got {type(body).__name__}",
                status=200,
                method="GET",
                path=path,
            )
        items: list[dict[str, Any]] = body
        if page > 1 and items == previous:
            return
        if items or page == 1:
            yield Page(items=items, page=page)
        if len(items) < limit:
            return
        previous = items
        page += 1


def flatten(pages: Iterable[Page]) -> Iterator[dict[str, Any]]:
    for page in pages:
        yield from page.items
