"""The frame every claimed pass runs in: claim, progress, failure handling, release."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from bcsync.client import BigCommerceClient, BigCommerceError, Page

from .claims import ClaimLost, claim, heartbeat, release
from .models import LcStatus
from .runs import RunSummary, Tally
from .writers import DATASET_MODELS

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
    pages_done: int = 0
    items_done: int = 0
    # A dataset may walk several lists in turn (customers, then groups; locations, then
    # zones and their methods): pages of the lists already walked, so the bar counts them all.
    earlier_pages: int = 0

    def saw_modified(self, value: datetime | None) -> None:
        if value is not None and (self.max_modified is None or value > self.max_modified):
            self.max_modified = value

    def beat_for(self, page: Page) -> Callable[[], None]:
        """The page's progress as one cheap UPDATE (what the browser's progress bar polls),
        run inside the page's transaction: if the claim is gone, the page is rolled back."""

        def beat() -> None:
            if page.page == 1 and self.pages_done:
                self.earlier_pages = self.pages_done
            self.pages_done += 1
            self.items_done += len(page.items)
            progress: dict[str, Any] = {"pages_done": self.pages_done,
                                        "items_done": self.items_done}
            # Unknown (V2 lists, one request per zone): no total rather than a wrong one.
            progress["pages_total"] = (
                None if page.total_pages is None
                else max(self.earlier_pages + int(page.total_pages), self.pages_done)
            )
            heartbeat(self.status, **progress)

        return beat

    def report(self) -> None:
        """Tell the caller's progress callback (outside any transaction)."""
        if self.progress is not None:
            self.progress(self.status)

    def alive(self) -> None:
        """A heartbeat within a long page (orders fetch their lines one request each)."""
        heartbeat(self.status)

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


def row_count(store_hash: str, dataset: str) -> int:
    return DATASET_MODELS[dataset][0].objects.filter(store_hash=store_hash).count()


def run_pass(*, client: BigCommerceClient, store_hash: str, dataset: str, kind: str,
             body: Body, progress: Progress | None = None) -> RunSummary:
    """Claim the dataset, run `body`, record the outcome; ReloadAlreadyRunning if held.

    BigCommerce errors end the pass as failed (the pages already written stay, the watermark
    stays where it was); anything else is a bug: recorded the same way, then re-raised.
    """
    status = claim(store_hash=store_hash, dataset=dataset, kind=kind)
    tally = Tally(client=client, store_hash=store_hash, dataset=dataset, kind=kind)
    p = Pass(client=client, store_hash=store_hash, dataset=dataset, kind=kind,
             status=status, tally=tally, progress=progress, started_at=status.started_at
             or timezone.now())
    if progress is not None:
        progress(status)
    try:
        fields = body(p)
    except (BigCommerceError, ClaimLost) as exc:
        error = f"{type(exc).__name__}: {exc}"
        logger.warning("LC %s of %s/%s failed: %s", kind, store_hash, dataset, error)
        release(status, ok=False, error=error, row_count=row_count(store_hash, dataset))
        return tally.finish(ok=False, error=error)
    except Exception as exc:
        logger.exception("LC %s of %s/%s crashed", kind, store_hash, dataset)
        error = f"{type(exc).__name__}: {exc}"
        release(status, ok=False, error=error)
        tally.finish(ok=False, error=error)
        raise
    # Done: the bar is full even where the API never said how many pages there were (V2).
    fields.setdefault("pages_total", p.pages_done)
    if not release(status, ok=True, row_count=row_count(store_hash, dataset), **fields):
        error = "the claim was taken over before the pass finished; watermark not saved"
        return tally.finish(ok=False, error=error)
    if progress is not None:
        progress(status)
    return tally.finish(ok=True)


def held(store_hash: str, dataset: str, kind: str) -> RunSummary:
    """What a pass reports for a dataset it left alone because another pass holds it."""
    return RunSummary(dataset=dataset, kind=kind, ok=True,
                      error="skipped: another pass is running for this category")
