"""Asking for a bulk product import or the initial dataset: the job is recorded, then queued
on the bulk queue once the transaction commits. What runs it is `bcsync.imports.jobs`.

    job = import_job_request(connection=…, user=…, bc_product_ids=[…])   # the Web View
    job = initial_dataset_request(connection=…, user=…)                   # once per store
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from localcopy.models import LcProduct

from ..models import StoreConnection, SyncJob
from ..tasks import import_job_enqueue
from .settings import (
    InitialDatasetRefused,
    default_location,
    import_settings_for,
    initial_claim,
)


def import_job_request(*, connection: StoreConnection, user: Any,
                       bc_product_ids: Sequence[int]) -> SyncJob:
    """Record a bulk import and send it to the bulk queue once this transaction commits."""
    ids = sorted({int(i) for i in bc_product_ids})
    job = SyncJob.objects.create(
        connection=connection, kind=SyncJob.Kind.IMPORT,
        requested_by=user if getattr(user, "pk", None) else None,
        params={"bc_product_ids": ids}, total=len(ids))
    import_job_enqueue(job_id=job.pk)
    return job


@transaction.atomic
def initial_dataset_request(*, connection: StoreConnection, user: Any, enqueue: bool = True
                            ) -> SyncJob:
    """Start the initial dataset (products, inventory, carriers) — once: raises
    InitialDatasetRefused when it ran already or is running. `enqueue=False`: the caller
    runs it (the command)."""
    # Refused before the claim: a run over an empty LC, or with nowhere to put stock, would
    # use up the only run for nothing.
    total = LcProduct.objects.filter(store_hash=connection.store_hash).count()
    if not total:
        raise InitialDatasetRefused("The local copy has no products of this store yet: run a "
                                    "Full Reload of products first.")
    if default_location(import_settings_for(connection=connection)) is None:
        raise InitialDatasetRefused("No location to put the imported stock at: choose the "
                                    "default location (or the store's POS location) first.")
    initial_claim(connection=connection, user=user)
    job = SyncJob.objects.create(
        connection=connection, kind=SyncJob.Kind.IMPORT,
        requested_by=user if getattr(user, "pk", None) else None,
        params={"initial": True}, total=total)
    if enqueue:
        import_job_enqueue(job_id=job.pk)
    return job
