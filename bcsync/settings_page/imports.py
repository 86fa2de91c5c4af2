"""The import sections: Create Item Number Using, the defaults imported records land in, Skip
zero quantity, which named mapping each job uses; and the initial dataset with its state."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied

from catalog.models import Department, Location, UnitOfMeasure, Vendor

from ..imports.job_requests import initial_dataset_request
from ..imports.settings import InitialDatasetRefused, import_settings_for, initial_reenable
from ..models import FieldMapping, ImportSettings, StoreConnection
from .sections import Saved, SettingsSection, register

_MAPPING_FIELDS = {
    "product_mapping": FieldMapping.Kind.PRODUCT_IMPORT,
    "customer_mapping": FieldMapping.Kind.CUSTOMER_IMPORT,
    "order_mapping": FieldMapping.Kind.ORDER_IMPORT,
    "item_export_mapping": FieldMapping.Kind.ITEM_EXPORT,
}


class ImportSettingsForm(forms.ModelForm):
    class Meta:
        model = ImportSettings
        fields = ["item_number_source", "sequence_prefix", "sequence_next",
                  "default_department", "default_vendor", "default_location",
                  "default_unit_of_measure", "skip_zero_quantity", *_MAPPING_FIELDS]
        labels = {"product_mapping": "Product Import mapping",
                  "customer_mapping": "Customer Import mapping",
                  "order_mapping": "Order Import mapping",
                  "item_export_mapping": "Item Export mapping"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, kind in _MAPPING_FIELDS.items():
            field = self.fields[name]
            field.queryset = FieldMapping.objects.filter(kind=kind)  # type: ignore[attr-defined]
            field.empty_label = "Automatic"  # type: ignore[attr-defined]
        for name, model in (("default_department", Department), ("default_vendor", Vendor),
                            ("default_location", Location),
                            ("default_unit_of_measure", UnitOfMeasure)):
            self.fields[name].queryset = model.objects.all()  # type: ignore[attr-defined]

    def clean_sequence_prefix(self) -> str:
        prefix: str = self.cleaned_data.get("sequence_prefix") or ""
        if prefix and not (prefix.isascii() and prefix.isalnum()):
            raise forms.ValidationError("Letters and digits only (it starts a POS SKU).")
        return prefix


@register
class ImportSettingsSection(SettingsSection):
    key = "imports"
    title = "Import"
    order = 70
    description = ("How products imported from BigCommerce become POS items, and which "
                   "named mapping each job uses (empty: Automatic).")

    def form(self, *, connection: StoreConnection, data: Any = None) -> forms.BaseForm:
        return ImportSettingsForm(data=data, prefix=self.key,
                                  instance=import_settings_for(connection=connection))

    def save(self, *, connection: StoreConnection, form: forms.BaseForm | None, user: Any,
             action: str = "save") -> Saved | None:
        assert isinstance(form, ImportSettingsForm)
        form.save()
        return Saved("Saved the import settings.")


@register
class InitialDatasetSection(SettingsSection):
    key = "initial_dataset"
    title = "Initial dataset"
    order = 71
    template = "bcsync/settings/initial_dataset.html"
    actions = (("initial_run", "Import the initial dataset"),
               ("initial_reenable", "Enable it again"))
    description = ("Once, on a new connection: every product of the local copy with its "
                   "stock at the default location, and carriers. Afterwards only a settings "
                   "admin enables it again (logged in the sync history).")

    def extra(self, *, connection: StoreConnection, user: Any) -> dict[str, Any]:
        return {"settings": import_settings_for(connection=connection)}

    def save(self, *, connection: StoreConnection, form: forms.BaseForm | None, user: Any,
             action: str = "save") -> Saved | None:
        if action == "initial_reenable":
            try:
                initial_reenable(connection=connection, user=user)
            except PermissionDenied as exc:
                return Saved(str(exc), ok=False)
            return Saved("The initial dataset can run again.")
        try:
            job = initial_dataset_request(connection=connection, user=user)
        except InitialDatasetRefused as exc:
            return Saved(str(exc), ok=False)
        return Saved(f"The initial dataset is importing {job.total} products "
                     f"(job #{job.pk}).")
