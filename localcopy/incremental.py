"""Incremental pass: only what changed since the watermark (or a cheap diff for short lists)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from bcsync.client import BigCommerceClient

from .claims import ReloadAlreadyRunning, status_row
from .models import Dataset, LcRun
from .passes import OVERLAP, Pass, Progress, held, run_pass
from .pulls import DATED, PULLS
from .reload import reload_dataset
from .runs import RunSummary


def sync_dataset(*, client: BigCommerceClient, store_hash: str, dataset: str,
                  progress: Progress | None = None) -> RunSummary:
    """One incremental pass; a dataset never reloaded gets a Full Reload instead."""
    status = status_row(store_hash, dataset)
    never = status.watermark is None if dataset in DATED else status.last_full_reload_at is None
    if never:
        return reload_dataset(client=client, store_hash=store_hash, dataset=dataset,
                               progress=progress)

    def body(p: Pass) -> dict[str, object]:
        # Read the watermark from the claimed row: a pass that finished while we waited
        # may have moved it.
        previous = p.status.watermark
        since = previous - OVERLAP if (dataset in DATED and previous is not None) else None
        PULLS[dataset](p, full=False, since=since)
        fields: dict[str, object] = {"last_incremental_at": timezone.now()}
        if dataset in DATED:
            fields["watermark"] = p.next_watermark(previous)
        return fields

    return run_pass(client=client, store_hash=store_hash, dataset=dataset,
                    kind=LcRun.Kind.INCREMENTAL, body=body, progress=progress)


def lc_sync(*, client: BigCommerceClient, store_hash: str,
            datasets: Iterable[str] | None = None,
            progress: Progress | None = None) -> list[RunSummary]:
    """One incremental pass per dataset (default: all), in turn.

    Raises ReloadAlreadyRunning when a live pass holds a dataset asked for alone (or every
    dataset asked for); with several, the held ones are reported as skipped.
    """
    names = list(datasets) if datasets is not None else list(Dataset.values)
    unknown = [n for n in names if n not in PULLS]
    if unknown:
        raise ValueError(f"unknown LC datasets: {unknown}")
    summaries: list[RunSummary] = []
    busy = 0
    for name in names:
        try:
            summaries.append(sync_dataset(client=client, store_hash=store_hash, dataset=name,
                                           progress=progress))
        except ReloadAlreadyRunning:
            if len(names) == 1:
                raise
            busy += 1
            summaries.append(held(store_hash, name, LcRun.Kind.INCREMENTAL))
    if names and busy == len(names):
        raise ReloadAlreadyRunning(store_hash, ",".join(names))
    return summaries
