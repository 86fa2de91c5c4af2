"""The Locations section: the POS location this store sells from, and the BigCommerce
inventory location its stock is set at (one of the local copy's locations when it has them,
else a number)."""

from __future__ import annotations

from typing import Any

from django import forms

from catalog.models import Location
from localcopy.models import LcLocation

from ..models import StoreConnection
from .sections import Saved, SettingsSection, register

MAX_LOCATION_ID = 2_147_483_647  # the model's PositiveIntegerField


def bc_location_choices(connection: StoreConnection) -> list[tuple[int, str]]:
    """The store's inventory locations in the local copy, as (id, label)."""
    rows = LcLocation.objects.filter(store_hash=connection.store_hash).order_by("bc_id")
    return [(row.bc_id, f"{row.label or row.code or 'Location'} (id {row.bc_id})"
             f"{'' if row.enabled is not False else ' – disabled'}") for row in rows]


class LocationsForm(forms.Form):
    pos_location = forms.ModelChoiceField(
        label="POS location", queryset=Location.objects.order_by("code"), required=False,
        empty_label="— none —",
        help_text="The POS location whose stock this store sells (and, with Item Sync "
                  "Enforcement on, the items entitled to it).",
    )

    def __init__(self, *args: Any, connection: StoreConnection, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"pos_location": connection.pos_location_id,
                                      "bc_location_id": connection.bc_location_id})
        super().__init__(*args, **kwargs)
        choices = bc_location_choices(connection)
        if choices and connection.bc_location_id not in dict(choices):
            # Shown as it is, not silently as the first choice; saving it again is allowed.
            choices.insert(0, (connection.bc_location_id,
                               f"id {connection.bc_location_id} (not in the local copy)"))
        help_text = "The inventory location on BigCommerce that QOHs are set at."
        if choices:
            self.fields["bc_location_id"] = forms.TypedChoiceField(
                label="BigCommerce location", choices=choices, coerce=int,
                help_text=help_text)
        else:
            self.fields["bc_location_id"] = forms.IntegerField(
                label="BigCommerce location id", min_value=1, max_value=MAX_LOCATION_ID,
                help_text=f"{help_text} The local copy has no locations yet (a Full Reload "
                          "of carriers / locations lists them here); 1 is the default.")


@register
class LocationsSection(SettingsSection):
    key = "locations"
    title = "Locations"
    order = 20
    form_class = LocationsForm

    def form(self, *, connection: StoreConnection, data: Any = None) -> forms.BaseForm:
        return LocationsForm(data=data, prefix=self.key, connection=connection)

    def save(self, *, connection: StoreConnection, form: forms.BaseForm | None, user: Any,
             action: str = "save") -> Saved | None:
        assert form is not None
        connection.pos_location = form.cleaned_data["pos_location"]
        connection.bc_location_id = form.cleaned_data["bc_location_id"]
        connection.save(update_fields=["pos_location", "bc_location_id", "updated_at"])
        return Saved(self.saved_message())
