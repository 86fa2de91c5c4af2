"""A real task through a real worker and the configured broker: the embedded filesystem
broker by default, Redis when CELERY_BROKER_URL / REDIS_URL point at it (as in CI)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from bcsync.models import WorkerHeartbeat
from bcsync.tasks import record_heartbeat
from settings.celery import app


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_runs_through_a_real_worker(worker):
    name = f"worker-{worker['realtime']}"
    record_heartbeat.delay(name=name)
    record_heartbeat.delay(name=name)
    deadline = time.monotonic() + 30
    beat = None
    while time.monotonic() < deadline:
        beat = WorkerHeartbeat.objects.filter(name=name, beats=2).first()
        if beat:
            break
        time.sleep(0.2)
    assert beat is not None, f"no heartbeat from the worker via {settings.CELERY_BROKER_URL}"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_records_a_heartbeat_as_soon_as_it_is_ready(worker):
    # No task was sent and beat is not running: the worker itself says it is alive, so the
    # admin does not show "0 worker heartbeats" for the first HEARTBEAT_MINUTES.
    beat = WorkerHeartbeat.objects.filter(name="worker").first()
    assert beat is not None, "no heartbeat when the worker became ready"
    assert timezone.now() - beat.last_seen < timedelta(minutes=1)


def test_the_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
