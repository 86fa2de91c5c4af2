"""Order import's history in the admin: one row per BigCommerce order the import has seen,
read-only (what it became, its flags, the status write-back). Changes come from the import."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import OrderImport


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
