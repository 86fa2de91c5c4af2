"""Dropping the mirror: rows and status of some (or all) datasets of one store.

A dropped dataset is "not loaded" until its next Full Reload: a webhook refresh may write a
record into it meanwhile, but nothing makes it look current except a Full Reload.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import models, transaction

from .claims import ClaimLost, heartbeat, release
from .datasets import DATASETS, dataset_spec
from .models import LcRun, LcStatus
from .runs import RunSummary, Tally
from .writers import DELETE_CHUNK

# What a dropped dataset's status forgets: it was never loaded, as far as the panel and the
# incremental pass (which starts over with a Full Reload) are concerned.
NOT_LOADED: dict[str, Any] = {
    "last_full_reload_at": None, "last_incremental_at": None, "watermark": None,
    "last_error": "", "last_error_at": None,
}


def _chunks_deleted(model: type[models.Model], store_hash: str) -> Iterator[int]:
    """Delete the store's rows of `model` a chunk at a time (pks only, so a 100k-product
    mirror is never loaded whole), yielding how many of `model` each chunk removed."""
    rows = model._default_manager.filter(store_hash=store_hash)
    while chunk := list(rows.values_list("pk", flat=True)[:DELETE_CHUNK]):
        _, per_model = model._default_manager.filter(pk__in=chunk).only("pk").delete()
        yield per_model.get(model._meta.label, 0)


def _delete_children(name: str, store_hash: str) -> int:
    # Children first: deleting them by store keeps the parents' DELETE a plain one.
    total = 0
    for child in dataset_spec(name).children:
        count, _ = child._default_manager.filter(store_hash=store_hash).delete()
        total += count
    return total


def lc_delete(*, store_hash: str, datasets: Iterable[str] | None = None) -> int:
    """Delete the LC rows of these datasets (default all) now, and reset their status.

    Returns the number of rows deleted, children included. A pass running meanwhile loses its
    claim (its run token is cleared) and stops at its next page.
    """
    names = [dataset_spec(n).name for n in datasets] if datasets is not None else list(DATASETS)
    total = 0
    with transaction.atomic():
        for name in names:
            total += _delete_children(name, store_hash)
            for model in dataset_spec(name).models:
                total += sum(_chunks_deleted(model, store_hash))
        LcStatus.objects.filter(store_hash=store_hash, dataset__in=names).update(
            state=LcStatus.State.IDLE, run_kind="", run_token="", heartbeat_at=None,
            queued="", queued_at=None, queued_due_at=None, row_count=0, items_done=0,
            items_total=None, started_at=None, finished_at=None, **NOT_LOADED,
        )
    return total


def delete_dataset(*, status: LcStatus) -> RunSummary:
    """The claimed delete of one dataset (kind "delete"), a chunk per transaction with its
    progress: records deleted of the row count it started from."""
    spec = dataset_spec(status.dataset)
    store_hash = status.store_hash
    tally = Tally(client=None, store_hash=store_hash, dataset=spec.name,
                  kind=LcRun.Kind.DELETE, run_token=status.run_token)
    try:
        heartbeat(status, items_total=status.row_count)
        with transaction.atomic():
            _delete_children(spec.name, store_hash)
            heartbeat(status)
        for model in spec.models:
            chunks = _chunks_deleted(model, store_hash)
            while True:
                with transaction.atomic():
                    count = next(chunks, None)
                    if count is None:
                        break
                    tally.deleted += count
                    heartbeat(status, rows_added=-count, items_done=tally.deleted)
    except ClaimLost as exc:
        return tally.finish(ok=False, error=f"ClaimLost: {exc}")
    release(status, ok=True, counted=spec.models, items_total=tally.deleted, **NOT_LOADED)
    return tally.finish(ok=True)
