"""POS sales orders for the inventory tests: imported from a store (open, picked) or made
at the till."""

from __future__ import annotations

from catalog.models import Item
from orders.models import SalesOrder, SalesOrderLine


def order_with(number: str, lines: list[tuple[Item, int, int]], *, store_hash: str = "",
               bc_order_id: int | None = None,
               status: str = SalesOrder.Status.OPEN) -> SalesOrder:
    """An order with (item, quantity, picked) lines; imported when bc_order_id is given."""
    order = SalesOrder.objects.create(number=number, status=status, bc_order_id=bc_order_id,
                                      source_store_hash=store_hash if bc_order_id else "")
    for item, quantity, picked in lines:
        SalesOrderLine.objects.create(order=order, item=item, sku=item.sku, name=item.name,
                                      quantity=quantity, picked_quantity=picked)
    return order
