"""Form fields of the catalog's admin pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .models import Variant

# BigCommerce's limits for an option's display name and a value's label (catalog specs).
OPTION_TEXT_MAX = 255
# Far more than any shop's variants use; it bounds what a posted form may hold.
MAX_OPTIONS = 20

Pairs = list[tuple[str, str]]


def _pairs(value: Any) -> Pairs:
    """The option values as (name, value) rows, from the stored mapping or posted rows."""
    if isinstance(value, Mapping):
        return [(str(k), str(v)) for k, v in value.items()]
    if isinstance(value, list | tuple):
        return [(str(name), str(val)) for name, val in value]
    return []


class OptionValuesWidget(forms.Widget):
    """One row of two text inputs (option name, value) per option, plus blank rows to add
    options; no JSON to type."""

    template_name = "catalog/widgets/option_values.html"
    use_fieldset = True

    class Media:
        css = {"all": ["catalog/option_values.css"]}

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        rows = _pairs(value)
        # An item's variants usually share their options, so a new variant offers two rows.
        rows += [("", "")] * max(1, 2 - len(rows))
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"]["rows"] = [
            {"number": index + 1, "name": option, "value": text,
             "name_field": f"{name}_{index}_name", "value_field": f"{name}_{index}_value",
             "name_id": f"{base_id}_{index}_name", "value_id": f"{base_id}_{index}_value"}
            for index, (option, text) in enumerate(rows[:MAX_OPTIONS + 1])
        ]
        context["widget"]["maxlength"] = OPTION_TEXT_MAX
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Pairs | None:
        if self.value_omitted_from_data(data, files, name):
            return None
        rows = []
        # One row more than allowed is read, so that too many options is an error, not a
        # silent cut; nothing past it is read at all.
        for index in range(MAX_OPTIONS + 1):
            option = data.get(f"{name}_{index}_name")
            text = data.get(f"{name}_{index}_value")
            if option is None and text is None:
                break
            rows.append((option or "", text or ""))
        return rows

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return f"{name}_0_name" not in data and f"{name}_0_value" not in data

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0_name" if id_ else id_


class OptionValuesField(forms.Field):
    """Option name → value, edited as rows and stored as the same mapping as before
    (`{"Size": "M", "Colour": "Red"}`), which `Variant.option_values` and its readers expect."""

    widget = OptionValuesWidget
    default_error_messages = {
        "no_name": "Option %(number)s has the value %(value)s but no name.",
        "no_value": "Option %(name)s has no value.",
        "twice": "Option %(name)s appears twice; give each option once.",
        "too_long": "Option %(number)s: %(part)s is %(length)s characters long; "
                    "BigCommerce takes at most %(limit)s.",
        "null": "Option %(number)s: the %(part)s contains a null character.",
        "too_many": "At most %(limit)s options per variant.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Name and value of each option, e.g. Size: M. "
                                       "Clear both to remove an option.")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Pairs:
        return _pairs(value)

    def to_python(self, value: Any) -> dict[str, str]:
        rows = _pairs(value)
        if len([row for row in rows if any(part.strip() for part in row)]) > MAX_OPTIONS:
            raise ValidationError(self.error_messages["too_many"], code="too_many",
                                  params={"limit": MAX_OPTIONS})
        options: dict[str, str] = {}
        seen: set[str] = set()
        for number, (raw_name, raw_value) in enumerate(rows, start=1):
            option, text = raw_name.strip(), raw_value.strip()
            if not option and not text:
                continue
            for part, content in (("name", option), ("value", text)):
                if "\x00" in content:
                    raise ValidationError(self.error_messages["null"], code="null",
                                          params={"number": number, "part": part})
                if len(content) > OPTION_TEXT_MAX:
                    raise ValidationError(
                        self.error_messages["too_long"], code="too_long",
                        params={"number": number, "part": part, "length": len(content),
                                "limit": OPTION_TEXT_MAX})
            if not option:
                raise ValidationError(self.error_messages["no_name"], code="no_name",
                                      params={"number": number, "value": repr(text)})
            if not text:
                raise ValidationError(self.error_messages["no_value"], code="no_value",
                                      params={"name": repr(option)})
            if option.casefold() in seen:
                raise ValidationError(self.error_messages["twice"], code="twice",
                                      params={"name": repr(option)})
            seen.add(option.casefold())
            options[option] = text
        return options

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True


class VariantForm(forms.ModelForm):
    option_values = OptionValuesField(label="Options")

    class Meta:
        model = Variant
        fields = ("item", "sku", "option_values", "price_mode", "price", "weight_mode",
                  "weight", "image_url", "barcode")
