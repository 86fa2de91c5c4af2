"""The background push pass: drain a store's outbox, pushing only On fields, only what
differs from what was last pushed, batched at the API's limits.

Per claimed batch of requests (up to the inventory API's 2000 items): each item's On values
are read from the POS and diffed against `ItemSync.pushed` (`push.fields`); what differs
goes in one products batch PUT (10 a request), one variants batch PUT (50 a request) and one
absolute inventory adjustment (2000 a request) with the quantity at the store's location and
at each other mapped location (`inventory.locations`; a bundle master's is what its children
allow, `inventory.bundles`). A chunk refused for
one bad item is halved by the client until the bad item stands alone, so it does not hold
back the others. Then, in one transaction: each item that went through gets its new memory
(`pushed`), a history entry and its request deleted; each that failed keeps its request with
the error, due again after a backoff, and after `NOTIFY_AFTER` failures in a row a
notification (one per item, counting repeats) tells staff.

Switches: the pass runs only while the Web switch is on, unless forced (`bc_push`). With
Product Sync off no product or variant update is sent, stock still is. With Item Sync
Enforcement on, items not enabled for eCommerce or not entitled to the store's POS location
are left out (their requests dropped).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection as db
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from catalog.models import BundleComponent, Item, StockLevel, Variant

from ..client import (
    AuthError,
    BatchItemError,
    BatchResult,
    BigCommerceClient,
    BigCommerceError,
    Unreachable,
)
from ..connections import client_for
from ..heartbeat import heartbeat_record
from ..inventory.locations import extra_locations, extra_stock_values, location_of_key
from ..models import (
    ItemSync,
    Notification,
    Policy,
    PushRequest,
    StoreConnection,
    SyncEvent,
    SyncField,
    SyncSettings,
    VariantSync,
    WorkerHeartbeat,
)
from ..notifications import notify
from .exclusion import exclusion_reason
from .fields import (
    INVENTORY_KEY,
    changed_fields,
    inventory_adjustment,
    item_export_rows,
    pos_values,
    product_payload,
    variant_payload,
    variant_values,
)
from .outbox_claims import (
    claim_beat_every,
    request_failed,
    requests_beat,
    requests_claim,
    requests_done,
    requests_release,
    requests_still_mine,
)
from .policies import fields_with, policies_for

logger = logging.getLogger(__name__)

JOB = "background push"
# The inventory API's limit: one claimed batch of stock changes is one request.
CLAIM_BATCH = 2000
NOTIFY_AFTER = 5


def heartbeat_name(connection: StoreConnection) -> str:
    """The WorkerHeartbeat row recording this store's last background pass."""
    return f"push:{connection.store_hash}"


@dataclass
class PushSummary:
    store_hash: str
    ran: bool = True
    why_not: str = ""
    claimed: int = 0
    pushed: int = 0  # items with something sent, and accepted
    unchanged: int = 0  # nothing differed from what was last pushed
    excluded: int = 0  # item sync enforcement, or no longer linked
    failed: int = 0
    requests: int = 0  # HTTP requests to BigCommerce
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def items(self) -> int:
        return self.pushed + self.unchanged + self.excluded + self.failed

    def line(self) -> str:
        if not self.ran:
            return f"{self.store_hash}: not run ({self.why_not})"
        return (f"{self.store_hash}: {self.items} items ({self.pushed} pushed, "
                f"{self.unchanged} unchanged, {self.excluded} excluded), "
                f"{self.requests} requests, {self.failed} errors in {self.seconds:.1f} s")


