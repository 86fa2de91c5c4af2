"""Named mappings in the admin: edit the rows, Save As a new name (the admin's "Save as new"),
refused with the unknown field named. Automatic is built in (shown, never stored)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join

from .imports.mappings import AUTOMATIC, AUTOMATIC_ROWS, mapping_problems
from .models import FieldMapping


class FieldMappingForm(forms.ModelForm):
    class Meta:
        model = FieldMapping
        fields = ["name", "kind", "rows"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.initial.get("rows"):
            # A new mapping starts as a copy of Automatic for Product Import; change the kind
            # and rows as needed.
            self.initial["rows"] = AUTOMATIC_ROWS[FieldMapping.Kind.PRODUCT_IMPORT]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = (data.get("name") or "").strip()
        if name.lower() == AUTOMATIC.lower():
            self.add_error("name", "Automatic is built in; save under another name.")
        if data.get("kind") and "rows" in data:
            problems = mapping_problems(kind=data["kind"], rows=data["rows"])
            if problems:
                raise ValidationError({"rows": [f"{where}: {msg}"
                                                for where, msg in problems.items()]})
        return data


@admin.register(FieldMapping)
class FieldMappingAdmin(admin.ModelAdmin):
    form = FieldMappingForm
    save_as = True
    list_display = ["name", "kind", "targets", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    readonly_fields = ["automatic_rows"]
    fields = ["name", "kind", "rows", "automatic_rows"]

    @admin.display(description="targets")
    def targets(self, obj: FieldMapping) -> str:
        return ", ".join(str(r.get("target")) for r in obj.rows if isinstance(r, dict))

    @admin.display(description="Automatic (built in), per kind")
    def automatic_rows(self, obj: FieldMapping | None) -> str:
        return format_html_join(
            "", "<p><strong>{}</strong>: <code>{}</code></p>",
            ((FieldMapping.Kind(kind).label, json.dumps(rows, ensure_ascii=False))
             for kind, rows in AUTOMATIC_ROWS.items()))
