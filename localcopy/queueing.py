"""What people ask of the LC, recorded before any broker message: a Full Reload or a delete
is a queued request on the dataset's status row, so a lost message or a killed worker never
loses it (the sweeper sends it again). The worker's side runs what is queued.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .claims import ReloadAlreadyRunning, claim, is_live, status_row
from .datasets import DATASETS, dataset_names, dataset_spec
from .drop import delete_dataset
from .models import LcRun, LcStatus
from .runs import RunSummary

FULL, DELETE = LcRun.Kind.FULL, LcRun.Kind.DELETE


class LcBusy(Exception):
    """Refused: a pass is running or queued where the request would interfere with it."""


@dataclass(frozen=True)
class Requested:
    status: LcStatus
    # A new request: a task must be sent for it (else it joins one queued or running).
    send: bool


def _locked(store_hash: str, dataset: str) -> LcStatus:
    status_row(store_hash, dataset)
    return LcStatus.objects.select_for_update().get(store_hash=store_hash, dataset=dataset)


@transaction.atomic
def lc_reload_request(*, store_hash: str, dataset: str) -> list[Requested]:
    """Queue a Full Reload of one dataset (or "all").

    A dataset whose Full Reload is already queued, or running and alive, is joined. Anything
    else (idle, failed, an incremental pass running, a pass that looks alive but whose worker
    was killed) gets the request recorded; it runs once the dataset is free, or once the
    sweeper has abandoned the dead pass. Raises LcBusy while the dataset is being deleted.
    """
    now = timezone.now()
    requested = []
    for name in dataset_names(dataset):
        status = _locked(store_hash, name)
        running = is_live(status, now=now)
        if status.queued == DELETE or (running and status.run_kind == DELETE):
            raise LcBusy(f"{dataset_spec(name).label} is being deleted; reload it when that "
                         "is done.")
        if status.queued == FULL or (running and status.run_kind == FULL):
            requested.append(Requested(status, send=False))
            continue
        status.queued, status.queued_at, status.queued_due_at = FULL, now, now
        status.save(update_fields=["queued", "queued_at", "queued_due_at", "updated_at"])
        requested.append(Requested(status, send=True))
    return requested


@transaction.atomic
def lc_delete_request(*, store_hash: str) -> list[LcStatus]:
    """Queue the delete of this store's whole LC. Refused (LcBusy) while any pass is running
    or queued for the store: it would write part of it back, or lose its request."""
    now = timezone.now()
    statuses = [_locked(store_hash, name) for name in DATASETS]
    busy = [s for s in statuses if is_live(s, now=now) or s.queued]
    if busy:
        names = ", ".join(dataset_spec(s.dataset).label for s in busy)
        raise LcBusy(f"{names} still running or queued; wait for it to finish.")
    for status in statuses:
        status.queued, status.queued_at, status.queued_due_at = DELETE, now, now
        status.save(update_fields=["queued", "queued_at", "queued_due_at", "updated_at"])
    return statuses


def lc_delete_queued(*, store_hash: str) -> list[RunSummary]:
    """Run the deletes queued for this store, a dataset at a time (what the delete task
    does). Raises ReloadAlreadyRunning, after doing the others, if a live pass holds one."""
    summaries = []
    held = []
    for name in DATASETS:
        try:
            status = claim(store_hash=store_hash, dataset=name, kind=DELETE, queued_only=True)
        except ReloadAlreadyRunning as exc:
            if exc.status is not None and exc.status.queued == DELETE:
                held.append(name)
            continue
        summaries.append(delete_dataset(status=status))
    if held:
        raise ReloadAlreadyRunning(store_hash, ",".join(held))
    return summaries


def lc_queued_drop(*, store_hash: str, dataset: str, reason: str) -> None:
    """A queued Full Reload that will not run (the connection is gone or switched off): say
    why, so the panel does not show it queued for ever."""
    now = timezone.now()
    rows = LcStatus.objects.filter(store_hash=store_hash, dataset=dataset, queued=FULL)
    with transaction.atomic():
        rows.exclude(state=LcStatus.State.RUNNING).update(state=LcStatus.State.FAILED)
        rows.update(queued="", queued_at=None, queued_due_at=None, last_error=reason,
                    last_error_at=now, updated_at=now)
