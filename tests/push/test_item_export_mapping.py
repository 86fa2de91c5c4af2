"""The push applies the Item Export mapping chosen in the import settings: what Preview
shows, what an upload sends and what `pushed` remembers; the emulator over HTTP."""

from __future__ import annotations

import pytest

from bcsync.imports.mappings import mapping_save_as
from bcsync.imports.settings import import_settings_for
from bcsync.models import FieldMapping, ItemSync
from bcsync.push.upload import items_preview, items_upload

from .conftest import new_item

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]

Kind = FieldMapping.Kind


def choose(connection, rows):
    mapping = mapping_save_as(kind=Kind.ITEM_EXPORT, name="Name with number", rows=rows)
    settings = import_settings_for(connection=connection)
    settings.item_export_mapping = mapping
    settings.save()


def test_an_item_export_mapping_changes_the_preview_and_the_uploaded_name(
        connection, client, api, department, vendor, store_location):
    item = new_item(department, vendor, store_location, sku="MAP001", name="Clay Pot",
                    product_number="CP-7", bin_number="A1")
    assert items_preview(items=[item], connection=connection)[0].changes["name"]["to"] \
        == "Clay Pot"
    choose(connection, [{"sources": ["name", "product_number"], "target": "name",
                         "separator": " #"}])

    preview = items_preview(items=[item], connection=connection)[0]
    assert preview.changes["name"]["to"] == "Clay Pot #CP-7"
    summary = items_upload(items=[item], connection=connection, client=client)

    assert summary.counts["created"] == 1
    sync = ItemSync.objects.get(item=item)
    product = api.product(sync.bc_product_id)
    assert product["name"] == "Clay Pot #CP-7"
    assert product["bin_picking_number"] == "A1"  # not named by the mapping: Automatic's
    assert sync.pushed["name"] == "Clay Pot #CP-7"  # what a later diff is taken against
    again = items_upload(items=[item], connection=connection, client=client)
    assert (again.requests, again.counts["unchanged"]) == (0, 1)

