"""The background pass applies the chosen Item Export mapping: the mapped name is what it
compares with ItemSync.pushed, sends and remembers; the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from bcemulator.process import EmulatorProcess
from bcsync.imports.mappings import mapping_save_as
from bcsync.imports.settings import import_settings_for
from bcsync.models import FieldMapping, ItemSync, PushRequest
from bcsync.push.background import push_pass
from bcsync.push.outbox import outbox_mark
from bcsync.push.policies import policies_set
from catalog.models import Location

from .pushing import linked_items, online, store_connection

pytestmark = [pytest.mark.emulator, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed=0) as emu:
        yield emu


def test_the_pass_sends_and_remembers_the_mapped_name(emulator, db):
    location = Location.objects.create(code="SHOP", name="The shop")
    connection = store_connection(emulator, location)
    policies_set(connection=connection, changes={"names": "on", "prices": "on"})
    [item] = linked_items(connection, emulator, 1, location=location)
    settings = import_settings_for(connection=connection)
    settings.item_export_mapping = mapping_save_as(
        kind=FieldMapping.Kind.ITEM_EXPORT, name="Name and SKU",
        rows=[{"sources": ["name", "sku"], "target": "name", "separator": " / "}])
    settings.save()
    item.price = Decimal("11.00")
    item.save()

    summary = push_pass(connection=connection, force=True)

    assert summary.pushed == 1 and summary.failed == 0
    assert online(emulator, item)["name"] == "Pushed thing PUSH 0 / PUSH0000"
    assert ItemSync.objects.get(item=item).pushed["name"] == "Pushed thing PUSH 0 / PUSH0000"
    outbox_mark(item_ids=[item.pk])  # marked again, but the mapped name is as pushed
    assert PushRequest.objects.filter(item=item).exists()
    again = push_pass(connection=connection, force=True)
    assert again.requests == 0 and again.failed == 0
