"""Marking the outbox: every path that saves a POS item or one of its parts marks a linked
item once its transaction commits, one request per store and item however many edits; bulk
paths mark explicitly; claims are exclusive, and stale ones are taken over."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection as db_connection
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bcsync.models import ItemSync, PushRequest, StoreConnection
from bcsync.push.outbox import outbox_mark, outbox_mark_store
from bcsync.push.outbox_claims import (
    claim_stale_after,
    requests_claim,
    requests_done,
    requests_still_mine,
)
from bcsync.push.policies import policies_set
from catalog.models import (
    CustomFieldDefinition,
    CustomFieldValue,
    Item,
    Location,
    StockLevel,
    Variant,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def connection(db) -> StoreConnection:
    return StoreConnection.objects.create(description="Shop", store_hash="abc123",
                                          api_url="http://127.0.0.1:9", access_token="tok")


@pytest.fixture
def linked(item, connection) -> Item:
    ItemSync.objects.create(connection=connection, item=item, bc_product_id=77,
                            linked_by=ItemSync.LinkedBy.SKU, linked_at=timezone.now())
    PushRequest.objects.all().delete()
    return item


def marked() -> list[int]:
    return sorted(PushRequest.objects.values_list("item_id", flat=True))


def test_an_edit_marks_a_linked_item_once_it_commits(linked, connection):
    with transaction.atomic():
        linked.price = Decimal("5.00")
        linked.save()
        assert marked() == []  # not before the commit
    [request] = PushRequest.objects.all()
    assert (request.item_id, request.connection_id) == (linked.pk, connection.pk)
    assert request.attempts == 0 and request.claim_token == ""
    assert request.next_attempt_at <= timezone.now()


def test_a_rolled_back_edit_marks_nothing(linked):
    with pytest.raises(RuntimeError), transaction.atomic():
        linked.price = Decimal("5.00")
        linked.save()
        raise RuntimeError("the edit fails")
    assert marked() == []


def test_a_savepoint_rolled_back_loses_only_its_own_marks(linked, department, vendor,
                                                          connection):
    other = Item.objects.create(sku="OTHER1", name="Other", department=department,
                                vendor=vendor)
    ItemSync.objects.create(connection=connection, item=other, bc_product_id=78,
                            linked_by=ItemSync.LinkedBy.SKU, linked_at=timezone.now())
    with transaction.atomic():
        linked.save()
        try:
            with transaction.atomic():
                other.save()
                raise RuntimeError
        except RuntimeError:
            pass
    assert marked() == [linked.pk]


def test_many_edits_in_one_transaction_make_one_request(linked, store_location):
    with CaptureQueriesContext(db_connection) as queries, transaction.atomic():
        for price in range(1, 30):
            linked.price = Decimal(price)
            linked.save()
            level = StockLevel.objects.get(item=linked, location=store_location)
            level.on_hand = price
            level.save()
    assert marked() == [linked.pk]
    writes = [q for q in queries.captured_queries if "INSERT INTO" in q["sql"]
              and "pushrequest" in q["sql"]]
    assert len(writes) == 1  # one upsert at commit, not one per save
    first = PushRequest.objects.get().requested_at
    linked.save()  # a later edit moves the request's time, still one row
    assert PushRequest.objects.get().requested_at > first


def test_an_item_not_linked_or_of_a_switched_off_store_is_not_marked(item, linked,
                                                                      connection, department,
                                                                      vendor):
    loose = Item.objects.create(sku="LOOSE1", name="Not linked", department=department,
                                vendor=vendor)
    ItemSync.objects.create(connection=connection, item=loose)  # a record, no product
    loose.save()
    assert marked() == []
    connection.is_active = False
    connection.save()
    linked.save()
    assert marked() == []


def test_stock_variants_custom_fields_and_locations_mark_the_item(linked, store_location):
    def check(change) -> None:
        PushRequest.objects.all().delete()
        change()
        assert marked() == [linked.pk], change.__name__

    level = StockLevel.objects.get(item=linked)

    def stock_moves() -> None:
        level.on_hand -= 1
        level.save()

    variant = Variant(item=linked, sku="TEE001M", option_values={"Size": "M"})

    def variant_added() -> None:
        variant.save()

    def variant_stock() -> None:
        StockLevel.objects.create(item=linked, variant=variant, location=store_location,
                                  on_hand=2)

    def variant_deleted() -> None:
        Variant.objects.get(pk=variant.pk).delete()

    definition = CustomFieldDefinition.objects.create(name="Material")

    def custom_value() -> None:
        CustomFieldValue.objects.create(item=linked, definition=definition, value="Cotton")

    warehouse = Location.objects.create(code="WH", name="Warehouse")

    def entitled() -> None:
        linked.locations.add(warehouse)

    def entitled_from_the_location_side() -> None:
        warehouse.entitled_items.remove(linked)

    def location_cleared() -> None:
        warehouse.entitled_items.add(linked)
        PushRequest.objects.all().delete()
        warehouse.entitled_items.clear()

    for change in (stock_moves, variant_added, variant_stock, variant_deleted, custom_value,
                   entitled, entitled_from_the_location_side, location_cleared):
        check(change)


def test_bulk_paths_mark_only_when_they_say_so(linked):
    Item.objects.filter(pk=linked.pk).update(price=Decimal("1.00"))
    assert marked() == []  # QuerySet.update() sends no signal ...
    with transaction.atomic():
        Item.objects.filter(pk=linked.pk).update(price=Decimal("2.00"))
        outbox_mark(item_ids=[linked.pk])  # ... so a bulk path marks what it changed
    assert marked() == [linked.pk]


def test_a_whole_store_can_be_marked(linked, connection):
    assert outbox_mark_store(connection_id=connection.pk) == 1
    assert marked() == [linked.pk]


def test_a_claim_is_exclusive_and_a_stale_one_is_taken_over(linked, connection):
    linked.save()
    now = timezone.now()
    mine = requests_claim(connection_id=connection.pk, token="a", limit=10, due_by=now)
    assert [r.item_id for r in mine] == [linked.pk]
    assert requests_claim(connection_id=connection.pk, token="b", limit=10, due_by=now) == []

    later = now + claim_stale_after() + timedelta(seconds=1)
    taken = requests_claim(connection_id=connection.pk, token="c", limit=10, due_by=later,
                           now=later)
    assert [r.item_id for r in taken] == [linked.pk]
    # The dead pass's results are not recorded: the request is no longer its own.
    with transaction.atomic():
        assert requests_still_mine(mine, token="a") == {}


def test_an_edit_during_the_push_keeps_the_request_for_the_next_pass(linked, connection):
    linked.save()
    [claimed] = requests_claim(connection_id=connection.pk, token="a", limit=10,
                               due_by=timezone.now())
    linked.save()  # edited while the pass is pushing the values it read before
    with transaction.atomic():
        current = requests_still_mine([claimed], token="a")
        assert requests_done([claimed], current=current) == (0, 1)
    request = PushRequest.objects.get()
    assert request.claim_token == "" and request.next_attempt_at <= timezone.now()


def test_a_field_turned_on_marks_every_linked_item(linked, connection):
    policies_set(connection=connection, changes={"names": "manual"})
    assert marked() == []  # nothing new for the background push
    policies_set(connection=connection, changes={"names": "on", "prices": "off"})
    assert marked() == [linked.pk]
    PushRequest.objects.all().delete()
    policies_set(connection=connection, changes={"names": "on"})  # already On
    assert marked() == []
