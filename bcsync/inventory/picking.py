"""The picking list: open imported orders (status open, from a BigCommerce store) with what
each line still needs picked, and the total to fetch per item; marking a line, or a whole
order, picked. When every line of an order is picked the order becomes Picked.

Pure POS: it reads and writes `orders` only. Writes lock the order row (`select_for_update`)
so two people picking the same order at once cannot both mark the last line and lose a
count; the database's own check (picked ≤ quantity) is the last guard."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Prefetch, QuerySet

from orders.models import SalesOrder, SalesOrderLine


class PickingError(ValueError):
    """A pick refused, with a message that names the order and line."""


@dataclass
class PickLine:
    line: SalesOrderLine
    unpicked: int


@dataclass
class PickOrder:
    order: SalesOrder
    lines: list[PickLine] = field(default_factory=list)


@dataclass
class PickTotal:
    sku: str
    name: str
    unpicked: int


@dataclass
class PickingList:
    orders: list[PickOrder]
    totals: list[PickTotal]


def _open_imported() -> QuerySet[SalesOrder]:
    return SalesOrder.objects.filter(status=SalesOrder.Status.OPEN, bc_order_id__isnull=False)


def picking_list() -> PickingList:
    """Open imported orders that still have something to pick, oldest first, with their
    unpicked lines; and per item (or variant, or unmatched SKU) the total to fetch."""
    lines = (SalesOrderLine.objects.filter(picked_quantity__lt=F("quantity"))
             .select_related("item", "variant").order_by("pk"))
    orders = (_open_imported().filter(lines__picked_quantity__lt=F("lines__quantity"))
              .distinct().order_by("created_at", "pk")
              .prefetch_related(Prefetch("lines", queryset=lines, to_attr="unpicked_lines")))
    result: list[PickOrder] = []
    totals: dict[tuple[object, ...], PickTotal] = {}
    for order in orders:
        entry = PickOrder(order)
        for line in order.unpicked_lines:
            unpicked = line.quantity - line.picked_quantity
            entry.lines.append(PickLine(line, unpicked))
            if line.variant is not None:
                key: tuple[object, ...] = ("variant", line.variant_id)
                sku, name = line.variant.sku, line.name
            elif line.item is not None:
                key = ("item", line.item_id)
                sku, name = line.item.sku, line.item.name
            else:
                key = ("unmatched", line.sku, line.name)
                sku, name = line.sku, f"{line.name} (unmatched)"
            total = totals.setdefault(key, PickTotal(sku, name, 0))
            total.unpicked += unpicked
        result.append(entry)
    return PickingList(result, sorted(totals.values(), key=lambda t: (t.sku, t.name)))


def _locked_order(order_id: int) -> SalesOrder:
    order = SalesOrder.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise PickingError(f"Order id {order_id} does not exist.")
    if order.bc_order_id is None or order.status != SalesOrder.Status.OPEN:
        raise PickingError(f"Order {order.number} is not an open imported order "
                           f"(status {order.get_status_display()}); nothing to pick.")
    return order


def _close_if_picked(order: SalesOrder) -> None:
    if not order.lines.filter(picked_quantity__lt=F("quantity")).exists():
        order.status = SalesOrder.Status.PICKED
        order.save(update_fields=["status", "updated_at"])


def line_pick(*, line_id: int, picked: int | None = None) -> SalesOrderLine:
    """Set how many of a line are picked (all of it when `picked` is None). The order
    becomes Picked when its last line is."""
    with transaction.atomic():
        order_id = (SalesOrderLine.objects.filter(pk=line_id)
                    .values_list("order_id", flat=True).first())
        if order_id is None:
            raise PickingError(f"Order line id {line_id} does not exist.")
        order = _locked_order(order_id)
        line = SalesOrderLine.objects.get(pk=line_id)
        label = f"Order {order.number}, line {line.sku or line.name!r}"
        quantity = line.quantity if picked is None else picked
        if quantity < 0:
            raise PickingError(f"{label}: picked cannot be below 0 (got {quantity}).")
        if quantity > line.quantity:
            raise PickingError(f"{label}: picked {quantity} is more than the {line.quantity} "
                               "sold.")
        line.picked_quantity = quantity
        line.save(update_fields=["picked_quantity"])
        _close_if_picked(order)
        return line


def order_pick(*, order_id: int) -> SalesOrder:
    """Mark every line of the order picked in full; the order becomes Picked."""
    with transaction.atomic():
        order = _locked_order(order_id)
        order.lines.update(picked_quantity=F("quantity"))
        _close_if_picked(order)
        return order
