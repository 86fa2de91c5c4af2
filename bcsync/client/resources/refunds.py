"""Order refunds (V3 payment actions): read them back, quote and create them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..errors import UnexpectedResponse
from ..paging import Page, flatten, walk_v3
from .base import Resource, data_of, record_of

ORDERS_V3 = "/v3/orders"
REFUNDS = "/v3/orders/payment_actions/refunds"


def _payment_actions(order_id: int) -> str:
    return f"{ORDERS_V3}/{int(order_id)}/payment_actions"


class RefundsMixin(Resource):
    def list_order_refunds(
        self, order_id: int, *, transaction_id: str | None = None
    ) -> list[dict[str, Any]]:
        """GET /v3/orders/{order_id}/payment_actions/refunds: all of one order's refunds,
        oldest first (the endpoint is not paged)."""
        params = {"transaction_id": transaction_id} if transaction_id is not None else None
        body = self._http.get_json(f"{_payment_actions(order_id)}/refunds", params)
        refunds = data_of(body)
        if not isinstance(refunds, list):
            raise UnexpectedResponse(
                f"expected a list of refunds, got {type(refunds).__name__}", status=200
            )
        return refunds

    def iter_refund_pages(
        self, *, filters: Mapping[str, Any] | None = None, limit: int = 250
    ) -> Iterator[Page]:
        """GET /v3/orders/payment_actions/refunds (filters: `order_id:in`, `id:in`,
        `created:min`, `created:max`, `transaction_id`), by refund id ascending."""
        return walk_v3(self._http, REFUNDS, filters, limit=limit)

    def iter_refunds(
        self, *, filters: Mapping[str, Any] | None = None, limit: int = 250
    ) -> Iterator[dict[str, Any]]:
        """GET /v3/orders/payment_actions/refunds, record by record."""
        return flatten(self.iter_refund_pages(filters=filters, limit=limit))

    def get_refund(self, refund_id: int) -> dict[str, Any]:
        """GET /v3/orders/payment_actions/refunds/{refund_id}"""
        return record_of(self._http.get_json(f"{REFUNDS}/{int(refund_id)}"), what="refund")

    def quote_refund(self, order_id: int, items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """POST /v3/orders/{order_id}/payment_actions/refund_quotes: what refunding `items`
        (`item_type`, `item_id`, and `quantity` or `amount`) would give back, and how."""
        body = {"items": [dict(i) for i in items]}
        path = f"{_payment_actions(order_id)}/refund_quotes"
        return record_of(self._http.send_json("POST", path, body), what="refund quote")

    def create_refund(
        self,
        order_id: int,
        items: Sequence[Mapping[str, Any]],
        payments: Sequence[Mapping[str, Any]],
    ) -> dict[str, Any]:
        """POST /v3/orders/{order_id}/payment_actions/refunds (`payments`: `provider_id`,
        `amount`, `offline`; their sum must be the quote's amount).

        Not repeated once it may have reached BigCommerce (a refund has no key to look it up
        by); after a lost answer, read `list_order_refunds` before trying again.
        """
        body = {"items": [dict(i) for i in items], "payments": [dict(p) for p in payments]}
        path = f"{_payment_actions(order_id)}/refunds"
        return record_of(self._http.send_json("POST", path, body), what="refund")
