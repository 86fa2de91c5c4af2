"""Full Reload: the whole dataset again, page by page; what BC no longer has is removed."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bcsync.client import BigCommerceClient

from .claims import ReloadAlreadyRunning, claim
from .datasets import ALL, DATASETS, dataset_spec
from .models import LcRun, LcStatus
from .passes import Pass, Progress, held, run_pass
from .runs import RunSummary


def reload_dataset(*, client: BigCommerceClient, store_hash: str, dataset: str,
                   progress: Progress | None = None,
                   status: LcStatus | None = None) -> RunSummary:
    spec = dataset_spec(dataset)

    def body(p: Pass) -> dict[str, object]:
        spec.pull(p, full=True, since=None)
        fields: dict[str, object] = {"last_full_reload_at": timezone.now()}
        if spec.dated:
            # Previous watermark deliberately ignored: this pass re-read everything.
            fields["watermark"] = p.next_watermark(None)
        return fields

    return run_pass(client=client, store_hash=store_hash, dataset=spec.name,
                    counted=spec.models, kind=LcRun.Kind.FULL,
                    body=body, progress=progress, status=status)


def lc_reload(*, client: BigCommerceClient, store_hash: str, dataset: str,
              progress: Progress | None = None) -> RunSummary:
    """Reload one dataset (or "all", one after the other) from BigCommerce, now.

    Raises ReloadAlreadyRunning if a live pass holds the dataset (for "all": only if it
    holds every one; the others are reloaded and the held ones reported as skipped). A Full
    Reload queued for the dataset is done by this one.
    """
    if dataset != ALL:
        return reload_dataset(client=client, store_hash=store_hash, dataset=dataset,
                              progress=progress)
    parts: list[RunSummary] = []
    busy = 0
    for name in DATASETS:
        try:
            parts.append(reload_dataset(client=client, store_hash=store_hash, dataset=name,
                                        progress=progress))
        except ReloadAlreadyRunning:
            busy += 1
            parts.append(held(store_hash, name, LcRun.Kind.FULL))
    if busy == len(DATASETS):
        raise ReloadAlreadyRunning(store_hash, ALL)
    return RunSummary.combine(ALL, LcRun.Kind.FULL, parts)


def lc_reload_queued(*, client: BigCommerceClient, store_hash: str, dataset: str,
                     retry_in: timedelta | None = None) -> RunSummary | None:
    """Run the Full Reload queued for the dataset (what the reload task does).

    None when none is queued: it ran already (a duplicate or redelivered message). Raises
    ReloadAlreadyRunning while a live pass holds the dataset; the request stays queued.
    `retry_in`: the caller tries again that much later after a failure that may go away,
    so the request is queued again, due then (the sweeper sends it if that try is lost).
    """
    try:
        status = claim(store_hash=store_hash, dataset=dataset_spec(dataset).name,
                       kind=LcRun.Kind.FULL, queued_only=True)
    except ReloadAlreadyRunning as exc:
        if exc.status is not None and exc.status.queued != LcRun.Kind.FULL:
            return None
        raise
    summary = reload_dataset(client=client, store_hash=store_hash, dataset=dataset,
                             status=status)
    if not summary.ok and summary.transient and retry_in is not None:
        now = timezone.now()
        LcStatus.objects.filter(store_hash=store_hash, dataset=dataset, queued="").update(
            queued=LcRun.Kind.FULL, queued_at=now, queued_due_at=now + retry_in)
    return summary
