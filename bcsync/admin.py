from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from .connections import connection_test
from .models import StoreConnection, SyncSettings, WorkerHeartbeat
from .onboarding import connection_onboard


class StoreConnectionForm(forms.ModelForm):
    # The token is write-only: the form never renders the stored value back to the page.
    access_token = forms.CharField(
        widget=forms.PasswordInput(render_value=False), required=False,
        help_text="Leave empty to keep the stored token.",
    )

    class Meta:
        model = StoreConnection
        fields = ("description", "store_hash", "api_url", "client_id", "access_token",
                  "pos_location", "bc_location_id", "code_prefix", "is_active")

    def clean_access_token(self) -> str:
        token = self.cleaned_data["access_token"]
        if not token and not (self.instance.pk and self.instance.access_token):
            raise forms.ValidationError("An access token is required.")
        return token or self.instance.access_token


@admin.register(StoreConnection)
class StoreConnectionAdmin(admin.ModelAdmin):
    form = StoreConnectionForm
    list_display = ("description", "store_hash", "api_url", "pos_location", "status",
                    "last_tested_at", "is_active")
    list_filter = ("is_active",)
    search_fields = ("description", "store_hash")
    readonly_fields = ("last_tested_at", "last_test_ok", "last_test_message",
                       "created_at", "updated_at")
    actions = ["test_connection"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            onboarding = connection_onboard(connection=obj, register_now=False)
            self.message_user(request, f"{onboarding.webhooks} Full Reload queued for "
                              f"{', '.join(onboarding.reloads_queued) or 'nothing'}.")

    @admin.display(description="Status")
    def status(self, obj: StoreConnection):
        colour, label = {True: ("#2e7d32", "connected"), False: ("#c62828", "failed")}.get(
            obj.last_test_ok, ("#9e9e9e", "not tested"))
        return format_html('<span title="{}" style="color:{}">●</span> {}',
                           obj.last_test_message, colour, label)

    @admin.action(description="Test connection")
    def test_connection(self, request: HttpRequest, queryset: QuerySet[StoreConnection]) -> None:
        for connection in queryset:
            result = connection_test(connection=connection)
            level = messages.SUCCESS if result.ok else messages.ERROR
            self.message_user(request, f"{connection.description}: {result.message}", level)


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
