"""`make run`'s demo connection gets the demo shop's location and category mapping."""

from __future__ import annotations

import pytest

from bcsync.devstack import DEMO_STORE_HASH, demo_connection_ensure
from bcsync.models import DepartmentCategory, StoreConnection
from catalog.demo import demo_catalog_load
from catalog.models import Department
from demo.catalog import DEPARTMENTS, store_category_id

pytestmark = pytest.mark.django_db

EMULATOR = "http://127.0.0.1:8765"


def mapping(connection: StoreConnection) -> dict[str, list[int]]:
    return {m.department.name: m.bc_category_ids
            for m in DepartmentCategory.objects.filter(connection=connection)}


def test_it_sells_from_the_store_and_maps_departments_to_their_categories():
    demo_catalog_load()
    connection = demo_connection_ensure(emulator_url=EMULATOR)
    assert connection is not None and connection.store_hash == DEMO_STORE_HASH
    assert connection.pos_location is not None and connection.pos_location.code == "STORE1"
    assert connection.bc_location_id == 1
    assert mapping(connection) == {d: [store_category_id(d)] for d in DEPARTMENTS}
    again = demo_connection_ensure(emulator_url=EMULATOR)
    assert again == connection and DepartmentCategory.objects.count() == len(DEPARTMENTS)


def test_settings_someone_chose_are_kept():
    demo_catalog_load()
    connection = demo_connection_ensure(emulator_url=EMULATOR)
    assert connection is not None
    DepartmentCategory.objects.filter(connection=connection).delete()
    DepartmentCategory.objects.create(connection=connection,
                                      department=Department.objects.get(name="Home"),
                                      bc_category_ids=[12])
    StoreConnection.objects.filter(pk=connection.pk).update(pos_location=None)
    demo_connection_ensure(emulator_url=EMULATOR)
    assert mapping(connection) == {"Home": [12]}
    assert StoreConnection.objects.get(pk=connection.pk).pos_location is None
