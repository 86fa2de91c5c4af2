"""Incremental pass: only what changed since the watermark (or a cheap diff for short lists)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from bcsync.client import BigCommerceClient

from .claims import ReloadAlreadyRunning, status_row
from .models import Category, LcRun
from .passes import OVERLAP, Pass, Progress, held, run_pass
from .pulls import DATED, PULLS
from .reload import reload_category
from .runs import RunSummary


def sync_category(*, client: BigCommerceClient, store_hash: str, category: str,
                  progress: Progress | None = None) -> RunSummary:
    """One incremental pass; a category never reloaded gets a Full Reload instead."""
    status = status_row(store_hash, category)
    never = status.watermark is None if category in DATED else status.last_full_reload_at is None
    if never:
        return reload_category(client=client, store_hash=store_hash, category=category,
                               progress=progress)

    def body(p: Pass) -> dict[str, object]:
        # Read the watermark from the claimed row: a pass that finished while we waited
        # may have moved it.
        previous = p.status.watermark
        since = previous - OVERLAP if (category in DATED and previous is not None) else None
        PULLS[category](p, full=False, since=since)
        fields: dict[str, object] = {"last_incremental_at": timezone.now()}
        if category in DATED:
            fields["watermark"] = p.next_watermark(previous)
        return fields

    return run_pass(client=client, store_hash=store_hash, category=category,
                    kind=LcRun.Kind.INCREMENTAL, body=body, progress=progress)


def lc_sync(*, client: BigCommerceClient, store_hash: str,
            categories: Iterable[str] | None = None,
            progress: Progress | None = None) -> list[RunSummary]:
    """One incremental pass per category (default: all), in turn.

    Raises ReloadAlreadyRunning when a live pass holds a category asked for alone (or every
    category asked for); with several, the held ones are reported as skipped.
    """
    names = list(categories) if categories is not None else list(Category.values)
    unknown = [n for n in names if n not in PULLS]
    if unknown:
        raise ValueError(f"unknown LC categories: {unknown}")
    summaries: list[RunSummary] = []
    busy = 0
    for name in names:
        try:
            summaries.append(sync_category(client=client, store_hash=store_hash, category=name,
                                           progress=progress))
        except ReloadAlreadyRunning:
            if len(names) == 1:
                raise
            busy += 1
            summaries.append(held(store_hash, name, LcRun.Kind.INCREMENTAL))
    if names and busy == len(names):
        raise ReloadAlreadyRunning(store_hash, ",".join(names))
    return summaries
