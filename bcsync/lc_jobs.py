"""What the workers run for the local copy: a connection id turned into a store hash and an
API client, then localcopy's services. Called by the tasks only; nothing here sends a task.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from localcopy.models import LcStatus
from localcopy.services import (
    DATASETS,
    RefreshKey,
    ReloadAlreadyRunning,
    RunSummary,
    Sweep,
    lc_delete_queued,
    lc_queued_drop,
    lc_reconcile_ids,
    lc_refresh_forget,
    lc_refresh_pending,
    lc_reload_queued,
    lc_runs_prune,
    lc_sweep,
    lc_sync,
)

from .connections import client_for
from .models import StoreConnection, SyncSettings

logger = logging.getLogger(__name__)


class ReloadWaiting(Exception):
    """A live pass holds the dataset; the queued work starts after it."""


def _active_connection(connection_id: int) -> StoreConnection | None:
    return StoreConnection.objects.filter(pk=connection_id, is_active=True).first()


def lc_reload_run(*, connection_id: int, dataset: str,
                  retry_in: timedelta | None = None) -> RunSummary | None:
    """The reload task's body: run the Full Reload queued for the dataset. None when there is
    nothing to do (it ran already, or the connection is gone or switched off: the request
    is then dropped with that reason). Raises ReloadWaiting while a live pass holds it.

    After a dataset's first reload its first incremental pass follows at once, so the panel
    does not wait for beat to show one.
    """
    connection = StoreConnection.objects.filter(pk=connection_id).first()
    if connection is None:
        return None
    if not connection.is_active:
        lc_queued_drop(store_hash=connection.store_hash, dataset=dataset,
                       reason="The store connection is switched off.")
        return None
    store_hash = connection.store_hash
    with client_for(connection) as client:
        try:
            summary = lc_reload_queued(client=client, store_hash=store_hash, dataset=dataset,
                                       retry_in=retry_in)
        except ReloadAlreadyRunning as exc:
            raise ReloadWaiting(str(exc)) from exc
        if summary is not None and summary.ok and _first_incremental_due(store_hash, dataset):
            try:
                lc_sync(client=client, store_hash=store_hash, datasets=[dataset])
            except ReloadAlreadyRunning:
                logger.info("first LC sync of %s/%s skipped: a pass is running",
                            store_hash, dataset)
    return summary


def _first_incremental_due(store_hash: str, dataset: str) -> bool:
    return SyncSettings.load().lc_background_pull and LcStatus.objects.filter(
        store_hash=store_hash, dataset=dataset, last_incremental_at__isnull=True).exists()


def lc_sync_all() -> list[RunSummary]:
    """One incremental pass for every active connection, when background pull is on.
    A failing store does not stop the others; its error is in its summaries and LcStatus."""
    if not SyncSettings.load().lc_background_pull:
        return []
    summaries: list[RunSummary] = []
    for connection in StoreConnection.objects.filter(is_active=True):
        started = timezone.now()
        try:
            with client_for(connection) as client:
                summaries.extend(lc_sync(client=client, store_hash=connection.store_hash))
        except ReloadAlreadyRunning:
            logger.info("LC sync of %s skipped: a pass is running", connection.store_hash)
            continue
        _conflicts_after_refresh(connection, since=started)
    return summaries


def lc_refresh_run(*, connection_id: int, resource: str, bc_id: int,
                   retry_in: timedelta | None = None) -> RunSummary | None:
    """Re-read the record a webhook's pending refresh names (None: nothing pending)."""
    connection = _active_connection(connection_id)
    if connection is None:
        return None
    with client_for(connection) as client:
        summary = lc_refresh_pending(client=client, store_hash=connection.store_hash,
                                     resource=resource, bc_id=bc_id, retry_in=retry_in)
    if summary is not None and summary.ok and resource == "product":
        _conflicts_after_refresh(connection, bc_ids=[bc_id])
    return summary


def _conflicts_after_refresh(connection: StoreConnection, *, bc_ids: list[int] | None = None,
                             since: datetime | None = None) -> None:
    """An edit made in BigCommerce to a field the POS controls shows as a conflict as soon
    as its webhook's refresh (or the next incremental pass) lands; our own push's echo never
    does (see push.conflicts)."""
    from .push.conflicts import conflicts_scan

    try:
        conflicts_scan(connection=connection, bc_product_ids=bc_ids, since=since)
    except Exception:  # the pass itself succeeded: never undo it for this
        logger.exception("conflict check after an LC pass of %s failed", connection.store_hash)


def lc_reconcile_all() -> list[RunSummary]:
    """Drop LC rows whose ids BigCommerce no longer has (deletes a webhook may have missed),
    for every dataset of every active connection."""
    summaries: list[RunSummary] = []
    for connection in StoreConnection.objects.filter(is_active=True):
        with client_for(connection) as client:
            for dataset in DATASETS:
                summaries.append(lc_reconcile_ids(
                    client=client, store_hash=connection.store_hash, dataset=dataset))
    return summaries


def lc_delete_run(*, store_hash: str) -> list[RunSummary]:
    """Delete what is queued for deletion in this store's LC (no API call: a connection
    switched off or gone still has its LC deleted)."""
    try:
        return lc_delete_queued(store_hash=store_hash)
    except ReloadAlreadyRunning as exc:
        raise ReloadWaiting(str(exc)) from exc


@dataclass
class SweepOrders:
    """What the sweeper found to send again, in task arguments."""

    sweep: Sweep
    reloads: list[tuple[int, str]] = field(default_factory=list)  # (connection id, dataset)
    deletes: list[str] = field(default_factory=list)  # store hashes
    refreshes: list[tuple[int, RefreshKey]] = field(default_factory=list)


def lc_sweep_run(*, unclaimed_runs_after: timedelta) -> SweepOrders:
    """Sweep the LC; turn what it found into task arguments. A queued reload or a pending
    refresh whose connection is gone or switched off is dropped, saying why."""
    sweep = lc_sweep(unclaimed_runs_after=unclaimed_runs_after)
    active = dict(StoreConnection.objects.filter(is_active=True)
                  .values_list("store_hash", "pk"))
    orders = SweepOrders(sweep=sweep)
    for work in sweep.queued:
        if work.kind == "delete":
            if work.store_hash not in orders.deletes:  # one task deletes the store's lot
                orders.deletes.append(work.store_hash)
        elif work.store_hash in active:
            orders.reloads.append((active[work.store_hash], work.dataset))
        else:
            lc_queued_drop(store_hash=work.store_hash, dataset=work.dataset,
                           reason="The store connection is gone or switched off.")
    for key in sweep.refreshes:
        if key.store_hash in active:
            orders.refreshes.append((active[key.store_hash], key))
        else:
            lc_refresh_forget(store_hash=key.store_hash)
    return orders


def lc_runs_prune_run() -> int:
    """Drop run-log rows older than LC_RUN_KEEP_DAYS."""
    return lc_runs_prune(
        older_than=timezone.now() - timedelta(days=settings.LC_RUN_KEEP_DAYS))
