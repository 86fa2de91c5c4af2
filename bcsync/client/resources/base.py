from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from ..errors import NotFound, UnexpectedResponse
from ..http import HttpCore

logger = logging.getLogger("bcsync.client")


class Resource:
    """What every endpoint group needs from the client."""

    _http: HttpCore

    def _delete(self, path: str, *, missing_ok: bool) -> None:
        # A DELETE whose answer was lost is retried and then meets a 404: the record is gone
        # either way, which is what the caller asked for.
        try:
            self._http.request("DELETE", path)
        except NotFound:
            if not missing_ok:
                raise


def csv(values: Iterable[str] | str) -> str:
    return values if isinstance(values, str) else ",".join(values)


def data_of(body: Any) -> Any:
    """The `data` member of a V3 envelope (None-safe)."""
    return body.get("data") if isinstance(body, dict) else body


def warn_multi_status(body: Any, *, what: str) -> None:
    """A 207 on a single write: the record was saved, part of it wasn't. Don't lose that."""
    if isinstance(body, dict) and isinstance(body.get("errors"), dict) and body["errors"]:
        logger.warning("%s partially failed (207): %s", what, body["errors"])


def as_record(value: Any, *, what: str) -> dict[str, Any]:
    """Check that a response (or its `data`) is one JSON object."""
    if not isinstance(value, dict):
        raise UnexpectedResponse(
            f"expected one {what} object, got {type(value).__name__}", status=200
        )
    return value


def record_of(body: Any, *, what: str) -> dict[str, Any]:
    """The single record in a V3 `{"data": {...}, "meta": {}}` envelope."""
    return as_record(data_of(body), what=what)
