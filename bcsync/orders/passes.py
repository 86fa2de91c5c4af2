"""Many orders at once: the background pass (Auto Import) and the command's batch.

The pass reads the local copy only (the LC's own incremental pull keeps it current); it
takes the orders in the Get statuses that changed since the last sync, and those never seen
by the import at all (so an order a crashed pass missed is still taken). Each order is
imported on its own: one failing is recorded and the rest go on. Two passes at once are
harmless (each order is imported exactly once); the conditional update of `last_sync_at`
keeps a second one from even starting within the interval.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from localcopy.models import LcOrder

from ..client import BigCommerceClient
from ..connections import client_for
from ..imports.customers import customers_import
from ..models import OrderImport, OrderSyncSettings, StoreConnection
from .importing import (
    OUTCOMES,
    BatchCache,
    OrderResult,
    order_import,
    start_moment,
    writebacks_retry,
)
from .settings import get_status_ids, order_settings_for

# Changes within this much of the last sync are read again (the LC's rows may be written
# with a timestamp a moment before our pass started).
OVERLAP = timedelta(seconds=5)


@dataclass
class OrdersReport:
    connection_id: int
    results: list[OrderResult] = field(default_factory=list)
    customers: str = ""
    writebacks_retried: int = 0

    def counts(self) -> dict[str, int]:
        counted = Counter(r.outcome for r in self.results)
        return {outcome: counted.get(outcome, 0) for outcome in OUTCOMES}

    def line(self) -> str:
        return ", ".join(f"{n} {outcome}" for outcome, n in self.counts().items())


def orders_to_import(*, connection: StoreConnection, settings: OrderSyncSettings,
                     since: datetime | None) -> list[int]:
    """LC order ids the pass looks at, oldest first."""
    rows = LcOrder.objects.filter(store_hash=connection.store_hash,
                                  status_id__in=sorted(get_status_ids(settings)))
    start = start_moment(settings)
    if start is not None:
        rows = rows.filter(date_created__gte=start)
    if since is not None:
        seen = OrderImport.objects.filter(connection=connection).values("bc_order_id")
        rows = rows.filter(Q(synced_at__gte=since - OVERLAP) | ~Q(bc_id__in=seen))
    return list(rows.order_by("bc_id").values_list("bc_id", flat=True))


def orders_import_batch(*, connection: StoreConnection, client: BigCommerceClient,
                        since: datetime | None) -> OrdersReport:
    """Import what `orders_to_import` names; pending write-backs are retried after."""
    settings = order_settings_for(connection=connection)
    report = OrdersReport(connection.pk)
    if since is None:
        # A cleared last sync starts over: every customer first, then every order.
        report.customers = customers_import(connection=connection).line()
    cache = BatchCache()
    for bc_id in orders_to_import(connection=connection, settings=settings, since=since):
        report.results.append(order_import(connection=connection, bc_order_id=bc_id,
                                           client=client, settings=settings, cache=cache))
    report.writebacks_retried = writebacks_retry(connection=connection, client=client)
    return report


def _claim(settings: OrderSyncSettings, now: datetime, *, force: bool) -> bool:
    """Move last_sync_at to now if it is still what we read (and the interval is up)."""
    previous = settings.last_sync_at
    if (not force and previous is not None
            and now - previous < timedelta(minutes=settings.interval_minutes)):
        return False
    mine = OrderSyncSettings.objects.filter(pk=settings.pk)
    mine = mine.filter(last_sync_at__isnull=True) if previous is None else mine.filter(
        last_sync_at=previous)
    return bool(mine.update(last_sync_at=now))


def orders_pass(*, connection: StoreConnection, force: bool = False,
                client: BigCommerceClient | None = None) -> OrdersReport | None:
    """One pass for one store: None when Auto Import is off (unless forced), the interval
    is not up, or another pass just took it."""
    settings = order_settings_for(connection=connection)
    if not (settings.auto_import or force):
        return None
    since = settings.last_sync_at
    if not _claim(settings, timezone.now(), force=force):
        return None
    if client is not None:
        return orders_import_batch(connection=connection, client=client, since=since)
    with client_for(connection) as own:
        return orders_import_batch(connection=connection, client=own, since=since)


def orders_pass_all() -> list[OrdersReport]:
    """The beat's pass over every active store; a failing store does not stop the others."""
    reports: list[OrdersReport] = []
    for connection in StoreConnection.objects.filter(is_active=True):
        report = orders_pass(connection=connection)
        if report is not None:
            reports.append(report)
    return reports
