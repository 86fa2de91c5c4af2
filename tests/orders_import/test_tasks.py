"""Where order import runs: one order's import on the realtime queue (ahead of bulk work),
the background pass on bulk, every minute by beat (each store's own interval decides)."""

from __future__ import annotations

from django.conf import settings


def test_an_orders_import_goes_to_the_realtime_queue():
    route = settings.CELERY_TASK_ROUTES["bcsync.tasks.order_import_task"]
    assert route["queue"] == settings.QUEUE_REALTIME


def test_beat_runs_the_auto_import_pass_every_minute_on_the_bulk_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["orders-auto-import"]
    assert entry["task"] == "bcsync.tasks.orders_pass_task"
    assert entry["schedule"].total_seconds() == 60
    assert settings.CELERY_TASK_ROUTES["bcsync.tasks.orders_pass_task"]["queue"] == "bulk"
