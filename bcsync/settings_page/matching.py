"""The Matching section: how an upload of a not-linked item finds its product online."""

from __future__ import annotations

from typing import Any

from django import forms

from ..models import StoreConnection
from .sections import Saved, SettingsSection, register


class MatchingForm(forms.ModelForm):
    class Meta:
        model = StoreConnection
        fields = ("match_by",)
        widgets = {"match_by": forms.RadioSelect}


@register
class MatchingSection(SettingsSection):
    key = "matching"
    title = "Matching"
    order = 40
    form_class = MatchingForm

    def form(self, *, connection: StoreConnection, data: Any = None) -> forms.BaseForm:
        return MatchingForm(data=data, prefix=self.key,
                            instance=StoreConnection.objects.get(pk=connection.pk))

    def save(self, *, connection: StoreConnection, form: forms.BaseForm | None, user: Any,
             action: str = "save") -> Saved | None:
        assert isinstance(form, MatchingForm)
        form.instance.save(update_fields=["match_by", "updated_at"])
        return Saved(self.saved_message())
