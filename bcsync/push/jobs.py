"""Bulk uploads as SyncJobs: recorded before they are queued, claimed by one worker with a
conditional UPDATE, progress (done / total / failed) kept on the row for the page's progress
bar, and swept back into the queue when a worker died or the message was lost. They are
requested through `bcsync.push.job_requests` (which queues them through the tasks; this
module is what the tasks run).

    upload_job_run(job_id=…)                                       # the bulk worker
    upload_jobs_sweep()                                            # beat: ids to send again
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalog.models import Item
from localcopy.claims import stale_after

from ..models import SyncJob
from .upload import UploadSummary, items_upload

logger = logging.getLogger("bcsync.push")

# A queued job no worker took within this long has lost its message: send it again (a
# duplicate message is harmless, the claim lets one through).
QUEUED_LOST_AFTER = timedelta(minutes=5)


class ClaimLost(Exception):
    """The job was swept from under this worker (its heartbeat was too late)."""


def _claim(job_id: int) -> str | None:
    token = uuid.uuid4().hex
    now = timezone.now()
    dead = now - stale_after()
    claimed = SyncJob.objects.filter(
        Q(state=SyncJob.State.QUEUED)
        | Q(state=SyncJob.State.RUNNING, heartbeat_at__lt=dead),
        pk=job_id, kind=SyncJob.Kind.UPLOAD,
    ).update(state=SyncJob.State.RUNNING, run_token=token, heartbeat_at=now, started_at=now)
    return token if claimed else None


def upload_job_run(*, job_id: int) -> SyncJob | None:
    """Run a queued bulk upload (None: another worker has it, or it is finished)."""
    token = _claim(job_id)
    if token is None:
        return None
    job = SyncJob.objects.select_related("connection", "requested_by").get(pk=job_id)
    ids = job.params.get("item_ids") or []
    items = Item.objects.filter(pk__in=ids)

    def progress(summary: UploadSummary) -> None:
        moved = SyncJob.objects.filter(pk=job_id, run_token=token).update(
            done=summary.done, failed=summary.failed, total=summary.total,
            counts=dict(summary.counts), heartbeat_at=timezone.now())
        if not moved:
            raise ClaimLost(f"upload job {job_id} was taken over")

    try:
        summary = items_upload(items=items, connection=job.connection, user=job.requested_by,
                               job=f"upload job #{job_id}", progress=progress)
    except ClaimLost:
        logger.warning("upload job %s: claim lost, stopping", job_id)
        return None
    except Exception as exc:
        # Per-item errors never get here: this is the connection or the database.
        SyncJob.objects.filter(pk=job_id, run_token=token).update(
            state=SyncJob.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        raise
    SyncJob.objects.filter(pk=job_id, run_token=token).update(
        state=SyncJob.State.DONE, done=summary.done, failed=summary.failed,
        total=summary.total, counts={**summary.counts, "requests": summary.requests},
        error="\n".join(summary.errors[:20]), finished_at=timezone.now(),
        heartbeat_at=timezone.now())
    job.refresh_from_db()
    return job


@transaction.atomic
def upload_jobs_sweep() -> list[int]:
    """Jobs to send again: queued ones whose message seems lost, and running ones whose
    worker stopped beating (put back to queued)."""
    now = timezone.now()
    dead = SyncJob.objects.filter(kind=SyncJob.Kind.UPLOAD, state=SyncJob.State.RUNNING,
                                  heartbeat_at__lt=now - stale_after())
    revived = list(dead.values_list("pk", flat=True))
    dead.update(state=SyncJob.State.QUEUED, run_token="")
    lost = list(SyncJob.objects.filter(kind=SyncJob.Kind.UPLOAD, state=SyncJob.State.QUEUED,
                                       created_at__lt=now - QUEUED_LOST_AFTER)
                .exclude(pk__in=revived).values_list("pk", flat=True))
    return revived + lost


def job_progress(job: SyncJob) -> dict[str, Any]:
    """What the page's progress bar shows."""
    total = job.total or 0
    return {"id": job.pk, "state": job.state, "state_label": job.get_state_display(),
            "done": job.done, "failed": job.failed, "total": total,
            "percent": round(100 * job.done / total) if total else (
                100 if job.state == SyncJob.State.DONE else 0),
            "counts": job.counts, "error": job.error,
            "created_at": job.created_at.isoformat() if job.created_at else None}
