"""Read-only admin pages for what the push records: links, upload jobs, the history."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import ItemSync, SyncEvent, SyncJob


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ItemSync)
class ItemSyncAdmin(ReadOnly):
    list_display = ("item", "connection", "bc_product_id", "linked_by", "pushed_at",
                    "error_field", "error")
    list_filter = ("connection", "linked_by")
    search_fields = ("item__sku", "item__name", "bc_product_id")
    list_select_related = ("item", "connection")


@admin.register(SyncJob)
class SyncJobAdmin(ReadOnly):
    list_display = ("pk", "kind", "connection", "state", "done", "failed", "total",
                    "requested_by", "created_at", "finished_at")
    list_filter = ("kind", "state", "connection")


@admin.register(SyncEvent)
class SyncEventAdmin(ReadOnly):
    list_display = ("at", "action", "label", "user", "job", "ok", "error_field", "error")
    list_filter = ("action", "ok", "connection")
    search_fields = ("label", "item__sku")
    date_hierarchy = "at"
    list_select_related = ("user",)
