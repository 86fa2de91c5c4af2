"""Store information and server time (V2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .base import Resource, as_record


@dataclass(frozen=True)
class StoreInfo:
    """The parts of GET /v2/store the sync uses; everything else stays in `raw`."""

    id: str
    name: str
    domain: str
    secure_url: str
    currency: str
    weight_units: str
    dimension_units: str
    timezone_name: str
    plan_name: str
    raw: dict[str, Any] = field(repr=False, compare=False, hash=False)

    @classmethod
    def from_api(cls, body: dict[str, Any]) -> StoreInfo:
        timezone = body.get("timezone") or {}
        return cls(
            id=str(body.get("id", "")),
            name=str(body.get("name", "")),
            domain=str(body.get("domain", "")),
            secure_url=str(body.get("secure_url", "")),
            currency=str(body.get("currency", "")),
            weight_units=str(body.get("weight_units", "")),
            dimension_units=str(body.get("dimension_units", "")),
            timezone_name=str(timezone.get("name", "")) if isinstance(timezone, dict) else "",
            plan_name=str(body.get("plan_name", "")),
            raw=body,
        )


class StoreMixin(Resource):
    def store_information(self) -> StoreInfo:
        """GET /v2/store"""
        return StoreInfo.from_api(as_record(self._http.get_json("/v2/store"), what="store"))

    def server_time(self) -> datetime:
        """GET /v2/time (`{"time": <unix seconds>}`); also a cheap credentials check."""
        body = self._http.get_json("/v2/time") or {}
        return datetime.fromtimestamp(int(body["time"]), tz=UTC)
