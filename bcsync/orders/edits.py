"""Order edits: an imported order changed on BigCommerce becomes transactions for just the
change.

The local copy's order (its lines, keyed by BigCommerce's order product id) is compared with
the POS order's lines: a quantity lowered or a line removed is a refund of that quantity,
with the stock put back; a quantity raised or a line added is a sale of the extra, with the
stock taken. Lines that did not change are left alone, and the order's totals end as
BigCommerce reports them.

Applying the same LC state twice changes nothing: after an edit the POS lines hold the LC's
quantities, so the second comparison finds no difference (and writes nothing). A removed line
stays on the order with quantity 0, because its refund points at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from catalog.models import Item, Location, StockLevel, StockMovement, Variant
from catalog.stock import stock_move
from localcopy.models import LcOrder, LcOrderLine
from orders.models import SalesOrder, SalesOrderLine, Transaction, TransactionLine

from ..models import Notification, StoreConnection
from ..notifications import notify
from .amounts import CENT, ZERO, BadAmount, line_unit_price, order_totals
from .lines import election_notify, line_match


class OrderEditError(ValueError):
    """The LC order cannot be applied (bad totals, another store's order); nothing was
    written. The message names the order and the field."""


@dataclass
class EditResult:
    """What one application did: the transactions it wrote, the lines it added without a POS
    item, and whether the order's totals moved."""

    transactions: list[Transaction] = field(default_factory=list)
    unmatched_lines: list[int] = field(default_factory=list)
    totals_changed: bool = False
    stock_skipped: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.transactions) or self.totals_changed

    def line(self) -> str:
        sales = sum(1 for t in self.transactions if t.kind == Transaction.Kind.SALE)
        refunds = len(self.transactions) - sales
        parts = [f"{sales} sale(s)", f"{refunds} refund(s)"]
        if self.unmatched_lines:
            parts.append(f"{len(self.unmatched_lines)} unmatched line(s)")
        if self.totals_changed:
            parts.append("totals updated")
        return ", ".join(parts)


# ---- BigCommerce's numbers ---------------------------------------------------------------


def _totals(raw: dict[str, Any], *, what: str) -> dict[str, Decimal]:
    try:
        return order_totals(raw, what=what)
    except BadAmount as exc:
        raise OrderEditError(f"{exc}.") from None


def _line_unit_price(lc_line: LcOrderLine, *, what: str) -> Decimal:
    raw = lc_line.raw if isinstance(lc_line.raw, dict) else {}
    if raw.get("price_ex_tax") not in (None, ""):
        try:
            return line_unit_price(raw, what=what)
        except BadAmount as exc:
            raise OrderEditError(f"{exc}.") from None
    return (lc_line.price_inc_tax or ZERO).quantize(CENT)


# ---- stock -------------------------------------------------------------------------------


def line_stock_move(*, line: SalesOrderLine, location: Location | None, delta: int,
                    reason: str, reference: str,
                    connection: StoreConnection | None = None) -> bool:
    """Move the stock of `delta` units of the line's item (negative: taken): a bundle's
    master moves each child's quantity instead. False when nothing could move (an unmatched
    line, or no POS location on the connection). Stock taken below zero raises a Warning."""
    if line.item is None or location is None or not delta:
        return False
    components = list(line.item.components.select_related("component"))
    moves = ([(part.component, None, delta * part.quantity) for part in components]
             if components else [(line.item, line.variant, delta)])
    for item, variant, quantity in moves:
        stock_move(item=item, variant=variant, location=location, delta=quantity,
                   reason=reason, reference=reference)
        if quantity < 0:
            _warn_below_zero(item=item, variant=variant, location=location,
                             reference=reference, connection=connection)
    return True


def _warn_below_zero(*, item: Item, variant: Variant | None, location: Location,
                     reference: str, connection: StoreConnection | None) -> None:
    on_hand = (StockLevel.objects.filter(item=item, variant=variant, location=location)
               .values_list("on_hand", flat=True).first())
    if on_hand is not None and on_hand < 0:
        sku = variant.sku if variant is not None else item.sku
        notify(Notification.Kind.WARNING, connection=connection,
               title=f"{reference}: {sku} is below zero at {location.code} ({on_hand})",
               key=f"stock-below-zero:{item.pk}:{variant.pk if variant else 0}:{location.pk}")


# ---- applying an edit --------------------------------------------------------------------


def _transaction(*, order: SalesOrder, kind: str, line: SalesOrderLine, quantity: int,
                 reason: str, restock: bool) -> Transaction:
    amount = (line.unit_price * quantity).quantize(CENT)
    txn = Transaction.objects.create(order=order, kind=kind, amount=amount, reason=reason[:500])
    TransactionLine.objects.create(transaction=txn, line=line, quantity=quantity, amount=amount,
                                   restock=restock)
    return txn


def _set_quantity(line: SalesOrderLine, quantity: int) -> None:
    line.quantity = quantity
    # What was picked of a line cut below it can no longer be more than is left.
    line.picked_quantity = min(line.picked_quantity, quantity)
    line.line_total = (line.unit_price * quantity).quantize(CENT)
    line.save(update_fields=["quantity", "picked_quantity", "line_total"])


