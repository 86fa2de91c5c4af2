"""One pass per store and dataset at a time: the LcStatus row is the lock.

A pass claims the row with a conditional UPDATE (healthchecks' sendalerts pattern) and keeps
a heartbeat on it, on time. A row whose heartbeat is older than `stale_after()` belongs to a
dead pass (its worker was killed): it is abandoned (state failed, its LcRun closed, a Full
Reload or delete it was doing queued again) and may then be claimed. Every progress update
is filtered by the run token, so a pass whose claim was abandoned or dropped finds out at its
next heartbeat and stops.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from bcsync.client import longest_request_seconds

from .models import LcRun, LcStatus

# What a person asks for and a pass then does; an abandoned one is queued again.
REQUESTED_KINDS = (LcRun.Kind.FULL, LcRun.Kind.DELETE)


def beat_every() -> timedelta:
    """How often a healthy pass records that it is alive (at least; pages beat too)."""
    return timedelta(seconds=settings.LC_PASS_HEARTBEAT_SECONDS)


def stale_after() -> timedelta:
    """A pass silent for this long is dead.

    A pass beats at least every `beat_every()` whenever it gets the chance: at each page, and
    through the client's keepalive before each request and during its retry and rate-limit
    waits. What can keep it silent longer is one request: at most the client's longest call
    with its retries, from the same settings the workers build their clients with.
    """
    client = settings.BIGCOMMERCE_CLIENT
    longest = longest_request_seconds(timeout=client["timeout"],
                                      max_retry_seconds=client["max_retry_seconds"])
    return timedelta(seconds=longest) + beat_every()


class ReloadAlreadyRunning(Exception):
    """Another live pass holds the claim for this store and dataset (or a queued Full Reload
    or delete is waiting for it)."""

    def __init__(self, store_hash: str, dataset: str, status: LcStatus | None = None) -> None:
        super().__init__(f"{dataset} of store {store_hash} is already being reloaded")
        self.store_hash = store_hash
        self.dataset = dataset
        self.status = status


class ClaimLost(Exception):
    """The claim was abandoned (stale heartbeat) or the mirror was dropped mid-pass."""


def is_live(status: LcStatus, *, now: datetime | None = None) -> bool:
    """Running, and its pass has shown signs of life within `stale_after()`."""
    if status.state != LcStatus.State.RUNNING or status.heartbeat_at is None:
        return False
    return (now or timezone.now()) - status.heartbeat_at < stale_after()


def status_row(store_hash: str, dataset: str) -> LcStatus:
    try:
        with transaction.atomic():
            row, _ = LcStatus.objects.get_or_create(store_hash=store_hash, dataset=dataset)
    except IntegrityError:
        # Two first-ever passes created the row at the same moment; the other one won.
        row = LcStatus.objects.get(store_hash=store_hash, dataset=dataset)
    return row


def abandon_stale(*, store_hash: str | None = None, dataset: str | None = None,
                  now: datetime | None = None) -> list[LcStatus]:
    """End the passes whose heartbeat stopped (their worker died): state failed with the
    reason, their LcRun closed as abandoned, and a Full Reload or delete they were doing
    queued again, since a person asked for it. Returns the rows abandoned, as they are now."""
    now = now or timezone.now()
    rows = LcStatus.objects.filter(state=LcStatus.State.RUNNING,
                                   heartbeat_at__lt=now - stale_after())
    if store_hash is not None:
        rows = rows.filter(store_hash=store_hash)
    if dataset is not None:
        rows = rows.filter(dataset=dataset)
    abandoned = []
    for row in rows:
        since = timezone.localtime(row.heartbeat_at)
        error = (f"Abandoned: its worker stopped (no sign of life since {since:%Y-%m-%d %H:%M:%S})"
                 f"{'; queued again' if row.run_kind in REQUESTED_KINDS else ''}.")
        values: dict[str, Any] = {
            "state": LcStatus.State.FAILED, "run_token": "", "finished_at": now,
            "last_error": error, "last_error_at": now, "updated_at": now,
        }
        if row.run_kind in REQUESTED_KINDS and not row.queued:
            # Sent at once by the sweeper (queued_due_at empty).
            values.update(queued=row.run_kind, queued_at=now, queued_due_at=None)
        won = LcStatus.objects.filter(pk=row.pk, run_token=row.run_token,
                                      state=LcStatus.State.RUNNING).update(**values)
        if not won:
            continue  # it beat, or someone else abandoned it, in the meantime
        if row.run_token:
            LcRun.objects.filter(run_token=row.run_token, finished_at__isnull=True).update(
                finished_at=now, ok=False, abandoned=True, error=error)
        row.refresh_from_db()
        abandoned.append(row)
    return abandoned


def claim(*, store_hash: str, dataset: str, kind: str, queued_only: bool = False,
          now: datetime | None = None) -> LcStatus:
    """Take the row for a pass of `kind`; ReloadAlreadyRunning if a live pass holds it.

    A queued Full Reload or delete goes first: an incremental pass never takes a row with a
    request waiting, and a pass of the queued kind consumes the request. With `queued_only`
    the row is taken only if a request of `kind` is waiting (a worker running what was
    queued; a duplicate message finds nothing to do). Returns the row as claimed.
    """
    status_row(store_hash, dataset)
    now = now or timezone.now()
    abandon_stale(store_hash=store_hash, dataset=dataset, now=now)
    token = uuid.uuid4().hex
    if queued_only:
        free = Q(queued=kind)
    elif kind in REQUESTED_KINDS:
        free = Q(queued="") | Q(queued=kind)
    else:
        free = Q(queued="")
    won = LcStatus.objects.filter(
        free, ~Q(state=LcStatus.State.RUNNING), store_hash=store_hash, dataset=dataset,
    ).update(
        state=LcStatus.State.RUNNING, run_kind=kind, run_token=token, heartbeat_at=now,
        queued="", queued_at=None, queued_due_at=None, started_at=now, finished_at=None,
        items_done=0, items_total=None, updated_at=now,
    )
    row = LcStatus.objects.get(store_hash=store_hash, dataset=dataset)
    if not won:
        raise ReloadAlreadyRunning(store_hash, dataset, row)
    return row


def heartbeat(status: LcStatus, *, rows_added: int = 0, **progress: Any) -> None:
    """Record progress and that the pass is alive (one UPDATE); `rows_added` moves the row
    count by what the pass just wrote. Raises ClaimLost if the claim is no longer ours."""
    now = timezone.now()
    for name, value in progress.items():
        setattr(status, name, value)
    status.heartbeat_at = now
    values: dict[str, Any] = {"heartbeat_at": now, "updated_at": now, **progress}
    if rows_added:
        values["row_count"] = _moved(rows_added)
    changed = LcStatus.objects.filter(pk=status.pk, run_token=status.run_token).update(**values)
    if not changed:
        raise ClaimLost(f"{status.dataset} of store {status.store_hash}: claim lost mid-pass")


def count_rows(store_hash: str, models_: Iterable[type[models.Model]]) -> int:
    return sum(model._default_manager.filter(store_hash=store_hash).count()
               for model in models_)


def release(status: LcStatus, *, ok: bool, error: str = "",
            counted: Iterable[type[models.Model]] = (), **fields: Any) -> bool:
    """End the pass: idle (ok) or failed with the reason; the row count recounted from
    `counted` (the dataset's models). False if the claim was lost.

    The count is taken with the row locked: a webhook refresh writes its record, then moves
    the count under the same lock, so it lands either in the count or on top of it.
    """
    now = timezone.now()
    values: dict[str, Any] = {
        "state": LcStatus.State.IDLE if ok else LcStatus.State.FAILED,
        "run_token": "", "finished_at": now, "heartbeat_at": now, "updated_at": now, **fields,
    }
    if not ok:
        values.update(last_error=error[:2000], last_error_at=now)
    with transaction.atomic():
        held = (LcStatus.objects.select_for_update()
                .filter(pk=status.pk, run_token=status.run_token).first())
        if held is None:
            return False
        models_ = list(counted)
        if models_:
            values["row_count"] = count_rows(status.store_hash, models_)
        LcStatus.objects.filter(pk=status.pk).update(**values)
    for name, value in values.items():
        setattr(status, name, value)
    return True


def rows_moved(*, store_hash: str, dataset: str, by: int) -> None:
    """Move a dataset's row count by what a write outside any pass did (webhook refresh,
    reconciliation). Call it last in the write's transaction (see `release`)."""
    if by:
        status_row(store_hash, dataset)
        LcStatus.objects.filter(store_hash=store_hash, dataset=dataset).update(
            row_count=_moved(by))


def _moved(by: int) -> Greatest:
    # Never below zero, whatever a race did; the next pass recounts exactly.
    return Greatest(F("row_count") + by, Value(0))
