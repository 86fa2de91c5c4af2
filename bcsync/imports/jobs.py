"""Bulk product imports and the initial dataset as SyncJobs (kind Import), run the way every
SyncJob is (bcsync.sync_jobs). They are requested through `bcsync.imports.job_requests`
(which queues them through the tasks; this module is what the tasks run).

    import_job_run(job_id=…)                                              # the bulk worker
    import_jobs_sweep()                                                   # beat: ids to resend
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from localcopy.models import LcProduct

from ..models import StoreConnection, SyncJob
from ..sync_jobs import ClaimLost, job_claim, job_fail, job_finish, job_progress_save, jobs_sweep
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


def import_job_run(*, job_id: int,
                   on_progress: Callable[[ImportReport, int], None] | None = None
                   ) -> SyncJob | None:
    """Run a queued import job (None: another worker has it, or it is finished).
    `on_progress(report, total)` is told as the row is (a command's progress bar)."""
    token = job_claim(job_id, kind=SyncJob.Kind.IMPORT)
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
        job_progress_save(job_id, token, done=len(report.results), failed=len(report.failed),
                          total=len(ids), counts=report.counts)
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
        job_fail(job_id, token, exc)
        if initial:
            initial_abort(connection=job.connection, error=str(exc))
        raise
    summary = report.as_dict()
    if initial:
        summary["carriers"] = carriers
        initial_finish(connection=job.connection, report=summary)
    job_finish(job_id, token, done=len(report.results), failed=len(report.failed),
               total=len(ids), counts={**report.counts, "requests": report.requests,
                                       "stock_rows": report.stock_rows,
                                       "stock_skipped_zero": report.stock_skipped_zero},
               error="\n".join(r.line() for r in report.failed[:20]))
    job.refresh_from_db()
    return job


def import_jobs_sweep() -> list[int]:
    """Import jobs to send again (see sync_jobs.jobs_sweep)."""
    return jobs_sweep(kind=SyncJob.Kind.IMPORT)
