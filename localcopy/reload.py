"""Full Reload: the whole dataset again, page by page; what BC no longer has is removed."""

from __future__ import annotations

from django.utils import timezone

from bcsync.client import BigCommerceClient

from .claims import ReloadAlreadyRunning
from .models import Dataset, LcRun
from .passes import Pass, Progress, held, run_pass
from .pulls import DATED, PULLS
from .runs import RunSummary

ALL = "all"


def reload_dataset(*, client: BigCommerceClient, store_hash: str, dataset: str,
                    progress: Progress | None = None) -> RunSummary:
    def body(p: Pass) -> dict[str, object]:
        PULLS[dataset](p, full=True, since=None)
        fields: dict[str, object] = {"last_full_reload_at": timezone.now()}
        if dataset in DATED:
            # Previous watermark deliberately ignored: this pass re-read everything.
            fields["watermark"] = p.next_watermark(None)
        return fields

    return run_pass(client=client, store_hash=store_hash, dataset=dataset,
                    kind=LcRun.Kind.FULL, body=body, progress=progress)


def lc_reload(*, client: BigCommerceClient, store_hash: str, dataset: str,
              progress: Progress | None = None) -> RunSummary:
    """Reload one dataset (or "all", one after the other) from BigCommerce.

    Raises ReloadAlreadyRunning if a live pass holds the dataset (for "all": only if it
    holds every one; the others are reloaded and the held ones reported as skipped).
    """
    if dataset != ALL:
        if dataset not in PULLS:
            raise ValueError(f"unknown LC dataset {dataset!r}")
        return reload_dataset(client=client, store_hash=store_hash, dataset=dataset,
                               progress=progress)
    parts: list[RunSummary] = []
    busy = 0
    for name in Dataset.values:
        try:
            parts.append(reload_dataset(client=client, store_hash=store_hash, dataset=name,
                                         progress=progress))
        except ReloadAlreadyRunning:
            busy += 1
            parts.append(held(store_hash, name, LcRun.Kind.FULL))
    if busy == len(Dataset.values):
        raise ReloadAlreadyRunning(store_hash, ALL)
    return RunSummary.combine(ALL, LcRun.Kind.FULL, parts)
