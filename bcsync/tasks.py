"""Celery tasks: thin wrappers that take ids, call one service and decide whether to retry.

Transient BigCommerce errors (timeouts, 429 and 5xx after the client's own retries) are
retried with a growing delay; anything else is final and already recorded by the service
(LcStatus.last_error, LcRun.error) for the panel to show.
"""

from __future__ import annotations

from typing import NoReturn

from celery import Task, shared_task

from .client import BigCommerceError
from .heartbeat import heartbeat_record
from .lc import (
    PassFailedTransiently,
    ReloadWaiting,
    lc_reconcile_all,
    lc_refresh_run,
    lc_reload_run,
    lc_sync_all,
)
from .webhooks import webhooks_register_run

MINUTE = 60
# How often a full reload looks again while an incremental pass holds its dataset.
WAIT_FOR_PASS_SECONDS = 15


def _retry_or_raise(task: Task, exc: Exception) -> NoReturn:
    transient = isinstance(exc, PassFailedTransiently) or getattr(exc, "transient", False)
    if transient and task.request.retries < task.max_retries:
        # 30 s, 1 min, 2 min, 4 min ... capped at 10 min.
        countdown = min(10 * MINUTE, 30 * 2 ** task.request.retries)
        raise task.retry(exc=exc, countdown=countdown)
    raise exc


@shared_task(name="bcsync.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat(name: str = "worker") -> int:
    return heartbeat_record(name=name).beats


@shared_task(bind=True, name="bcsync.tasks.lc_reload_task", ignore_result=True,
             max_retries=5, soft_time_limit=2 * 60 * MINUTE, time_limit=2 * 60 * MINUTE + 300)
def lc_reload_task(self: Task, connection_id: int, dataset: str) -> str:
    try:
        summary = lc_reload_run(connection_id=connection_id, dataset=dataset)
    except ReloadWaiting as exc:
        # Incremental passes take seconds to minutes; wait for this one for up to an hour.
        raise self.retry(exc=exc, countdown=WAIT_FOR_PASS_SECONDS, max_retries=240) from exc
    except (BigCommerceError, PassFailedTransiently) as exc:
        _retry_or_raise(self, exc)
    return summary.line() if summary else "nothing to do"


@shared_task(bind=True, name="bcsync.tasks.lc_sync_task", ignore_result=True,
             soft_time_limit=15 * MINUTE, time_limit=16 * MINUTE)
def lc_sync_task(self: Task) -> list[str]:
    # No retry: a store's failure is recorded on its LcStatus, and the next scheduled pass
    # (a few minutes away) is the retry, starting from the same watermark.
    return [summary.line() for summary in lc_sync_all()]


@shared_task(bind=True, name="bcsync.tasks.lc_refresh_task", ignore_result=True,
             max_retries=6, soft_time_limit=2 * MINUTE, time_limit=3 * MINUTE)
def lc_refresh_task(self: Task, connection_id: int, resource: str, bc_id: int,
                    deleted: bool = False) -> str:
    try:
        summary = lc_refresh_run(connection_id=connection_id, resource=resource,
                                 bc_id=bc_id, deleted=deleted)
    except (BigCommerceError, PassFailedTransiently) as exc:
        _retry_or_raise(self, exc)
    return summary.line() if summary else "nothing to do"


@shared_task(bind=True, name="bcsync.tasks.lc_reconcile_task", ignore_result=True,
             soft_time_limit=30 * MINUTE, time_limit=31 * MINUTE)
def lc_reconcile_task(self: Task) -> list[str]:
    # Hourly and idempotent: the next run is the retry.
    return [summary.line() for summary in lc_reconcile_all()]


@shared_task(bind=True, name="bcsync.tasks.webhooks_register_task", ignore_result=True,
             max_retries=5, soft_time_limit=5 * MINUTE, time_limit=6 * MINUTE)
def webhooks_register_task(self: Task, connection_id: int) -> int:
    try:
        return len(webhooks_register_run(connection_id=connection_id))
    except BigCommerceError as exc:
        _retry_or_raise(self, exc)
