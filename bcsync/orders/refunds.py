"""Refunds made on BigCommerce (V3 payment actions) become POS refund transactions.

Each BigCommerce refund is applied once: its id is remembered in `OrderRefundApplied`
(unique per store) in the same database transaction as the POS refund, so a duplicate
webhook, a retry or a second worker finds it there, or fails to insert it and stands back.
Whether refunded items go back in stock is the connection's "restock refunded items"
setting, recorded on each refund line.

A refund does not change the order's lines on BigCommerce (it counts `quantity_refunded`
beside the quantity), so the POS lines keep their quantities too and an order edit applied
afterwards does not refund the same units again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import StockMovement
from orders.models import SalesOrder, Transaction, TransactionLine

from ..client import BigCommerceClient
from ..connections import client_for
from ..models import Notification, OrderRefundApplied, StoreConnection, SyncEvent
from ..notifications import notify
from .amounts import BadAmount, amount_of
from .edits import CENT, ZERO, line_stock_move

JOB = "order refunds"


class RefundApplyError(ValueError):
    """One refund cannot be applied as BigCommerce describes it; the message names the
    refund and the field. Nothing of it was written."""


@dataclass
class RefundResult:
    applied: list[int] = field(default_factory=list)  # BigCommerce refund ids
    already: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    skipped: str = ""  # why nothing was tried (the order is not imported)

    def line(self) -> str:
        if self.skipped:
            return self.skipped
        text = f"{len(self.applied)} refund(s) applied, {len(self.already)} already applied"
        if self.failed:
            text += f", {len(self.failed)} failed: " + "; ".join(self.failed.values())
        return text


def _amount(value: Any, *, what: str) -> Decimal:
    try:
        return amount_of(value, field="amount", what=what)
    except BadAmount as exc:
        raise RefundApplyError(f"{exc}.") from None


def _refund_id(refund: Any) -> int | None:
    rid = refund.get("id") if isinstance(refund, dict) else None
    return rid if type(rid) is int and rid > 0 else None


def refund_apply(*, connection: StoreConnection, sales_order: SalesOrder,
                 refund: dict[str, Any]) -> Transaction | None:
    """Apply one BigCommerce refund (as the V3 refunds list gives it) to its POS order: one
    refund transaction, a line per refunded order product, stock put back when the
    connection restocks. None when this refund was already applied."""
    rid = _refund_id(refund)
    what = f"Order {sales_order.number}: BigCommerce refund {refund.get('id')!r}"
    if rid is None:
        raise RefundApplyError(f"{what}: id is not a positive integer.")
    what = f"Order {sales_order.number}: BigCommerce refund {rid}"
    if OrderRefundApplied.objects.filter(connection=connection, bc_refund_id=rid).exists():
        return None
    total = _amount(refund.get("total_amount", 0), what=f"{what}: total_amount")
    restock = connection.restock_refunded_items
    location = connection.pos_location
    items = refund.get("items")
    if not isinstance(items, list):
        raise RefundApplyError(f"{what}: items is not a list.")
    try:
        with transaction.atomic():
            txn = Transaction.objects.create(
                order=sales_order, kind=Transaction.Kind.REFUND, amount=total,
                reason=f"BigCommerce refund {rid}"[:500])
            # The memory first: a concurrent worker's insert waits on this row's lock and
            # then fails, rolling back its own transaction before it moves any stock.
            OrderRefundApplied.objects.create(
                connection=connection, bc_refund_id=rid, bc_order_id=sales_order.bc_order_id or 0,
                sales_order=sales_order, transaction=txn)
            notes = _refund_lines(sales_order=sales_order, txn=txn, items=items, what=what,
                                  restock=restock, location=location, rid=rid)
            reason = f"BigCommerce refund {rid}"
            if refund.get("reason"):
                reason += f": {refund['reason']}"
            if notes:
                reason += f" ({'; '.join(notes)})"
            if reason != txn.reason:
                txn.reason = reason[:500]
                txn.save(update_fields=["reason"])
    except IntegrityError:
        if OrderRefundApplied.objects.filter(connection=connection, bc_refund_id=rid).exists():
            return None  # another worker applied it first
        raise
    return txn


def _refund_lines(*, sales_order: SalesOrder, txn: Transaction, items: list[Any], what: str,
                  restock: bool, location: Any, rid: int) -> list[str]:
    lines = {line.bc_line_id: line for line in
             sales_order.lines.select_related("item", "variant").filter(bc_line_id__isnull=False)}
    notes: list[str] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise RefundApplyError(f"{what}: items[{i}] is not an object.")
        kind = item.get("item_type")
        if kind != "PRODUCT":
            amount = item.get("requested_amount")
            if amount not in (None, ""):
                notes.append(f"{str(kind).lower()} {_amount(amount, what=f'{what}: items[{i}]')}")
            continue
        line_id, quantity = item.get("item_id"), item.get("quantity")
        line = lines.get(line_id) if type(line_id) is int else None
        if line is None:
            raise RefundApplyError(f"{what}: items[{i}].item_id {line_id!r} is no line of the "
                                   "POS order (apply the order's edits first).")
        if type(quantity) is not int or quantity < 1:
            raise RefundApplyError(f"{what}: items[{i}].quantity {quantity!r} is not a "
                                   "positive whole number.")
        moved = restock and line_stock_move(
            line=line, location=location, delta=quantity, reason=StockMovement.Reason.REFUND,
            reference=f"{sales_order.number} refund {rid} line {line_id}")
        TransactionLine.objects.create(
            transaction=txn, line=line, quantity=quantity,
            amount=(line.unit_price * quantity).quantize(CENT) if line.unit_price else ZERO,
            restock=moved)
    return notes


def apply_bc_refunds(*, connection: StoreConnection, sales_order: SalesOrder,
                     client: BigCommerceClient) -> RefundResult:
    """Read the order's refunds on BigCommerce and apply each not applied yet. A refund
    that cannot be applied is recorded in the result; the others still are."""
    result = RefundResult()
    if sales_order.bc_order_id is None:
        result.skipped = f"Order {sales_order.number} did not come from BigCommerce."
        return result
    for refund in client.list_order_refunds(sales_order.bc_order_id):
        rid = _refund_id(refund)
        try:
            txn = refund_apply(connection=connection, sales_order=sales_order, refund=refund)
        except RefundApplyError as exc:
            result.failed[rid or 0] = str(exc)
            continue
        (result.applied if txn is not None else result.already).append(rid or 0)
    return result


def order_refunds_apply_run(*, connection_id: int, bc_order_id: int) -> RefundResult:
    """The webhook task's job: apply the refunds of one BigCommerce order, if that order is
    imported (otherwise nothing happens and the result says so: the import, when it comes,
    brings the order as BigCommerce has it)."""
    connection = StoreConnection.objects.filter(pk=connection_id, is_active=True).first()
    if connection is None:
        return RefundResult(skipped=f"Connection {connection_id} is gone or inactive.")
    order = SalesOrder.objects.filter(source_store_hash=connection.store_hash,
                                      bc_order_id=bc_order_id).first()
    label = f"BigCommerce order {bc_order_id} refunds"
    if order is None:
        result = RefundResult(skipped=f"BigCommerce order {bc_order_id} is not imported: "
                                      "refund skipped.")
        SyncEvent.objects.create(connection=connection, label=label, at=timezone.now(),
                                 job=JOB, action=SyncEvent.Action.SKIPPED,
                                 error=result.skipped)
        return result
    with client_for(connection) as client:
        result = apply_bc_refunds(connection=connection, sales_order=order, client=client)
    for rid, message in result.failed.items():
        SyncEvent.objects.create(connection=connection, label=f"{label}: refund {rid}",
                                 at=timezone.now(), job=JOB, action=SyncEvent.Action.FAILED,
                                 ok=False, error=message)
        notify(Notification.Kind.ALERT, connection=connection, title=message[:300],
               key=f"bc-refund-failed:{connection.pk}:{rid}")
    return result