@dataclass
class _Planned:
    """What one item needs sent, and what each part is."""

    request: PushRequest
    sync: ItemSync | None
    item: Item | None
    product: dict[str, Any] = field(default_factory=dict)  # BC key → value sent
    payload: dict[str, Any] = field(default_factory=dict)  # product body (without id)
    variants: dict[int, dict[str, Any]] = field(default_factory=dict)  # VariantSync pk → sent
    variant_bodies: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Product-level quantities sent, by stock key: `inventory_level` at the store's location,
    # `inventory_level@<id>` at each other mapped location (inventory.locations).
    stock: dict[str, Any] | None = None
    # VariantSync pk → {stock key → quantity}
    variant_stock: dict[int, dict[str, int]] = field(default_factory=dict)
    excluded: bool = False
    errors: list[str] = field(default_factory=list)
    error_field: str = ""
    # What was refused: ("product", None), ("stock", None), ("variant" | "stock", vsync pk).
    refused: set[tuple[str, int | None]] = field(default_factory=set)

    @property
    def has_work(self) -> bool:
        return bool(self.payload or self.variant_bodies or self.stock is not None
                    or self.variant_stock)


def push_pass(*, connection: StoreConnection, force: bool = False,
              client: BigCommerceClient | None = None, job: str = JOB,
              claim_batch: int = CLAIM_BATCH,
              progress: Callable[[int, int], None] | None = None) -> PushSummary:
    """One background pass over this store's due push requests.

    `force` runs it whether or not the Web switch is on (`bc_push`). The pass takes only
    requests due when it starts: one an edit releases meanwhile waits for the next pass.
    `progress(done, total)` is called after each claimed batch (total: requests due at the
    start).
    """
    summary = PushSummary(connection.store_hash)
    switches = SyncSettings.load()
    if not force and not switches.web_background_push:
        summary.ran, summary.why_not = False, "Web background push is off"
        return summary
    if not connection.is_active:
        summary.ran, summary.why_not = False, "the store connection is switched off"
        return summary
    started = time.monotonic()
    on_fields = fields_with(policies_for(connection=connection), {Policy.ON})
    item_export_rows(connection, fresh=True)  # the mapping as chosen now, for every item
    extra_locations(connection, fresh=True)  # the location pairs as mapped now
    token = uuid.uuid4().hex
    due_by = timezone.now()
    total = (PushRequest.objects.filter(connection=connection, next_attempt_at__lte=due_by)
             .count() if progress else 0)
    own_client = client is None
    api = client or client_for(connection)
    first_count = api.request_count
    last_beat = [time.monotonic()]
    every = claim_beat_every().total_seconds()

    def keepalive() -> None:
        if time.monotonic() - last_beat[0] >= every:
            last_beat[0] = time.monotonic()
            requests_beat(token=token)

    previous_keepalive = api.keepalive
    api.keepalive = keepalive
    try:
        while True:
            batch = requests_claim(connection_id=connection.pk, token=token,
                                   limit=claim_batch, due_by=due_by)
            if not batch:
                break
            summary.claimed += len(batch)
            _push_batch(api, connection, batch, token=token, on_fields=on_fields,
                        product_sync=switches.product_sync_enabled, job=job,
                        summary=summary)
            if progress:
                progress(summary.claimed, max(total, summary.claimed))
    finally:
        requests_release(token=token)
        api.keepalive = previous_keepalive
        summary.requests = api.request_count - first_count
        if own_client:
            api.close()
    heartbeat_record(name=heartbeat_name(connection))
    summary.seconds = time.monotonic() - started
    return summary


def push_pass_all(*, force: bool = False) -> list[PushSummary]:
    """One pass for every active store (a no-op, unless forced, while the Web switch is
    off). A store that fails does not stop the others."""
    if not force and not SyncSettings.load().web_background_push:
        return []
    summaries = []
    for connection in StoreConnection.objects.filter(is_active=True):
        try:
            summaries.append(push_pass(connection=connection, force=force))
        except BigCommerceError as exc:  # e.g. a connection whose API URL is refused
            logger.warning("background push of %s failed: %s", connection.store_hash, exc)
            failed = PushSummary(connection.store_hash, ran=False, why_not=str(exc))
            summaries.append(failed)
    return summaries


