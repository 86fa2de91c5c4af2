"""The background push's outbox: a change to a POS item marks it for push, one durable
PushRequest row per (store, item), written once the change commits.

Which paths mark an item, and how:

- `Item`, `Variant`, `StockLevel` and `CustomFieldValue` saves and deletes, and changes to an
  item's entitled locations (`Item.locations`), through signals connected in
  `bcsync.apps`: the admin, the grids, forms, `objects.create()`, a till's stock movement
  saved through the ORM.
- Bulk paths that bypass signals (`QuerySet.update()`, `bulk_create()`, `bulk_update()`, raw
  SQL: an import, a bulk edit, a stock count loaded in one statement) must call
  `outbox_mark(item_ids=...)` themselves, inside the same transaction. Nothing on main does
  so today; new bulk paths must.

Marked: only items linked to a product of an active store (an unlinked item has nothing to
keep in step; an upload links it with what it sent). Marked whatever the Web switch says: a
row is cheap (one per linked item at most, however many edits), and it lets `bc_push` push
what changed while the switch was off, and the switch, turned on, push the edits made before;
the pass decides whether to run and what, if anything, each row needs sent.

Only committed changes mark: the row is written in `transaction.on_commit`, so a rolled-back
edit marks nothing, and the pass never reads an edit that is not there yet. Marks made in one
transaction are written together, one statement for the lot (an import of 10k rows costs one
upsert, not 10k).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from ..models import ItemSync, PushRequest

logger = logging.getLogger(__name__)

# A burst of edits sends one early pass, not one per commit.
KICK_DELAY_SECONDS = 5
KICK_KEY = "bcsync:push:kick"

# Called with nothing once marks were written and the Web switch is on (set by bcsync.tasks,
# which knows the task; kept as a hook so this module sends no task itself).
Kick = Callable[[], None]
_kick: Kick | None = None


def outbox_kick_set(kick: Kick | None) -> None:
    global _kick
    _kick = kick


class _PendingMarks:
    """The items marked in one transaction (at one savepoint depth): written on commit."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.item_ids: set[int] = set()

    def __call__(self) -> None:
        outbox_write(item_ids=self.item_ids, using=self.using)


def _pending_for(using: str) -> _PendingMarks:
    """This transaction's pending marks, registered with on_commit once.

    Reuses the callback registered at the same savepoint depth (Django keeps it in
    `run_on_commit` with the savepoints it was made under, and drops it if any of them rolls
    back: the marks made since went with the same rollback). A mark under a deeper savepoint
    gets its own callback, so rolling that savepoint back loses only its own marks.
    """
    conn = connections[using]
    if conn.in_atomic_block:
        sids = set(conn.savepoint_ids)
        for entry in reversed(conn.run_on_commit):  # (savepoint ids, func, robust)
            func = entry[1]
            if isinstance(func, _PendingMarks) and entry[0] == sids:
                return func
    pending = _PendingMarks(using)
    # Robust: the edit is committed by then; a mark that fails is logged by Django, never
    # turned into an error page for an edit that was saved.
    transaction.on_commit(pending, using=using, robust=True)
    return pending


def outbox_mark(*, item_ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """Mark these items for the background push once the current transaction commits (at
    once outside one). For the bulk paths signals do not see; see the module docstring."""
    ids = {int(pk) for pk in item_ids if pk is not None}
    if not ids:
        return
    conn = connections[using]
    if not conn.in_atomic_block:
        outbox_write(item_ids=ids, using=using)
        return
    _pending_for(using).item_ids.update(ids)


def outbox_write(*, item_ids: Iterable[int], using: str = DEFAULT_DB_ALIAS,
                 now: datetime | None = None) -> int:
    """Write the push requests for these items now: one per store each is linked to (active
    stores only); an existing request only moves its `requested_at`, so a claimed request
    is pushed again after the pass that holds it. Returns how many were written."""
    ids = sorted(set(item_ids))
    if not ids:
        return 0
    now = now or timezone.now()
    written = 0
    # Chunks keep the IN list under SQLite's variable limit.
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        # The link is checked in Python: with `bc_product_id IS NOT NULL` in the query,
        # SQLite walks every link of the store instead of looking up the chunk's items.
        links = (ItemSync.objects.using(using).order_by()
                 .filter(item_id__in=chunk, connection__is_active=True)
                 .values_list("connection_id", "item_id", "bc_product_id"))
        rows = [PushRequest(connection_id=connection_id, item_id=item_id, requested_at=now,
                            next_attempt_at=now)
                for connection_id, item_id, product_id in links if product_id is not None]
        if rows:
            PushRequest.objects.using(using).bulk_create(
                rows, update_conflicts=True, unique_fields=["connection", "item"],
                update_fields=["requested_at"])
            written += len(rows)
    if written:
        _kick_soon()
    return written


def _kick_soon() -> None:
    """Ask for a pass in a few seconds (once per burst), rather than at the next minute."""
    if _kick is None:
        return
    from ..models import SyncSettings

    if not SyncSettings.load().web_background_push:
        return
    if cache.add(KICK_KEY, 1, timeout=KICK_DELAY_SECONDS):
        try:
            _kick()
        except Exception:  # the broker is down: beat's minute pass is the fallback
            logger.warning("could not send an early push pass; beat's pass will run it",
                           exc_info=True)


# ---- signal receivers (connected in bcsync.apps) ------------------------------------------


def _item_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: fixtures, not an edit
        return
    outbox_mark(item_ids=[instance.pk], using=kwargs.get("using") or DEFAULT_DB_ALIAS)


def _part_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """A variant, stock level or custom field value was saved or deleted: its item."""
    if raw:
        return
    outbox_mark(item_ids=[instance.item_id], using=kwargs.get("using") or DEFAULT_DB_ALIAS)


def _locations_changed(sender: Any, instance: Any, action: str, reverse: bool,
                       pk_set: set[int] | None, **kwargs: Any) -> None:
    """Item.locations changed: what item sync enforcement lets through may have changed."""
    using = kwargs.get("using") or DEFAULT_DB_ALIAS
    if not reverse and action in ("post_add", "post_remove", "post_clear"):
        outbox_mark(item_ids=[instance.pk], using=using)
    elif reverse and action in ("post_add", "post_remove") and pk_set:
        outbox_mark(item_ids=pk_set, using=using)
    elif reverse and action == "pre_clear":  # location.entitled_items.clear(): before it goes
        from catalog.models import Item

        outbox_mark(item_ids=list(Item.locations.through.objects.using(using)
                                  .filter(location_id=instance.pk)
                                  .values_list("item_id", flat=True)), using=using)


def outbox_signals_connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from catalog.models import CustomFieldValue, Item, StockLevel, Variant

    post_save.connect(_item_saved, sender=Item, dispatch_uid="bcsync.outbox.item")
    for model in (Variant, StockLevel, CustomFieldValue):
        uid = f"bcsync.outbox.{model.__name__}"
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"{uid}.delete")
    m2m_changed.connect(_locations_changed, sender=Item.locations.through,
                        dispatch_uid="bcsync.outbox.locations")


def outbox_mark_store(*, connection_id: int, now: datetime | None = None) -> int:
    """Mark every linked item of one store: after a change that makes values due that no
    edit marked (a field's policy turned On, Product Sync switched back on). The pass sends
    only what differs from what was last pushed, so an item in step costs no request."""
    now = now or timezone.now()
    ids = list(ItemSync.objects.filter(connection_id=connection_id, bc_product_id__isnull=False)
               .values_list("item_id", flat=True))
    return outbox_write(item_ids=ids, now=now)
