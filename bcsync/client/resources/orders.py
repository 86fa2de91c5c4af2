"""Orders (V2): bare JSON arrays, page/limit paging, 204 for an empty list."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..paging import Page, flatten, walk_v2
from .base import Resource, as_record

ORDERS = "/v2/orders"
# The orders spec states no maximum; 250 is the V2 maximum documented elsewhere
# (customers.v2 addresses) and what BigCommerce enforces across V2.
MAX_V2_PAGE = 250
# Each order with its consignments in the object structure, their lines inline: one list
# request brings the orders with their lines and shipping addresses (orders spec,
# parameters `order_includes` and `consignment_structure`).
CONSIGNMENTS_WITH_LINES = {"include": "consignments.line_items",
                           "consignment_structure": "object"}


class OrdersMixin(Resource):
    def iter_order_pages(
        self, *, filters: Mapping[str, Any] | None = None, limit: int = MAX_V2_PAGE,
        consignments: bool = False,
    ) -> Iterator[Page]:
        """GET /v2/orders (filters: status_id, min/max_date_modified, min_id, sort, …).

        `consignments`: each order comes with its consignments and their lines
        (`include=consignments.line_items&consignment_structure=object`)."""
        params = {**(filters or {}), **(CONSIGNMENTS_WITH_LINES if consignments else {})}
        return walk_v2(self._http, ORDERS, params, limit=limit)

    def iter_orders(
        self, *, filters: Mapping[str, Any] | None = None, limit: int = MAX_V2_PAGE
    ) -> Iterator[dict[str, Any]]:
        """GET /v2/orders, record by record."""
        return flatten(self.iter_order_pages(filters=filters, limit=limit))

    def get_order(self, order_id: int, *, consignments: bool = False) -> dict[str, Any]:
        """GET /v2/orders/{order_id}; `consignments` as for `iter_order_pages`."""
        params = CONSIGNMENTS_WITH_LINES if consignments else None
        return as_record(self._http.get_json(f"{ORDERS}/{int(order_id)}", params),
                         what="order")

    def update_order_status(self, order_id: int, status_id: int) -> dict[str, Any]:
        """PUT /v2/orders/{order_id} with only `status_id`."""
        body = self._http.send_json("PUT", f"{ORDERS}/{int(order_id)}", {"status_id": status_id})
        return as_record(body, what="order")

    def iter_order_products(self, order_id: int) -> Iterator[dict[str, Any]]:
        """GET /v2/orders/{order_id}/products"""
        path = f"{ORDERS}/{int(order_id)}/products"
        return flatten(walk_v2(self._http, path, None, limit=MAX_V2_PAGE))

    def list_order_shipping_addresses(self, order_id: int) -> list[dict[str, Any]]:
        """GET /v2/orders/{order_id}/shipping_addresses"""
        path = f"{ORDERS}/{int(order_id)}/shipping_addresses"
        return list(flatten(walk_v2(self._http, path, None, limit=MAX_V2_PAGE)))

    def list_order_statuses(self) -> list[dict[str, Any]]:
        """GET /v2/order_statuses, walked like every V2 list."""
        return list(flatten(walk_v2(self._http, "/v2/order_statuses", None, limit=MAX_V2_PAGE)))

    def count_orders(self) -> int:
        """GET /v2/orders/count (`count`; per-status counts are in `order_counts_by_status`)."""
        return int((self._http.get_json(f"{ORDERS}/count") or {}).get("count", 0))

    def order_counts_by_status(self) -> dict[int, int]:
        """GET /v2/orders/count → {status_id: count}."""
        body = self._http.get_json(f"{ORDERS}/count") or {}
        return {int(s["id"]): int(s.get("count", 0)) for s in body.get("statuses", [])}
