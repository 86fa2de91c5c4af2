"""The local copy as the panel shows it: per dataset, the maintained row count, times,
progress, the last error and a status light. Reads only; no COUNT per poll."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

from localcopy.models import LcRun, LcStatus
from localcopy.services import DATASETS, is_live, stale_after

from .models import StoreConnection


class Light(models.TextChoices):
    GREEN = "green", "Current"
    AMBER = "amber", "Running"
    RED = "red", "Failed"
    GREY = "grey", "Not loaded"


@dataclass(frozen=True)
class LcPanelRow:
    dataset: str
    label: str
    row_count: int
    light: str
    light_label: str
    reason: str
    running: bool  # a live pass holds the dataset
    queued: bool  # a Full Reload or delete waits for a worker
    run_kind: str  # of the running pass, else of the last one
    last_full_reload_at: datetime | None
    last_incremental_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    items_done: int
    items_total: int | None
    started_at: datetime | None
    finished_at: datetime | None
    elapsed: timedelta | None

    @property
    def busy(self) -> bool:
        """Something runs or waits: no second request, and the page polls fast."""
        return self.running or self.queued

    @property
    def percent(self) -> int | None:
        if not self.items_total:
            return None
        return min(100, round(100 * self.items_done / self.items_total))


def _when(moment: datetime | None) -> str:
    return f" since {timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def _light(status: LcStatus | None, now: datetime) -> tuple[str, str, str]:
    """(light, label, reason) for one dataset. A dataset is Current only after a Full
    Reload: one deleted (or never loaded) stays "Not loaded" whatever webhooks write."""
    if status is None:
        return Light.GREY, Light.GREY.label, ""
    if status.state == LcStatus.State.RUNNING and not is_live(status, now=now):
        return (Light.RED, "Stalled", f"The pass stopped: no sign of its worker"
                f"{_when(status.heartbeat_at)}. It is abandoned and queued work sent again "
                "within a minute or two; is the worker running?")
    if status.state == LcStatus.State.RUNNING:
        if status.run_kind == LcRun.Kind.DELETE:
            return Light.AMBER, "Deleting", ""
        after = "A Full Reload is queued after it." if status.queued else ""
        return Light.AMBER, Light.AMBER.label, after
    if status.queued:
        what = "delete it" if status.queued == LcRun.Kind.DELETE else "start the Full Reload"
        reason = f"Waiting for a worker to {what}."
        if status.queued_at and now - status.queued_at > stale_after():
            reason = (f"Queued{_when(status.queued_at)}: no worker has taken it yet. "
                      "Is the bulk worker running?")
        return Light.AMBER, "Queued", reason
    if status.state == LcStatus.State.FAILED:
        return Light.RED, Light.RED.label, status.last_error or "The last pass failed."
    if status.last_full_reload_at is None:
        return Light.GREY, Light.GREY.label, ""
    return Light.GREEN, Light.GREEN.label, ""


def lc_panel(*, connection: StoreConnection) -> list[LcPanelRow]:
    """Per dataset, in the panel's order."""
    now = timezone.now()
    statuses = {s.dataset: s for s in LcStatus.objects.filter(store_hash=connection.store_hash)}
    rows = []
    for spec in DATASETS.values():
        status = statuses.get(spec.name)
        light, light_label, reason = _light(status, now)
        if status is None:
            status = LcStatus(store_hash=connection.store_hash, dataset=spec.name)
        running = is_live(status, now=now)
        elapsed = None
        if status.started_at:
            end = now if running else status.finished_at
            elapsed = (end - status.started_at) if end else None
        rows.append(LcPanelRow(
            dataset=spec.name, label=spec.label, row_count=status.row_count,
            light=str(light), light_label=str(light_label), reason=reason,
            running=running, queued=bool(status.queued) and not running,
            run_kind=status.queued if status.queued and not running else status.run_kind,
            last_full_reload_at=status.last_full_reload_at,
            last_incremental_at=status.last_incremental_at,
            last_error=status.last_error, last_error_at=status.last_error_at,
            items_done=status.items_done, items_total=status.items_total,
            started_at=status.started_at, finished_at=status.finished_at, elapsed=elapsed,
        ))
    return rows


def lc_connections() -> list[StoreConnection]:
    """The connections the panel offers, active first."""
    return list(StoreConnection.objects.order_by("-is_active", "description"))
