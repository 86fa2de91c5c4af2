"""The sweeper (beat, every minute) and the requests it keeps alive: dead passes abandoned and
their run closed, lost messages sent again, a Full Reload pressed over a dying pass run later
without a second click, the run log pruned. Time is moved with time-machine; tasks sent are
captured on commit, then run in-process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from bcemulator.process import EmulatorProcess
from bcsync.connections import connection_upsert
from bcsync.lc_jobs import ReloadWaiting, lc_reload_run
from bcsync.lc_requests import lc_delete_request, lc_reload_request
from bcsync.lc_selectors import lc_panel
from bcsync.models import StoreConnection
from bcsync.tasks import (
    lc_delete_task,
    lc_refresh_task,
    lc_reload_task,
    lc_runs_prune_task,
    lc_sweep_task,
)
from localcopy.claims import claim, stale_after
from localcopy.models import LcBrand, LcProduct, LcRefresh, LcRun, LcStatus
from localcopy.runs import Tally
from localcopy.services import lc_refresh_record, lc_refresh_request

pytestmark = pytest.mark.django_db


def sent(callbacks) -> list[tuple[str, dict]]:
    return [(cb.func.__self__.name, cb.keywords["kwargs"]) for cb in callbacks]


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed=30) as emu:
        yield emu


@pytest.fixture
def connection(emulator) -> StoreConnection:
    conn, _ = connection_upsert(store_hash=emulator.store_hash, access_token=emulator.token,
                                api_url=emulator.base_url)
    return conn


def later(time_machine, by: timedelta) -> None:
    time_machine.move_to(timezone.now() + by, tick=True)


def test_a_full_reload_whose_worker_died_is_abandoned_and_queued_again(
        connection, time_machine, django_capture_on_commit_callbacks):
    status = claim(store_hash=connection.store_hash, dataset="products", kind="full")
    Tally(client=None, store_hash=connection.store_hash, dataset="products", kind="full",
          run_token=status.run_token)

    with django_capture_on_commit_callbacks() as healthy:
        lc_sweep_task.apply()
    assert healthy == []  # alive: left alone

    later(time_machine, stale_after() + timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as callbacks:
        lc_sweep_task.apply()

    assert sent(callbacks) == [("bcsync.tasks.lc_reload_task",
                                {"connection_id": connection.pk, "dataset": "products"})]
    status.refresh_from_db()
    assert (status.state, status.queued, status.run_token) == ("failed", "full", "")
    assert status.last_error.startswith("Abandoned: its worker stopped")
    run = LcRun.objects.get()
    assert (run.ok, run.abandoned, run.finished_at is not None) == (False, True, True)
    row = next(r for r in lc_panel(connection=connection) if r.dataset == "products")
    assert (row.light_label, row.busy) == ("Queued", True)

    lc_reload_task.apply(kwargs={"connection_id": connection.pk, "dataset": "products"})
    status.refresh_from_db()
    assert (status.state, status.row_count) == ("idle", 30)


def test_a_full_reload_pressed_over_a_dying_incremental_pass_runs_later_without_a_click(
        connection, time_machine, django_capture_on_commit_callbacks):
    # An incremental pass holds products; its worker is killed (it simply stops beating).
    claim(store_hash=connection.store_hash, dataset="products", kind="incremental")
    with django_capture_on_commit_callbacks() as pressed:
        lc_reload_request(connection=connection, dataset="products")
    assert len(pressed) == 1
    with pytest.raises(ReloadWaiting):  # the task finds the dying pass still "alive"
        lc_reload_run(connection_id=connection.pk, dataset="products")
    # ... and its retries are lost with the worker; nobody presses again.

    later(time_machine, stale_after() * 2 + timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as callbacks:
        lc_sweep_task.apply()
    assert sent(callbacks) == [("bcsync.tasks.lc_reload_task",
                                {"connection_id": connection.pk, "dataset": "products"})]
    lc_reload_task.apply(kwargs={"connection_id": connection.pk, "dataset": "products"})

    status = LcStatus.objects.get(store_hash=connection.store_hash, dataset="products")
    assert (status.state, status.queued, status.row_count) == ("idle", "", 30)
    assert status.last_full_reload_at is not None


def test_a_queued_request_whose_message_was_lost_is_sent_again_once(
        connection, time_machine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        lc_reload_request(connection=connection, dataset="brands")
    with django_capture_on_commit_callbacks() as early:
        lc_sweep_task.apply()
    assert early == []  # a worker may just be busy: not yet

    later(time_machine, stale_after() + timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as first:
        lc_sweep_task.apply()
    with django_capture_on_commit_callbacks() as second:
        lc_sweep_task.apply()
    assert sent(first) == [("bcsync.tasks.lc_reload_task",
                            {"connection_id": connection.pk, "dataset": "brands"})]
    assert second == []


def test_a_queued_reload_of_a_switched_off_connection_is_dropped_with_the_reason(
        connection, time_machine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        lc_reload_request(connection=connection, dataset="brands")
    StoreConnection.objects.filter(pk=connection.pk).update(is_active=False)
    later(time_machine, stale_after() + timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as callbacks:
        lc_sweep_task.apply()
    assert callbacks == []
    status = LcStatus.objects.get(store_hash=connection.store_hash, dataset="brands")
    assert (status.queued, status.state) == ("", "failed")
    assert "switched off" in status.last_error


def test_a_delete_whose_worker_died_is_queued_again_and_finished(
        connection, time_machine, django_capture_on_commit_callbacks):
    now = timezone.now()
    LcBrand.objects.create(store_hash=connection.store_hash, bc_id=1, name="B", synced_at=now)
    LcStatus.objects.create(store_hash=connection.store_hash, dataset="brands", row_count=1,
                            last_full_reload_at=now)
    with django_capture_on_commit_callbacks():
        lc_delete_request(connection=connection)
    claim(store_hash=connection.store_hash, dataset="brands", kind="delete", queued_only=True)

    later(time_machine, stale_after() + timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as callbacks:
        lc_sweep_task.apply()
    assert sent(callbacks) == [("bcsync.tasks.lc_delete_task",
                                {"store_hash": connection.store_hash})]
    lc_delete_task.apply(kwargs={"store_hash": connection.store_hash})
    assert not LcBrand.objects.exists()
    assert set(LcStatus.objects.values_list("queued", "state")) == {("", "idle")}


def test_a_pending_refresh_whose_task_or_worker_was_lost_is_sent_again(
        connection, time_machine, django_capture_on_commit_callbacks):
    lc_refresh_request(store_hash=connection.store_hash, resource="product", bc_id=3)
    lc_refresh_request(store_hash=connection.store_hash, resource="category", bc_id=2)
    LcRefresh.objects.filter(resource="category").update(taken_at=timezone.now())

    later(time_machine, stale_after() + timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as callbacks:
        lc_sweep_task.apply()
    assert sorted((kw["resource"], kw["bc_id"]) for _, kw in sent(callbacks)) == [
        ("category", 2), ("product", 3)]

    # The worker that took the category died; the message sent again may take it over.
    for _, kwargs in sent(callbacks):
        lc_refresh_task.apply(kwargs=kwargs)
    assert not LcRefresh.objects.exists()
    assert LcProduct.objects.filter(bc_id=3).exists()


def test_runs_left_open_by_a_dead_worker_are_closed_and_the_log_is_pruned(
        connection, settings, time_machine):
    LcRun.objects.create(store_hash="s", dataset="brands", kind="webhook",
                         started_at=timezone.now())
    LcRun.objects.create(store_hash="s", dataset="brands", kind="webhook", ok=True,
                         started_at=timezone.now(), finished_at=timezone.now())
    later(time_machine, timedelta(hours=1))
    lc_sweep_task.apply()
    closed = LcRun.objects.get(ok=False)
    assert closed.abandoned and closed.finished_at is not None

    settings.LC_RUN_KEEP_DAYS = 30
    fresh = LcRun.objects.create(store_hash="s", dataset="brands", kind="webhook",
                                 started_at=timezone.now() + timedelta(days=29))
    later(time_machine, timedelta(days=30, hours=1))
    assert lc_runs_prune_task.apply().get() == 2
    assert list(LcRun.objects.all()) == [fresh]


def test_after_delete_a_webhook_may_write_its_record_but_the_light_stays_not_loaded(
        connection, emulator, django_capture_on_commit_callbacks):
    from bcsync.connections import client_for

    with django_capture_on_commit_callbacks():
        lc_reload_request(connection=connection, dataset="products")
    lc_reload_task.apply(kwargs={"connection_id": connection.pk, "dataset": "products"})
    with django_capture_on_commit_callbacks():
        lc_delete_request(connection=connection)
    lc_delete_task.apply(kwargs={"store_hash": connection.store_hash})

    with client_for(connection) as client:
        lc_refresh_record(client=client, store_hash=connection.store_hash, resource="product",
                          bc_id=5)

    row = next(r for r in lc_panel(connection=connection) if r.dataset == "products")
    assert (row.light_label, row.row_count) == ("Not loaded", 1)
    assert row.last_full_reload_at is None and row.last_incremental_at is None
