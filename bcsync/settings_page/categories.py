"""The Department → category section: the BigCommerce categories a new product of each POS
department is created in, chosen from the local copy's categories by their path (or typed as
ids while the local copy has none). An unknown id is refused naming the department."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction

from catalog.models import Department
from localcopy.models import LcCategory

from ..models import DepartmentCategory, StoreConnection
from .sections import Saved, SettingsSection, register

MAX_CATEGORIES = 20  # per department; BigCommerce takes more, nobody picks more by hand
MAX_CATEGORY_ID = 2_147_483_647
MAX_DEPARTMENTS = 500  # beyond this the section would be unusable; the rest keep theirs


def category_paths(connection: StoreConnection) -> dict[int, str]:
    """The store's categories in the local copy, id → "Parent › Child" path."""
    rows = {bc_id: (name, parent) for bc_id, name, parent in
            LcCategory.objects.filter(store_hash=connection.store_hash)
            .values_list("bc_id", "name", "parent_bc_id")}
    paths: dict[int, str] = {}
    for bc_id in rows:
        names, seen = [], set()
        at: int | None = bc_id
        while at in rows and at not in seen:  # a cycle in bad data ends the walk
            seen.add(at)
            name, parent = rows[at]
            names.append(name)
            at = parent
        paths[bc_id] = " › ".join(reversed(names))
    return dict(sorted(paths.items(), key=lambda pair: pair[1].lower()))


class CategoryIdsField(forms.Field):
    """Category ids for one department: chosen in a list, or typed "12, 34". Bounded in
    count and size; `known` (the local copy's ids), when given, must hold each one."""

    def __init__(self, *, department: str, known: dict[int, str], **kwargs: Any) -> None:
        self.department = department
        self.known = known
        if known:
            widget: forms.Widget = forms.SelectMultiple(choices=list(known.items()),
                                                        attrs={"size": 4})
        else:
            widget = forms.TextInput(attrs={"maxlength": 300, "inputmode": "numeric",
                                            "placeholder": "e.g. 23, 41"})
        super().__init__(required=False, widget=widget, **kwargs)

    def to_python(self, value: Any) -> list[int]:
        if value in (None, "", []):
            return []
        parts = value if isinstance(value, list) else str(value)[:2000].replace(",", " ").split()
        if len(parts) > MAX_CATEGORIES:
            raise forms.ValidationError(
                f"{self.department}: at most {MAX_CATEGORIES} categories.")
        ids: list[int] = []
        for part in parts:
            text = str(part).strip()[:20]
            if not text.isdigit() or not 0 < int(text) <= MAX_CATEGORY_ID:
                raise forms.ValidationError(
                    f"{self.department}: {text!r} is not a BigCommerce category id.")
            if int(text) not in ids:
                ids.append(int(text))
        return ids

    def validate(self, value: list[int]) -> None:
        unknown = [bc_id for bc_id in value if self.known and bc_id not in self.known]
        if unknown:
            raise forms.ValidationError(
                f"{self.department}: unknown BigCommerce category id "
                f"{', '.join(map(str, unknown))} (not in the local copy's categories).")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list) and not self.known:
            return ", ".join(map(str, value))
        return value


class CategoriesForm(forms.Form):
    def __init__(self, *args: Any, connection: StoreConnection, **kwargs: Any) -> None:
        known = category_paths(connection)
        chosen = dict(DepartmentCategory.objects.filter(connection=connection)
                      .values_list("department_id", "bc_category_ids"))
        departments = list(Department.objects.order_by("name")[:MAX_DEPARTMENTS + 1])
        self.truncated = len(departments) > MAX_DEPARTMENTS
        departments = departments[:MAX_DEPARTMENTS]
        kwargs.setdefault("initial", {f"d{d.pk}": chosen.get(d.pk, []) for d in departments})
        super().__init__(*args, **kwargs)
        self.departments = {f"d{d.pk}": d for d in departments}
        self.has_categories = bool(known)
        for name, department in self.departments.items():
            self.fields[name] = CategoryIdsField(department=department.name, known=known,
                                                 label=department.name)


@register
class CategoriesSection(SettingsSection):
    key = "categories"
    title = "Department → category mapping"
    order = 50
    template = "bcsync/settings/categories.html"
    form_class = CategoriesForm
    description = ("The BigCommerce categories a new product of each department is created "
                   "in, unless categories are chosen for the item.")

    def form(self, *, connection: StoreConnection, data: Any = None) -> forms.BaseForm:
        return CategoriesForm(data=data, prefix=self.key, connection=connection)

    @transaction.atomic
    def save(self, *, connection: StoreConnection, form: forms.BaseForm | None, user: Any,
             action: str = "save") -> Saved | None:
        assert isinstance(form, CategoriesForm)
        for name, department in form.departments.items():
            ids = form.cleaned_data.get(name, [])
            if ids:
                DepartmentCategory.objects.update_or_create(
                    connection=connection, department=department,
                    defaults={"bc_category_ids": ids})
            else:
                DepartmentCategory.objects.filter(connection=connection,
                                                  department=department).delete()
        return Saved(self.saved_message())
