"""Webhook refreshes, coalesced: one pending row per record, however many deliveries arrive.

BigCommerce repeats deliveries and fires several scopes for one change. The receiver writes
the pending row in the delivery's transaction and a task is sent only when the row is new.
The task takes the row when it starts; a delivery arriving during its fetch puts the row back
(the fetch may have read the record before the change), which costs one more read and no
more. A row taken by a worker that died, or whose message was lost, is sent again by the
sweeper; a redelivered message finds the row free again once it is stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from bcsync.client import BigCommerceClient

from .claims import stale_after
from .datasets import resource_spec
from .models import LcRefresh
from .refresh import lc_refresh_record
from .runs import RunSummary


@dataclass(frozen=True)
class RefreshKey:
    store_hash: str
    resource: str
    bc_id: int


def lc_refresh_request(*, store_hash: str, resource: str, bc_id: int,
                       deleted: bool = False) -> bool:
    """Record that a delivery asks to re-read this record. True when a task must be sent:
    the row is new, or its fetch is under way and may predate this delivery. Call it in the
    delivery's transaction and send the task when that commits."""
    resource_spec(resource)  # a ValueError for a resource the LC does not mirror
    now = timezone.now()
    key = {"store_hash": store_hash, "resource": resource, "bc_id": bc_id}
    try:
        with transaction.atomic():
            LcRefresh.objects.create(**key, deleted=deleted, requested_at=now, due_at=now)
        return True
    except IntegrityError:
        pass  # pending already
    rows = LcRefresh.objects.filter(**key)
    changes: dict[str, object] = {"requested_at": now}
    if deleted:
        changes["deleted"] = True  # ids are never reused: gone stays gone
    rows.update(**changes)
    # Taken: put it back for one more read. Conditional, so of two deliveries racing here
    # only one sends a task.
    return bool(rows.filter(taken_at__isnull=False).update(taken_at=None, due_at=now))


@dataclass(frozen=True)
class Taken:
    key: RefreshKey
    deleted: bool
    taken_at: datetime


def _take(key: RefreshKey, now: datetime) -> Taken | None:
    rows = LcRefresh.objects.filter(store_hash=key.store_hash, resource=key.resource,
                                    bc_id=key.bc_id)
    free = Q(taken_at__isnull=True) | Q(taken_at__lt=now - stale_after())
    if not rows.filter(free).update(taken_at=now):
        return None
    row = rows.filter(taken_at=now).first()
    return Taken(key, row.deleted, now) if row is not None else None


def lc_refresh_pending(*, client: BigCommerceClient, store_hash: str, resource: str,
                       bc_id: int, retry_in: timedelta | None = None) -> RunSummary | None:
    """Take the record's pending row and re-read the record (what the refresh task does).

    None when no row is pending: a duplicate message, or another worker has it. The row is
    removed once the refresh is done, unless a delivery put it back meanwhile. `retry_in`:
    the caller tries again that much later after a failure that may go away, so the row is
    released for that try, due then (the sweeper sends it if that try is lost).
    """
    key = RefreshKey(store_hash, resource, bc_id)
    taken = _take(key, timezone.now())
    if taken is None:
        return None
    summary = lc_refresh_record(client=client, store_hash=store_hash, resource=resource,
                                bc_id=bc_id, deleted=taken.deleted)
    mine = LcRefresh.objects.filter(store_hash=store_hash, resource=resource, bc_id=bc_id,
                                    taken_at=taken.taken_at)
    if not summary.ok and summary.transient and retry_in is not None:
        mine.update(taken_at=None, due_at=timezone.now() + retry_in)
    else:
        mine.delete()
    return summary


def lc_refresh_resend(*, now: datetime | None = None) -> list[RefreshKey]:
    """Pending rows whose task was lost (due, and not taken `stale_after()` later) or whose
    worker died (taken that long ago): marked due now, to be sent again."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    rows = LcRefresh.objects.filter(Q(taken_at__isnull=True, due_at__lt=cutoff)
                                    | Q(taken_at__lt=cutoff))
    keys = [RefreshKey(*values) for values in rows.values_list("store_hash", "resource", "bc_id")]
    rows.update(due_at=now)
    return keys


def lc_refresh_forget(*, store_hash: str) -> int:
    """Drop a store's pending refreshes (its connection is gone or switched off)."""
    deleted, _ = LcRefresh.objects.filter(store_hash=store_hash).delete()
    return deleted
