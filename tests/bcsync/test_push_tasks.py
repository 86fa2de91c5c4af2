"""The background push as the workers run it: an edit with the Web switch on is pushed by a
pass the edit itself sends (seconds later, not at beat's next minute), on the bulk queue;
beat runs the pass every minute."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.conf import settings

from bcemulator.process import EmulatorProcess
from bcsync.models import PushRequest, SyncSettings
from bcsync.push.policies import policies_set
from catalog.models import Location
from tests.workers import wait_for

from .pushing import linked_items, online, store_connection

pytestmark = [pytest.mark.emulator, pytest.mark.worker,
              pytest.mark.django_db(transaction=True)]


@pytest.fixture
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed=0) as emu:
        yield emu


def test_beat_runs_the_pass_every_minute_on_the_bulk_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["push-pass"]
    assert entry["task"] == "bcsync.tasks.push_pass_task"
    assert entry["schedule"].total_seconds() == 60
    assert settings.CELERY_TASK_ROUTES["bcsync.tasks.push_pass_task"]["queue"] == "bulk"


def test_an_edit_sends_a_pass_that_pushes_it(emulator, worker):
    location = Location.objects.create(code="SHOP", name="The shop")
    connection = store_connection(emulator, location)
    policies_set(connection=connection, changes={"prices": "on"})
    [item] = linked_items(connection, emulator, 1, location=location)
    switches = SyncSettings.load()
    switches.web_background_push = True
    switches.save()

    item.price = Decimal("23.45")
    item.save()

    wait_for(lambda: not PushRequest.objects.exists(), "the edit's own pass to push it",
             seconds=30)
    assert online(emulator, item)["price"] == 23.45
