"""Shipping zones and methods (V2)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .base import Resource


class ShippingMixin(Resource):
    def iter_shipping_zones(self) -> Iterator[dict[str, Any]]:
        """GET /v2/shipping/zones (not paginated: the whole list in one answer)."""
        yield from self._http.get_json("/v2/shipping/zones") or []

    def list_shipping_methods(self, zone_id: int) -> list[dict[str, Any]]:
        """GET /v2/shipping/zones/{zone_id}/methods"""
        return self._http.get_json(f"/v2/shipping/zones/{int(zone_id)}/methods") or []
