"""The life of a SyncJob (a bulk upload, a bulk import), whatever its kind: recorded before
it is queued, claimed by one worker with a conditional UPDATE, progress kept on the row for
the page's progress bar, and swept back into the queue when a worker died or the message was
lost. A duplicate message is harmless: the claim lets one worker through.

    token = job_claim(job_id, kind=…)          # None: another worker has it, or it is finished
    job_progress_save(job_id, token, …)        # raises ClaimLost when it was taken over
    job_finish(job_id, token, …) / job_fail(job_id, token, exc)
    jobs_sweep(kind=…)                          # beat: ids to send again
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from localcopy.claims import stale_after

from .models import SyncJob

# A queued job no worker took within this long has lost its message: send it again.
QUEUED_LOST_AFTER = timedelta(minutes=5)


class ClaimLost(Exception):
    """The job was swept from under this worker (its heartbeat was too late)."""


def job_claim(job_id: int, *, kind: str) -> str | None:
    """Take a queued job, or a running one whose worker stopped beating; return the run's
    token (None: not claimable)."""
    token = uuid.uuid4().hex
    now = timezone.now()
    claimed = SyncJob.objects.filter(
        Q(state=SyncJob.State.QUEUED)
        | Q(state=SyncJob.State.RUNNING, heartbeat_at__lt=now - stale_after()),
        pk=job_id, kind=kind,
    ).update(state=SyncJob.State.RUNNING, run_token=token, heartbeat_at=now, started_at=now)
    return token if claimed else None


def job_progress_save(job_id: int, token: str, **fields: Any) -> None:
    """Record progress (done / failed / total / counts) and beat; ClaimLost when the job is no
    longer this run's."""
    moved = SyncJob.objects.filter(pk=job_id, run_token=token).update(
        heartbeat_at=timezone.now(), **fields)
    if not moved:
        raise ClaimLost(f"job {job_id} was taken over")


def job_fail(job_id: int, token: str, exc: BaseException) -> None:
    SyncJob.objects.filter(pk=job_id, run_token=token).update(
        state=SyncJob.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now())


def job_finish(job_id: int, token: str, **fields: Any) -> None:
    now = timezone.now()
    SyncJob.objects.filter(pk=job_id, run_token=token).update(
        state=SyncJob.State.DONE, finished_at=now, heartbeat_at=now, **fields)


@transaction.atomic
def jobs_sweep(*, kind: str) -> list[int]:
    """Jobs of `kind` to send again: queued ones whose message seems lost, and running ones
    whose worker stopped beating (put back to queued)."""
    now = timezone.now()
    dead = SyncJob.objects.filter(kind=kind, state=SyncJob.State.RUNNING,
                                  heartbeat_at__lt=now - stale_after())
    revived = list(dead.values_list("pk", flat=True))
    dead.update(state=SyncJob.State.QUEUED, run_token="")
    lost = list(SyncJob.objects.filter(kind=kind, state=SyncJob.State.QUEUED,
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
