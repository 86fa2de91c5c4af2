"""Exceptions raised by the BigCommerce client.

Every error carries enough context to log or show to a person (status, title, field errors,
method and path) but never the access token: requests are identified by path only.
"""

from __future__ import annotations

import json
import re
from typing import Any

import requests

__all__ = [
    "AuthError",
    "BigCommerceError",
    "Conflict",
    "DuplicateName",
    "DuplicateSku",
    "InvalidRequest",
    "NotFound",
    "PayloadTooLarge",
    "RateLimited",
    "ServerError",
    "UnexpectedResponse",
    "Unreachable",
    "ValidationError",
    "error_from_response",
    "parse_error_body",
]

# Status codes where BigCommerce (or a proxy in front of it) is known to recover on its own.
TRANSIENT_5XX = frozenset({500, 502, 503, 504})


class BigCommerceError(Exception):
    """Base class; `transient` says whether the same call may succeed later unchanged."""

    transient: bool = False

    def __init__(
        self,
        title: str,
        *,
        status: int | None = None,
        detail: str = "",
        errors: dict[str, str] | None = None,
        method: str = "",
        path: str = "",
        request_id: str | None = None,
        transient: bool | None = None,
        request_sent: bool = True,
    ) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors: dict[str, str] = dict(errors or {})
        self.method = method
        self.path = path
        self.request_id = request_id
        # Whether the server may have seen (and acted on) the request; decides if a POST may
        # be repeated.
        self.request_sent = request_sent
        if transient is not None:
            self.transient = transient

    @property
    def message(self) -> str:
        return self.detail or self.title

    def __str__(self) -> str:
        head = f"{self.status} {self.title}" if self.status is not None else self.title
        if self.detail and self.detail != self.title:
            head += f": {self.detail}"
        if self.errors:
            fields = "; ".join(f"{k}: {v}" for k, v in list(self.errors.items())[:5])
            head += f" ({fields})"
        if self.method or self.path:
            head += f" [{self.method} {self.path}]"
        if self.request_id:
            head += f" request_id={self.request_id}"
        return head

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class AuthError(BigCommerceError):
    """401/403: wrong or revoked token, or a missing OAuth scope."""


class NotFound(BigCommerceError):
    """404."""


class Conflict(BigCommerceError):
    """409: duplicate unique value, bad related id, conflicting rule..."""


class DuplicateName(Conflict):
    """409 whose title or field errors say the name is already taken."""


class DuplicateSku(Conflict):
    """409 whose title or field errors say the SKU is already taken."""


class ValidationError(BigCommerceError):
    """400/422: the payload or query was rejected; fix it, don't retry it."""


class PayloadTooLarge(BigCommerceError):
    """413: too many items in a batch."""


class RateLimited(BigCommerceError):
    """429 still returned after the retry budget was spent."""

    transient = True


class ServerError(BigCommerceError):
    """5xx (after retries, or a non-idempotent request that may have been processed)."""


class Unreachable(BigCommerceError):
    """Connection error or timeout (after retries, or a POST that may have been sent)."""

    transient = True


class InvalidRequest(BigCommerceError):
    """The request could not be built or sent as configured: the HTTP library refused the
    API URL, a header or the access token. Fix the connection's settings; a retry cannot
    help. The library's own message is not repeated: it can quote header values."""


class UnexpectedResponse(BigCommerceError):
    """A 2xx whose body does not have the shape the spec documents."""


