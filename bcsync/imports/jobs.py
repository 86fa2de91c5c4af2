"""Bulk product imports and the initial dataset as SyncJobs (kind Import), as bulk uploads
are (bcsync.push.jobs): recorded before they are queued, claimed by one worker with a
conditional UPDATE, progress kept on the row, swept back into the queue when a worker died.
They are requested through `bcsync.imports.job_requests` (which queues them through the
tasks; this module is what the tasks run).

    import_job_run(job_id=…)                                              # the bulk worker
    import_jobs_sweep()                                                   # beat: ids to resend
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from localcopy.claims import stale_after
from localcopy.models import LcProduct

from ..models import StoreConnection, SyncJob
from ..push.jobs import QUEUED_LOST_AFTER, ClaimLost
from .carriers import carriers_import
from .products import ImportReport, products_import
from .settings import (
    initial_abort,
    initial_finish,
)

logger = logging.getLogger("bcsync.imports")



def carriers_hook(*, connection: StoreConnection) -> dict[str, Any]:
    """The initial dataset's carriers step, summarised for its report."""
    result = carriers_import(connection=connection)
    return {"line": result.line(), "counts": dict(result.counts),
            "failed": [r.line() for r in result.of("failed")][:50]}


def _claim(job_id: int) -> str | None:
    token = uuid.uuid4().hex
    now = timezone.now()
    dead = now - stale_after()
    claimed = SyncJob.objects.filter(
        Q(state=SyncJob.State.QUEUED) | Q(state=SyncJob.State.RUNNING, heartbeat_at__lt=dead),
        pk=job_id, kind=SyncJob.Kind.IMPORT,
    ).update(state=SyncJob.State.RUNNING, run_token=token, heartbeat_at=now, started_at=now)
    return token if claimed else None


def import_job_run(*, job_id: int,
                   on_progress: Callable[[ImportReport, int], None] | None = None
                   ) -> SyncJob | None:
    """Run a queued import job (None: another worker has it, or it is finished).
    `on_progress(report, total)` is told as the row is (a command's progress bar)."""
    token = _claim(job_id)
    if token is None:
        return None
    job = SyncJob.objects.select_related("connection", "requested_by").get(pk=job_id)
    initial = bool(job.params.get("initial"))
    if initial:
        ids = list(LcProduct.objects.filter(store_hash=job.connection.store_hash)
                   .order_by("bc_id").values_list("bc_id", flat=True))
    else:
        ids = [int(i) for i in job.params.get("bc_product_ids") or []]

    def progress(report: ImportReport) -> None:
        moved = SyncJob.objects.filter(pk=job_id, run_token=token).update(
            done=len(report.results), failed=len(report.failed), total=len(ids),
            counts=report.counts, heartbeat_at=timezone.now())
        if not moved:
            raise ClaimLost(f"import job {job_id} was taken over")
        if on_progress is not None:
            on_progress(report, len(ids))

    try:
        report = products_import(connection=job.connection, bc_product_ids=ids,
                                 user=job.requested_by, job=job, initial=initial,
                                 progress=progress)
        carriers = carriers_hook(connection=job.connection) if initial else {}
    except ClaimLost:
        logger.warning("import job %s: claim lost, stopping", job_id)
        return None
    except Exception as exc:
        # Per-product errors never get here: this is the database.
        SyncJob.objects.filter(pk=job_id, run_token=token).update(
            state=SyncJob.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        if initial:
            initial_abort(connection=job.connection, error=str(exc))
        raise
    summary = report.as_dict()
    if initial:
        summary["carriers"] = carriers
        initial_finish(connection=job.connection, report=summary)
    SyncJob.objects.filter(pk=job_id, run_token=token).update(
        state=SyncJob.State.DONE, done=len(report.results), failed=len(report.failed),
        total=len(ids), counts={**report.counts, "requests": report.requests,
                                "stock_rows": report.stock_rows,
                                "stock_skipped_zero": report.stock_skipped_zero},
        error="\n".join(r.line() for r in report.failed[:20]), finished_at=timezone.now(),
        heartbeat_at=timezone.now())
    job.refresh_from_db()
    return job


@transaction.atomic
def import_jobs_sweep() -> list[int]:
    """Import jobs to send again: queued ones whose message seems lost, running ones whose
    worker stopped beating (put back to queued)."""
    now = timezone.now()
    dead = SyncJob.objects.filter(kind=SyncJob.Kind.IMPORT, state=SyncJob.State.RUNNING,
                                  heartbeat_at__lt=now - stale_after())
    revived = list(dead.values_list("pk", flat=True))
    dead.update(state=SyncJob.State.QUEUED, run_token="")
    lost = list(SyncJob.objects.filter(kind=SyncJob.Kind.IMPORT, state=SyncJob.State.QUEUED,
                                       created_at__lt=now - QUEUED_LOST_AFTER)
                .exclude(pk__in=revived).values_list("pk", flat=True))
    return revived + lost
