"""End of Day: once a day, at the store's configured time, a snapshot of every eCommerce
item's stock is pushed to BigCommerce at each mapped location, optionally minus what open
imported orders have not picked yet (for shops where "stock is taken when the order is
placed" online but only leaves the shelf when picked).

What is compared: with one mapped location, BigCommerce's inventory as the local copy (LC)
holds it (`LcProduct` / `LcVariant.inventory_level`, the product's total over locations, which
is that location's when there is only one); the LC keeps no per-location inventory, so with
several locations, and for an item the LC does not have, the comparison is with what was
last pushed there (`ItemSync.pushed` / `VariantSync.pushed`, see `inventory.locations`). Only
quantities that differ are sent, as absolute adjustments, 2000 a request; what went through
becomes the new memory of what was pushed. A later background push of the item sends the
POS value again (without the unpicked subtraction) if it differs.

The unpicked quantity (line quantity − picked quantity on this store's open imported orders)
is subtracted at the connection's own location: the one order imports take stock at.

Scheduling: beat calls `end_of_day_due` every few minutes; a store whose time has passed
today claims the day by inserting its scheduled `EndOfDayRun` (a unique constraint per store
and day), so two workers, or a beat that fires twice, run it once. A day missed while no
worker ran is not made up after midnight: the next snapshot is that day's. Manual and dry
runs (`manage.py bc_end_of_day`) are logged but claim nothing. The LC is not checked for
freshness: a product the LC has not re-read since our last push may be sent its (same)
quantity again, which an absolute adjustment makes harmless."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, Sum
from django.utils import timezone

from catalog.models import BundleComponent, StockLevel, Variant
from localcopy.models import LcProduct, LcVariant
from orders.models import SalesOrder, SalesOrderLine

from ..client import BigCommerceClient, BigCommerceError
from ..connections import client_for
from ..models import (
    EndOfDayRun,
    InventorySettings,
    ItemSync,
    Notification,
    StoreConnection,
    VariantSync,
)
from ..notifications import notify
from ..push.exclusion import exclusion_reason
from ..push.fields import INVENTORY_KEY, inventory_adjustment, stock_for
from .locations import LocationPair, location_pairs

logger = logging.getLogger(__name__)

CHUNK = 500  # items read at a time (SQLite's variable limit)
REASON = "POS End of Day"


@dataclass
class EndOfDayReport:
    store_hash: str
    ran: bool = True
    why_not: str = ""
    dry_run: bool = False
    items_checked: int = 0
    items_changed: int = 0  # items with at least one quantity sent (or to send, dry run)
    adjustments: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    run_id: int | None = None

    def line(self) -> str:
        if not self.ran:
            return f"{self.store_hash}: End of Day not run ({self.why_not})"
        verb = "would change" if self.dry_run else "changed"
        return (f"{self.store_hash}: End of Day{' (dry run)' if self.dry_run else ''}: "
                f"{self.items_checked} items checked, {self.items_changed} {verb} "
                f"({self.adjustments} quantities), {self.requests} requests, "
                f"{len(self.errors)} errors")


@dataclass
class _Target:
    """One quantity to set: whose memory it updates when it goes through."""

    sync: ItemSync
    vsync: VariantSync | None
    key: str
    quantity: int
    adjustment: dict[str, Any]


def inventory_settings_for(connection: StoreConnection) -> InventorySettings:
    settings, _ = InventorySettings.objects.get_or_create(connection=connection)
    return settings


def unpicked_quantities(*, connection: StoreConnection) -> dict[tuple[int, int | None], int]:
    """(item id, variant id) → quantity sold on this store's open imported orders and not
    picked yet."""
    rows = (SalesOrderLine.objects
            .filter(order__status=SalesOrder.Status.OPEN, order__bc_order_id__isnull=False,
                    order__source_store_hash=connection.store_hash, item__isnull=False,
                    picked_quantity__lt=F("quantity"))
            .values("item_id", "variant_id")
            .annotate(unpicked=Sum(F("quantity") - F("picked_quantity")))
            .order_by())
    return {(r["item_id"], r["variant_id"]): int(r["unpicked"] or 0) for r in rows}


def end_of_day_last(*, connection: StoreConnection) -> EndOfDayRun | None:
    """The store's latest End of Day that really ran (not a dry run): for the settings page."""
    return (EndOfDayRun.objects.filter(connection=connection, dry_run=False)
            .order_by("-started_at", "-pk").first())


