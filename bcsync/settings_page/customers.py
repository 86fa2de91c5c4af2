"""The Customers and B2B section: the customer code prefix (the connection's, shared with
every import from this store) and B2B (price levels ↔ customer groups), with an action that
brings the two in step now."""

from __future__ import annotations

from typing import Any

from django import forms

from ..client import BigCommerceError
from ..connections import client_for
from ..imports.price_levels import price_levels_import, price_levels_push
from ..models import PriceLevelSync, StoreConnection
from .sections import Saved, SettingsSection, register


class CustomersForm(forms.ModelForm):
    class Meta:
        model = StoreConnection
        fields = ("code_prefix", "b2b_enabled")
        labels = {"code_prefix": "Customer code prefix"}


@register
class CustomersSection(SettingsSection):
    key = "customers"
    title = "Customers and B2B"
    order = 70
    form_class = CustomersForm
    actions = (("save", "Save"), ("b2b_sync", "Sync price levels and customer groups now"))
    description = ("Imported customers' codes are this prefix and their BigCommerce id "
                   "(BC17). With B2B on, each price level has a BigCommerce customer group "
                   "with its discount, and groups only BigCommerce has import as price levels.")

    def form(self, *, connection: StoreConnection, data: Any = None) -> forms.BaseForm:
        return CustomersForm(data=data, prefix=self.key,
                             instance=StoreConnection.objects.get(pk=connection.pk))

    def extra(self, *, connection: StoreConnection, user: Any) -> dict[str, Any]:
        return {"linked_levels": PriceLevelSync.objects.filter(connection=connection).count()}

    def save(self, *, connection: StoreConnection, form: forms.BaseForm | None, user: Any,
             action: str = "save") -> Saved | None:
        if action != "b2b_sync":
            assert isinstance(form, CustomersForm)
            form.instance.save(update_fields=["code_prefix", "b2b_enabled", "updated_at"])
            return Saved(self.saved_message())
        # The action's button posts no form: it works from the settings as saved.
        connection = StoreConnection.objects.get(pk=connection.pk)
        if not connection.b2b_enabled:
            return Saved("Turn B2B on (and save) to sync price levels and customer groups.",
                         ok=False)
        if not connection.is_active:
            return Saved("The store connection is switched off: nothing sent.", ok=False)
        imported = price_levels_import(connection=connection)
        try:
            with client_for(connection) as client:
                pushed = price_levels_push(connection=connection, client=client)
        except BigCommerceError as exc:
            return Saved(f"{imported.line()}. BigCommerce could not be reached: {exc.title}",
                         ok=False)
        failures = [r.line() for r in (*imported.of("failed"), *pushed.of("failed"))]
        message = f"{imported.line()}; {pushed.line()}."
        if failures:
            message += " " + " ".join(failures[:5])
        return Saved(message, ok=not failures)