def _stringify(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def parse_error_body(body: Any) -> tuple[str, str, dict[str, str]]:
    """Return (title, detail, field errors) from any of BigCommerce's error shapes.

    Shapes: V3 / problem+json ``{status,title,type,errors}``, variants ``{batch_errors:[...]}``,
    207 ``{data, errors:{status,title,errors}}``, V2 ``[{status,message,details?}]`` and a
    single V2 ``{status,message}`` object.
    """
    title, detail, errors = "", "", {}
    if isinstance(body, list):
        messages = [e for e in body if isinstance(e, dict)]
        for i, entry in enumerate(messages):
            msg = _stringify(entry.get("message", entry))
            if entry.get("details"):
                msg += f" {_stringify(entry['details'])}"
            errors[str(i)] = msg
        if messages:
            title = _stringify(messages[0].get("message", ""))
        return title, detail, errors
    if not isinstance(body, dict):
        return title, detail, errors
    if isinstance(body.get("batch_errors"), list):
        for i, entry in enumerate(body["batch_errors"]):
            if not isinstance(entry, dict):
                continue
            sub_title, _, sub_errors = parse_error_body(entry)
            if sub_errors:
                errors.update({f"{i}.{k}": v for k, v in sub_errors.items()})
            elif sub_title:
                errors[str(i)] = sub_title
        title = body.get("title") or "Batch errors"
        return _stringify(title), detail, errors
    # A 207 puts the problem object under "errors" next to "data".
    if "data" in body and isinstance(body.get("errors"), dict) and "title" in body["errors"]:
        return parse_error_body(body["errors"])
    title = _stringify(body.get("title") or body.get("message") or body.get("error") or "")
    detail = _stringify(body.get("detail") or "")
    raw_errors = body.get("errors")
    if isinstance(raw_errors, dict):
        errors = {str(k): _stringify(v) for k, v in raw_errors.items()}
    elif isinstance(raw_errors, list):
        errors = {str(i): _stringify(v) for i, v in enumerate(raw_errors)}
    return title, detail, errors


_DUPLICATE_WORDING = re.compile(r"duplicate|already exists|already in use|not unique|unique", re.I)
_FIELD_WORD = re.compile(r"\b(name|sku)\b", re.I)


def _duplicate_kind(title: str, errors: dict[str, str]) -> type[Conflict]:
    """DuplicateName / DuplicateSku from BigCommerce's wording (not a documented contract).

    The first of "name"/"sku" mentioned wins, so a quoted value such as "product name 'SKU
    box' is a duplicate" still reads as a name clash.
    """
    for text in (title, *(f"{key} {msg}" for key, msg in errors.items())):
        if not _DUPLICATE_WORDING.search(text):
            continue
        field = _FIELD_WORD.search(text)
        if field:
            return DuplicateSku if field.group(1).lower() == "sku" else DuplicateName
    return Conflict


def _class_for(status: int, title: str, errors: dict[str, str]) -> type[BigCommerceError]:
    if status in (401, 403):
        return AuthError
    if status == 404:
        return NotFound
    if status == 409:
        return _duplicate_kind(title, errors)
    if status in (400, 422):
        return ValidationError
    if status == 413:
        return PayloadTooLarge
    if status == 429:
        return RateLimited
    if status >= 500:
        return ServerError
    return BigCommerceError


def error_from_response(resp: requests.Response, *, method: str, path: str) -> BigCommerceError:
    """Map a non-2xx response to the matching exception."""
    try:
        body: Any = resp.json() if resp.content else None
    except ValueError:
        body = None
    title, detail, errors = parse_error_body(body)
    if not title:
        title = resp.reason or f"HTTP {resp.status_code}"
        if body is None and resp.text:
            detail = resp.text.strip()[:200]
    if 300 <= resp.status_code < 400 and resp.headers.get("Location"):
        detail = f"redirected to {resp.headers['Location']}; check api_url"
    request_id = resp.headers.get("X-Request-Id")
    if not request_id and isinstance(body, dict) and isinstance(body.get("instance"), str):
        request_id = body["instance"]
    cls = _class_for(resp.status_code, title, errors)
    transient = resp.status_code in TRANSIENT_5XX or resp.status_code == 429
    return cls(
        title,
        status=resp.status_code,
        detail=detail,
        errors=errors,
        method=method,
        path=path,
        request_id=request_id,
        transient=transient,
    )
