"""bcsync's own records: store connections and switches; customer and price level links;
push's policies, links, outbox, jobs, history and notifications; the BigCommerce refunds
applied to POS orders."""

from .connections import StoreConnection, SyncSettings, WorkerHeartbeat
from .customers import CustomerSync, PriceLevelSync

# Migrations name these defaults by their old path, bcsync.models.<name>.
from .connections import _default_api_url, _new_webhook_secret  # noqa: F401  isort: skip
from .imports import FieldMapping, ImportSettings, ItemNumberSource
from .inventory import EndOfDayRun, InventorySettings, LocationMapping
from .notification_settings import NotificationSettings
from .orders import ORDER_STATUSES, OrderImport, OrderRefundApplied, OrderSyncSettings
from .push import (
    DEFAULT_POLICY,
    MANUAL_ONLY_FIELDS,
    DepartmentCategory,
    FieldPolicy,
    ItemSync,
    Notification,
    Policy,
    PushRequest,
    SyncEvent,
    SyncField,
    SyncJob,
    VariantSync,
)

__all__ = [
    "DEFAULT_POLICY",
    "MANUAL_ONLY_FIELDS",
    "ORDER_STATUSES",
    "CustomerSync",
    "DepartmentCategory",
    "EndOfDayRun",
    "FieldMapping",
    "FieldPolicy",
    "ImportSettings",
    "InventorySettings",
    "ItemNumberSource",
    "ItemSync",
    "LocationMapping",
    "Notification",
    "NotificationSettings",
    "OrderImport",
    "OrderRefundApplied",
    "OrderSyncSettings",
    "Policy",
    "PriceLevelSync",
    "PushRequest",
    "StoreConnection",
    "SyncEvent",
    "SyncField",
    "SyncJob",
    "SyncSettings",
    "VariantSync",
    "WorkerHeartbeat",
]
