"""Dropping the mirror: rows and status of some (or all) datasets of one store."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction

from .models import Dataset, LcOrderLine, LcShippingAddress, LcStatus, LcVariant
from .writers import DATASET_MODELS, DELETE_CHUNK

# Children first: deleting them by store keeps the parents' DELETE a plain one.
CHILDREN: dict[str, tuple[type[models.Model], ...]] = {
    "products": (LcVariant,), "orders": (LcOrderLine, LcShippingAddress),
}


def _delete_in_chunks(model: type[models.Model], store_hash: str) -> int:
    """A parent with cascading children is deleted by loading its rows; a chunk at a time
    (pks only) keeps a 100k-product mirror from being loaded whole."""
    total = 0
    rows = model._default_manager.filter(store_hash=store_hash)
    while chunk := list(rows.values_list("pk", flat=True)[:DELETE_CHUNK]):
        count, _ = model._default_manager.filter(pk__in=chunk).only("pk").delete()
        total += count
    return total


def lc_delete(*, store_hash: str, datasets: Iterable[str] | None = None) -> int:
    """Delete the LC rows of these datasets (default all) and reset their status.

    Returns the number of rows deleted, children included. A pass running meanwhile loses its
    claim (its run token is cleared) and stops at its next page.
    """
    names = list(datasets) if datasets is not None else list(Dataset.values)
    unknown = [n for n in names if n not in DATASET_MODELS]
    if unknown:
        raise ValueError(f"unknown LC datasets: {unknown}")
    total = 0
    with transaction.atomic():
        for name in names:
            for child in CHILDREN.get(name, ()):
                count, _ = child._default_manager.filter(store_hash=store_hash).delete()
                total += count
            for model in DATASET_MODELS[name]:
                total += _delete_in_chunks(model, store_hash)
        LcStatus.objects.filter(store_hash=store_hash, dataset__in=names).update(
            state=LcStatus.State.IDLE, run_kind="", run_token="", heartbeat_at=None,
            row_count=0, pages_done=0, pages_total=None, items_done=0, started_at=None,
            finished_at=None, last_full_reload_at=None, last_incremental_at=None,
            watermark=None, last_error="", last_error_at=None,
        )
    return total
