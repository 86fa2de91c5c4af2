"""What the order sync remembers per store: which BigCommerce refunds became POS refund
transactions (orders/ knows nothing of stores; the memory is bcsync's)."""

from __future__ import annotations

from django.db import models

from .connections import StoreConnection


class OrderRefundApplied(models.Model):
    """One BigCommerce refund turned into one POS refund transaction. The unique constraint
    is what makes it exactly once: a duplicate webhook or a second worker fails to insert
    its row and treats the refund as already applied."""

    connection = models.ForeignKey(StoreConnection, on_delete=models.CASCADE,
                                   related_name="refunds_applied")
    bc_refund_id = models.PositiveBigIntegerField("BigCommerce refund id")
    bc_order_id = models.PositiveBigIntegerField("BigCommerce order id")
    # PROTECT: the memory goes only with its order, never leaving a refund to apply twice.
    sales_order = models.ForeignKey("orders.SalesOrder", on_delete=models.PROTECT,
                                    related_name="+")
    transaction = models.OneToOneField("orders.Transaction", on_delete=models.PROTECT,
                                       related_name="bc_refund")
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-applied_at", "-pk"]
        verbose_name = "BigCommerce refund applied"
        verbose_name_plural = "BigCommerce refunds applied"
        constraints = [
            models.UniqueConstraint(fields=["connection", "bc_refund_id"],
                                    name="order_refund_applied_once"),
        ]

    def __str__(self) -> str:
        return f"refund {self.bc_refund_id} of order {self.bc_order_id}"
