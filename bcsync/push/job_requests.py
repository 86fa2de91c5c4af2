"""Asking for a bulk upload: the job is recorded, then queued on the bulk queue once the
transaction commits. What runs it is `bcsync.push.jobs`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..models import StoreConnection, SyncJob
from ..tasks import upload_job_enqueue


def upload_job_request(*, connection: StoreConnection, user: Any, item_ids: Sequence[int]
                       ) -> SyncJob:
    """Record a bulk upload and send it to the bulk queue once this transaction commits."""
    job = SyncJob.objects.create(
        connection=connection, kind=SyncJob.Kind.UPLOAD,
        requested_by=user if getattr(user, "pk", None) else None,
        params={"item_ids": [int(i) for i in item_ids]}, total=len(item_ids))
    upload_job_enqueue(job_id=job.pk)
    return job
