"""An order's lines and shipping addresses, read from the consignments it came with.

Asked with `include=consignments.line_items&consignment_structure=object` (orders spec,
`order_includes`), each order carries its consignments: shipping consignments hold the
shipping address fields, and every consignment's `line_items` are the objects
GET /v2/orders/{id}/products serves. The LC stores what the per-order endpoints serve, so
the rows written are the same whichever way they were read:

- lines: the line items as they are, by id (the products endpoint's order);
- shipping addresses: each shipping consignment (same id as the order address) without its
  `line_items`, with the order's id, its costs as V2 money strings (the consignment schema
  types them as numbers) and the `shipping_quotes` link of the address endpoint;
- the order: without `consignments`, as GET /v2/orders serves it without the include.
  Keeping the embedded lines there would store each line twice and make every change to a
  line a change to the order's own raw JSON.

An order that comes without usable consignments (a store or API version that ignores the
include, or lines given as links only) gives None: its lines are then fetched per order.
"""

from __future__ import annotations

from typing import Any

# Shipping consignment costs the spec types as numbers (shippingConsignment_Get) and the
# shipping address endpoint serves as money strings (orderShippingAddress).
COSTS = ("base_cost", "cost_ex_tax", "cost_inc_tax", "cost_tax", "base_handling_cost",
         "handling_cost_ex_tax", "handling_cost_inc_tax", "handling_cost_tax")
KINDS = ("pickups", "shipping", "downloads")

Details = tuple[list[dict[str, Any]], list[dict[str, Any]]]


def order_consignments_split(raw: Any) -> tuple[Any, Details | None]:
    """The order as stored (without `consignments`) and, when it came with usable
    consignments, its (lines, shipping addresses) in the per-order endpoints' shapes."""
    if not isinstance(raw, dict) or "consignments" not in raw:
        return raw, None
    consignments = raw["consignments"]
    details = _details(raw.get("id"), consignments)
    if details is None:
        return raw, None  # a link, or a shape we do not know: kept as it came
    return {k: v for k, v in raw.items() if k != "consignments"}, details


def _details(order_id: Any, consignments: Any) -> Details | None:
    if not isinstance(consignments, dict) or not isinstance(consignments.get("shipping"),
                                                             list):
        return None
    groups: list[Any] = [consignments.get(kind) or [] for kind in KINDS]
    email = consignments.get("email")
    if isinstance(email, dict):
        groups.append(email.get("gift_certificates") or [])
    lines: dict[Any, dict[str, Any]] = {}
    for group in groups:
        if not isinstance(group, list):
            return None
        for consignment in group:
            items = consignment.get("line_items") if isinstance(consignment, dict) else None
            if not isinstance(items, list):
                return None
            for item in items:
                # A link ({url, resource}) has no id: the lines were not included inline.
                if not isinstance(item, dict) or "id" not in item:
                    return None
                lines.setdefault(item["id"], item)
    addresses = [_shipping_address(order_id, c) for c in consignments["shipping"]]
    ordered = list(lines.values())
    if all(type(key) is int for key in lines):
        ordered.sort(key=lambda x: x["id"])  # the products endpoint's order
    return ordered, addresses


def _shipping_address(order_id: Any, consignment: dict[str, Any]) -> dict[str, Any]:
    address: dict[str, Any] = {}
    for key, value in consignment.items():
        if key == "line_items":
            continue
        if key in COSTS and isinstance(value, int | float) and not isinstance(value, bool):
            value = f"{value:.4f}"
        elif key == "shipping_quotes" and isinstance(value, dict):
            value = {k: _address_quotes(v, consignment.get("id")) for k, v in value.items()}
        address[key] = value
    if "order_id" not in address and order_id is not None:
        address["order_id"] = order_id
    return address


def _address_quotes(link: Any, consignment_id: Any) -> Any:
    """The consignment's quotes link, as the shipping address endpoint gives it."""
    if not isinstance(link, str):
        return link
    return link.replace(f"/consignments/shipping/{consignment_id}/shipping_quotes",
                        f"/shipping_addresses/{consignment_id}/shipping_quotes")
