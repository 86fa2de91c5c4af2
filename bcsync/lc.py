"""The local copy as staff and the scheduler see it: request a reload (or join the one that
is running), run the passes for a connection, delete the LC, and the panel's selector.

The LC's own services (`localcopy.services`) know store hashes and API clients only; this
module turns connection ids into those, and owns the "queued" state the panel shows between
a click and a worker picking the job up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from localcopy.claims import STALE_AFTER
from localcopy.models import (
    Dataset,
    LcBrand,
    LcCategory,
    LcCustomer,
    LcLocation,
    LcOrder,
    LcProduct,
    LcRun,
    LcShippingMethod,
    LcStatus,
)
from localcopy.services import (
    ReloadAlreadyRunning,
    RunSummary,
    lc_delete,
    lc_reconcile_ids,
    lc_refresh_record,
    lc_reload,
    lc_sync,
)

from .connections import client_for
from .models import StoreConnection, SyncSettings

logger = logging.getLogger(__name__)

ALL = "all"
# A queued request waits for a free worker (a solo worker may be busy with another category's
# reload), so it is given longer than a claimed pass's heartbeat before the panel calls it
# stalled and a click enqueues it again.
QUEUED_STALE_AFTER = timedelta(minutes=15)

_LC_TABLES: dict[str, tuple[type[models.Model], ...]] = {
    Dataset.PRODUCTS: (LcProduct,),
    Dataset.CATEGORIES: (LcCategory,),
    Dataset.BRANDS: (LcBrand,),
    Dataset.ORDERS: (LcOrder,),
    Dataset.CUSTOMERS: (LcCustomer,),
    Dataset.CARRIERS: (LcShippingMethod, LcLocation),
}


class LcBusy(Exception):
    """The LC cannot be deleted while a pass is running: the pass would write rows back."""


def lc_datasets(dataset: str) -> list[str]:
    """`dataset` checked against the known ones; "all" expands to every dataset."""
    if dataset == ALL:
        return list(Dataset.values)
    if dataset not in Dataset.values:
        raise ValueError(f"unknown LC dataset {dataset!r}")
    return [dataset]


def lc_is_queued(status: LcStatus) -> bool:
    """Marked running by a request, not yet claimed by a worker. The marker leaves
    heartbeat_at empty so that the worker's claim (localcopy.claims) treats the row as free."""
    return (status.state == LcStatus.State.RUNNING and not status.run_token
            and status.heartbeat_at is None)


def lc_is_live(status: LcStatus, *, now: datetime | None = None) -> bool:
    """Running, and its worker (or its queue entry) has shown signs of life recently."""
    if status.state != LcStatus.State.RUNNING:
        return False
    now = now or timezone.now()
    if lc_is_queued(status):
        return status.started_at is not None and now - status.started_at < QUEUED_STALE_AFTER
    return status.heartbeat_at is not None and now - status.heartbeat_at < STALE_AFTER


# ---- requests from people ------------------------------------------------------------------


def enqueue_on_commit(task_name: str, **kwargs: Any) -> None:
    """Send bcsync.tasks.<task_name> once the current transaction commits, so the worker
    never reads rows that are not there yet (or that a rollback takes back)."""
    # tasks.py imports this module; importing it here avoids the cycle.
    from . import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(partial(task.apply_async, kwargs=kwargs))


@transaction.atomic
def lc_reload_request(*, connection: StoreConnection, dataset: str) -> list[LcStatus]:
    """Ask for a full reload of one dataset (or "all").

    A dataset whose full reload is already running or queued is joined: its status is
    returned and nothing is enqueued. Otherwise the row is marked queued at once, so the
    panel turns amber before a worker starts, and the task is enqueued when this transaction
    commits. A live incremental pass keeps its claim untouched; the task waits for it.
    """
    now = timezone.now()
    statuses = []
    for name in lc_datasets(dataset):
        status, _ = LcStatus.objects.select_for_update().get_or_create(
            store_hash=connection.store_hash, dataset=name)
        statuses.append(status)
        if lc_is_live(status, now=now):
            if lc_is_queued(status) or status.run_kind == LcRun.Kind.FULL:
                continue
        else:
            status.state = LcStatus.State.RUNNING
            status.run_kind = LcRun.Kind.FULL
            status.run_token = ""
            status.heartbeat_at = None
            status.started_at = now
            status.finished_at = None
            status.pages_done = 0
            status.pages_total = None
            status.items_done = 0
            status.save(update_fields=[
                "state", "run_kind", "run_token", "heartbeat_at", "started_at", "finished_at",
                "pages_done", "pages_total", "items_done", "updated_at",
            ])
        enqueue_on_commit("lc_reload_task", connection_id=connection.pk, dataset=name)
    return statuses


