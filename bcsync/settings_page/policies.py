"""The Field policies section: the thirteen fields as Off / Manual / On. The four
Manual-only fields show On disabled, and the server refuses it all the same (the message is
push.policies.policy_problem's); the thirteen are saved all or nothing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ..models import MANUAL_ONLY_FIELDS, Policy, StoreConnection, SyncField
from ..push.policies import policies_for, policies_set
from .sections import Saved, SettingsSection, register

EXPLAINED = {
    Policy.OFF: "never set online: edits made in BigCommerce stay",
    Policy.MANUAL: "set when an item is uploaded by hand",
    Policy.ON: "also kept in step by the background push",
}


class PoliciesForm(forms.Form):
    """One choice per field. Every policy is a valid choice here, On included for the
    Manual-only fields: refusing it is policies_set's job, with its own message."""

    def __init__(self, *args: Any, connection: StoreConnection, **kwargs: Any) -> None:
        kwargs.setdefault("initial", policies_for(connection=connection))
        super().__init__(*args, **kwargs)
        for field in SyncField:
            self.fields[field.value] = forms.ChoiceField(
                label=field.label, choices=Policy.choices, widget=forms.RadioSelect)

    def rows(self) -> list[dict[str, Any]]:
        """What the template draws: per field, its choices with the Manual-only On
        disabled."""
        out = []
        for name in SyncField.values:
            bound = self[name]
            value = str(bound.value() or "")
            manual_only = name in MANUAL_ONLY_FIELDS
            out.append({
                "field": bound, "manual_only": manual_only,
                "choices": [{"value": policy.value, "label": policy.label,
                             "checked": value == policy.value,
                             "disabled": manual_only and policy == Policy.ON,
                             "id": f"{bound.auto_id}_{policy.value}"}
                            for policy in Policy],
            })
        return out


@register
class PoliciesSection(SettingsSection):
    key = "policies"
    title = "Field policies"
    order = 30
    template = "bcsync/settings/policies.html"
    form_class = PoliciesForm
    description = ("How much control the POS has over each field online. "
                   + "; ".join(f"{p.label}: {text}" for p, text in EXPLAINED.items()) + ".")

    def form(self, *, connection: StoreConnection, data: Any = None) -> forms.BaseForm:
        return PoliciesForm(data=data, prefix=self.key, connection=connection)

    def save(self, *, connection: StoreConnection, form: forms.BaseForm | None, user: Any,
             action: str = "save") -> Saved | None:
        assert form is not None
        try:
            policies_set(connection=connection, changes=dict(form.cleaned_data))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return None
        return Saved(self.saved_message())