def end_of_day_due(*, now: datetime | None = None) -> list[EndOfDayReport]:
    """The beat's entry point: run the day's snapshot of every active store whose End of Day
    is on and whose time has passed today, once per store and day."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    reports = []
    for settings in (InventorySettings.objects.filter(end_of_day_enabled=True,
                                                      connection__is_active=True)
                     .select_related("connection")):
        if local.time() < settings.end_of_day_time:
            continue
        if EndOfDayRun.objects.filter(connection=settings.connection, scheduled=True,
                                      business_date=local.date()).exists():
            continue  # done today (the claim below is what makes it certain)
        try:
            reports.append(end_of_day_run(connection=settings.connection, scheduled=True,
                                          now=now))
        except BigCommerceError as exc:  # e.g. no client for the store: the others go on
            logger.warning("End of Day of %s failed: %s", settings.connection.store_hash, exc)
            reports.append(EndOfDayReport(settings.connection.store_hash, ran=False,
                                          why_not=str(exc)))
    return reports


def _claim(*, connection: StoreConnection, business_date: date, scheduled: bool,
           dry_run: bool, now: datetime) -> EndOfDayRun | None:
    """The run's log row; for a scheduled run, the claim on the day (None: already taken)."""
    try:
        with transaction.atomic():
            return EndOfDayRun.objects.create(connection=connection, business_date=business_date,
                                              scheduled=scheduled, dry_run=dry_run,
                                              started_at=now)
    except IntegrityError:
        if scheduled:
            return None
        raise


def end_of_day_run(*, connection: StoreConnection, dry_run: bool = False,
                   scheduled: bool = False, subtract_unpicked: bool | None = None,
                   now: datetime | None = None,
                   client: BigCommerceClient | None = None) -> EndOfDayReport:
    """Push the snapshot of this store's stock now (see the module docstring).

    `scheduled` claims the day first (the beat's run): a second scheduled run the same day
    does nothing. `subtract_unpicked` defaults to the store's setting. `dry_run` sends
    nothing and says what would change."""
    now = now or timezone.now()
    report = EndOfDayReport(connection.store_hash, dry_run=dry_run)
    run = _claim(connection=connection, business_date=timezone.localtime(now).date(),
                 scheduled=scheduled and not dry_run, dry_run=dry_run, now=now)
    if run is None:
        report.ran, report.why_not = False, "already ran today"
        return report
    report.run_id = run.pk
    if subtract_unpicked is None:
        subtract_unpicked = inventory_settings_for(connection).subtract_unpicked
    unpicked = unpicked_quantities(connection=connection) if subtract_unpicked else {}
    pairs = location_pairs(connection, fresh=True)
    targets: list[_Target] = []
    changed_items: set[int] = set()
    for sync in _linked(connection):
        item = sync.item
        if exclusion_reason(item, connection=connection):
            continue
        report.items_checked += 1
        found = _targets(sync, pairs, connection=connection, unpicked=unpicked,
                         lc=_lc_values(connection, sync) if len(pairs) == 1 else None)
        if found:
            changed_items.add(item.pk)
            targets.extend(found)
    report.adjustments = len(targets)
    report.items_changed = len(changed_items)
    if targets and not dry_run:
        refused = _send(connection, targets, report=report, client=client, now=now)
        # Changed: an item with at least one quantity that went through.
        report.items_changed = len({t.sync.item_id for t in targets if id(t) not in refused})
    EndOfDayRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), items_checked=report.items_checked,
        items_changed=report.items_changed, requests=report.requests,
        errors=len(report.errors), error_details=report.errors[:200])
    if report.errors:
        notify(Notification.Kind.ERROR, connection=connection,
               title=f"End of Day of {connection.description}: {len(report.errors)} errors",
               body="\n".join(report.errors[:20]), key=f"end-of-day:{connection.pk}")
    return report