# ---- one claimed batch -------------------------------------------------------------------


def _load(connection: StoreConnection, batch: list[PushRequest]
          ) -> tuple[dict[int, Item], dict[int, ItemSync]]:
    ids = [r.item_id for r in batch]
    items: dict[int, Item] = {}
    syncs: dict[int, ItemSync] = {}
    # No ordering: the models' default orders join the item (or variant) to sort by SKU. And
    # every filter is on the chunk's ids alone (the location and link checks are made in
    # Python): given `location_id = ?` or `bc_product_id IS NOT NULL` too, SQLite picks
    # that index and walks every row of the store for each chunk, a pass quadratic in size.
    levels = StockLevel.objects.order_by()
    parts: list[Any] = [Prefetch("stock_levels", queryset=levels),
                        Prefetch("variants", queryset=Variant.objects.order_by()),
                        # A bundle master's stock is its children's (inventory.bundles).
                        Prefetch("components", queryset=BundleComponent.objects.order_by())]
    if connection.item_sync_enforcement:
        parts.append("locations")
    for start in range(0, len(ids), 500):  # SQLite's limit on query variables
        chunk = ids[start:start + 500]
        items.update((i.pk, i) for i in Item.objects.filter(pk__in=chunk).order_by()
                     .select_related("brand").prefetch_related(*parts))
        syncs.update((s.item_id, s) for s in ItemSync.objects.filter(
            connection=connection, item_id__in=chunk).order_by()
            .prefetch_related(Prefetch("variant_syncs", queryset=VariantSync.objects.order_by()))
            if s.bc_product_id is not None)
    return items, syncs


def _plan(request: PushRequest, item: Item | None, sync: ItemSync | None, *,
          connection: StoreConnection, on_fields: frozenset[str],
          product_sync: bool) -> _Planned:
    plan = _Planned(request, sync, item)
    if item is None or sync is None or exclusion_reason(item, connection=connection):
        plan.excluded = True
        return plan
    send = changed_fields(sync.pushed, pos_values(item, connection=connection), on_fields)
    qoh_on = SyncField.QOHS in on_fields
    stock = {INVENTORY_KEY: send.pop(INVENTORY_KEY)} if INVENTORY_KEY in send else {}
    if qoh_on and not item.variants.all():
        stock.update(_extra_changed(sync.pushed, extra_stock_values(item, connection=connection)))
    if stock:
        plan.stock = stock
    if product_sync and send:
        plan.product = send
        plan.payload = product_payload(send, on_fields)
    variants = {v.pk: v for v in item.variants.all()}
    for vsync in sync.variant_syncs.all():
        variant = variants.get(vsync.variant_id)
        if variant is None:
            continue
        variant.item = item  # the prefetched item, with its stock levels
        vsend = changed_fields(vsync.pushed, variant_values(variant, connection=connection),
                               on_fields, variant=True)
        vstock = {INVENTORY_KEY: vsend.pop(INVENTORY_KEY)} if INVENTORY_KEY in vsend else {}
        if qoh_on:
            vstock.update(_extra_changed(vsync.pushed, extra_stock_values(
                item, connection=connection, variant=variant)))
        if vstock:
            plan.variant_stock[vsync.pk] = vstock
        if product_sync and vsend:
            plan.variants[vsync.pk] = vsend
            plan.variant_bodies[vsync.pk] = variant_payload(vsend, on_fields)
    return plan


def _extra_changed(pushed: dict[str, Any], values: dict[str, int]) -> dict[str, int]:
    """The extra locations' quantities that differ from what was last pushed there."""
    return {k: v for k, v in values.items() if pushed.get(k) != v}


