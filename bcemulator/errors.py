"""Error bodies in BigCommerce's two shapes (V3 object, V2 array)."""

from __future__ import annotations

from typing import Any

STATUS_TYPE = "/api-docs/getting-started/api-status-codes"


class ApiError(Exception):
    """Raised by handlers; the server turns it into the response as-is."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body!r}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def v3_body(status: int, title: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"status": status, "title": title, "type": STATUS_TYPE, "errors": errors or {}}


def v3_error(status: int, title: str, errors: dict[str, Any] | None = None) -> ApiError:
    return ApiError(status, v3_body(status, title, errors))


def v2_error(status: int, message: str) -> ApiError:
    return ApiError(status, [{"status": status, "message": message}])


def v3_not_found(what: str = "resource") -> ApiError:
    return v3_error(404, f"The requested {what} was not found.")


def v2_not_found() -> ApiError:
    return v2_error(404, "The requested resource was not found.")


def missing_fields(fields: list[str]) -> ApiError:
    """422 for absent required fields, in the shape of BigCommerce's JSON-schema errors."""
    return v3_error(
        422,
        "JSON data is missing or invalid",
        {f: "error.path.missing" for f in fields},
    )


def too_many_items(limit: int) -> ApiError:
    return v3_error(
        413,
        "The request payload is too large. The maximum items allowed in the array is "
        f"{limit}.",
    )
