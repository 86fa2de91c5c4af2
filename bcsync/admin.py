from django.contrib import admin
from django.http import HttpRequest

from .models import SyncSettings, WorkerHeartbeat


@admin.register(SyncSettings)
class SyncSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "lc_background_pull", "web_background_push",
                    "product_sync_enabled", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SyncSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "last_seen", "beats")
    readonly_fields = ("name", "last_seen", "beats")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