def apply_order_edits(*, connection: StoreConnection, sales_order: SalesOrder,
                      lc_order: LcOrder) -> EditResult:
    """Bring an imported order in step with its LC copy: one transaction per changed line,
    stock moved at the connection's POS location, totals set to BigCommerce's. All or
    nothing per order; idempotent (see the module's docstring)."""
    what = f"Order {sales_order.number} (BigCommerce #{lc_order.bc_id})"
    if (lc_order.store_hash != connection.store_hash
            or sales_order.source_store_hash != connection.store_hash
            or sales_order.bc_order_id != lc_order.bc_id):
        raise OrderEditError(f"{what}: the LC order is not this sales order's (store "
                             f"{lc_order.store_hash}, order {lc_order.bc_id}).")
    raw = lc_order.raw if isinstance(lc_order.raw, dict) else {}
    totals = _totals(raw, what=what)
    result = EditResult()
    location = connection.pos_location
    reason_code = StockMovement.Reason.ORDER_EDIT
    with transaction.atomic():
        # The order's row lock serialises two workers applying edits to one order (the
        # second sees the first's quantities and finds nothing left to do).
        order = SalesOrder.objects.select_for_update().get(pk=sales_order.pk)
        pos_lines = {line.bc_line_id: line for line in
                     order.lines.select_related("item", "variant")
                     .filter(bc_line_id__isnull=False)}
        lc_lines = {line.bc_id: line for line in lc_order.lines.order_by("bc_id")}
        for bc_line_id, lc_line in lc_lines.items():
            new_qty = max(int(lc_line.quantity or 0), 0)
            pos = pos_lines.get(bc_line_id)
            label = f"line {bc_line_id}"
            if pos is None:
                if new_qty == 0:
                    continue
                pos = _new_line(connection=connection, order=order, lc_line=lc_line,
                                quantity=new_qty, what=what)
                if pos.unmatched:
                    result.unmatched_lines.append(bc_line_id)
                reason = f"{label} added: {new_qty} × {pos.sku or pos.name}"
                moved = line_stock_move(line=pos, location=location, delta=-new_qty,
                                        reason=reason_code, reference=f"{order.number} {label}",
                                        connection=connection)
                result.stock_skipped |= pos.item is not None and not moved
                result.transactions.append(_transaction(
                    order=order, kind=Transaction.Kind.SALE, line=pos, quantity=new_qty,
                    reason=reason, restock=False))
                continue
            old_qty = pos.quantity
            if new_qty == old_qty:
                continue
            change = (f"{label} removed ({old_qty} × {pos.sku or pos.name})" if new_qty == 0
                      else f"{label} quantity {old_qty} → {new_qty}")
            result.transactions.append(_apply_change(
                connection=connection, order=order, line=pos, old_qty=old_qty,
                new_qty=new_qty, reason=change, location=location, reason_code=reason_code,
                result=result))
        for gone_id, pos in pos_lines.items():
            if gone_id in lc_lines or pos.quantity == 0:
                continue
            change = f"line {gone_id} removed ({pos.quantity} × {pos.sku or pos.name})"
            result.transactions.append(_apply_change(
                connection=connection, order=order, line=pos, old_qty=pos.quantity,
                new_qty=0, reason=change, location=location, reason_code=reason_code,
                result=result))
        changed = [name for name, value in totals.items() if getattr(order, name) != value]
        if changed:
            for name in changed:
                setattr(order, name, totals[name])
            order.save(update_fields=[*changed, "updated_at"])
            # The caller's instance reads as saved, without a refresh_from_db of its own.
            for name in changed:
                setattr(sales_order, name, totals[name])
            result.totals_changed = True
    for bc_line_id in result.unmatched_lines:
        notify(Notification.Kind.ALERT, connection=connection,
               title=f"{what}: line {bc_line_id} added on BigCommerce matches no POS item",
               body="The line is kept on the order, flagged unmatched; no stock was taken.",
               key=f"order-line-unmatched:{connection.pk}:{lc_order.bc_id}:{bc_line_id}")
    return result


def _apply_change(*, connection: StoreConnection, order: SalesOrder, line: SalesOrderLine,
                  old_qty: int, new_qty: int, reason: str, location: Location | None,
                  reason_code: str, result: EditResult) -> Transaction:
    delta = new_qty - old_qty
    kind = Transaction.Kind.SALE if delta > 0 else Transaction.Kind.REFUND
    # Stock follows the order: a sale of more takes it, a cut gives it back.
    moved = line_stock_move(line=line, location=location, delta=-delta, reason=reason_code,
                            reference=f"{order.number} line {line.bc_line_id}",
                            connection=connection)
    result.stock_skipped |= line.item is not None and not moved
    txn = _transaction(order=order, kind=kind, line=line, quantity=abs(delta), reason=reason,
                       restock=moved and delta < 0)
    _set_quantity(line, new_qty)
    return txn


def _new_line(*, connection: StoreConnection, order: SalesOrder, lc_line: LcOrderLine,
              quantity: int, what: str) -> SalesOrderLine:
    match = line_match(connection=connection, product_bc_id=lc_line.product_bc_id,
                       variant_bc_id=lc_line.variant_bc_id, sku=lc_line.sku)
    if match.election is not None:
        election_notify(connection=connection, election=match.election, order=order.number)
    item, variant = match.item, match.variant
    unit_price = _line_unit_price(lc_line, what=f"{what} line {lc_line.bc_id}")
    return SalesOrderLine.objects.create(
        order=order, item=item, variant=variant, sku=lc_line.sku[:255],
        name=(lc_line.name or lc_line.sku or f"Line {lc_line.bc_id}")[:255], quantity=quantity,
        unit_price=unit_price, line_total=(unit_price * quantity).quantize(CENT),
        unmatched=item is None, bc_line_id=lc_line.bc_id)