def _push_batch(api: BigCommerceClient, connection: StoreConnection, batch: list[PushRequest],
                *, token: str, on_fields: frozenset[str], product_sync: bool, job: str,
                summary: PushSummary) -> None:
    items, syncs = _load(connection, batch)
    plans = [_plan(r, items.get(r.item_id), syncs.get(r.item_id), connection=connection,
                   on_fields=on_fields, product_sync=product_sync) for r in batch]
    requests_beat(token=token)
    working = [p for p in plans if p.sync is not None and p.has_work]
    by_product = {p.sync.bc_product_id: p for p in working if p.sync is not None}
    # BigCommerce variant id → (VariantSync pk, the item's plan)
    by_variant: dict[int, tuple[int | None, _Planned | None]] = {
        vs.bc_variant_id: (vs.pk, p) for p in working if p.sync is not None
        for vs in p.sync.variant_syncs.all()}
    variant_id = {pk: bc_id for bc_id, (pk, _) in by_variant.items()}

    products = [{"id": p.sync.bc_product_id, **p.payload}
                for p in working if p.payload and p.sync is not None]
    if products:
        result = api.update_products(products, isolate_invalid=True)
        for failure in _alone(_failures(result), api.update_products):
            _fail(by_product.get(failure.item.get("id")), failure, ("product", None))
    variant_rows = [{"id": variant_id[pk], **body}
                    for p in working for pk, body in p.variant_bodies.items()]
    if variant_rows:
        result = api.update_variants(variant_rows, isolate_invalid=True)
        for failure in _alone(_failures(result), api.update_variants):
            pk, plan = by_variant.get(int(failure.item.get("id") or 0), (None, None))
            _fail(plan, failure, ("variant", pk))
    # One absolute adjustment per item and mapped location, all in the same batch requests.
    stock = [inventory_adjustment(quantity, product_id=p.sync.bc_product_id,
                                  location_id=location_of_key(key, connection=connection))
             for p in working if p.stock is not None and p.sync is not None
             for key, quantity in p.stock.items()]
    stock += [inventory_adjustment(quantity, variant_id=variant_id[pk],
                                   location_id=location_of_key(key, connection=connection))
              for p in working for pk, quantities in p.variant_stock.items()
              for key, quantity in quantities.items()]
    if stock:
        result = api.adjust_inventory_absolute(stock, reason="POS background push",
                                               isolate_invalid=True)
        for failure in _alone(result.failed, api.adjust_inventory_absolute):
            row = failure.item
            if "variant_id" in row:
                pk, plan = by_variant.get(int(row["variant_id"]), (None, None))
                _fail(plan, failure, ("stock", pk))
            else:
                _fail(by_product.get(row.get("product_id")), failure, ("stock", None))
    _record(plans, connection=connection, token=token, job=job, summary=summary)


def _failures(result: BatchResult) -> Iterable[BatchItemError]:
    # A 207 saved the record but not all of it (inventory, URL): the values sent are online;
    # the rest is BigCommerce's to report, so it is logged, not retried.
    for failure in result.failed:
        if failure.partial:
            logger.warning("partly saved %s: %s %s", failure.item.get("id"), failure.title,
                           failure.errors)
            continue
        yield failure


def _alone(failures: Iterable[BatchItemError],
           send: Callable[[list[dict[str, Any]]], BatchResult]) -> list[BatchItemError]:
    """Send again, one at a time, the items of a chunk refused as a whole for good (a 409
    duplicate name or a 404 product gone online, which the client does not split): one bad
    item must not hold back the nine others of its chunk. Every write here is an idempotent
    PUT of absolute values, so sending a good item again is harmless. A transient failure
    is left to the request's backoff."""
    chunks: dict[int, list[BatchItemError]] = {}
    for failure in failures:
        chunks.setdefault(id(failure.error) if failure.error else id(failure), []).append(
            failure)
    still: list[BatchItemError] = []
    for chunk in chunks.values():
        if len(chunk) == 1 or chunk[0].transient:
            still.extend(chunk)
            continue
        for failure in chunk:
            still.extend(send([failure.item]).failed)
    return still


