"""The End of Day section: whether and when the day's stock snapshot is pushed, whether the
unpicked quantity is subtracted, and how the last run went (`inventory.end_of_day`)."""

from __future__ import annotations

from typing import Any

from django import forms

from ..inventory.end_of_day import end_of_day_last, inventory_settings_for
from ..models import InventorySettings, StoreConnection
from .sections import Saved, SettingsSection, register


class EndOfDayForm(forms.ModelForm):
    class Meta:
        model = InventorySettings
        fields = ["end_of_day_enabled", "end_of_day_time", "subtract_unpicked"]
        widgets = {"end_of_day_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


@register
class EndOfDaySection(SettingsSection):
    key = "end_of_day"
    title = "End of Day"
    order = 22
    template = "bcsync/settings/end_of_day.html"
    form_class = EndOfDayForm
    description = ("Once a day, after this time, every eCommerce item's stock is pushed at "
                   "each mapped location; only what differs from BigCommerce is sent.")

    def form(self, *, connection: StoreConnection, data: Any = None) -> forms.BaseForm:
        return EndOfDayForm(data=data, prefix=self.key,
                            instance=inventory_settings_for(connection))

    def extra(self, *, connection: StoreConnection, user: Any) -> dict[str, Any]:
        return {"last_run": end_of_day_last(connection=connection)}

    def save(self, *, connection: StoreConnection, form: forms.BaseForm | None, user: Any,
             action: str = "save") -> Saved | None:
        assert isinstance(form, EndOfDayForm)
        form.save()
        return Saved(self.saved_message())
