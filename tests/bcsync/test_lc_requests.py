"""Reload and delete requests: recorded as a queued state before any message, joined while
queued or running, never clobbering a live claim; the panel's selector; Delete LC queued,
refused while a pass runs or waits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bcsync.connections import connection_upsert
from bcsync.lc_requests import LcBusy, lc_delete_request, lc_reload_request
from bcsync.lc_selectors import lc_panel
from localcopy.claims import claim, stale_after
from localcopy.models import Dataset, LcBrand, LcStatus

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


def row(connection, dataset):
    return next(r for r in lc_panel(connection=connection) if r.dataset == dataset)


def test_a_request_is_recorded_as_queued_and_one_task_is_sent_on_commit(
        connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        [status] = lc_reload_request(connection=connection, dataset="products")

    assert enqueued(callbacks) == [("bcsync.tasks.lc_reload_task",
                                    {"connection_id": connection.pk, "dataset": "products"})]
    status.refresh_from_db()
    assert (status.queued, status.state) == ("full", LcStatus.State.IDLE)
    assert status.queued_at is not None and status.queued_due_at is not None
    panel = row(connection, "products")
    assert (panel.light, panel.light_label, panel.queued, panel.busy) == (
        "amber", "Queued", True, True)


def test_a_request_joins_a_running_full_reload_and_sends_nothing(
        connection, django_capture_on_commit_callbacks):
    held = running(connection, items_done=750, items_total=3000)
    with django_capture_on_commit_callbacks() as callbacks:
        [status] = lc_reload_request(connection=connection, dataset="products")

    assert callbacks == []
    assert status.pk == held.pk
    status.refresh_from_db()
    assert (status.run_token, status.items_done, status.queued) == ("abc", 750, "")


def test_a_second_request_joins_the_queued_one(connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as first:
        lc_reload_request(connection=connection, dataset="brands")
    with django_capture_on_commit_callbacks() as second:
        lc_reload_request(connection=connection, dataset="brands")
    assert len(first) == 1
    assert second == []


def test_a_request_over_a_pass_whose_worker_died_is_recorded(
        connection, django_capture_on_commit_callbacks):
    running(connection, beat_ago=stale_after() + timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as callbacks:
        lc_reload_request(connection=connection, dataset="products")
    assert len(callbacks) == 1
    assert LcStatus.objects.get(store_hash="abc123", dataset="products").queued == "full"


def test_a_running_incremental_pass_keeps_its_claim_and_the_reload_is_queued_behind_it(
        connection, django_capture_on_commit_callbacks):
    running(connection, kind="incremental")
    with django_capture_on_commit_callbacks() as callbacks:
        lc_reload_request(connection=connection, dataset="products")
    assert len(callbacks) == 1
    status = LcStatus.objects.get(store_hash=connection.store_hash, dataset="products")
    assert (status.run_kind, status.run_token, status.queued) == ("incremental", "abc", "full")
    panel = row(connection, "products")
    assert (panel.light_label, panel.busy) == ("Running", True)
    assert panel.reason == "A Full Reload is queued after it."


def test_the_worker_claims_a_queued_row_and_consumes_the_request(connection):
    lc_reload_request(connection=connection, dataset="orders")
    status = claim(store_hash=connection.store_hash, dataset="orders", kind="full",
                   queued_only=True)
    assert status.run_token and status.heartbeat_at is not None and status.queued == ""


def test_an_incremental_pass_leaves_a_row_with_a_queued_reload_alone(connection):
    from localcopy.claims import ReloadAlreadyRunning

    lc_reload_request(connection=connection, dataset="orders")
    with pytest.raises(ReloadAlreadyRunning):
        claim(store_hash=connection.store_hash, dataset="orders", kind="incremental")


def test_reload_all_queues_every_dataset_except_the_running_one(
        connection, django_capture_on_commit_callbacks):
    running(connection, "customers")
    with django_capture_on_commit_callbacks() as callbacks:
        statuses = lc_reload_request(connection=connection, dataset="all")
    assert len(statuses) == len(Dataset.values)
    assert sorted(kw["dataset"] for _, kw in enqueued(callbacks)) == sorted(
        c for c in Dataset.values if c != "customers")


def test_an_unknown_dataset_is_refused(connection):
    with pytest.raises(ValueError):
        lc_reload_request(connection=connection, dataset="widgets")


def test_lights_say_not_loaded_current_running_failed_queued_and_stalled(connection):
    now = timezone.now()
    LcStatus.objects.create(store_hash=connection.store_hash, dataset="brands",
                            state=LcStatus.State.IDLE, last_full_reload_at=now)
    LcStatus.objects.create(store_hash=connection.store_hash, dataset="orders",
                            state=LcStatus.State.FAILED, last_error="Unreachable: timed out",
                            last_error_at=now)
    running(connection, "customers", items_done=500, items_total=2000)
    running(connection, "categories", beat_ago=stale_after() + timedelta(seconds=1))
    LcStatus.objects.create(store_hash=connection.store_hash, dataset="carriers",
                            queued="full", queued_at=now - stale_after() * 2)
    rows = {r.dataset: r for r in lc_panel(connection=connection)}

    assert (rows["products"].light, rows["products"].light_label) == ("grey", "Not loaded")
    assert rows["brands"].light == "green"
    assert (rows["orders"].light, rows["orders"].reason) == ("red", "Unreachable: timed out")
    assert rows["customers"].light == "amber"
    assert (rows["customers"].percent, rows["customers"].items_done) == (25, 500)
    assert rows["customers"].elapsed >= timedelta(seconds=5)
    assert (rows["categories"].light, rows["categories"].light_label) == ("red", "Stalled")
    assert "is the worker running?" in rows["categories"].reason
    assert (rows["carriers"].light_label, rows["carriers"].busy) == ("Queued", True)
    assert "Is the bulk worker running?" in rows["carriers"].reason


def test_row_counts_come_from_the_maintained_figure_not_a_count_per_poll(connection):
    now = timezone.now()
    for i in (1, 2, 3):
        LcBrand.objects.create(store_hash=connection.store_hash, bc_id=i, name=f"B{i}",
                               synced_at=now)
    LcStatus.objects.create(store_hash=connection.store_hash, dataset="brands", row_count=3,
                            last_full_reload_at=now)
    LcStatus.objects.create(store_hash=connection.store_hash, dataset="carriers", row_count=7,
                            last_full_reload_at=now)
    rows = {r.dataset: r for r in lc_panel(connection=connection)}
    assert (rows["brands"].row_count, rows["carriers"].row_count) == (3, 7)


def test_delete_is_queued_for_every_dataset_and_sent_on_commit(
        connection, django_capture_on_commit_callbacks):
    LcBrand.objects.create(store_hash="abc123", bc_id=1, name="B", synced_at=timezone.now())
    with django_capture_on_commit_callbacks() as callbacks:
        lc_delete_request(connection=connection)
    assert enqueued(callbacks) == [("bcsync.tasks.lc_delete_task", {"store_hash": "abc123"})]
    assert set(LcStatus.objects.values_list("queued", flat=True)) == {"delete"}
    assert LcBrand.objects.count() == 1  # the worker deletes, not the request
    assert {r.light_label for r in lc_panel(connection=connection)} == {"Queued"}


@pytest.mark.parametrize("state", ["running", "queued"])
def test_delete_is_refused_while_a_pass_runs_or_waits(connection, state,
                                                     django_capture_on_commit_callbacks):
    if state == "running":
        running(connection, "products")
    else:
        lc_reload_request(connection=connection, dataset="products")
    with django_capture_on_commit_callbacks() as callbacks, \
            pytest.raises(LcBusy, match="Products still running or queued"):
        lc_delete_request(connection=connection)
    assert callbacks == []
    assert not LcStatus.objects.filter(queued="delete").exists()


def test_a_reload_is_refused_while_the_lc_is_being_deleted(connection):
    lc_delete_request(connection=connection)
    with pytest.raises(LcBusy, match="being deleted"):
        lc_reload_request(connection=connection, dataset="brands")


def test_onboarding_again_while_the_lc_is_being_deleted_queues_nothing_over_it(
        connection, django_capture_on_commit_callbacks):
    from bcsync.onboarding import connection_onboard

    lc_delete_request(connection=connection)
    with django_capture_on_commit_callbacks() as callbacks:
        onboarding = connection_onboard(connection=connection, register_now=False)
    assert onboarding.reloads_queued == []
    assert [name for name, _ in enqueued(callbacks)] == ["bcsync.tasks.webhooks_register_task"]
    assert set(LcStatus.objects.values_list("queued", flat=True)) == {"delete"}
