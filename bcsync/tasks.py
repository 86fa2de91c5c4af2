"""Celery tasks: thin wrappers that take ids, call one job, and decide whether to retry; and
the typed functions that send them, each once the current transaction commits.

Callers import the `*_enqueue` functions (never a task looked up by name), so the chain
runs one way: services → these → jobs (`lc_jobs`, `webhook_registration`) → localcopy.
Which queue a task goes to is settings.CELERY_TASK_ROUTES.

A pass that failed on an error that may go away (`RunSummary.transient`: timeout, 429, 5xx)
is retried with an exponential delay; anything else is final and already recorded by the
service (LcStatus.last_error, LcRun.error) for the panel to show.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any, NoReturn

from celery import Task, shared_task
from django.conf import settings
from django.db import transaction

from localcopy.services import RunSummary

from .client import BigCommerceError
from .heartbeat import heartbeat_record
from .imports.jobs import import_job_run, import_jobs_sweep
from .inventory.end_of_day import end_of_day_due
from .lc_jobs import (
    ReloadWaiting,
    lc_delete_run,
    lc_reconcile_all,
    lc_refresh_run,
    lc_reload_run,
    lc_runs_prune_run,
    lc_sweep_run,
    lc_sync_all,
)
from .orders.jobs import order_import_run
from .orders.passes import orders_pass_all
from .orders.refunds import order_refunds_apply_run
from .push.background import push_pass_all
from .push.jobs import upload_job_run, upload_jobs_sweep
from .push.outbox import KICK_DELAY_SECONDS, outbox_kick_set
from .webhook_registration import webhooks_register_run

MINUTE = 60
# How often queued work looks again while a live pass holds its dataset.
WAIT_FOR_PASS_SECONDS = 15


def _on_commit(task: Task, **kwargs: Any) -> None:
    # The worker must never read rows that are not committed yet (or that a rollback takes
    # back); outside a transaction this sends at once.
    transaction.on_commit(partial(task.apply_async, kwargs=kwargs))


def _retry_in(task: Task) -> timedelta | None:
    """When the next try of a failed task would run (30 s, 1 min, 2 min, … capped at 10 min);
    None when it has no tries left."""
    if task.request.retries >= task.max_retries:
        return None
    return timedelta(seconds=min(10 * MINUTE, 30 * 2 ** task.request.retries))


def _retry_if_transient(task: Task, summary: RunSummary | None,
                        retry_in: timedelta | None) -> None:
    if summary is not None and not summary.ok and summary.transient and retry_in is not None:
        raise task.retry(countdown=retry_in.total_seconds())


def _retry_or_raise(task: Task, exc: BigCommerceError) -> NoReturn:
    retry_in = _retry_in(task)
    if exc.transient and retry_in is not None:
        raise task.retry(exc=exc, countdown=retry_in.total_seconds())
    raise exc


@shared_task(name="bcsync.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat(name: str = "worker") -> int:
    return heartbeat_record(name=name).beats


# ---- the local copy ------------------------------------------------------------------------


@shared_task(bind=True, name="bcsync.tasks.lc_reload_task", ignore_result=True,
             max_retries=5, soft_time_limit=settings.LC_RELOAD_TIME_LIMIT - 5 * MINUTE,
             time_limit=settings.LC_RELOAD_TIME_LIMIT)
def lc_reload_task(self: Task, connection_id: int, dataset: str) -> str:
    retry_in = _retry_in(self)
    try:
        summary = lc_reload_run(connection_id=connection_id, dataset=dataset,
                                retry_in=retry_in)
    except ReloadWaiting as exc:
        # Incremental passes take seconds to minutes; wait for this one for up to an hour.
        raise self.retry(exc=exc, countdown=WAIT_FOR_PASS_SECONDS, max_retries=240) from exc
    _retry_if_transient(self, summary, retry_in)
    return summary.line() if summary else "nothing to do"


def lc_reload_enqueue(*, connection_id: int, dataset: str) -> None:
    _on_commit(lc_reload_task, connection_id=connection_id, dataset=dataset)


@shared_task(bind=True, name="bcsync.tasks.lc_sync_task", ignore_result=True,
             soft_time_limit=15 * MINUTE, time_limit=16 * MINUTE)
def lc_sync_task(self: Task) -> list[str]:
    # No retry: a store's failure is recorded on its LcStatus, and the next scheduled pass
    # (a few minutes away) is the retry, starting from the same watermark.
    return [summary.line() for summary in lc_sync_all()]


@shared_task(bind=True, name="bcsync.tasks.lc_refresh_task", ignore_result=True,
             max_retries=6, soft_time_limit=2 * MINUTE, time_limit=3 * MINUTE)
def lc_refresh_task(self: Task, connection_id: int, resource: str, bc_id: int) -> str:
    retry_in = _retry_in(self)
    summary = lc_refresh_run(connection_id=connection_id, resource=resource, bc_id=bc_id,
                             retry_in=retry_in)
    _retry_if_transient(self, summary, retry_in)
    if resource == "order" and summary is not None and summary.ok:
        # The LC has the order as BigCommerce has it now: import it (or its edits) at once.
        order_import_enqueue(connection_id=connection_id, bc_order_id=bc_id)
    return summary.line() if summary else "nothing to do"


def lc_refresh_enqueue(*, connection_id: int, resource: str, bc_id: int) -> None:
    _on_commit(lc_refresh_task, connection_id=connection_id, resource=resource, bc_id=bc_id)


@shared_task(bind=True, name="bcsync.tasks.lc_reconcile_task", ignore_result=True,
             soft_time_limit=30 * MINUTE, time_limit=31 * MINUTE)
def lc_reconcile_task(self: Task) -> list[str]:
    # Hourly and idempotent: the next run is the retry.
    return [summary.line() for summary in lc_reconcile_all()]


@shared_task(bind=True, name="bcsync.tasks.lc_delete_task", ignore_result=True,
             soft_time_limit=settings.LC_RELOAD_TIME_LIMIT - 5 * MINUTE,
             time_limit=settings.LC_RELOAD_TIME_LIMIT)
def lc_delete_task(self: Task, store_hash: str) -> list[str]:
    try:
        return [summary.line() for summary in lc_delete_run(store_hash=store_hash)]
    except ReloadWaiting as exc:
        raise self.retry(exc=exc, countdown=WAIT_FOR_PASS_SECONDS, max_retries=240) from exc


def lc_delete_enqueue(*, store_hash: str) -> None:
    _on_commit(lc_delete_task, store_hash=store_hash)


# Runs without a claim (refreshes, reconciliations) cannot outlive their task's hard limit.
UNCLAIMED_RUNS_AFTER = timedelta(seconds=max(lc_refresh_task.time_limit,
                                             lc_reconcile_task.time_limit))


@shared_task(name="bcsync.tasks.lc_sweep_task", ignore_result=True,
             soft_time_limit=2 * MINUTE, time_limit=3 * MINUTE)
def lc_sweep_task() -> str:
    orders = lc_sweep_run(unclaimed_runs_after=UNCLAIMED_RUNS_AFTER)
    for connection_id, dataset in orders.reloads:
        lc_reload_enqueue(connection_id=connection_id, dataset=dataset)
    for store_hash in orders.deletes:
        lc_delete_enqueue(store_hash=store_hash)
    for connection_id, key in orders.refreshes:
        lc_refresh_enqueue(connection_id=connection_id, resource=key.resource, bc_id=key.bc_id)
    for job_id in upload_jobs_sweep():
        upload_job_enqueue(job_id=job_id)
    for job_id in import_jobs_sweep():
        import_job_enqueue(job_id=job_id)
    return orders.sweep.line()


@shared_task(name="bcsync.tasks.lc_runs_prune_task", ignore_result=True,
             soft_time_limit=10 * MINUTE, time_limit=11 * MINUTE)
def lc_runs_prune_task() -> int:
    return lc_runs_prune_run()


# ---- webhooks ------------------------------------------------------------------------------


@shared_task(bind=True, name="bcsync.tasks.webhooks_register_task", ignore_result=True,
             max_retries=5, soft_time_limit=5 * MINUTE, time_limit=6 * MINUTE)
def webhooks_register_task(self: Task, connection_id: int) -> int:
    try:
        return len(webhooks_register_run(connection_id=connection_id))
    except BigCommerceError as exc:
        _retry_or_raise(self, exc)


def webhooks_register_enqueue(*, connection_id: int) -> None:
    _on_commit(webhooks_register_task, connection_id=connection_id)


# ---- push ----------------------------------------------------------------------------------


@shared_task(name="bcsync.tasks.upload_job_task", ignore_result=True,
             soft_time_limit=60 * MINUTE, time_limit=61 * MINUTE)
def upload_job_task(job_id: int) -> str:
    # No retry: each item's failure is on the item; a killed or timed-out job is put back in
    # the queue by the sweeper (lc_sweep_task) and its uploads are idempotent.
    job = upload_job_run(job_id=job_id)
    return f"upload job {job_id}: {job.done if job else 'not claimed'}"


def upload_job_enqueue(*, job_id: int) -> None:
    _on_commit(upload_job_task, job_id=job_id)


# ---- the background push -------------------------------------------------------------------


@shared_task(name="bcsync.tasks.push_pass_task", ignore_result=True,
             soft_time_limit=15 * MINUTE, time_limit=16 * MINUTE)
def push_pass_task() -> list[str]:
    # No retry: each item's failure is kept on its request with a backoff, and beat's next
    # pass (a minute away) is the retry.
    return [summary.line() for summary in push_pass_all()]


def push_pass_enqueue(*, countdown: float = 0) -> None:
    transaction.on_commit(partial(push_pass_task.apply_async, countdown=countdown))


def _push_kick() -> None:
    # Called by the outbox once marks are committed: a pass soon, not at the next minute.
    push_pass_task.apply_async(countdown=KICK_DELAY_SECONDS)


outbox_kick_set(_push_kick)


# ---- import --------------------------------------------------------------------------------


@shared_task(name="bcsync.tasks.import_job_task", ignore_result=True,
             soft_time_limit=60 * MINUTE, time_limit=61 * MINUTE)
def import_job_task(job_id: int) -> str:
    # No retry, as uploads: a product's failure is on the product, a killed job is swept
    # back into the queue, and importing a product again links it, never duplicates.
    job = import_job_run(job_id=job_id)
    return f"import job {job_id}: {job.done if job else 'not claimed'}"


def import_job_enqueue(*, job_id: int) -> None:
    _on_commit(import_job_task, job_id=job_id)


# ---- order import --------------------------------------------------------------------------


@shared_task(bind=True, name="bcsync.tasks.order_import_task", ignore_result=True,
             max_retries=6, soft_time_limit=2 * MINUTE, time_limit=3 * MINUTE)
def order_import_task(self: Task, connection_id: int, bc_order_id: int) -> str:
    # Importing again is harmless (exactly once by constraint): a retry after a failed
    # status write-back finds the order imported and only writes the status.
    result = order_import_run(connection_id=connection_id, bc_order_id=bc_order_id)
    if result is None:
        return "nothing to do"
    retry_in = _retry_in(self)
    if result.status_written is False and retry_in is not None:
        raise self.retry(countdown=retry_in.total_seconds())
    return result.line()


def order_import_enqueue(*, connection_id: int, bc_order_id: int) -> None:
    """Import one order soon, on the realtime queue (settings.CELERY_TASK_ROUTES)."""
    _on_commit(order_import_task, connection_id=connection_id, bc_order_id=bc_order_id)


@shared_task(name="bcsync.tasks.orders_pass_task", ignore_result=True,
             soft_time_limit=15 * MINUTE, time_limit=16 * MINUTE)
def orders_pass_task() -> list[str]:
    # No retry: beat's next run is the retry; each order's failure is on its OrderImport.
    return [report.line() for report in orders_pass_all()]


# ---- orders --------------------------------------------------------------------------------


@shared_task(bind=True, name="bcsync.tasks.order_refunds_apply_task", ignore_result=True,
             max_retries=6, soft_time_limit=2 * MINUTE, time_limit=3 * MINUTE)
def order_refunds_apply_task(self: Task, connection_id: int, bc_order_id: int) -> str:
    # A retry reads the refunds again; those applied before are remembered, never redone.
    try:
        return order_refunds_apply_run(connection_id=connection_id,
                                       bc_order_id=bc_order_id).line()
    except BigCommerceError as exc:
        _retry_or_raise(self, exc)


def order_refunds_apply_enqueue(*, connection_id: int, bc_order_id: int) -> None:
    _on_commit(order_refunds_apply_task, connection_id=connection_id, bc_order_id=bc_order_id)


# ---- End of Day ----------------------------------------------------------------------------


@shared_task(name="bcsync.tasks.end_of_day_task", ignore_result=True,
             soft_time_limit=30 * MINUTE, time_limit=31 * MINUTE)
def end_of_day_task() -> list[str]:
    # Beat sends it every few minutes; each store runs once a day, after its time (the day is
    # claimed in the database). No retry: a failed item is on the run's report.
    return [report.line() for report in end_of_day_due()]
