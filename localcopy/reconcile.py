"""Id reconciliation: list only ids from BigCommerce and drop LC rows whose ids are gone.

Incremental passes see changes, never deletions (a deleted record has no date_modified);
webhooks usually report them but can be lost. This is the cheap net under both.
"""

from __future__ import annotations

from django.db import transaction

from bcsync.client import BigCommerceClient, BigCommerceError

from .claims import rows_moved
from .datasets import dataset_spec
from .models import LcRun
from .runs import RunSummary, Tally
from .writers import delete_ids, ids_missing


def lc_reconcile_ids(*, client: BigCommerceClient, store_hash: str,
                     dataset: str) -> RunSummary:
    """Delete LC rows of `dataset` whose ids BigCommerce no longer lists.

    Only rows last written before the id walk began are candidates, so a record created (and
    mirrored by a webhook) while the walk was under way is never mistaken for a deleted one.
    """
    spec = dataset_spec(dataset)
    tally = Tally(client=client, store_hash=store_hash, dataset=spec.name,
                  kind=LcRun.Kind.RECONCILE)
    try:
        present = spec.list_ids(client)
    except BigCommerceError as exc:
        return tally.finish(ok=False, error=f"{type(exc).__name__}: {exc}",
                            transient=exc.transient)
    for model, ids in present.items():
        missing = ids_missing(model, store_hash=store_hash, present=ids,
                              before=tally.started_at)
        with transaction.atomic():
            gone = delete_ids(model, store_hash=store_hash, bc_ids=missing)
            rows_moved(store_hash=store_hash, dataset=spec.name, by=-gone)
        tally.deleted += gone
    return tally.finish(ok=True)
