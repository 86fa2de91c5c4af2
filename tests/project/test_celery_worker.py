"""A real task through a real worker and the configured broker: the embedded filesystem
broker by default, Redis when CELERY_BROKER_URL / REDIS_URL point at it (as in CI)."""

from __future__ import annotations

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from bcsync.models import WorkerHeartbeat
from bcsync.tasks import record_heartbeat
from settings.celery import app


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_runs_through_a_real_worker():
    # A queue of its own, so tasks left in a shared broker by `make run` cannot interfere.
    queue = f"test-{uuid.uuid4().hex[:8]}"
    name = f"worker-{queue}"
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue],
                      shutdown_timeout=30):
        record_heartbeat.apply_async(kwargs={"name": name}, queue=queue)
        record_heartbeat.apply_async(kwargs={"name": name}, queue=queue)
        deadline = time.monotonic() + 30
        beat = None
        while time.monotonic() < deadline:
            beat = WorkerHeartbeat.objects.filter(name=name, beats=2).first()
            if beat:
                break
            time.sleep(0.2)
    assert beat is not None, f"no heartbeat from the worker via {settings.CELERY_BROKER_URL}"


def test_the_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