def _linked(connection: StoreConnection) -> Iterator[ItemSync]:
    """The store's linked items, with what a snapshot reads, a chunk at a time."""
    ids = list(ItemSync.objects.filter(connection=connection, bc_product_id__isnull=False)
               .order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        yield from (ItemSync.objects.filter(pk__in=ids[start:start + CHUNK]).order_by("pk")
                    .select_related("item")
                    .prefetch_related(
                        Prefetch("item__stock_levels", queryset=StockLevel.objects.order_by()),
                        Prefetch("item__variants", queryset=Variant.objects.order_by()),
                        Prefetch("item__components",
                                 queryset=BundleComponent.objects.order_by()),
                        "item__locations",
                        Prefetch("variant_syncs", queryset=VariantSync.objects.order_by())))


def _lc_values(connection: StoreConnection, sync: ItemSync
               ) -> dict[tuple[str, int], int | None]:
    """BigCommerce's inventory of this product and its variants as the LC holds it:
    ("product" | "variant", BigCommerce id) → level."""
    out: dict[tuple[str, int], int | None] = {}
    product_id = int(sync.bc_product_id or 0)
    product = (LcProduct.objects.filter(store_hash=connection.store_hash, bc_id=product_id)
               .values_list("inventory_level", flat=True).first())
    if product is not None:
        out[("product", product_id)] = product
    for bc_id, level in LcVariant.objects.filter(
            store_hash=connection.store_hash, product_bc_id=product_id
    ).values_list("bc_id", "inventory_level"):
        out[("variant", int(bc_id))] = level
    return out


def _targets(sync: ItemSync, pairs: list[LocationPair], *, connection: StoreConnection,
             unpicked: dict[tuple[int, int | None], int],
             lc: dict[tuple[str, int], int | None] | None) -> list[_Target]:
    """The quantities of one item that differ from BigCommerce's."""
    item = sync.item
    variants = {v.pk: v for v in item.variants.all()}
    found: list[_Target] = []
    for pair in pairs:
        take = pair.key == INVENTORY_KEY
        if not variants:
            quantity = stock_for(item, connection=connection, location_id=pair.pos_location_id)
            if take:
                quantity = max(0, quantity - unpicked.get((item.pk, None), 0))
            online = lc.get(("product", int(sync.bc_product_id or 0))) if lc else None
            if online is None:
                online = sync.pushed.get(pair.key)
            if online != quantity:
                found.append(_Target(sync, None, pair.key, quantity, inventory_adjustment(
                    quantity, location_id=pair.bc_location_id,
                    product_id=sync.bc_product_id)))
            continue
        for vsync in sync.variant_syncs.all():
            variant = variants.get(vsync.variant_id)
            if variant is None:
                continue
            variant.item = item
            quantity = stock_for(item, connection=connection, variant=variant,
                                 location_id=pair.pos_location_id)
            if take:
                quantity = max(0, quantity - unpicked.get((item.pk, variant.pk), 0))
            online = lc.get(("variant", vsync.bc_variant_id)) if lc else None
            if online is None:
                online = vsync.pushed.get(pair.key)
            if online != quantity:
                found.append(_Target(sync, vsync, pair.key, quantity, inventory_adjustment(
                    quantity, location_id=pair.bc_location_id,
                    variant_id=vsync.bc_variant_id)))
    return found


def _send(connection: StoreConnection, targets: list[_Target], *, report: EndOfDayReport,
          client: BigCommerceClient | None, now: datetime) -> set[int]:
    """Send the adjustments in batches; record each refused one against its item, and
    remember what went through. Returns the refused targets (by id())."""
    own = client is None
    api = client or client_for(connection)
    first = api.request_count
    try:
        result = api.adjust_inventory_absolute([t.adjustment for t in targets], reason=REASON,
                                               isolate_invalid=True)
    finally:
        report.requests = api.request_count - first
        if own:
            api.close()
    by_row = {_row_key(t.adjustment): t for t in targets}
    refused: set[int] = set()
    for failure in result.failed:
        if failure.partial:  # saved, with a warning: the value is online
            continue
        target = by_row.get(_row_key(failure.item))
        if target is None:
            continue
        refused.add(id(target))
        sku = target.vsync.variant.sku if target.vsync else target.sync.item.sku
        report.errors.append(
            f"{sku} at BigCommerce location {target.adjustment['location_id']}: "
            f"{failure.status or ''} {failure.title}".strip())
    with transaction.atomic():
        for target in targets:
            if id(target) in refused:
                continue
            if target.vsync is not None:
                target.vsync.pushed = {**target.vsync.pushed, target.key: target.quantity}
                VariantSync.objects.filter(pk=target.vsync.pk).update(
                    pushed=target.vsync.pushed, pushed_at=now)
            else:
                target.sync.pushed = {**target.sync.pushed, target.key: target.quantity}
                ItemSync.objects.filter(pk=target.sync.pk).update(
                    pushed=target.sync.pushed, pushed_at=now)
    return refused


def _row_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row.get("product_id"), row.get("variant_id"), row.get("location_id"))
