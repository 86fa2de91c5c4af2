"""Bulk writes of parsed pages: one INSERT … ON CONFLICT DO UPDATE per page and model.

`bulk_create(update_conflicts=True)` is portable between SQLite and PostgreSQL. A page is
deduplicated by id first: PostgreSQL refuses to update the same row twice in one statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import models

from .parsing import Parsed
from .runs import Tally

# Rows removed per DELETE, well under every backend's bound-parameter limit.
DELETE_CHUNK = 500

_update_fields: dict[type[models.Model], list[str]] = {}


def update_fields_of(model: type[models.Model]) -> list[str]:
    if model not in _update_fields:
        _update_fields[model] = [
            f.attname for f in model._meta.concrete_fields
            if not f.primary_key and f.name not in ("store_hash", "bc_id")
        ]
    return _update_fields[model]


def has_date_modified(model: type[models.Model]) -> bool:
    return any(f.name == "date_modified" for f in model._meta.concrete_fields)


def usable(rows: Iterable[Parsed], tally: Tally | None) -> list[Parsed]:
    """Rows with an id, each id once (the last one wins); problems logged on the way."""
    by_id: dict[int, Parsed] = {}
    for row in rows:
        if tally is not None and row.problems:
            tally.problem(row.bc_id, "; ".join(row.problems))
        if row.bc_id is None:
            continue  # nothing to key it on; logged above
        if row.bc_id in by_id and tally is not None:
            tally.problem(row.bc_id, "sent twice in one page; the last copy was kept")
        by_id[row.bc_id] = row
    return list(by_id.values())


def upsert(
    model: type[models.Model],
    *,
    store_hash: str,
    rows: Sequence[Parsed],
    now: datetime,
    tally: Tally | None,
    only_changed: bool = False,
    skip_older: bool = False,
    extra: dict[int, dict[str, Any]] | None = None,
) -> list[int]:
    """Write `rows` (already `usable`), returning the ids actually written.

    only_changed: leave rows whose raw JSON equals the stored one untouched (counted as
    skipped), so an unchanged pass writes nothing. skip_older: never replace a row with a copy
    whose date_modified is older than the stored one (a late or slow fetch must not undo a
    newer one).
    """
    if not rows:
        return []
    ids = [r.bc_id for r in rows]
    manager = model.objects.filter(store_hash=store_hash, bc_id__in=ids)
    compare = only_changed or (skip_older and has_date_modified(model))
    existing: dict[int, tuple[Any, Any]] = {}
    if compare:
        columns = ["bc_id", "raw"] + (["date_modified"] if has_date_modified(model) else [])
        for values in manager.values_list(*columns):
            existing[values[0]] = (values[1], values[2] if len(values) > 2 else None)
    else:
        existing = {bc_id: (None, None) for bc_id in manager.values_list("bc_id", flat=True)}

    objs = []
    written: list[int] = []
    for row in rows:
        assert row.bc_id is not None
        old = existing.get(row.bc_id)
        if old is not None and compare:
            old_raw, old_modified = old
            new_modified = row.fields.get("date_modified")
            if skip_older and old_modified and new_modified and new_modified < old_modified:
                if tally is not None:
                    tally.skipped += 1
                continue
            if only_changed and old_raw == row.raw:
                if tally is not None:
                    tally.skipped += 1
                continue
        values = {**row.fields, **((extra or {}).get(row.bc_id) or {})}
        objs.append(model(store_hash=store_hash, bc_id=row.bc_id, raw=row.raw, synced_at=now,
                          **values))
        written.append(row.bc_id)
        if tally is not None:
            if old is None:
                tally.inserted += 1
            else:
                tally.updated += 1
    if objs:
        model.objects.bulk_create(
            objs, update_conflicts=True, unique_fields=["store_hash", "bc_id"],
            update_fields=update_fields_of(model),
        )
    return written


def pks_of(model: type[models.Model], *, store_hash: str, bc_ids: Iterable[int]) -> dict[int, int]:
    ids = list(bc_ids)
    if not ids:
        return {}
    return dict(
        model.objects.filter(store_hash=store_hash, bc_id__in=ids).values_list("bc_id", "pk")
    )


def delete_ids(model: type[models.Model], *, store_hash: str, bc_ids: Iterable[int]) -> int:
    """Delete rows by BigCommerce id (children go by cascade); returns rows of `model`."""
    ids = list(bc_ids)
    gone = 0
    label = model._meta.label
    for start in range(0, len(ids), DELETE_CHUNK):
        chunk = ids[start:start + DELETE_CHUNK]
        _, per_model = (model.objects.filter(store_hash=store_hash, bc_id__in=chunk)
                        .only("pk").delete())
        gone += per_model.get(label, 0)
    return gone


def ids_missing(model: type[models.Model], *, store_hash: str, present: set[int],
                before: datetime | None = None) -> list[int]:
    """LC ids of `model` not in `present` (optionally only rows last written before `before`)."""
    rows = model.objects.filter(store_hash=store_hash)
    if before is not None:
        rows = rows.filter(synced_at__lt=before)
    return [bc_id for bc_id in rows.values_list("bc_id", flat=True).iterator(chunk_size=5000)
            if bc_id not in present]


def ids_not_seen_since(model: type[models.Model], *, store_hash: str,
                       since: datetime) -> list[int]:
    return list(model.objects.filter(store_hash=store_hash, synced_at__lt=since)
                .values_list("bc_id", flat=True))


def prune_children(model: type[models.Model], *, parent_field: str, parent_pks: Iterable[int],
                   keep: Iterable[int]) -> int:
    """Delete children of these parents whose ids are not in `keep` (e.g. removed variants)."""
    pks = list(parent_pks)
    if not pks:
        return 0
    keep_ids = set(keep)
    stale = [pk for pk, bc_id in model.objects.filter(**{f"{parent_field}__in": pks})
             .values_list("pk", "bc_id") if bc_id not in keep_ids]
    for start in range(0, len(stale), DELETE_CHUNK):
        model.objects.filter(pk__in=stale[start:start + DELETE_CHUNK]).only("pk").delete()
    return len(stale)