def _queued_abandon(*, store_hash: str, dataset: str, reason: str) -> None:
    """A queued request that will not run (connection gone or switched off): say why, so the
    panel does not stay amber until the queue timeout."""
    now = timezone.now()
    LcStatus.objects.filter(store_hash=store_hash, dataset=dataset,
                            state=LcStatus.State.RUNNING, run_token="",
                            heartbeat_at__isnull=True).update(
        state=LcStatus.State.FAILED, last_error=reason, last_error_at=now, finished_at=now,
        updated_at=now,
    )


@transaction.atomic
def lc_delete_request(*, connection: StoreConnection) -> int:
    """Delete this store's whole LC (the next reload rebuilds it). Refused while any pass is
    running for the store, since that pass would write part of it back."""
    statuses = LcStatus.objects.select_for_update().filter(store_hash=connection.store_hash)
    running = [s.get_dataset_display() for s in statuses if lc_is_live(s)]
    if running:
        raise LcBusy(f"{', '.join(running)} still running; wait for it to finish.")
    return lc_delete(store_hash=connection.store_hash)


# ---- what the workers run ------------------------------------------------------------------


class ReloadWaiting(Exception):
    """An incremental pass holds the dataset; the requested full reload starts after it."""


class PassFailedTransiently(Exception):
    """A pass ended on an error that may go away (timeout, 429, 5xx): worth another try."""

    def __init__(self, summary: RunSummary) -> None:
        super().__init__(summary.line())
        self.summary = summary


_TRANSIENT_NAMES = frozenset({"Unreachable", "RateLimited"})
_TRANSIENT_5XX = frozenset({"500", "502", "503", "504"})


def _check_transient(summary: RunSummary | None) -> RunSummary | None:
    """Raise PassFailedTransiently for a failed summary whose error may go away.

    The LC services record a BigCommerce error on the run and return it as text
    ("Unreachable: ..."), so the client's own transient classification is read back from
    the exception's name (and, for ServerError, its status)."""
    if summary is None or summary.ok:
        return summary
    flag = getattr(summary, "transient", None)
    if flag is None:
        name, _, rest = summary.error.partition(": ")
        flag = name in _TRANSIENT_NAMES or (name == "ServerError" and rest[:3] in _TRANSIENT_5XX)
    if flag:
        raise PassFailedTransiently(summary)
    return summary


def _active_connection(connection_id: int) -> StoreConnection | None:
    return StoreConnection.objects.filter(pk=connection_id, is_active=True).first()


def lc_reload_run(*, connection_id: int, dataset: str) -> RunSummary | None:
    """The reload task's body. None when there is nothing to do: the connection is gone or
    switched off, or another full reload holds the claim (that run covers this request).
    Raises ReloadWaiting while an incremental pass holds it, PassFailedTransiently when it
    failed on an error worth retrying."""
    connection = _active_connection(connection_id)
    if connection is None:
        store_hash = (StoreConnection.objects.filter(pk=connection_id)
                      .values_list("store_hash", flat=True).first())
        if store_hash:
            for name in lc_datasets(dataset):
                _queued_abandon(store_hash=store_hash, dataset=name,
                                reason="The store connection is switched off.")
        return None
    try:
        with client_for(connection) as client:
            return _check_transient(lc_reload(client=client, store_hash=connection.store_hash,
                                              dataset=dataset))
    except ReloadAlreadyRunning as exc:
        holder = getattr(exc, "status", None)
        if holder is not None and holder.run_kind != LcRun.Kind.FULL:
            raise ReloadWaiting(str(exc)) from exc
        logger.info("LC reload of %s/%s joined the run in progress",
                    connection.store_hash, dataset)
        return None


def lc_sync_all() -> list[RunSummary]:
    """One incremental pass for every active connection, when background pull is on.
    A failing store does not stop the others; its error is in its summaries and LcStatus."""
    if not SyncSettings.load().lc_background_pull:
        return []
    summaries: list[RunSummary] = []
    for connection in StoreConnection.objects.filter(is_active=True):
        try:
            with client_for(connection) as client:
                summaries.extend(lc_sync(client=client, store_hash=connection.store_hash))
        except ReloadAlreadyRunning:
            logger.info("LC sync of %s skipped: a pass is running", connection.store_hash)
    return summaries


def lc_refresh_run(*, connection_id: int, resource: str, bc_id: int,
                   deleted: bool = False) -> RunSummary | None:
    """Re-read one record from BigCommerce into the LC (what a webhook asks for)."""
    connection = _active_connection(connection_id)
    if connection is None:
        return None
    with client_for(connection) as client:
        return _check_transient(lc_refresh_record(
            client=client, store_hash=connection.store_hash, resource=resource, bc_id=bc_id,
            deleted=deleted))