def _fail(plan: _Planned | None, failure: BatchItemError,
          part: tuple[str, int | None]) -> None:
    """Note a refused part on its item. A refusal that is the store's, not the item's (the
    token refused, the API unreachable), stops the pass instead: counted against every
    item, it would back them all off and notify staff once per item. The claims go back
    as they were, and the next pass tries again."""
    if isinstance(failure.error, AuthError | Unreachable):
        raise failure.error
    if plan is None:
        return
    plan.refused.add(part)
    what = part[0]
    details = "; ".join(f"{k}: {v}" for k, v in failure.errors.items())
    status = f" ({failure.status})" if failure.status else ""
    plan.errors.append(f"{what}{status}: {failure.title}" + (f" — {details}" if details else ""))
    if not plan.error_field and failure.errors:
        plan.error_field = next(iter(failure.errors))


def _label(plan: _Planned) -> str:
    return str(plan.item)[:300] if plan.item is not None else f"item {plan.request.item_id}"


def _record(plans: list[_Planned], *, connection: StoreConnection, token: str, job: str,
            summary: PushSummary) -> None:
    """Write the batch's outcome in one transaction, for the requests still ours. What went
    through becomes the new memory of what was pushed, also for an item whose other part
    was refused (the refused part is sent again at its next try)."""
    now = timezone.now()
    with transaction.atomic():
        current = requests_still_mine([p.request for p in plans], token=token)
        done: list[PushRequest] = []
        events: list[SyncEvent] = []
        syncs_saved: list[ItemSync] = []
        vsyncs_saved: list[VariantSync] = []
        for plan in plans:
            if plan.request.pk not in current:
                continue  # taken over as stale: its new holder records it
            if plan.excluded:
                summary.excluded += 1
                done.append(plan.request)
                continue
            if not plan.has_work:
                summary.unchanged += 1
                done.append(plan.request)
                continue
            sync = plan.sync
            assert sync is not None
            changes = _remember(plan, sync, vsyncs_saved, now=now)
            if plan.errors:
                _record_failure(plan, changes, connection=connection, job=job, now=now)
                summary.failed += 1
                summary.errors.append(f"{_label(plan)}: {plan.errors[0]}")
                continue
            sync.error, sync.error_field, sync.error_at = "", "", None
            syncs_saved.append(sync)
            events.append(SyncEvent(connection=connection, item_id=plan.request.item_id,
                                    label=_label(plan), at=now, job=job,
                                    action=SyncEvent.Action.UPDATED, fields=changes))
            summary.pushed += 1
            done.append(plan.request)
        _save_pushed(syncs_saved, vsyncs_saved, now=now)
        SyncEvent.objects.bulk_create(events, batch_size=500)
        requests_done(done, current=current, now=now)


def _remember(plan: _Planned, sync: ItemSync, vsyncs_saved: list[VariantSync], *,
              now: datetime) -> dict[str, dict[str, Any]]:
    """Fold what went through into `pushed` (the item's and its variants'); returns the
    history's key → {from, to}."""
    sent = {} if ("product", None) in plan.refused else dict(plan.product)
    if plan.stock is not None and ("stock", None) not in plan.refused:
        sent.update(plan.stock)
    changes = {k: {"from": sync.pushed.get(k), "to": v} for k, v in sent.items()}
    if sent:
        sync.pushed = {**sync.pushed, **sent}
        sync.pushed_at = now
    skus = {v.pk: v.sku for v in plan.item.variants.all()} if plan.item else {}
    for vsync in sync.variant_syncs.all():
        vsent = {} if ("variant", vsync.pk) in plan.refused else dict(
            plan.variants.get(vsync.pk, {}))
        if vsync.pk in plan.variant_stock and ("stock", vsync.pk) not in plan.refused:
            vsent.update(plan.variant_stock[vsync.pk])
        if vsent:
            label = skus.get(vsync.variant_id, vsync.bc_variant_id)
            for k, v in vsent.items():
                changes[f"{label}.{k}"] = {"from": vsync.pushed.get(k), "to": v}
            vsync.pushed = {**vsync.pushed, **vsent}
            vsync.pushed_at = now
            vsyncs_saved.append(vsync)
    return changes


