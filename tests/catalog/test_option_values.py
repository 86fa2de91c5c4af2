"""Option values are edited as name / value rows and stored as the same mapping as before."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from catalog.forms import MAX_OPTIONS, OPTION_TEXT_MAX, VariantForm
from catalog.models import Variant
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant(item) -> Variant:
    return Variant.objects.create(item=item, sku="TEE001RM",
                                  option_values={"Size": "M", "Colour": "Red"})


def variant_data(variant: Variant, rows: list[tuple[str, str]]) -> dict[str, str]:
    data = {"item": str(variant.item_id), "sku": variant.sku, "price_mode": "inherit",
            "weight_mode": "inherit", "barcode": "", "image_url": ""}
    for index, (name, value) in enumerate(rows):
        data[f"option_values_{index}_name"] = name
        data[f"option_values_{index}_value"] = value
    return data


def test_stored_options_render_as_rows_with_a_blank_one_to_add_an_option(variant):
    html = str(VariantForm(instance=variant)["option_values"])
    assert 'name="option_values_0_name" id="id_option_values_0_name" value="Size"' in html
    assert 'name="option_values_1_value" id="id_option_values_1_value" value="Red"' in html
    assert 'aria-label="Option 3 name"' in html and 'value=""' in html
    assert "option_values_3_name" not in html
    assert "{" not in html  # no JSON to read or type


def test_rows_are_saved_as_the_mapping_catalog_models_expect(variant):
    form = VariantForm(variant_data(variant, [(" Size ", "XL"), ("Colour", "Red"), ("", ""),
                                              ("Fit", " Slim ")]), instance=variant)
    assert form.is_valid(), form.errors
    form.save()
    variant.refresh_from_db()
    assert variant.option_values == {"Size": "XL", "Colour": "Red", "Fit": "Slim"}
    # (PostgreSQL's jsonb keeps keys in an order of its own, so only the set is compared.)
    assert set(str(variant)[len("TEE001RM ("):-1].split(", ")) == {
        "Size: XL", "Colour: Red", "Fit: Slim"}


def test_clearing_a_row_removes_its_option_and_unchanged_rows_are_not_a_change(variant):
    unchanged = VariantForm(variant_data(variant, [("Size", "M"), ("Colour", "Red"), ("", "")]),
                            instance=variant)
    assert unchanged.is_valid() and not unchanged.has_changed()

    form = VariantForm(variant_data(variant, [("Size", "M"), ("", ""), ("", "")]),
                       instance=variant)
    assert form.is_valid(), form.errors
    assert form.save().option_values == {"Size": "M"}


@pytest.mark.parametrize(("rows", "message"), [
    ([("", "Red")], "Option 1 has the value 'Red' but no name."),
    ([("Size", "M"), ("Colour", " ")], "Option 'Colour' has no value."),
    ([("Size", "M"), ("size", "L")], "Option 'size' appears twice; give each option once."),
    ([("Size", "x" * (OPTION_TEXT_MAX + 1))],
     f"Option 1: value is {OPTION_TEXT_MAX + 1} characters long; BigCommerce takes at most "
     f"{OPTION_TEXT_MAX}."),
    ([("Si\x00ze", "M")], "Option 1: the name contains a null character."),
    ([(f"O{n}", "v") for n in range(MAX_OPTIONS + 5)],
     f"At most {MAX_OPTIONS} options per variant."),
])
def test_a_bad_row_is_a_clear_error_on_the_field_and_nothing_is_saved(variant, rows, message):
    form = VariantForm(variant_data(variant, rows), instance=variant)
    assert not form.is_valid()
    assert form.errors["option_values"] == [message]
    variant.refresh_from_db()
    assert variant.option_values == {"Size": "M", "Colour": "Red"}


class _Fields(HTMLParser):
    """What a browser posts from the item form: every named input, select and textarea."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            if a.get("type") in {"checkbox", "radio"}:
                if "checked" in a:
                    self.data[name] = a.get("value") or "on"
            elif a.get("type") not in {"submit", "button"}:
                self.data[name] = a.get("value") or ""
        elif tag == "select" and name and "__prefix__" not in name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data.lstrip("\n")


def test_the_item_page_shows_a_bad_option_next_to_its_variant_and_keeps_what_was_typed(
        alice, variant):
    client = client_for(alice)
    url = reverse("admin:catalog_item_change", args=[variant.item_id])
    fields = _Fields()
    fields.feed(client.get(url).content.decode())
    data = fields.data
    assert data["variants-0-option_values_0_name"] == "Size"
    data["variants-0-option_values_1_value"] = ""
    data["variants-0-option_values_2_name"] = "Fit"
    data["variants-0-option_values_2_value"] = "Slim"

    response = client.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Option &#x27;Colour&#x27; has no value." in page
    assert 'name="variants-0-option_values_2_name" id="id_variants-0-option_values_2_name" ' \
           'value="Fit"' in page
    variant.refresh_from_db()
    assert variant.option_values == {"Size": "M", "Colour": "Red"}

    data["variants-0-option_values_1_value"] = "Navy"
    assert client.post(url, data).status_code == 302
    variant.refresh_from_db()
    assert variant.option_values == {"Size": "M", "Colour": "Navy", "Fit": "Slim"}