def lc_reconcile_all() -> list[RunSummary]:
    """Drop LC rows whose ids BigCommerce no longer has (deletes a webhook may have missed),
    for every dataset of every active connection."""
    summaries: list[RunSummary] = []
    for connection in StoreConnection.objects.filter(is_active=True):
        with client_for(connection) as client:
            for dataset in Dataset.values:
                try:
                    summaries.append(lc_reconcile_ids(
                        client=client, store_hash=connection.store_hash, dataset=dataset))
                except ReloadAlreadyRunning:
                    logger.info("LC reconcile of %s/%s skipped: a pass is running",
                                connection.store_hash, dataset)
    return summaries


# ---- the panel -----------------------------------------------------------------------------


class Light(models.TextChoices):
    GREEN = "green", "Current"
    AMBER = "amber", "Running"
    RED = "red", "Failed"
    GREY = "grey", "Never loaded"


@dataclass(frozen=True)
class LcPanelRow:
    dataset: str
    label: str
    row_count: int
    light: str
    light_label: str
    reason: str
    running: bool
    queued: bool
    last_full_reload_at: datetime | None
    last_incremental_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    pages_done: int
    pages_total: int | None
    items_done: int
    started_at: datetime | None
    finished_at: datetime | None
    elapsed: timedelta | None

    @property
    def percent(self) -> int | None:
        if not self.pages_total:
            return None
        return min(100, round(100 * self.pages_done / self.pages_total))


def _row_count(store_hash: str, dataset: str) -> int:
    return sum(model.objects.filter(store_hash=store_hash).count()  # type: ignore[attr-defined]
               for model in _LC_TABLES[dataset])


def _light(status: LcStatus | None, row_count: int, now: datetime) -> tuple[str, str, str]:
    """(light, label, reason) for one dataset."""
    if status is None:
        return Light.GREY, Light.GREY.label, ""
    if status.state == LcStatus.State.RUNNING:
        if lc_is_live(status, now=now):
            if lc_is_queued(status):
                return Light.AMBER, "Queued", "Waiting for a worker to start the reload."
            return Light.AMBER, Light.AMBER.label, ""
        if lc_is_queued(status):
            what, since = "queued reload was never started", status.started_at
        else:
            what, since = "pass stopped", status.heartbeat_at
        when = f" since {timezone.localtime(since):%Y-%m-%d %H:%M}" if since else ""
        return (Light.RED, "Stalled",
                f"The {what}: no sign of a worker{when}. Is the worker running?")
    if status.state == LcStatus.State.FAILED:
        return Light.RED, Light.RED.label, status.last_error or "The last pass failed."
    if status.last_full_reload_at is None and status.last_incremental_at is None \
            and not row_count:
        return Light.GREY, Light.GREY.label, ""
    return Light.GREEN, Light.GREEN.label, ""


def lc_panel(*, connection: StoreConnection) -> list[LcPanelRow]:
    """Per dataset: live row count, times, last error, progress and a status light."""
    now = timezone.now()
    statuses = {s.dataset: s for s in LcStatus.objects.filter(store_hash=connection.store_hash)}
    rows = []
    for dataset, label in Dataset.choices:
        status = statuses.get(dataset)
        count = _row_count(connection.store_hash, dataset)
        light, light_label, reason = _light(status, count, now)
        running = light == Light.AMBER
        elapsed = None
        if status and status.started_at:
            end = now if status.state == LcStatus.State.RUNNING else status.finished_at
            elapsed = (end - status.started_at) if end else None
        rows.append(LcPanelRow(
            dataset=dataset, label=str(label), row_count=count,
            light=str(light), light_label=light_label, reason=reason,
            running=running, queued=bool(status and running and lc_is_queued(status)),
            last_full_reload_at=status.last_full_reload_at if status else None,
            last_incremental_at=status.last_incremental_at if status else None,
            last_error=status.last_error if status else "",
            last_error_at=status.last_error_at if status else None,
            pages_done=status.pages_done if status else 0,
            pages_total=status.pages_total if status else None,
            items_done=status.items_done if status else 0,
            started_at=status.started_at if status else None,
            finished_at=status.finished_at if status else None,
            elapsed=elapsed,
        ))
    return rows


def lc_connections() -> list[StoreConnection]:
    """The connections the panel offers, active first."""
    return list(StoreConnection.objects.order_by("-is_active", "description"))


def sync_switches_set(*, lc_background_pull: bool, web_background_push: bool) -> SyncSettings:
    """The panel's two background switches."""
    settings = SyncSettings.load()
    settings.lc_background_pull = lc_background_pull
    settings.web_background_push = web_background_push
    settings.save(update_fields=["lc_background_pull", "web_background_push", "updated_at"])
    return settings
