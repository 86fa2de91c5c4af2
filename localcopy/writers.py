"""Bulk writes of parsed pages: one INSERT … ON CONFLICT DO UPDATE per page and model.

A page is deduplicated by id first (PostgreSQL refuses to update the same row twice in one
statement). Rows whose raw digest (`raw_hash`) equals the stored one are left alone, so a
pass over unchanged records writes nothing (a Full Reload of the small datasets touches their
`synced_at`, which its sweep of deleted records reads).

The upsert is one SQL statement built once per model and backend with its column list, and
fed values the parsers already made storable (the raw JSON is encoded once, by the parser,
and stored as that text). `bulk_create` would prepare every field of every row through the
ORM and encode each JSON document again, which cost more than everything else a Full
Reload does on our side.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from django.db import connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from .parsing import Parsed, encoded
from .runs import Tally

# Rows removed per DELETE, well under every backend's bound-parameter limit.
DELETE_CHUNK = 500
# Rows per INSERT where the backend sets no lower bound through its parameter limit.
INSERT_CHUNK = 1000

# Written from the row itself, not from the parser's fields.
_OWN = ("store_hash", "bc_id", "raw", "raw_hash", "synced_at")

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
    mark_seen: bool = False,
) -> list[int]:
    """Write `rows` (already `usable`), returning the ids actually written.

    only_changed: leave rows whose raw digest equals the stored one untouched (counted as
    skipped), so an unchanged pass writes nothing. skip_older: never replace a row with a copy
    whose date_modified is older than the stored one (a late or slow fetch must not undo a
    newer one). mark_seen: set `synced_at` of the rows left alone too (a Full Reload's sweep
    deletes the rows it did not see).
    """
    return list(upsert_pks(model, store_hash=store_hash, rows=rows, now=now, tally=tally,
                           only_changed=only_changed, skip_older=skip_older, extra=extra,
                           mark_seen=mark_seen))


def upsert_pks(
    model: type[models.Model],
    *,
    store_hash: str,
    rows: Sequence[Parsed],
    now: datetime,
    tally: Tally | None,
    only_changed: bool = False,
    skip_older: bool = False,
    extra: dict[int, dict[str, Any]] | None = None,
    mark_seen: bool = False,
    inserted: set[int] | None = None,
) -> dict[int, int]:
    """`upsert`, answering {BigCommerce id: primary key} of the rows written; the ids of
    those that were new are added to `inserted` if given. With nothing to compare or count
    (children of new parents), the stored rows are not even looked up."""
    if not rows:
        return {}
    _relax_commit(connections[router.db_for_write(model)])
    dated = skip_older and has_date_modified(model)
    existing: dict[int, tuple[Any, ...]] = {}
    if only_changed or dated or mark_seen or tally is not None or inserted is not None:
        manager = model._default_manager.filter(store_hash=store_hash,
                                                bc_id__in=[r.bc_id for r in rows])
        existing = {values[0]: values[1:]
                    for values in manager.values_list("bc_id", "raw_hash",
                                                      *(["date_modified"] if dated else []))}
    writing: list[Parsed] = []
    left: list[int] = []
    for row in rows:
        assert row.bc_id is not None
        _, digest = encoded(row)
        old = existing.get(row.bc_id)
        if old is not None:
            if dated:
                new_modified, old_modified = row.fields.get("date_modified"), old[1]
                if old_modified and new_modified and new_modified < old_modified:
                    left.append(row.bc_id)
                    continue
            if only_changed and old[0] == digest:
                left.append(row.bc_id)
                continue
        writing.append(row)
        if inserted is not None and old is None:
            inserted.add(row.bc_id)
        if tally is not None:
            if old is None:
                tally.inserted += 1
            else:
                tally.updated += 1
    if tally is not None:
        tally.skipped += len(left)
    if mark_seen and left:
        for start in range(0, len(left), DELETE_CHUNK):
            model._default_manager.filter(
                store_hash=store_hash, bc_id__in=left[start:start + DELETE_CHUNK]
            ).update(synced_at=now)
    if not writing:
        return {}
    return _insert(model, store_hash=store_hash, rows=writing, now=now, extra=extra or {})


def _relax_commit(connection: BaseDatabaseWrapper) -> None:
    """On PostgreSQL, let the page's transaction commit without waiting for its WAL flush.

    The LC is a copy that a pass can always read again: a server crash may lose the last
    pages' commits (the pass then never reports success, whose own commit does wait and
    flushes everything before it), never corrupt them. Each page's commit otherwise waits
    for a disk flush.
    """
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


# -- the statement -------------------------------------------------------------------------------


Convert = Callable[[Any], Any]


@dataclass(frozen=True)
class _Statement:
    """The upsert of one model on one backend, built once.

    SQLite: INSERT … VALUES (…), (…) ON CONFLICT DO UPDATE … RETURNING, as many rows per
    statement as its parameter limit allows. PostgreSQL: the rows are COPYed into a
    temporary table, then INSERT … SELECT … ON CONFLICT DO UPDATE … RETURNING: the server
    parses a COPY stream several times faster than a statement of thousands of literals.
    """

    columns: str  # the quoted column list
    head: str  # INSERT INTO table (columns)
    tail: str  # ON CONFLICT … RETURNING
    # The parser's columns after _OWN: attname, conversion for the driver (None: as is),
    # default when the parser left the column out.
    fields: tuple[tuple[str, Convert | None, Callable[[], Any]], ...]
    convert_datetime: Convert | None
    rows_per_statement: int
    stage: str  # PostgreSQL: the temporary table's quoted name


_statements: dict[tuple[type[models.Model], str], _Statement] = {}


def _json_text(value: Any) -> Any:
    return orjson.dumps(value).decode()


def _column(field: models.Field[Any, Any]) -> str:
    # A concrete field always has a column; the stubs allow None for the other kinds.
    assert field.column is not None
    return field.column


def _statement(model: type[models.Model], connection: BaseDatabaseWrapper) -> _Statement:
    key = (model, connection.alias)
    statement = _statements.get(key)
    if statement is not None:
        return statement
    qn = connection.ops.quote_name
    concrete = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    names = list(_OWN) + [name for name in concrete if name not in _OWN]
    # SQLite keeps datetimes as text in UTC; PostgreSQL's driver takes aware datetimes.
    sqlite = connection.vendor == "sqlite"
    convert_datetime = connection.ops.adapt_datetimefield_value if sqlite else None
    fields = []
    for name in names[len(_OWN):]:
        field = concrete[name]
        convert: Convert | None = None
        if isinstance(field, models.JSONField):
            convert = _json_text
        elif isinstance(field, models.DateTimeField):
            convert = convert_datetime
        fields.append((name, convert, field.get_default))
    if sqlite and connection.connection is not None:
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        limit = connection.features.max_query_params or len(names) * INSERT_CHUNK
    columns = ", ".join(qn(_column(concrete[n])) for n in names)
    table = model._meta.db_table
    statement = _Statement(
        columns=columns,
        head=f"INSERT INTO {qn(table)} ({columns})",
        tail=f" ON CONFLICT ({qn('store_hash')}, {qn('bc_id')}) DO UPDATE SET "
             + ", ".join(f"{qn(_column(concrete[n]))} = EXCLUDED.{qn(_column(concrete[n]))}"
                         for n in names if n not in ("store_hash", "bc_id"))
             + f" RETURNING {qn('bc_id')}, {qn(_column(model._meta.pk))}",
        fields=tuple(fields),
        convert_datetime=convert_datetime,
        rows_per_statement=max(1, min(INSERT_CHUNK, limit // len(names))),
        stage=qn(f"lc_stage_{table}"),
    )
    _statements[key] = statement
    return statement


def _insert(model: type[models.Model], *, store_hash: str, rows: list[Parsed], now: datetime,
            extra: dict[int, dict[str, Any]]) -> dict[int, int]:
    connection = connections[router.db_for_write(model)]
    connection.ensure_connection()
    statement = _statement(model, connection)
    synced_at = statement.convert_datetime(now) if statement.convert_datetime else now
    values: list[list[Any]] = []
    for row in rows:
        raw_json, raw_hash = encoded(row)
        given = row.fields
        more = extra.get(row.bc_id)  # type: ignore[arg-type]
        if more:
            given = {**given, **more}
        line = [store_hash, row.bc_id, raw_json, raw_hash, synced_at]
        for name, convert, default in statement.fields:
            value = given[name] if name in given else default()
            line.append(convert(value) if convert is not None and value is not None
                        else value)
        values.append(line)
    if connection.vendor == "postgresql":
        return _copy_and_merge(connection, statement, values)
    pks: dict[int, int] = {}
    step = statement.rows_per_statement
    one = "(" + ", ".join(["%s"] * len(values[0])) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(values), step):
            chunk = values[start:start + step]
            cursor.execute(f"{statement.head} VALUES {', '.join([one] * len(chunk))}"
                           f"{statement.tail}", [v for line in chunk for v in line])
            pks.update(cursor.fetchall())
    return pks


def _copy_and_merge(connection: BaseDatabaseWrapper, statement: _Statement,
                    values: list[list[Any]]) -> dict[int, int]:
    """PostgreSQL: COPY into a session's temporary table (emptied at each commit, and here
    once merged, in case the same transaction writes the model again), then one upsert."""
    with transaction.atomic(using=connection.alias, savepoint=False), \
            connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {statement.stage} "
                       f"ON COMMIT DELETE ROWS AS SELECT {statement.columns} "
                       f"FROM {statement.head.split()[2]} WITH NO DATA")
        with connection.wrap_database_errors, \
                cursor.cursor.copy(f"COPY {statement.stage} ({statement.columns}) "
                                   "FROM STDIN") as copy:
            for line in values:
                copy.write_row(line)
        cursor.execute(f"{statement.head} SELECT {statement.columns} FROM {statement.stage}"
                       f"{statement.tail}")
        pks = dict(cursor.fetchall())
        cursor.execute(f"DELETE FROM {statement.stage}")
    return pks


# -- reads and deletes ---------------------------------------------------------------------------
# These take any LC model, so they go through `_default_manager` (`objects` on each of them).


def pks_of(model: type[models.Model], *, store_hash: str, bc_ids: Iterable[int]) -> dict[int, int]:
    ids = list(bc_ids)
    if not ids:
        return {}
    rows = model._default_manager.filter(store_hash=store_hash, bc_id__in=ids)
    return dict(rows.values_list("bc_id", "pk"))


def delete_ids(model: type[models.Model], *, store_hash: str, bc_ids: Iterable[int]) -> int:
    """Delete rows by BigCommerce id (children go by cascade); returns rows of `model`."""
    ids = list(bc_ids)
    gone = 0
    label = model._meta.label
    for start in range(0, len(ids), DELETE_CHUNK):
        chunk = ids[start:start + DELETE_CHUNK]
        _, per_model = (model._default_manager.filter(store_hash=store_hash, bc_id__in=chunk)
                        .only("pk").delete())
        gone += per_model.get(label, 0)
    return gone


def ids_missing(model: type[models.Model], *, store_hash: str, present: set[int],
                before: datetime | None = None) -> list[int]:
    """LC ids of `model` not in `present` (optionally only rows last written before `before`)."""
    rows = model._default_manager.filter(store_hash=store_hash)
    if before is not None:
        rows = rows.filter(synced_at__lt=before)
    return [bc_id for bc_id in rows.values_list("bc_id", flat=True).iterator(chunk_size=5000)
            if bc_id not in present]


def ids_between(model: type[models.Model], *, store_hash: str, after: int, upto: int | None,
                present: set[int]) -> list[int]:
    """LC ids of `model` in (after, upto] (no upper bound: None) that are not in `present`."""
    rows = model._default_manager.filter(store_hash=store_hash, bc_id__gt=after)
    if upto is not None:
        rows = rows.filter(bc_id__lte=upto)
    return [bc_id for bc_id in rows.values_list("bc_id", flat=True).iterator(chunk_size=5000)
            if bc_id not in present]


def ids_not_seen_since(model: type[models.Model], *, store_hash: str,
                       since: datetime) -> list[int]:
    return list(model._default_manager.filter(store_hash=store_hash, synced_at__lt=since)
                .values_list("bc_id", flat=True))


def prune_children(model: type[models.Model], *, parent_field: str, parent_pks: Iterable[int],
                   keep: Iterable[int]) -> int:
    """Delete children of these parents whose ids are not in `keep` (e.g. removed variants)."""
    pks = list(parent_pks)
    if not pks:
        return 0
    keep_ids = set(keep)
    stale = [pk for pk, bc_id in model._default_manager.filter(**{f"{parent_field}__in": pks})
             .values_list("pk", "bc_id") if bc_id not in keep_ids]
    for start in range(0, len(stale), DELETE_CHUNK):
        model._default_manager.filter(pk__in=stale[start:start + DELETE_CHUNK]).only("pk").delete()
    return len(stale)
