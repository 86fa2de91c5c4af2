"""What the dashboard (bcsync's home page) shows: orders waiting on BigCommerce, the state of
each background job, open errors, and the last days' sync activity. Reads only; each
per-day series is one grouped query, whatever the number of days."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from localcopy.models import LcOrder
from orders.models import SalesOrder

from .inbox import notifications_for
from .lc_selectors import lc_panel
from .models import Notification, PushRequest, StoreConnection, SyncEvent, SyncJob, WorkerHeartbeat
from .push.background import push_status

# BigCommerce's order status ids (GET /v2/order_statuses): what the shop still has to do.
AWAITING_FULFILLMENT = 11
AWAITING_SHIPMENT = 9
ORDER_STATUS_NAMES = {AWAITING_FULFILLMENT: "Awaiting Fulfillment",
                      AWAITING_SHIPMENT: "Awaiting Shipment"}
ACTIVITY_DAYS = 14


# ---- orders waiting ------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreOrders:
    connection: StoreConnection
    to_fulfill: int  # Awaiting Fulfillment in the local copy
    to_ship: int  # Awaiting Shipment


def orders_waiting(*, connections: Iterable[StoreConnection]) -> list[StoreOrders]:
    """Per store, its LC orders Awaiting Fulfillment and Awaiting Shipment (one query)."""
    connections = list(connections)
    counts = {(row["store_hash"], row["status_id"]): row["n"] for row in
              LcOrder.objects.filter(store_hash__in=[c.store_hash for c in connections],
                                     status_id__in=list(ORDER_STATUS_NAMES))
              .values("store_hash", "status_id").annotate(n=Count("pk")).order_by()}
    return [StoreOrders(connection=c,
                        to_fulfill=counts.get((c.store_hash, AWAITING_FULFILLMENT), 0),
                        to_ship=counts.get((c.store_hash, AWAITING_SHIPMENT), 0))
            for c in connections]


def lc_orders_with_status(*, connection: StoreConnection, status_id: int
                          ) -> QuerySet[LcOrder]:
    """The store's LC orders of one status, newest first (the counts' list)."""
    return (LcOrder.objects.filter(store_hash=connection.store_hash, status_id=status_id)
            .order_by("-date_created", "-bc_id"))


def pos_orders_for(*, connection: StoreConnection, bc_order_ids: Iterable[int]
                   ) -> dict[int, SalesOrder]:
    """The POS orders imported from these BigCommerce orders, by BigCommerce order id."""
    return {o.bc_order_id: o for o in SalesOrder.objects.filter(
        source_store_hash=connection.store_hash, bc_order_id__in=list(bc_order_ids))
        if o.bc_order_id is not None}


# ---- background jobs -----------------------------------------------------------------------


@dataclass(frozen=True)
class JobRow:
    name: str
    light: str  # green / amber / red / grey, as the LC panel's
    state: str
    last_at: datetime | None
    detail: str = ""


_JOB_LIGHTS: dict[str, str] = {SyncJob.State.QUEUED: "amber", SyncJob.State.RUNNING: "amber",
               SyncJob.State.DONE: "green", SyncJob.State.FAILED: "red"}


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def jobs_for(*, connection: StoreConnection) -> list[JobRow]:
    """One store's background jobs: each LC dataset's passes, the background push, and the
    last bulk upload and import a person started."""
    rows = [JobRow(name=f"Local copy: {r.label}", light=r.light, state=r.light_label,
                   last_at=_latest(r.last_full_reload_at, r.last_incremental_at, r.finished_at),
                   detail=r.reason or r.last_error)
            for r in lc_panel(connection=connection)]
    push = push_status(connection=connection)
    if not (push.web_background_push and push.product_sync_enabled):
        light, state = "grey", "Off"
    elif push.failing:
        light, state = "red", "Failing"
    else:
        light, state = "green", "On"
    rows.append(JobRow(name="Background push", light=light, state=state,
                       last_at=push.last_pass_at,
                       detail=f"{push.waiting} waiting, {push.failing} failing"))
    for kind in SyncJob.Kind:
        job = SyncJob.objects.filter(connection=connection, kind=kind).order_by("-pk").first()
        if job is None:
            rows.append(JobRow(name=str(kind.label), light="grey", state="Never run",
                               last_at=None))
            continue
        detail = f"#{job.pk}: {job.done} done, {job.failed} failed"
        if job.total is not None:
            detail = f"#{job.pk}: {job.done} of {job.total} done, {job.failed} failed"
        if job.error:
            detail += f" — {job.error[:200]}"
        rows.append(JobRow(name=str(kind.label), light=_JOB_LIGHTS.get(job.state, "grey"),
                           state=job.get_state_display(),
                           last_at=_latest(job.finished_at, job.started_at, job.created_at),
                           detail=detail))
    return rows


def _heartbeat_period() -> timedelta:
    entry = settings.CELERY_BEAT_SCHEDULE.get("worker-heartbeat", {})
    period = entry.get("schedule")
    return period if isinstance(period, timedelta) else timedelta(minutes=5)


def workers(*, now: datetime | None = None) -> list[JobRow]:
    """Each worker's last heartbeat (the stores' push passes are shown with their store):
    alive when seen within three beats."""
    now = now or timezone.now()
    alive_within = 3 * _heartbeat_period()
    rows = []
    for beat in WorkerHeartbeat.objects.exclude(name__startswith="push:").order_by("name"):
        alive = now - beat.last_seen <= alive_within
        rows.append(JobRow(name=f"Worker heartbeat: {beat.name}",
                           light="green" if alive else "red",
                           state="Alive" if alive else "Silent", last_at=beat.last_seen,
                           detail="" if alive else "No heartbeat for "
                           f"{int((now - beat.last_seen).total_seconds() // 60)} min: is the "
                           "worker running?"))
    return rows


# ---- errors and notifications --------------------------------------------------------------


@dataclass(frozen=True)
class OpenErrors:
    unread_errors: int  # unread Error notifications the user sees
    unread: int  # unread notifications of any kind
    failing_pushes: int  # items whose background push failed and waits to be tried again


def open_errors(*, user: Any) -> OpenErrors:
    unread = dict(notifications_for(user=user).filter(read_at__isnull=True)
                  .values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return OpenErrors(unread_errors=unread.get(Notification.Kind.ERROR, 0),
                      unread=sum(unread.values()),
                      failing_pushes=PushRequest.objects.filter(attempts__gt=0).count())


# ---- activity per day ----------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    days: list[date]
    orders_imported: list[int]
    items_pushed: list[int]
    items_imported: list[int]
    errors: list[int]

    def chart(self) -> dict[str, Any]:
        """The chart's data, as the page hands it to Chart.js (json_script)."""
        return {"labels": [d.isoformat() for d in self.days],
                "series": [
                    {"key": "orders_imported", "label": "Orders imported",
                     "data": self.orders_imported},
                    {"key": "items_pushed", "label": "Items pushed", "data": self.items_pushed},
                    {"key": "items_imported", "label": "Items imported",
                     "data": self.items_imported},
                    {"key": "errors", "label": "Errors", "data": self.errors}]}


