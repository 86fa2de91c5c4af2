"""Order import's history in the admin: one row per BigCommerce order the import has seen,
read-only (what it became, its flags, the status write-back). Changes come from the import.

A sales order's own page shows its sync history too: orders/ knows nothing of bcsync, so
bcsync extends the SalesOrder admin here (the same admin, plus two read-only inlines: the
OrderImport record and the BigCommerce refunds applied to the order)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from orders.admin import SalesOrderAdmin
from orders.models import SalesOrder

from .models import OrderImport, OrderRefundApplied
from .orders.settings import status_name


@admin.register(OrderImport)
class OrderImportAdmin(admin.ModelAdmin):
    list_display = ("bc_order_id", "connection", "outcome", "sales_order", "status_to_write",
                    "status_written_at", "status_write_error", "updated_at")
    list_filter = ("outcome", "connection")
    search_fields = ("=bc_order_id", "sales_order__number", "message")
    list_select_related = ("connection", "sales_order")
    readonly_fields = [f.name for f in OrderImport._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _OrderHistoryInline:
    """Shown, never edited, to whoever may view the order: it is the order's own history
    (the import writes it), not a thing of its own to be granted separately."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("orders.view_salesorder"))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrderImportInline(_OrderHistoryInline, admin.StackedInline):
    model = OrderImport
    fk_name = "sales_order"
    verbose_name = verbose_name_plural = "BigCommerce import"
    fields = (("outcome", "store", "bc_order_id"), "message", "flag_list",
              ("status_write_back", "status_write_attempts"), "status_write_error",
              ("created_at", "updated_at"))
    readonly_fields = ("outcome", "store", "bc_order_id", "message", "flag_list",
                       "status_write_back", "status_write_attempts", "status_write_error",
                       "created_at", "updated_at")

    @admin.display(description="Store")
    def store(self, obj: OrderImport) -> str:
        return obj.connection.description or obj.connection.store_hash

    @admin.display(description="Flags")
    def flag_list(self, obj: OrderImport) -> str:
        flags = obj.flags if isinstance(obj.flags, list) else []
        if not flags:
            return "none"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>",
                                                           ((str(f),) for f in flags)))

    @admin.display(description="Status write-back")
    def status_write_back(self, obj: OrderImport) -> str:
        if obj.status_to_write is None:
            return "nothing to write"
        status = status_name(obj.status_to_write)
        if obj.status_written_at is None:
            return f"{status}: pending"
        return f"{status}: written {obj.status_written_at:%Y-%m-%d %H:%M:%S}"


class OrderRefundAppliedInline(_OrderHistoryInline, admin.TabularInline):
    model = OrderRefundApplied
    fk_name = "sales_order"
    verbose_name = "BigCommerce refund applied"
    verbose_name_plural = "BigCommerce refunds applied"
    fields = ("bc_refund_id", "bc_order_id", "transaction_link", "applied_at")
    readonly_fields = fields

    @admin.display(description="Refund transaction")
    def transaction_link(self, obj: OrderRefundApplied) -> str:
        url = reverse("admin:orders_transaction_change", args=[obj.transaction_id])
        return format_html('<a href="{}">{}</a>', url, obj.transaction)


class SalesOrderSyncAdmin(SalesOrderAdmin):
    """The POS's SalesOrder admin, its page also showing the order's sync history."""

    inlines = [*SalesOrderAdmin.inlines, OrderImportInline, OrderRefundAppliedInline]


# orders.admin registered SalesOrder (imported above, so it has run); bcsync takes it over.
admin.site.unregister(SalesOrder)
admin.site.register(SalesOrder, SalesOrderSyncAdmin)
