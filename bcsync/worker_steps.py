"""Bootsteps every bcsync worker runs (Celery's extension points, added in settings/celery.py).

Imported by the Celery app before Django is set up: Django-side imports stay inside methods.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import bootsteps

logger = logging.getLogger(__name__)


class ReadyHeartbeat(bootsteps.StartStopStep):
    """A heartbeat as soon as the worker consumes tasks (and again after each reconnect to the
    broker), so staff do not see "0 worker heartbeats" until beat's first scheduled one.

    A consumer step rather than the `worker_ready` signal: that signal is sent by the
    `celery worker` command only, while this step runs in every worker, embedded ones too.
    """

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, parent: Any) -> None:
        from django.db import DatabaseError, connection

        from .heartbeat import heartbeat_record

        try:
            heartbeat_record(name="worker")
        except DatabaseError as exc:
            # The worker is still useful: its tasks report their own database errors.
            logger.warning("The worker could not record its start heartbeat: %s", exc)
        finally:
            # The main process rarely touches the database; hold no connection open for it.
            connection.close()
