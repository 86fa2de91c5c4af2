"""The sweeper, run by beat every minute: nothing a person or a webhook asked for stays lost
because a worker was killed or a broker message went missing.

It abandons passes whose heartbeat stopped (their Full Reload or delete queued again), finds
queued requests and pending refreshes whose task never ran, and closes run-log rows their
worker left open. It changes only the LC's own rows and says what must be sent again; the
caller (which knows the tasks) sends it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from .claims import abandon_stale, stale_after
from .models import LcRun, LcStatus
from .pending import RefreshKey, lc_refresh_resend


@dataclass(frozen=True)
class QueuedWork:
    store_hash: str
    dataset: str
    kind: str  # full / delete


@dataclass
class Sweep:
    abandoned: list[LcStatus] = field(default_factory=list)
    queued: list[QueuedWork] = field(default_factory=list)
    refreshes: list[RefreshKey] = field(default_factory=list)
    runs_closed: int = 0

    def line(self) -> str:
        return (f"{len(self.abandoned)} passes abandoned, {len(self.queued)} requests and "
                f"{len(self.refreshes)} refreshes to send again, {self.runs_closed} runs closed")


def lc_sweep(*, unclaimed_runs_after: timedelta, now: datetime | None = None) -> Sweep:
    """One sweep. `unclaimed_runs_after`: how long a run without a claim (a webhook refresh,
    a reconciliation) can take at most, i.e. its task's hard time limit; an unfinished run
    older than that was left by a dead worker."""
    now = now or timezone.now()
    sweep = Sweep(abandoned=abandon_stale(now=now))
    cutoff = now - stale_after()
    # Queued and not taken: never sent (just abandoned), or due long enough ago that a
    # worker would have taken it by now: its message was lost.
    waiting = LcStatus.objects.exclude(queued="").exclude(state=LcStatus.State.RUNNING).filter(
        Q(queued_due_at__isnull=True) | Q(queued_due_at__lt=cutoff))
    for status in waiting:
        if LcStatus.objects.filter(pk=status.pk, queued=status.queued).update(
                queued_due_at=now):
            sweep.queued.append(QueuedWork(status.store_hash, status.dataset, status.queued))
    sweep.refreshes = lc_refresh_resend(now=now)
    sweep.runs_closed = LcRun.objects.filter(
        finished_at__isnull=True, run_token="", started_at__lt=now - unclaimed_runs_after,
    ).update(finished_at=now, ok=False, abandoned=True,
             error="Abandoned: its worker stopped before it finished.")
    return sweep
