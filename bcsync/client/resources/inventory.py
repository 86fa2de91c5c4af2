"""Inventory and locations (V3)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..batching import BatchResult, run_batches
from ..paging import Page, flatten, walk_v3
from .base import Resource

ADJUSTMENTS_PER_REQUEST = 2000  # "Limit of 2000 items for payload length"
# "Limit of 1000 items for payload length" on GET inventory items.
INVENTORY_ITEMS_PAGE = 1000


class InventoryMixin(Resource):
    def iter_location_pages(
        self, filters: Mapping[str, Any] | None = None, *, limit: int = 250
    ) -> Iterator[Page]:
        """GET /v3/inventory/locations"""
        return walk_v3(self._http, "/v3/inventory/locations", filters, limit=limit)

    def iter_locations(self, filters: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """GET /v3/inventory/locations, record by record."""
        return flatten(self.iter_location_pages(filters))

    def iter_inventory_item_pages(
        self,
        *,
        location_id: int | None = None,
        filters: Mapping[str, Any] | None = None,
        limit: int = INVENTORY_ITEMS_PAGE,
    ) -> Iterator[Page]:
        """GET /v3/inventory/items, or GET /v3/inventory/locations/{location_id}/items.

        Filters: sku:in, variant_id:in, product_id:in; location_id:in and location_code:in on
        the all-locations form only.
        """
        if location_id is None:
            path = "/v3/inventory/items"
        else:
            path = f"/v3/inventory/locations/{int(location_id)}/items"
        return walk_v3(self._http, path, filters, limit=limit)

    def iter_inventory_items(
        self, *, location_id: int | None = None, filters: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Records of `iter_inventory_item_pages`."""
        return flatten(self.iter_inventory_item_pages(location_id=location_id, filters=filters))

    def _adjust(
        self,
        method: str,
        path: str,
        items: Sequence[Mapping[str, Any]],
        reason: str | None,
        *,
        isolate_invalid: bool = False,
    ) -> BatchResult:
        def send(chunk: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], Any]:
            body: dict[str, Any] = {"items": chunk}
            if reason:
                body["reason"] = reason
            answer = self._http.send_json(method, path, body) or {}
            return [{"transaction_id": answer.get("transaction_id"), "count": len(chunk)}], None

        return run_batches(
            [dict(i) for i in items],
            ADJUSTMENTS_PER_REQUEST,
            send,
            what="inventory adjustments",
            isolate_invalid=isolate_invalid,
        )

    def adjust_inventory_absolute(
        self,
        items: Sequence[Mapping[str, Any]],
        *,
        reason: str | None = None,
        isolate_invalid: bool = False,
    ) -> BatchResult:
        """PUT /v3/inventory/adjustments/absolute, 2000 items per request.

        Items: `{location_id, sku | variant_id | product_id, quantity}`. `succeeded` holds one
        `{transaction_id, count}` per accepted chunk; see `BatchResult.transaction_ids`.
        `isolate_invalid` halves a 422 chunk (e.g. one item tracked the other way) until the
        bad items stand alone; safe because absolute adjustments are idempotent.
        """
        path = "/v3/inventory/adjustments/absolute"
        return self._adjust("PUT", path, items, reason, isolate_invalid=isolate_invalid)

    def adjust_inventory_relative(
        self, items: Sequence[Mapping[str, Any]], *, reason: str | None = None
    ) -> BatchResult:
        """POST /v3/inventory/adjustments/relative, 2000 items per request (signed deltas).

        Never repeated once it may have reached the server: a delta applied twice is wrong
        stock, so a lost answer is a failed item with `transient=True` for a person or a
        reconciling absolute adjustment to resolve.
        """
        return self._adjust("POST", "/v3/inventory/adjustments/relative", items, reason)
