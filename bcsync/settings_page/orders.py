"""The Orders section: which BigCommerce statuses are imported and which is written back,
Auto Import and its interval, the order sync start date, the guest rule, whether refunds made
on BigCommerce restock (a store connection field); the last sync time with a button that
clears it (the next pass then takes every order in the Get statuses)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction

from orders.models import Customer

from ..models import ORDER_STATUSES, OrderSyncSettings, StoreConnection
from ..orders.settings import last_sync_clear, order_settings_for
from .sections import Saved, SettingsSection, register

STATUS_CHOICES = [(sid, f"{name} ({sid})") for sid, name in ORDER_STATUSES.items()]


class OrdersForm(forms.ModelForm):
    get_status_ids = forms.TypedMultipleChoiceField(
        label="Get order statuses", choices=STATUS_CHOICES, coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Orders in these BigCommerce statuses are imported.")
    set_status_id = forms.TypedChoiceField(
        label="Set order status", choices=[("", "— leave the status alone —"), *STATUS_CHOICES],
        coerce=int, empty_value=None, required=False,
        help_text="Written back to BigCommerce once an order is imported, so it is not "
                  "imported again.")
    guest_customer = forms.ModelChoiceField(
        queryset=Customer.objects.filter(is_active=True), required=False,
        label="Guest customer", help_text="For guest orders, when they go to one customer.")
    # Held on the store connection (refunds read it there), edited here with the orders.
    restock_refunded_items = forms.BooleanField(
        label="Restock refunded items", required=False,
        help_text=StoreConnection._meta.get_field("restock_refunded_items").help_text)

    class Meta:
        model = OrderSyncSettings
        fields = ("get_status_ids", "set_status_id", "auto_import", "interval_minutes",
                  "start_date_enabled", "start_date", "guest_rule", "guest_customer")
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"})}
        labels = {"interval_minutes": "Auto Import every (minutes)"}

    def clean_interval_minutes(self) -> int:
        value = self.cleaned_data["interval_minutes"]
        if value is None or not 1 <= value <= 24 * 60:
            raise forms.ValidationError("Enter a number of minutes from 1 to 1440.")
        return int(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        gets, put = data.get("get_status_ids") or [], data.get("set_status_id")
        if put is not None and put in gets:
            self.add_error("set_status_id", f"{ORDER_STATUSES[put]} is also a status to get: "
                           "imported orders would look new again. Choose another.")
        if data.get("start_date_enabled") and not data.get("start_date"):
            self.add_error("start_date", "Enter the start date, or switch the start date off.")
        if (data.get("guest_rule") == OrderSyncSettings.Guest.CUSTOMER
                and data.get("guest_customer") is None):
            self.add_error("guest_customer", "Choose the guest customer, or make guest "
                                             "orders' customers from their billing email.")
        return data


@register
class OrdersSection(SettingsSection):
    key = "orders"
    title = "Orders"
    order = 80
    template = "bcsync/settings/orders.html"
    form_class = OrdersForm
    actions = (("save", "Save"), ("clear_last_sync", "Clear last sync"))
    description = ("BigCommerce orders in the Get statuses become POS sales orders (numbered "
                   "with the store's code prefix), once each; their status is then set on "
                   "BigCommerce. Webhooks import at once; Auto Import catches up on a schedule.")

    def form(self, *, connection: StoreConnection, data: Any = None) -> forms.BaseForm:
        return OrdersForm(data=data, prefix=self.key,
                          instance=order_settings_for(connection=connection),
                          initial={"restock_refunded_items":
                                   connection.restock_refunded_items})

    def extra(self, *, connection: StoreConnection, user: Any) -> dict[str, Any]:
        return {"settings": order_settings_for(connection=connection)}

    def save(self, *, connection: StoreConnection, form: forms.BaseForm | None, user: Any,
             action: str = "save") -> Saved | None:
        if action == "clear_last_sync":
            last_sync_clear(connection=connection)
            return Saved("Last sync cleared: the next pass imports every customer and every "
                         "order in the Get statuses.")
        assert isinstance(form, OrdersForm)
        form.instance.get_status_ids = sorted(form.cleaned_data["get_status_ids"])
        with transaction.atomic():
            form.instance.save(update_fields=[*OrdersForm.Meta.fields, "updated_at"])
            connection.restock_refunded_items = form.cleaned_data["restock_refunded_items"]
            connection.save(update_fields=["restock_refunded_items", "updated_at"])
        return Saved(self.saved_message())
