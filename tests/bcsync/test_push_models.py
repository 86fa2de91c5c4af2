"""The database keeps push's records honest, whatever code writes them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from bcsync.models import (
    MANUAL_ONLY_FIELDS,
    FieldPolicy,
    ItemSync,
    Notification,
    Policy,
    PushRequest,
    StoreConnection,
    SyncField,
)


@pytest.fixture
def connection(db) -> StoreConnection:
    return StoreConnection.objects.create(description="Shop", store_hash="abc123",
                                          api_url="http://127.0.0.1:9", access_token="tok")


def refused(**fields) -> bool:
    try:
        with transaction.atomic():
            FieldPolicy.objects.create(**fields)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize("field", sorted(MANUAL_ONLY_FIELDS))
def test_it_refuses_on_for_the_four_manual_only_fields(connection, field):
    assert refused(connection=connection, field=field, policy=Policy.ON)
    assert not refused(connection=connection, field=field, policy=Policy.MANUAL)


def test_it_accepts_on_for_the_nine_other_fields(connection):
    others = [f for f in SyncField.values if f not in MANUAL_ONLY_FIELDS]
    assert len(others) == 9
    for field in others:
        assert not refused(connection=connection, field=field, policy=Policy.ON)


def test_it_refuses_unknown_fields_and_policies_and_a_second_row(connection):
    assert refused(connection=connection, field="colour", policy=Policy.ON)
    assert refused(connection=connection, field=SyncField.NAMES, policy="sometimes")
    FieldPolicy.objects.create(connection=connection, field=SyncField.NAMES)
    assert refused(connection=connection, field=SyncField.NAMES, policy=Policy.OFF)


def test_a_product_is_linked_to_one_item_per_store_and_says_how(connection, item, department,
                                                                 vendor):
    from catalog.models import Item

    other = Item.objects.create(sku="OTHER1", name="Other", department=department,
                                vendor=vendor)
    ItemSync.objects.create(connection=connection, item=item, bc_product_id=77,
                            linked_by=ItemSync.LinkedBy.SKU, linked_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemSync.objects.create(connection=connection, item=other, bc_product_id=77,
                                linked_by=ItemSync.LinkedBy.SKU)
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemSync.objects.create(connection=connection, item=other, bc_product_id=78)
    # Not linked: any number of items may have no product.
    ItemSync.objects.create(connection=connection, item=other)
    assert not ItemSync.objects.get(item=other).is_linked


def test_one_push_request_per_item_and_one_unread_notification_per_key(connection, item):
    now = timezone.now()
    PushRequest.objects.create(connection=connection, item=item, requested_at=now,
                               next_attempt_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        PushRequest.objects.create(connection=connection, item=item, requested_at=now,
                                   next_attempt_at=now)
    note = dict(kind=Notification.Kind.ERROR, title="Push failed", key="push:1",
                created_at=now, updated_at=now)
    first = Notification.objects.create(**note)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(**note)
    first.read_at = now
    first.save()
    Notification.objects.create(**note)  # read: the same problem may be raised again


def test_policies_default_to_manual_and_set_all_or_nothing(connection):
    from django.core.exceptions import ValidationError

    from bcsync.push.policies import fields_with, policies_for, policies_set

    assert set(policies_for(connection=connection).values()) == {Policy.MANUAL}
    after = policies_set(connection=connection, changes={"prices": "on", "names": "off"})
    assert after["prices"] == "on" and after["names"] == "off" and after["upcs"] == "manual"
    assert fields_with(after, {"on"}) == {"prices"}

    with pytest.raises(ValidationError) as refused_:
        policies_set(connection=connection, changes={"upcs": "on", "skus": "on"})
    assert "SKUs can be Off or Manual only" in str(refused_.value.message_dict["skus"])
    # Nothing of the refused call was kept, not even its valid part.
    assert policies_for(connection=connection)["upcs"] == "manual"
