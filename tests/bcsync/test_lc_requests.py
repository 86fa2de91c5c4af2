"""Reload requests: queue at once, join a running reload, never clobber a live claim; the
panel's selector; Delete LC refused while a pass runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bcsync.connections import connection_upsert
from bcsync.lc import (
    LcBusy,
    lc_delete_request,
    lc_is_live,
    lc_panel,
    lc_reload_request,
)
from localcopy.claims import claim
from localcopy.models import Dataset, LcBrand, LcLocation, LcShippingMethod, LcStatus

pytestmark = pytest.mark.django_db


def enqueued(callbacks) -> list[tuple[str, dict]]:
    """(task name, kwargs) of every task sent on commit."""
    return [(cb.func.__self__.name, cb.keywords["kwargs"]) for cb in callbacks]


@pytest.fixture
def connection():
    conn, _ = connection_upsert(store_hash="abc123", access_token="t0ken",
                                api_url="http://127.0.0.1:9")
    return conn


def running(connection, dataset="products", *, kind="full", beat_ago=timedelta(seconds=5),
            **fields) -> LcStatus:
    now = timezone.now()
    return LcStatus.objects.create(
        store_hash=connection.store_hash, dataset=dataset, state=LcStatus.State.RUNNING,
        run_kind=kind, run_token="abc", heartbeat_at=now - beat_ago, started_at=now - beat_ago,
        **fields)


def test_a_request_marks_the_category_queued_and_enqueues_one_task_on_commit(
        connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        [status] = lc_reload_request(connection=connection, dataset="products")

    assert enqueued(callbacks) == [("bcsync.tasks.lc_reload_task",
                                    {"connection_id": connection.pk, "dataset": "products"})]
    status.refresh_from_db()
    assert status.state == LcStatus.State.RUNNING
    assert lc_is_live(status)
    row = next(r for r in lc_panel(connection=connection) if r.dataset == "products")
    assert (row.light, row.light_label, row.queued) == ("amber", "Queued", True)


def test_a_request_joins_a_running_full_reload_and_enqueues_nothing(
        connection, django_capture_on_commit_callbacks):
    held = running(connection, pages_done=3, pages_total=10)
    with django_capture_on_commit_callbacks() as callbacks:
        [status] = lc_reload_request(connection=connection, dataset="products")

    assert callbacks == []
    assert status.pk == held.pk
    status.refresh_from_db()
    assert (status.run_token, status.pages_done) == ("abc", 3)


def test_a_second_request_joins_the_queued_one(connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as first:
        lc_reload_request(connection=connection, dataset="brands")
    with django_capture_on_commit_callbacks() as second:
        lc_reload_request(connection=connection, dataset="brands")
    assert len(first) == 1
    assert second == []


def test_a_request_takes_over_a_run_whose_worker_died(
        connection, django_capture_on_commit_callbacks):
    running(connection, beat_ago=timedelta(minutes=10))
    with django_capture_on_commit_callbacks() as callbacks:
        lc_reload_request(connection=connection, dataset="products")
    assert len(callbacks) == 1


def test_a_running_incremental_pass_keeps_its_claim_and_the_reload_is_still_enqueued(
        connection, django_capture_on_commit_callbacks):
    running(connection, kind="incremental")
    with django_capture_on_commit_callbacks() as callbacks:
        lc_reload_request(connection=connection, dataset="products")
    assert len(callbacks) == 1
    status = LcStatus.objects.get(store_hash=connection.store_hash, dataset="products")
    assert (status.run_kind, status.run_token) == ("incremental", "abc")


def test_the_worker_claims_a_queued_row(connection):
    lc_reload_request(connection=connection, dataset="orders")
    status = claim(store_hash=connection.store_hash, dataset="orders", kind="full")
    assert status.run_token and status.heartbeat_at is not None


def test_reload_all_enqueues_every_category_except_the_running_one(
        connection, django_capture_on_commit_callbacks):
    running(connection, "customers")
    with django_capture_on_commit_callbacks() as callbacks:
        statuses = lc_reload_request(connection=connection, dataset="all")
    assert len(statuses) == len(Dataset.values)
    assert sorted(kw["dataset"] for _, kw in enqueued(callbacks)) == sorted(
        c for c in Dataset.values if c != "customers")


def test_an_unknown_category_is_refused(connection):
    with pytest.raises(ValueError):
        lc_reload_request(connection=connection, dataset="widgets")


def test_lights_say_never_loaded_current_running_failed_and_stalled(connection):
    now = timezone.now()
    LcStatus.objects.create(store_hash=connection.store_hash, dataset="brands",
                            state=LcStatus.State.IDLE, last_full_reload_at=now)
    LcStatus.objects.create(store_hash=connection.store_hash, dataset="orders",
                            state=LcStatus.State.FAILED, last_error="Unreachable: timed out",
                            last_error_at=now)
    running(connection, "customers", pages_done=2, pages_total=8, items_done=500)
    running(connection, "categories", beat_ago=timedelta(minutes=5))
    rows = {r.dataset: r for r in lc_panel(connection=connection)}

    assert (rows["products"].light, rows["products"].light_label) == ("grey", "Never loaded")
    assert rows["brands"].light == "green"
    assert (rows["orders"].light, rows["orders"].reason) == ("red", "Unreachable: timed out")
    assert rows["customers"].light == "amber"
    assert (rows["customers"].percent, rows["customers"].items_done) == (25, 500)
    assert rows["customers"].elapsed >= timedelta(seconds=5)
    assert (rows["categories"].light, rows["categories"].light_label) == ("red", "Stalled")
    assert "Is the worker running?" in rows["categories"].reason


def test_row_counts_are_live_counts_of_the_lc_tables(connection):
    now = timezone.now()
    for i in (1, 2, 3):
        LcBrand.objects.create(store_hash=connection.store_hash, bc_id=i, name=f"B{i}",
                               synced_at=now)
    LcBrand.objects.create(store_hash="otherstore", bc_id=1, name="Elsewhere", synced_at=now)
    LcShippingMethod.objects.create(store_hash=connection.store_hash, bc_id=1, zone_bc_id=1,
                                    name="Flat", synced_at=now)
    LcLocation.objects.create(store_hash=connection.store_hash, bc_id=1, synced_at=now)
    rows = {r.dataset: r for r in lc_panel(connection=connection)}
    assert rows["brands"].row_count == 3
    assert rows["carriers"].row_count == 2


def test_delete_is_refused_while_a_pass_runs(connection):
    running(connection, "products")
    with pytest.raises(LcBusy, match="Products"):
        lc_delete_request(connection=connection)


def test_delete_removes_the_store_rows_and_resets_the_status(connection):
    now = timezone.now()
    LcBrand.objects.create(store_hash=connection.store_hash, bc_id=1, name="B", synced_at=now)
    LcBrand.objects.create(store_hash="otherstore", bc_id=1, name="Kept", synced_at=now)
    LcStatus.objects.create(store_hash=connection.store_hash, dataset="brands",
                            last_full_reload_at=now)
    assert lc_delete_request(connection=connection) == 1
    assert list(LcBrand.objects.values_list("name", flat=True)) == ["Kept"]
    row = next(r for r in lc_panel(connection=connection) if r.dataset == "brands")
    assert row.light == "grey"
