"""What the order sync remembers per store (orders/ knows nothing of stores; the memory is
bcsync's): its order sync settings; one row per BigCommerce order the import has seen (what
became of it, and whether its status was written back); which BigCommerce refunds became POS
refund transactions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .connections import StoreConnection

# BigCommerce's order statuses by id (GET /v2/order_statuses; specs: orders.v2.oas2,
# order_status). Held here once: settings, forms and the import all name them from this.
ORDER_STATUSES: dict[int, str] = {
    0: "Incomplete",
    1: "Pending",
    2: "Shipped",
    3: "Partially Shipped",
    4: "Refunded",
    5: "Cancelled",
    6: "Declined",
    7: "Awaiting Payment",
    8: "Awaiting Pickup",
    9: "Awaiting Shipment",
    10: "Completed",
    11: "Awaiting Fulfillment",
    12: "Manual Verification Required",
    13: "Disputed",
    14: "Partially Refunded",
}
AWAITING_FULFILLMENT = 11
AWAITING_SHIPMENT = 9


def _default_get_status_ids() -> list[int]:
    return [AWAITING_FULFILLMENT]


class OrderSyncSettings(models.Model):
    """Which orders one store's import takes, what it writes back, and when it runs. A missing
    row reads as the defaults (`bcsync.orders.settings.order_settings_for`)."""

    class Guest(models.TextChoices):
        CUSTOMER = "customer", "The guest customer below"
        EMAIL = "email", "A customer made from the billing email"

    connection = models.OneToOneField(StoreConnection, on_delete=models.CASCADE,
                                      related_name="order_settings")
    get_status_ids = models.JSONField(
        "get order statuses", default=_default_get_status_ids,
        help_text="BigCommerce status ids of the orders to import.")
    set_status_id = models.PositiveSmallIntegerField(
        "set order status", null=True, blank=True, default=AWAITING_SHIPMENT,
        help_text="Written back to BigCommerce after import; empty: leave the status alone.")
    auto_import = models.BooleanField(
        default=False, help_text="Import changed orders from the local copy on a schedule.")
    interval_minutes = models.PositiveIntegerField(default=5)
    start_date_enabled = models.BooleanField("use order sync start date", default=False)
    start_date = models.DateField(
        "order sync start date", null=True, blank=True,
        help_text="Orders created before it, and later changes to them, are ignored.")
    last_sync_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the background pass last ran; empty: the next takes every order in "
                  "the statuses above.")
    guest_rule = models.CharField("guest orders go to", max_length=10,
                                  choices=Guest.choices, default=Guest.EMAIL)
    guest_customer = models.ForeignKey(
        "orders.Customer", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="The POS customer guest orders are sold to.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "order sync settings"
        verbose_name_plural = "order sync settings"
        constraints = [
            models.CheckConstraint(condition=Q(interval_minutes__gte=1),
                                   name="order_sync_interval_gte_1"),
            models.CheckConstraint(condition=Q(start_date_enabled=False)
                                   | Q(start_date__isnull=False),
                                   name="order_sync_start_date_given"),
        ]

    def __str__(self) -> str:
        return f"Order sync of {self.connection_id}"


class OrderImport(models.Model):
    """One BigCommerce order as the import saw it: the POS order it became (or why not), and
    the status write-back (retried until it lands). The sync history of an order."""

    class Outcome(models.TextChoices):
        IMPORTED = "imported", "Imported"
        REFUSED = "refused", "Refused"

    connection = models.ForeignKey(StoreConnection, on_delete=models.CASCADE,
                                   related_name="order_imports")
    bc_order_id = models.PositiveBigIntegerField("BigCommerce order id")
    sales_order = models.OneToOneField("orders.SalesOrder", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="bc_import")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    message = models.CharField(max_length=1000, blank=True)
    flags = models.JSONField(default=list, blank=True,
                             help_text="What was odd about the order and how it was taken.")
    status_to_write = models.PositiveSmallIntegerField(null=True, blank=True)
    status_written_at = models.DateTimeField(null=True, blank=True)
    status_write_error = models.CharField(max_length=500, blank=True)
    status_write_attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "bc_order_id"],
                                    name="order_import_once_per_bc_order"),
        ]
        indexes = [models.Index(fields=["connection", "status_written_at"],
                                name="order_import_writeback")]

    def __str__(self) -> str:
        return f"{self.connection_id} #{self.bc_order_id}: {self.outcome}"

    @property
    def writeback_pending(self) -> bool:
        return self.status_to_write is not None and self.status_written_at is None


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
