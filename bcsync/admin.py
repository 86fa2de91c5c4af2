from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html
from django.views.decorators.debug import sensitive_post_parameters

from .connections import connection_test
from .models import StoreConnection, SyncSettings, WorkerHeartbeat
from .onboarding import connection_onboard


class StoreConnectionForm(forms.ModelForm):
    # The token is write-only: the form never renders the stored value back to the page.
    # Not stripped: a token with stray whitespace is refused by name, not silently changed.
    access_token = forms.CharField(
        widget=forms.PasswordInput(render_value=False), required=False, strip=False,
        help_text="Leave empty to keep the stored token. A new API host or store hash needs "
                  "it entered again.",
    )

    class Meta:
        model = StoreConnection
        fields: tuple[str, ...] = (
            "description", "store_hash", "api_url", "client_id", "access_token",
            "pos_location", "bc_location_id", "code_prefix", "restock_refunded_items",
            "is_active")

    def clean_access_token(self) -> str:
        token = self.cleaned_data["access_token"]
        if not token:
            if not (self.instance.pk and self.instance.access_token):
                raise forms.ValidationError("An access token is required.")
            return self.instance.access_token
        # Entered (again): the model then lets the host or store hash change with it.
        self.instance.set_access_token(token)
        return token


def _secret_status(value: str, set_at: datetime | None) -> str:
    """"set on <when>" / "not set": all a page ever says about a secret."""
    if not value:
        return "not set"
    if set_at is None:
        return "set (before bcsync recorded when)"
    return f"set on {date_format(timezone.localtime(set_at), 'DATETIME_FORMAT')}"


@admin.register(StoreConnection)
class StoreConnectionAdmin(admin.ModelAdmin):
    form = StoreConnectionForm
    list_display = ("description", "store_hash", "api_url", "pos_location", "status",
                    "last_tested_at", "is_active", "settings_page")
    list_filter = ("is_active",)
    search_fields = ("description", "store_hash")
    readonly_fields = ("access_token_status", "webhook_secret_status", "last_tested_at",
                       "last_test_ok", "last_test_message", "created_at", "updated_at")
    actions = ["test_connection"]

    def get_fields(self, request: HttpRequest,
                   obj: StoreConnection | None = None) -> tuple[str, ...]:
        # Whoever may not edit the connection sees every field as read-only text, and a
        # read-only SecretField renders decrypted: the token input is for editors only.
        editable = (self.has_change_permission(request, obj) if obj is not None
                    else self.has_add_permission(request))
        fields = ["description", "store_hash", "api_url", "client_id",
                  *(["access_token"] if editable else []), "access_token_status",
                  "webhook_secret_status", "pos_location", "bc_location_id", "code_prefix",
                  "restock_refunded_items", "is_active"]
        if obj is not None:
            fields += ["last_tested_at", "last_test_ok", "last_test_message", "created_at",
                       "updated_at"]
        return tuple(fields)

    # Django's error report (the DEBUG page, the mail to ADMINS) lists POST data.
    @method_decorator(sensitive_post_parameters("access_token"))
    def changeform_view(self, *args, **kwargs):
        return super().changeform_view(*args, **kwargs)

    @admin.display(description="Access token")
    def access_token_status(self, obj: StoreConnection | None) -> str:
        if obj is None or obj.pk is None:
            return "not set"
        return _secret_status(obj.access_token, obj.token_set_at)

    @admin.display(description="Webhook secret")
    def webhook_secret_status(self, obj: StoreConnection | None) -> str:
        if obj is None or obj.pk is None:
            return "generated when the connection is saved"
        return _secret_status(obj.webhook_secret, obj.webhook_secret_set_at)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            onboarding = connection_onboard(connection=obj, register_now=False)
            self.message_user(request, f"{onboarding.webhooks} Full Reload queued for "
                              f"{', '.join(onboarding.reloads_queued) or 'nothing'}.")

    @admin.display(description="Settings")
    def settings_page(self, obj: StoreConnection) -> str:
        return _settings_page_link(obj)

    @admin.display(description="Status")
    def status(self, obj: StoreConnection):
        states: dict[bool | None, tuple[str, str]] = {
            True: ("#2e7d32", "connected"), False: ("#c62828", "failed")}
        colour, label = states.get(obj.last_test_ok, ("#9e9e9e", "not tested"))
        return format_html('<span title="{}" style="color:{}">●</span> {}',
                           obj.last_test_message, colour, label)

    # It sends the stored token to the stored host: for those who may change the connection.
    @admin.action(description="Test connection", permissions=["change"])
    def test_connection(self, request: HttpRequest, queryset: QuerySet[StoreConnection]) -> None:
        for connection in queryset:
            result = connection_test(connection=connection)
            level = messages.SUCCESS if result.ok else messages.ERROR
            self.message_user(request, f"{connection.description}: {result.message}", level)


def _settings_page_link(connection: StoreConnection | None = None) -> str:
    url = (reverse("bcsync:settings", args=[connection.pk]) if connection is not None
           else reverse("bcsync:settings_home"))
    return format_html('<a href="{}">Sync settings page</a>', url)


@admin.register(SyncSettings)
class SyncSettingsAdmin(admin.ModelAdmin):
    """The three switches are shown here and changed on the sync settings page, next to
    what they govern (the page's Product Sync and Background sync sections)."""

    list_display = ("__str__", "lc_background_pull", "web_background_push",
                    "product_sync_enabled", "updated_at", "settings_page")
    fields = ("settings_page", "lc_background_pull", "web_background_push",
              "product_sync_enabled", "updated_at")
    readonly_fields = fields

    @admin.display(description="Change on")
    def settings_page(self, obj: SyncSettings | None) -> str:
        return _settings_page_link()

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


from . import imports_admin  # noqa: E402, F401 I001 - registers the named mappings
from . import push_admin  # noqa: E402, F401 - registers the push's pages
from . import orders_admin  # noqa: E402, F401 - registers order import history
from . import inventory_admin  # noqa: E402, F401 - registers the End of Day log
