"""The LC's public services: what tasks, views and commands call.

    lc_reload(client=…, store_hash=…, dataset="products")        # Full Reload, now
    lc_sync(client=…, store_hash=…)                                # incremental, every dataset
    lc_refresh_record(client=…, store_hash=…, resource="product", bc_id=77)   # one record
    lc_reconcile_ids(client=…, store_hash=…, dataset="products")   # drop deleted records
    lc_delete(store_hash=…)                                        # drop the mirror, now

What people and webhooks ask for is recorded first and run by a worker later:

    lc_reload_request(store_hash=…, dataset=…)  → lc_reload_queued(client=…, …)
    lc_delete_request(store_hash=…)             → lc_delete_queued(store_hash=…)
    lc_refresh_request(store_hash=…, resource=…, bc_id=…) → lc_refresh_pending(client=…, …)
    lc_sweep(…)   # beat: abandon dead passes, say what must be sent again
"""

from .claims import ReloadAlreadyRunning, is_live, stale_after
from .datasets import ALL, DATASETS, DatasetSpec, dataset_names, dataset_spec
from .drop import lc_delete
from .incremental import lc_sync
from .pending import RefreshKey, lc_refresh_forget, lc_refresh_pending, lc_refresh_request
from .queueing import (
    LcBusy,
    Requested,
    lc_delete_queued,
    lc_delete_request,
    lc_queued_drop,
    lc_reload_request,
)
from .reconcile import lc_reconcile_ids
from .refresh import lc_refresh_record
from .reload import lc_reload, lc_reload_queued
from .runs import RunSummary, lc_runs_prune
from .sweep import QueuedWork, Sweep, lc_sweep

__all__ = [
    "ALL",
    "DATASETS",
    "DatasetSpec",
    "LcBusy",
    "QueuedWork",
    "RefreshKey",
    "ReloadAlreadyRunning",
    "Requested",
    "RunSummary",
    "Sweep",
    "dataset_names",
    "dataset_spec",
    "is_live",
    "lc_delete",
    "lc_delete_queued",
    "lc_delete_request",
    "lc_queued_drop",
    "lc_reconcile_ids",
    "lc_refresh_forget",
    "lc_refresh_pending",
    "lc_refresh_record",
    "lc_refresh_request",
    "lc_reload",
    "lc_reload_queued",
    "lc_reload_request",
    "lc_runs_prune",
    "lc_sweep",
    "lc_sync",
    "stale_after",
]
