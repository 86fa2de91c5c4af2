"""The LC's public services: what tasks, views and commands call.

    lc_reload(client=…, store_hash=…, dataset="products")      # Full Reload
    lc_sync(client=…, store_hash=…)                               # incremental, every dataset
    lc_refresh_record(client=…, store_hash=…, resource="product", bc_id=77)   # webhook
    lc_reconcile_ids(client=…, store_hash=…, dataset="products") # drop deleted records
    lc_delete(store_hash=…)                                       # drop the mirror
"""

from .claims import ReloadAlreadyRunning
from .drop import lc_delete
from .incremental import lc_sync
from .reconcile import lc_reconcile_ids
from .refresh import RESOURCES, lc_refresh_record
from .reload import ALL, lc_reload
from .runs import RunSummary

__all__ = [
    "ALL",
    "RESOURCES",
    "ReloadAlreadyRunning",
    "RunSummary",
    "lc_delete",
    "lc_reconcile_ids",
    "lc_refresh_record",
    "lc_reload",
    "lc_sync",
]
