"""Multi-location stock and bundles through the background push, against the emulator over
HTTP: a stock move marks the item (and its bundle masters), the next pass sets BigCommerce's
inventory at every mapped location in batched absolute adjustments."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bcemulator.process import EmulatorProcess
from bcsync.models import ItemSync, LocationMapping, PushRequest, SyncSettings, VariantSync
from bcsync.push.background import push_pass
from bcsync.push.policies import policies_set
from bcsync.push.upload import items_upload
from catalog.models import BundleComponent, Location, StockLevel, Variant
from catalog.stock import stock_move
from tests.bcsync.pushing import endpoint_counts, linked_items, store_connection

from .emulated import bc_location_add, on_hand_online, sized_item, variant_on_hand_online

pytestmark = [pytest.mark.emulator, pytest.mark.django_db(transaction=True)]

ADJUST = "PUT /v3/inventory/adjustments/absolute"


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed=0) as emu:
        yield emu


@pytest.fixture
def shop(db) -> Location:
    return Location.objects.create(code="SHOP", name="The shop")


@pytest.fixture
def back(db) -> Location:
    return Location.objects.create(code="BACK", name="The back room")


@pytest.fixture
def connection(emulator, shop):
    emulator.reset()
    emulator.seed(0)
    emulator.faults()
    conn = store_connection(emulator, shop)
    policies_set(connection=conn, changes={"qohs": "on"})
    switches = SyncSettings.load()
    switches.web_background_push = True
    switches.save()
    return conn


def test_a_stock_move_is_pushed_at_each_mapped_location_in_one_batched_request(
        emulator, connection, shop, back):
    second = bc_location_add(emulator, "BACKROOM")
    LocationMapping.objects.create(connection=connection, pos_location=back,
                                   bc_location_id=second)
    items = linked_items(connection, emulator, 3, location=shop, stock=5)
    for item in items:
        StockLevel.objects.create(item=item, location=back, on_hand=7)
    assert PushRequest.objects.count() == 3

    emulator.reset_stats()
    summary = push_pass(connection=connection)
    assert summary.pushed == 3 and summary.failed == 0
    # Three items at the new location, nothing changed at the default one: one request.
    assert endpoint_counts(emulator) == {ADJUST: 1}
    assert [on_hand_online(emulator, i, second) for i in items] == [7, 7, 7]
    assert [on_hand_online(emulator, i, 1) for i in items] == [5, 5, 5]

    stock_move(item=items[0], location=shop, delta=-2, reason="sale", reference="T1")
    stock_move(item=items[0], location=back, delta=3, reason="adjustment", reference="R1")
    stock_move(item=items[1], location=back, delta=-7, reason="sale", reference="T2")
    assert PushRequest.objects.count() == 2  # the movements marked their items

    emulator.reset_stats()
    summary = push_pass(connection=connection)
    assert summary.pushed == 2 and summary.failed == 0
    assert endpoint_counts(emulator) == {ADJUST: 1}  # both locations, both items, batched
    assert on_hand_online(emulator, items[0], 1) == 3
    assert on_hand_online(emulator, items[0], second) == 10
    assert on_hand_online(emulator, items[1], second) == 0
    assert on_hand_online(emulator, items[2], second) == 7
    pushed = ItemSync.objects.get(item=items[0]).pushed
    assert pushed["inventory_level"] == 3 and pushed[f"inventory_level@{second}"] == 10


def test_without_mappings_the_store_location_alone_is_pushed(emulator, connection, shop):
    [item] = linked_items(connection, emulator, 1, location=shop, stock=5)
    stock_move(item=item, location=shop, delta=4, reason="adjustment")

    emulator.reset_stats()
    push_pass(connection=connection)
    assert endpoint_counts(emulator) == {ADJUST: 1}
    assert on_hand_online(emulator, item, 1) == 9
    assert set(ItemSync.objects.get(item=item).pushed) & {"inventory_level"} == {
        "inventory_level"}
    assert not [k for k in ItemSync.objects.get(item=item).pushed if "@" in k]


def test_a_bundle_master_shows_what_its_children_allow_and_zero_when_one_runs_out(
        emulator, connection, shop):
    master, child_a, child_b = linked_items(connection, emulator, 3, location=shop, stock=5)
    BundleComponent.objects.create(bundle=master, component=child_a, quantity=2)
    BundleComponent.objects.create(bundle=master, component=child_b, quantity=1)
    assert set(PushRequest.objects.values_list("item_id", flat=True)) == {master.pk}

    push_pass(connection=connection)
    assert on_hand_online(emulator, master, 1) == 2  # min(5 // 2, 5 // 1), not its own 5

    stock_move(item=child_b, location=shop, delta=-4, reason="sale")
    # The child's movement marks its master too.
    assert set(PushRequest.objects.values_list("item_id", flat=True)) == {child_b.pk,
                                                                          master.pk}
    push_pass(connection=connection)
    assert on_hand_online(emulator, master, 1) == 1
    assert on_hand_online(emulator, child_b, 1) == 1

    stock_move(item=child_b, location=shop, delta=-1, reason="sale")
    push_pass(connection=connection)
    assert on_hand_online(emulator, master, 1) == 0
    assert on_hand_online(emulator, child_a, 1) == 5


def test_with_qohs_manual_the_push_leaves_stock_and_an_upload_sends_each_location(
        emulator, connection, shop, back):
    policies_set(connection=connection, changes={"qohs": "manual"})
    second = bc_location_add(emulator, "BACKROOM")
    LocationMapping.objects.create(connection=connection, pos_location=back,
                                   bc_location_id=second)
    items = linked_items(connection, emulator, 2, location=shop, stock=5)
    StockLevel.objects.create(item=items[0], location=back, on_hand=4)
    stock_move(item=items[1], location=shop, delta=-1, reason="sale")

    emulator.reset_stats()
    push_pass(connection=connection)
    assert endpoint_counts(emulator) == {}  # Manual: not the background push's to send
    assert on_hand_online(emulator, items[0], second) == 0

    emulator.reset_stats()
    summary = items_upload(items=items, connection=connection)
    assert summary.failed == 0 and summary.counts["updated"] == 2
    assert endpoint_counts(emulator) == {ADJUST: 1}  # both items, both locations, batched
    assert on_hand_online(emulator, items[0], second) == 4
    assert on_hand_online(emulator, items[0], 1) == 5
    assert on_hand_online(emulator, items[1], 1) == 4
    assert ItemSync.objects.get(item=items[0]).pushed[f"inventory_level@{second}"] == 4

    emulator.reset_stats()
    again = items_upload(items=items, connection=connection)
    assert again.counts["unchanged"] == 2 and endpoint_counts(emulator) == {}


def test_variants_are_pushed_by_variant_id_at_each_mapped_location(emulator, connection,
                                                                    shop, back):
    second = bc_location_add(emulator, "BACKROOM")
    LocationMapping.objects.create(connection=connection, pos_location=back,
                                   bc_location_id=second)
    item, ids = sized_item(emulator, connection, shop)
    small, medium = (Variant.objects.get(sku=f"SIZED{s}") for s in "SM")
    stock_move(item=item, variant=medium, location=shop, delta=8, reason="adjustment")
    stock_move(item=item, variant=small, location=back, delta=3, reason="adjustment")

    emulator.reset_stats()
    summary = push_pass(connection=connection)

    assert summary.pushed == 1 and summary.failed == 0
    assert endpoint_counts(emulator) == {ADJUST: 1}
    assert variant_on_hand_online(emulator, ids["M"], 1) == 8
    assert variant_on_hand_online(emulator, ids["S"], second) == 3
    assert variant_on_hand_online(emulator, ids["M"], second) == 0
    assert VariantSync.objects.get(variant=small).pushed == {
        "inventory_level": 0, f"inventory_level@{second}": 3}
