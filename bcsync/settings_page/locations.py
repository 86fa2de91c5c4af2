"""The Locations section: the POS location this store sells from, and the BigCommerce
inventory location its stock is set at (one of the local copy's locations when it has them,
else a number): the store's default pair. The Additional locations section maps more POS
locations to more BigCommerce locations (`LocationMapping`, see `inventory.locations`); a
POS location or a BigCommerce location is used by one pair at most."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import IntegrityError, transaction

from catalog.models import Location
from localcopy.models import LcLocation

from ..inventory.locations import location_memory_forget
from ..models import LocationMapping, StoreConnection
from ..push.outbox import outbox_mark_store
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
        self.connection = connection

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mappings = LocationMapping.objects.filter(connection=self.connection)
        pos, bc_id = data.get("pos_location"), data.get("bc_location_id")
        if pos is not None and mappings.filter(pos_location=pos).exists():
            self.add_error("pos_location", f"POS location {pos.code} is already mapped under "
                                           "Additional locations; remove it there first.")
        if bc_id is not None and mappings.filter(bc_location_id=bc_id).exists():
            self.add_error("bc_location_id", f"BigCommerce location {bc_id} is already mapped "
                                             "under Additional locations; remove it there "
                                             "first.")
        return data


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


def _mapping_label(row: LocationMapping) -> str:
    return f"{row.pos_location.code} – {row.pos_location.name} → BigCommerce location " \
           f"{row.bc_location_id}"


class LocationMappingsForm(forms.Form):
    """Add one pair and/or remove some, in one save."""

    add_pos_location = forms.ModelChoiceField(
        label="Add: POS location", queryset=Location.objects.order_by("code"), required=False,
        empty_label="— none —")

    def __init__(self, *args: Any, connection: StoreConnection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connection = connection
        choices = bc_location_choices(connection)
        if choices:
            self.fields["add_bc_location_id"] = forms.TypedChoiceField(
                label="Add: BigCommerce location", choices=[("", "— none —"), *choices],
                coerce=int, required=False, empty_value=None)
        else:
            self.fields["add_bc_location_id"] = forms.IntegerField(
                label="Add: BigCommerce location id", min_value=1, max_value=MAX_LOCATION_ID,
                required=False)
        rows = (LocationMapping.objects.filter(connection=connection)
                .select_related("pos_location").order_by("bc_location_id"))
        self.fields["remove"] = forms.TypedMultipleChoiceField(
            label="Mapped now (tick to remove)", required=False, coerce=int,
            choices=[(row.pk, _mapping_label(row)) for row in rows],
            widget=forms.CheckboxSelectMultiple,
            help_text="" if rows else "No additional location yet: only the pair above is "
                                      "pushed.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        pos, bc_id = data.get("add_pos_location"), data.get("add_bc_location_id")
        if (pos is None) != (bc_id is None):
            raise forms.ValidationError("To add a pair, choose both a POS location and a "
                                        "BigCommerce location.")
        if pos is None or bc_id is None:
            return data
        removed = set(data.get("remove") or [])
        others = LocationMapping.objects.filter(connection=self.connection).exclude(
            pk__in=removed)
        if pos.pk == self.connection.pos_location_id or others.filter(
                pos_location=pos).exists():
            self.add_error("add_pos_location", f"POS location {pos.code} is already mapped "
                                               "for this store.")
        if bc_id == self.connection.bc_location_id or others.filter(
                bc_location_id=bc_id).exists():
            self.add_error("add_bc_location_id", f"BigCommerce location {bc_id} is already "
                                                 "mapped for this store.")
        return data


@register
class LocationMappingsSection(SettingsSection):
    key = "location_mappings"
    title = "Additional locations"
    order = 21
    form_class = LocationMappingsForm
    description = ("More POS locations whose stock is set at more BigCommerce inventory "
                   "locations, besides the pair above. With QOHs On they are pushed with every "
                   "stock change; End of Day sends each.")

    def form(self, *, connection: StoreConnection, data: Any = None) -> forms.BaseForm:
        return LocationMappingsForm(data=data, prefix=self.key, connection=connection)

    def save(self, *, connection: StoreConnection, form: forms.BaseForm | None, user: Any,
             action: str = "save") -> Saved | None:
        assert form is not None
        data = form.cleaned_data
        try:
            with transaction.atomic():
                removed = LocationMapping.objects.filter(connection=connection,
                                                         pk__in=data.get("remove") or [])
                for bc_location_id in removed.values_list("bc_location_id", flat=True):
                    location_memory_forget(connection=connection,
                                           bc_location_id=bc_location_id)
                removed.delete()
                if data.get("add_pos_location") is not None:
                    LocationMapping.objects.create(
                        connection=connection, pos_location=data["add_pos_location"],
                        bc_location_id=data["add_bc_location_id"])
        except IntegrityError:  # the same pair saved at once from another page
            form.add_error(None, "That location was mapped meanwhile; reload the page.")
            return None
        # A new pair's stock is due at once: mark the store's items for the next push.
        if data.get("add_pos_location") is not None:
            outbox_mark_store(connection_id=connection.pk)
        return Saved(self.saved_message())
