"""Named mappings: Automatic per kind, Save As, refusal naming the unknown field, combine
targets applied by the product import."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bcsync.imports.mappings import (
    AUTOMATIC_ROWS,
    mapping_apply,
    mapping_problems,
    mapping_rows,
    mapping_save_as,
)
from bcsync.imports.products import products_import
from bcsync.imports.settings import import_settings_for
from bcsync.models import FieldMapping
from catalog.models import Item

from .conftest import product_post

Kind = FieldMapping.Kind


def test_every_kind_has_a_valid_automatic_mapping():
    for kind in Kind.values:
        assert mapping_problems(kind=kind, rows=AUTOMATIC_ROWS[kind]) == {}
        assert mapping_rows(mapping=None, kind=kind) == AUTOMATIC_ROWS[kind]


def test_combine_joins_the_non_empty_sources():
    rows = AUTOMATIC_ROWS[Kind.CUSTOMER_IMPORT]
    out = mapping_apply(rows, {"first_name": "Zoë", "last_name": "Müller", "company": ""})
    assert out["name"] == "Zoë Müller" and out["company"] == ""
    assert mapping_apply(rows, {"first_name": "", "last_name": "Solo"})["name"] == "Solo"


@pytest.mark.django_db
def test_save_as_and_refusals_name_the_field(carol):
    rows = [{"sources": ["first_name", "last_name"], "target": "name", "separator": ", "}]
    saved = mapping_save_as(kind=Kind.CUSTOMER_IMPORT, name="Surname first", rows=rows,
                            user=carol)
    assert saved.pk and saved.created_by == carol
    with pytest.raises(ValidationError) as taken:
        mapping_save_as(kind=Kind.CUSTOMER_IMPORT, name="Surname first", rows=rows)
    assert "already exists" in str(taken.value.message_dict["name"])
    with pytest.raises(ValidationError) as auto:
        mapping_save_as(kind=Kind.CUSTOMER_IMPORT, name="automatic", rows=rows)
    assert "built in" in str(auto.value.message_dict["name"])
    bad = [{"sources": ["first_name", "middle_name"], "target": "nickname"}]
    with pytest.raises(ValidationError) as unknown:
        mapping_save_as(kind=Kind.CUSTOMER_IMPORT, name="Bad", rows=bad)
    errors = unknown.value.message_dict
    assert "'middle_name'" in errors["rows[0].sources"][0]
    assert "'nickname'" in errors["rows[0].target"][0]
    assert not FieldMapping.objects.filter(name="Bad").exists()


@pytest.mark.django_db
def test_the_product_import_applies_the_chosen_mapping(connection, lc, api):
    p = product_post(api, name="Mapped Mug", sku="MAP1", description="<p>Blue</p>",
                     search_keywords="mug, blue", warranty="2 years")
    lc()
    mapping = mapping_save_as(kind=Kind.PRODUCT_IMPORT, name="Long description", rows=[
        {"sources": ["name"], "target": "name"},
        {"sources": ["description", "warranty", "search_keywords"], "target": "description",
         "separator": " | "}])
    settings = import_settings_for(connection=connection)
    settings.product_mapping = mapping
    settings.save()
    report = products_import(connection=connection, bc_product_ids=[p["id"]])
    assert report.counts == {"created": 1}, report.line()
    item = Item.objects.get(pk=report.results[0].item_id)
    assert item.description == "<p>Blue</p> | 2 years | mug, blue"
    assert item.upc == ""  # not in this mapping
