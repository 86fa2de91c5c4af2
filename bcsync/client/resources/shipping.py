"""Shipping zones and methods (V2)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..paging import MAX_V2_LIMIT, flatten, walk_v2
from .base import Resource


class ShippingMixin(Resource):
    def iter_shipping_zones(self) -> Iterator[dict[str, Any]]:
        """GET /v2/shipping/zones, walked like every V2 list (page/limit, 204 when empty)."""
        return flatten(walk_v2(self._http, "/v2/shipping/zones", None, limit=MAX_V2_LIMIT))

    def list_shipping_methods(self, zone_id: int) -> list[dict[str, Any]]:
        """GET /v2/shipping/zones/{zone_id}/methods"""
        path = f"/v2/shipping/zones/{int(zone_id)}/methods"
        return list(flatten(walk_v2(self._http, path, None, limit=MAX_V2_LIMIT)))
