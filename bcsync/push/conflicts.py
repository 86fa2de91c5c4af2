"""Conflicts: a field the POS controls (Manual or On) whose value online differs from what the
POS last pushed, i.e. someone edited it in BigCommerce.

Our own push comes back through webhooks and LC refreshes carrying exactly the values we sent,
so comparing the LC with `ItemSync.pushed` (never with the POS) keeps that echo from counting.
An LC row older than the last push has not seen the echo yet: it is not compared at all."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone

from ..models import ItemSync, SyncEvent
from .fields import INVENTORY_KEY, keys_of


def lc_is_fresh(*, synced_at: datetime | None, pushed_at: datetime | None) -> bool:
    """Whether the LC row was written after our last push (so it shows its echo)."""
    return synced_at is not None and (pushed_at is None or synced_at >= pushed_at)


def conflicts_found(pushed: Mapping[str, Any], online: Mapping[str, Any],
                    fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Key → {"pushed", "online"} where the online value is not what the POS last sent.
    Stock is never a conflict: every sale online moves it (and the LC's figure is the
    default location's, read while BigCommerce may still be applying our adjustment)."""
    return {k: {"pushed": pushed[k], "online": online.get(k)} for k in keys_of(fields)
            if k != INVENTORY_KEY and k in pushed and k in online and online[k] != pushed[k]}


def conflicts_record(item_sync: ItemSync, found: Mapping[str, Mapping[str, Any]], *,
                     label: str, user: Any = None, job: str = "") -> bool:
    """Remember new conflicts on the item (and one history entry with both values); a
    conflict already recorded with the same online value is not recorded again. Returns
    whether anything new was recorded. The caller saves `item_sync`."""
    now = timezone.now()
    new = {k: v for k, v in found.items()
           if item_sync.conflicts.get(k, {}).get("online") != v["online"]}
    if not new:
        return False
    item_sync.conflicts = {**item_sync.conflicts,
                           **{k: {**v, "seen_at": now.isoformat()} for k, v in new.items()}}
    SyncEvent.objects.create(
        connection_id=item_sync.connection_id, item_id=item_sync.item_id, label=label[:300],
        at=now, user=user if getattr(user, "pk", None) else None, job=job,
        action=SyncEvent.Action.CONFLICT,
        fields={k: {"from": v["pushed"], "to": v["online"]} for k, v in new.items()},
        ok=True, error="Edited in BigCommerce since the POS last set it.",
    )
    return True


def conflicts_scan(*, connection: Any, bc_product_ids: Iterable[int] | None = None,
                   since: datetime | None = None, job: str = "lc refresh") -> int:
    """Compare the LC with what was last pushed for linked items (all; those products; or
    those whose LC row was written since a moment) and record new conflicts on the Manual
    and On fields. Returns how many items got one. Called after an LC refresh of a product
    and after an incremental pass."""
    from localcopy.models import LcBrand, LcProduct

    from ..models import Policy
    from .fields import bc_values
    from .policies import fields_with, policies_for

    controlled = fields_with(policies_for(connection=connection), {Policy.MANUAL, Policy.ON})
    syncs = (ItemSync.objects.filter(connection=connection, bc_product_id__isnull=False)
             .select_related("item").order_by("pk"))
    if bc_product_ids is not None:
        syncs = syncs.filter(bc_product_id__in=list(bc_product_ids))
    if since is not None:
        syncs = syncs.filter(bc_product_id__in=LcProduct.objects.filter(
            store_hash=connection.store_hash, synced_at__gte=since).values("bc_id"))
    brand_names = dict(LcBrand.objects.filter(store_hash=connection.store_hash)
                       .values_list("bc_id", "name"))
    flagged = 0
    chunk: list[ItemSync] = []

    def check(part: list[ItemSync]) -> int:
        lcs = {p.bc_id: p for p in LcProduct.objects.filter(
            store_hash=connection.store_hash, bc_id__in=[s.bc_product_id for s in part])}
        count = 0
        for sync in part:
            lc = lcs.get(sync.bc_product_id or 0)
            if lc is None or not lc_is_fresh(synced_at=lc.synced_at, pushed_at=sync.pushed_at):
                continue
            found = conflicts_found(sync.pushed, bc_values(lc.raw, brand_names=brand_names),
                                    controlled)
            if found and conflicts_record(sync, found,
                                          label=f"{sync.item.sku} – {sync.item.name}", job=job):
                sync.save(update_fields=["conflicts", "updated_at"])
                count += 1
        return count

    for sync in syncs.iterator(chunk_size=500):
        chunk.append(sync)
        if len(chunk) == 500:
            flagged += check(chunk)
            chunk = []
    if chunk:
        flagged += check(chunk)
    return flagged