def _per_day(rows: QuerySet[Any], field: str, since: datetime) -> dict[date, int]:
    """{local day: rows} in one grouped query."""
    day = TruncDate(field, tzinfo=timezone.get_current_timezone())
    return {d: n for d, n in rows.filter(**{f"{field}__gte": since})
            .annotate(day=day).values("day").annotate(n=Count("pk"))
            .order_by().values_list("day", "n")}


# What counts as an item moved: a record created, linked or updated on the other side (not
# "nothing to send", a conflict seen, or a skip).
_MOVED = [SyncEvent.Action.CREATED, SyncEvent.Action.LINKED, SyncEvent.Action.UPDATED]


def sync_activity(*, days: int = ACTIVITY_DAYS, now: datetime | None = None) -> Activity:
    """The last `days` local days (today included) of sync activity, every store: orders
    imported (POS orders from BigCommerce, by when they were made), items pushed and items
    imported (the sync history's items moved each way), and errors (failed history entries
    plus Error notifications raised). A day without any is 0."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today - timedelta(days=days - 1)
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    events = SyncEvent.objects.filter(item__isnull=False, ok=True, action__in=_MOVED)
    orders = _per_day(SalesOrder.objects.filter(bc_order_id__isnull=False), "created_at", since)
    pushed = _per_day(events.filter(direction=SyncEvent.Direction.PUSH), "at", since)
    imported = _per_day(events.filter(direction=SyncEvent.Direction.IMPORT), "at", since)
    failed = _per_day(SyncEvent.objects.filter(ok=False), "at", since)
    raised = _per_day(Notification.objects.filter(kind=Notification.Kind.ERROR), "created_at",
                      since)
    span = [first + timedelta(days=i) for i in range(days)]
    return Activity(days=span,
                    orders_imported=[orders.get(d, 0) for d in span],
                    items_pushed=[pushed.get(d, 0) for d in span],
                    items_imported=[imported.get(d, 0) for d in span],
                    errors=[failed.get(d, 0) + raised.get(d, 0) for d in span])

