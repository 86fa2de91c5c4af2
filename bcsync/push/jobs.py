"""Bulk uploads as SyncJobs (kind Upload), run the way every SyncJob is (bcsync.sync_jobs).
They are requested through `bcsync.push.job_requests` (which queues them through the tasks;
this module is what the tasks run).

    upload_job_run(job_id=…)                                       # the bulk worker
    upload_jobs_sweep()                                            # beat: ids to send again
"""

from __future__ import annotations

import logging

from catalog.models import Item

from ..models import SyncJob
from ..sync_jobs import ClaimLost, job_claim, job_fail, job_finish, job_progress_save, jobs_sweep
from .upload import UploadSummary, items_upload

logger = logging.getLogger("bcsync.push")


def upload_job_run(*, job_id: int) -> SyncJob | None:
    """Run a queued bulk upload (None: another worker has it, or it is finished)."""
    token = job_claim(job_id, kind=SyncJob.Kind.UPLOAD)
    if token is None:
        return None
    job = SyncJob.objects.select_related("connection", "requested_by").get(pk=job_id)
    ids = job.params.get("item_ids") or []
    items = Item.objects.filter(pk__in=ids)

    def progress(summary: UploadSummary) -> None:
        job_progress_save(job_id, token, done=summary.done, failed=summary.failed,
                          total=summary.total, counts=dict(summary.counts))

    try:
        summary = items_upload(items=items, connection=job.connection, user=job.requested_by,
                               job=f"upload job #{job_id}", progress=progress)
    except ClaimLost:
        logger.warning("upload job %s: claim lost, stopping", job_id)
        return None
    except Exception as exc:
        # Per-item errors never get here: this is the connection or the database.
        job_fail(job_id, token, exc)
        raise
    job_finish(job_id, token, done=summary.done, failed=summary.failed, total=summary.total,
               counts={**summary.counts, "requests": summary.requests},
               error="\n".join(summary.errors[:20]))
    job.refresh_from_db()
    return job


def upload_jobs_sweep() -> list[int]:
    """Upload jobs to send again (see sync_jobs.jobs_sweep)."""
    return jobs_sweep(kind=SyncJob.Kind.UPLOAD)
