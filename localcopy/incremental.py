"""Incremental pass: only what changed since the watermark (or a cheap diff for short lists)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from bcsync.client import BigCommerceClient

from .claims import ReloadAlreadyRunning, status_row
from .datasets import DATASETS, dataset_spec
from .models import LcRun
from .passes import OVERLAP, Pass, Progress, held, run_pass
from .reload import reload_dataset
from .runs import RunSummary


def sync_dataset(*, client: BigCommerceClient, store_hash: str, dataset: str,
                 progress: Progress | None = None) -> RunSummary:
    """One incremental pass; a dataset never reloaded gets a Full Reload instead."""
    spec = dataset_spec(dataset)
    status = status_row(store_hash, dataset)
    never = status.watermark is None if spec.dated else status.last_full_reload_at is None
    if never:
        return reload_dataset(client=client, store_hash=store_hash, dataset=dataset,
                              progress=progress)

    def body(p: Pass) -> dict[str, object]:
        # Read the watermark from the claimed row: a pass that finished while we waited
        # may have moved it.
        previous = p.status.watermark
        since = previous - OVERLAP if (spec.dated and previous is not None) else None
        spec.pull(p, full=False, since=since)
        fields: dict[str, object] = {"last_incremental_at": timezone.now()}
        if spec.dated:
            fields["watermark"] = p.next_watermark(previous)
        return fields

    return run_pass(client=client, store_hash=store_hash, dataset=spec.name,
                    counted=spec.models,
                    kind=LcRun.Kind.INCREMENTAL, body=body, progress=progress)


def lc_sync(*, client: BigCommerceClient, store_hash: str,
            datasets: Iterable[str] | None = None,
            progress: Progress | None = None) -> list[RunSummary]:
    """One incremental pass per dataset (default: all), in turn.

    Raises ReloadAlreadyRunning when a live pass holds a dataset asked for alone (or every
    dataset asked for); with several, the held ones are reported as skipped. A dataset with
    a Full Reload or delete queued counts as held: that goes first.
    """
    names = [dataset_spec(n).name for n in datasets] if datasets is not None else list(DATASETS)
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
