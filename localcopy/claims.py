"""One pass per store and dataset at a time: the LcStatus row is the lock.

A pass claims the row with a conditional UPDATE (healthchecks' sendalerts pattern): it wins
only if nobody is running, or the runner's heartbeat is older than STALE_AFTER (it crashed or
was killed). Every progress update is filtered by the run token, so a pass whose claim was
taken over (or whose mirror was dropped) finds out at its next page and stops.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import LcStatus

STALE_AFTER = timedelta(minutes=2)


class ReloadAlreadyRunning(Exception):
    """Another live pass holds the claim for this store and dataset."""

    def __init__(self, store_hash: str, dataset: str, status: LcStatus | None = None) -> None:
        super().__init__(f"{dataset} of store {store_hash} is already being reloaded")
        self.store_hash = store_hash
        self.dataset = dataset
        self.status = status


class ClaimLost(Exception):
    """The claim was taken over (stale heartbeat) or the mirror was dropped mid-pass."""


def status_row(store_hash: str, dataset: str) -> LcStatus:
    try:
        with transaction.atomic():
            row, _ = LcStatus.objects.get_or_create(store_hash=store_hash, dataset=dataset)
    except IntegrityError:
        # Two first-ever passes created the row at the same moment; the other one won.
        row = LcStatus.objects.get(store_hash=store_hash, dataset=dataset)
    return row


def claim(*, store_hash: str, dataset: str, kind: str, now: datetime | None = None) -> LcStatus:
    """Take the row for a pass of `kind`; raise ReloadAlreadyRunning if a live pass holds it.

    Returns the row as claimed (in memory), to be kept up to date by `heartbeat`.
    """
    status_row(store_hash, dataset)
    now = now or timezone.now()
    token = uuid.uuid4().hex
    free = ~Q(state=LcStatus.State.RUNNING) | Q(heartbeat_at__isnull=True) | Q(
        heartbeat_at__lt=now - STALE_AFTER
    )
    won = LcStatus.objects.filter(free, store_hash=store_hash, dataset=dataset).update(
        state=LcStatus.State.RUNNING, run_kind=kind, run_token=token, heartbeat_at=now,
        started_at=now, finished_at=None, pages_done=0, pages_total=None, items_done=0,
        updated_at=now,
    )
    row = LcStatus.objects.get(store_hash=store_hash, dataset=dataset)
    if not won:
        raise ReloadAlreadyRunning(store_hash, dataset, row)
    return row


def heartbeat(status: LcStatus, **progress: Any) -> None:
    """Record progress (one UPDATE); raise ClaimLost if the claim is no longer ours."""
    now = timezone.now()
    for name, value in progress.items():
        setattr(status, name, value)
    status.heartbeat_at = now
    changed = LcStatus.objects.filter(pk=status.pk, run_token=status.run_token).update(
        heartbeat_at=now, updated_at=now, **progress
    )
    if not changed:
        raise ClaimLost(f"{status.dataset} of store {status.store_hash}: claim lost mid-pass")


def release(status: LcStatus, *, ok: bool, error: str = "", **fields: Any) -> bool:
    """End the pass: idle (ok) or failed with the reason. False if the claim was lost."""
    now = timezone.now()
    token = status.run_token
    values: dict[str, Any] = {
        "state": LcStatus.State.IDLE if ok else LcStatus.State.FAILED,
        "run_token": "", "finished_at": now, "heartbeat_at": now, "updated_at": now, **fields,
    }
    if not ok:
        values.update(last_error=error[:2000], last_error_at=now)
    for name, value in values.items():
        setattr(status, name, value)
    return bool(LcStatus.objects.filter(pk=status.pk, run_token=token).update(**values))
