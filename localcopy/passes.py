"""The frame every claimed pass runs in: claim, progress, failure handling, release."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from bcsync.client import BigCommerceClient, BigCommerceError, Page

from .claims import ClaimLost, beat_every, claim, heartbeat, release
from .models import LcStatus
from .runs import RunSummary, Tally

logger = logging.getLogger("localcopy")

Progress = Callable[[LcStatus], None]

# Asked again on the next pass, so a change in the same second as the watermark isn't lost.
OVERLAP = timedelta(seconds=2)
# How far our clock may run ahead of BigCommerce's before a change could slip past the
# watermark. The watermark never goes beyond "our start minus this"; the price is that the
# next pass re-reads (and skips, unchanged) the changes of the last minute.
CLOCK_SKEW_MARGIN = timedelta(seconds=60)


@dataclass
class Pass:
    client: BigCommerceClient
    store_hash: str
    dataset: str
    kind: str
    status: LcStatus
    tally: Tally
    progress: Progress | None = None
    started_at: datetime = field(default_factory=timezone.now)
    max_modified: datetime | None = None
    items_done: int = 0
    # A dataset may walk several lists in turn (customers, then groups; locations, then
    # zones' methods): records of the lists already walked, so the count covers them all.
    earlier_items: int = 0
    # Rows written (inserted less deleted) already added to the status row's count.
    rows_counted: int = 0
    thread: int = field(default_factory=threading.get_ident)
    last_beat: float = field(default_factory=time.monotonic)

    def saw_modified(self, value: datetime | None) -> None:
        if value is not None and (self.max_modified is None or value > self.max_modified):
            self.max_modified = value

    def beat_for(self, page: Page) -> Callable[[], None]:
        """The page's progress as one cheap UPDATE (what the browser's progress bar polls),
        run inside the page's transaction: if the claim is gone, the page is rolled back."""

        def beat() -> None:
            if page.page == 1 and self.items_done:
                self.earlier_items = self.items_done
            self.items_done += len(page.items)
            # Unknown (V2 lists, one request per zone): no total rather than a wrong one.
            total = (None if page.total is None
                     else max(self.earlier_items + int(page.total), self.items_done))
            written = self.tally.inserted - self.tally.deleted
            added, self.rows_counted = written - self.rows_counted, written
            heartbeat(self.status, rows_added=added, items_done=self.items_done,
                      items_total=total)
            self.last_beat = time.monotonic()

        return beat

    def report(self) -> None:
        """Tell the caller's progress callback (outside any transaction)."""
        if self.progress is not None:
            self.progress(self.status)

    def alive(self) -> None:
        """Show the pass is alive, at most every `beat_every()`: called by the client before
        each request and during its waits, and while waiting for a prefetched page. Only the
        pass's own thread writes (the prefetching thread has a database connection of its
        own, outside the pass's transactions)."""
        if threading.get_ident() != self.thread:
            return
        if time.monotonic() - self.last_beat < beat_every().total_seconds():
            return
        heartbeat(self.status)
        self.last_beat = time.monotonic()

    def next_watermark(self, previous: datetime | None) -> datetime | None:
        """Where the next incremental pass may start, from BigCommerce's own timestamps.

        The newest date_modified seen, but never later than our start less the skew margin:
        on a pass that took a while, changes made during it on pages already read have dates
        between our start and the newest one seen. Nothing seen: keep the previous one (any
        later change has a later date); no previous either: our start less the margin.
        """
        cap = self.started_at - CLOCK_SKEW_MARGIN
        if self.max_modified is None:
            return previous if previous is not None else cap
        candidate = min(self.max_modified, cap)
        return max(candidate, previous) if previous is not None else candidate


Body = Callable[[Pass], dict[str, Any]]


def run_pass(*, client: BigCommerceClient, store_hash: str, dataset: str,
             counted: Sequence[type[models.Model]], kind: str, body: Body,
             progress: Progress | None = None, status: LcStatus | None = None) -> RunSummary:
    """Claim the dataset (unless `status` is already claimed), run `body`, record the
    outcome, the row count recounted from `counted` (the dataset's models);
    ReloadAlreadyRunning if a live pass holds it.

    BigCommerce errors end the pass as failed (the pages already written stay, the watermark
    stays where it was), `transient` carried into the summary; anything else is a bug:
    recorded the same way, then re-raised.
    """
    if status is None:
        status = claim(store_hash=store_hash, dataset=dataset, kind=kind)
    tally = Tally(client=client, store_hash=store_hash, dataset=dataset, kind=kind,
                  run_token=status.run_token)
    p = Pass(client=client, store_hash=store_hash, dataset=dataset, kind=kind,
             status=status, tally=tally, progress=progress, started_at=status.started_at
             or timezone.now())
    if progress is not None:
        progress(status)
    previous_keepalive = client.keepalive
    client.keepalive = p.alive
    try:
        fields = body(p)
    except (BigCommerceError, ClaimLost) as exc:
        error = f"{type(exc).__name__}: {exc}"
        transient = isinstance(exc, BigCommerceError) and exc.transient
        logger.warning("LC %s of %s/%s failed: %s", kind, store_hash, dataset, error)
        release(status, ok=False, error=error, counted=counted)
        return tally.finish(ok=False, error=error, transient=transient)
    except Exception as exc:
        logger.exception("LC %s of %s/%s crashed", kind, store_hash, dataset)
        error = f"{type(exc).__name__}: {exc}"
        release(status, ok=False, error=error, counted=counted)
        tally.finish(ok=False, error=error)
        raise
    finally:
        client.keepalive = previous_keepalive
    # Done: the bar is full even where the API never said how many records there were.
    fields.setdefault("items_total", p.items_done)
    if not release(status, ok=True, counted=counted, **fields):
        error = "the claim was taken over before the pass finished; watermark not saved"
        return tally.finish(ok=False, error=error)
    if progress is not None:
        progress(status)
    return tally.finish(ok=True)


def held(store_hash: str, dataset: str, kind: str) -> RunSummary:
    """What a pass reports for a dataset it left alone because another pass holds it."""
    return RunSummary(dataset=dataset, kind=kind, ok=True,
                      error="skipped: another pass is running for this dataset")