def _save_pushed(syncs: list[ItemSync], vsyncs: list[VariantSync], *, now: datetime) -> None:
    """The new memory of what was pushed, one prepared UPDATE run for every row (Django's
    bulk_update builds a CASE per row and field: ten times slower for a batch of 2000)."""
    pushed = ItemSync._meta.get_field("pushed")
    stamp = ItemSync._meta.get_field("pushed_at").get_db_prep_save(now, db)
    with db.cursor() as cursor:
        if syncs:
            cursor.executemany(
                f"UPDATE {ItemSync._meta.db_table} SET pushed = %s, pushed_at = %s, "
                "error = '', error_field = '', error_at = NULL, updated_at = %s WHERE id = %s",
                [(pushed.get_db_prep_save(s.pushed, db), stamp, stamp, s.pk) for s in syncs])
        if vsyncs:
            vpushed = VariantSync._meta.get_field("pushed")
            cursor.executemany(
                f"UPDATE {VariantSync._meta.db_table} SET pushed = %s, pushed_at = %s "
                "WHERE id = %s",
                [(vpushed.get_db_prep_save(v.pushed, db), stamp, v.pk) for v in vsyncs])


def _record_failure(plan: _Planned, changes: dict[str, dict[str, Any]], *,
                    connection: StoreConnection, job: str, now: datetime) -> None:
    message = "; ".join(plan.errors)
    sync = plan.sync
    assert sync is not None
    ItemSync.objects.filter(pk=sync.pk).update(
        pushed=sync.pushed, pushed_at=sync.pushed_at, error=message[:2000],
        error_field=plan.error_field[:100], error_at=now, updated_at=now)
    SyncEvent.objects.create(
        connection=connection, item_id=plan.request.item_id, label=_label(plan), at=now,
        job=job, action=SyncEvent.Action.FAILED, ok=False, error=message[:2000],
        error_field=plan.error_field[:100], fields=changes)
    attempts = request_failed(plan.request, error=message, now=now)
    if attempts >= NOTIFY_AFTER:
        push_failure_notify(connection=connection, item_id=plan.request.item_id,
                            label=_label(plan), attempts=attempts, message=message, now=now)


def push_failure_notify(*, connection: StoreConnection, item_id: int, label: str,
                        attempts: int, message: str, now: datetime | None = None
                        ) -> Notification:
    """Tell staff an item keeps failing to push: one unread notification per item, whose
    count goes up with each further failure."""
    key = f"push-failed:{connection.pk}:{item_id}"
    title = f"{label[:200]} fails to push to {connection.description}"
    body = f"{attempts} attempts in a row failed. Last error: {message}"
    return notify(Notification.Kind.ERROR, connection=connection, title=title, body=body,
                  url=f"/admin/catalog/item/{item_id}/change/", key=key, now=now)


@dataclass(frozen=True)
class PushStatus:
    """What the settings page shows about a store's background push."""

    web_background_push: bool
    product_sync_enabled: bool
    last_pass_at: datetime | None
    waiting: int  # requests in the outbox
    failing: int  # of which failed at least once


def push_status(*, connection: StoreConnection) -> PushStatus:
    """The Web switch, the Product Sync switch, when the background push last ran for this
    store, and what waits in its outbox."""
    switches = SyncSettings.load()
    beat = WorkerHeartbeat.objects.filter(name=heartbeat_name(connection)).first()
    requests = PushRequest.objects.filter(connection=connection)
    return PushStatus(web_background_push=switches.web_background_push,
                      product_sync_enabled=switches.product_sync_enabled,
                      last_pass_at=beat.last_seen if beat else None,
                      waiting=requests.count(), failing=requests.filter(attempts__gt=0).count())
