"""The LC tasks against the emulator (run in-process with .apply()), their retry decision
from the summary's `transient`, the queues they go to and the beat entries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings

from bcemulator.process import EmulatorProcess
from bcsync.connections import client_for, connection_upsert
from bcsync.lc_requests import lc_reload_request
from bcsync.lc_selectors import lc_panel
from bcsync.models import StoreConnection, SyncSettings
from bcsync.tasks import lc_reconcile_task, lc_reload_task, lc_sync_task
from localcopy.models import LcProduct, LcRun, LcStatus
from localcopy.services import lc_reload
from settings.celery import app

pytestmark = pytest.mark.django_db

PRODUCTS = 40


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed=PRODUCTS) as emu:
        yield emu


@pytest.fixture
def connection(emulator) -> Iterator[StoreConnection]:
    conn, _ = connection_upsert(store_hash=emulator.store_hash, access_token=emulator.token,
                                api_url=emulator.base_url)
    yield conn
    emulator.faults()


@pytest.fixture
def quick_client(settings):
    """Workers' clients that give up at once: a failing pass ends in a blink."""
    settings.BIGCOMMERCE_CLIENT = {**settings.BIGCOMMERCE_CLIENT, "max_retries": 0}


def test_the_beat_runs_the_passes_the_sweeper_and_the_pruning_with_time_limits():
    app.loader.import_default_modules()
    entries = {e["task"]: e for e in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in ("bcsync.tasks.lc_sync_task", "bcsync.tasks.lc_reconcile_task",
                 "bcsync.tasks.lc_sweep_task", "bcsync.tasks.lc_runs_prune_task"):
        assert name in app.tasks
        task = app.tasks[name]
        assert 0 < task.soft_time_limit < task.time_limit
        assert entries[name]["options"]["expires"] <= entries[name]["schedule"].total_seconds()
    assert entries["bcsync.tasks.lc_sync_task"]["schedule"].total_seconds() == 5 * 60
    assert entries["bcsync.tasks.lc_sweep_task"]["schedule"].total_seconds() == 60


def test_long_passes_go_to_the_bulk_queue_and_what_people_wait_for_to_realtime():
    app.loader.import_default_modules()
    router = app.amqp.Router()
    queue = {name: router.route({}, name)["queue"].name
             for name in app.tasks if name.startswith("bcsync.")}
    assert {n for n, q in queue.items() if q == "bulk"} == {
        f"bcsync.tasks.{t}" for t in ("lc_reload_task", "lc_sync_task", "lc_reconcile_task",
                                      "lc_delete_task", "lc_runs_prune_task",
                                      "upload_job_task", "push_pass_task", "import_job_task",
                                      "end_of_day_task", "orders_pass_task")}
    assert {n for n, q in queue.items() if q == "realtime"} == {
        f"bcsync.tasks.{t}" for t in ("lc_refresh_task", "lc_sweep_task", "record_heartbeat",
                                      "webhooks_register_task", "order_refunds_apply_task",
                                      "order_import_task")}


@pytest.mark.emulator
def test_a_requested_reload_runs_turns_the_light_green_and_its_first_incremental_follows(
        connection):
    lc_reload_request(connection=connection, dataset="products")
    lc_reload_task.apply(kwargs={"connection_id": connection.pk, "dataset": "products"})

    row = next(r for r in lc_panel(connection=connection) if r.dataset == "products")
    assert (row.light, row.row_count) == ("green", PRODUCTS)
    assert row.items_done == row.items_total
    assert row.last_full_reload_at is not None
    # The panel never says "Last incremental pass: never" after the first reload.
    assert row.last_incremental_at is not None
    assert list(LcRun.objects.order_by("started_at").values_list("kind", flat=True)) == [
        "full", "incremental"]


@pytest.mark.emulator
def test_a_reload_task_with_nothing_queued_does_nothing(connection, emulator):
    emulator.reset_stats()
    result = lc_reload_task.apply(kwargs={"connection_id": connection.pk,
                                          "dataset": "products"})
    assert result.get() == "nothing to do"
    assert emulator.stats()["total"] == 0 and not LcRun.objects.exists()


@pytest.mark.emulator
def test_a_reload_for_a_switched_off_connection_clears_its_queued_light(connection):
    lc_reload_request(connection=connection, dataset="brands")
    StoreConnection.objects.filter(pk=connection.pk).update(is_active=False)
    lc_reload_task.apply(kwargs={"connection_id": connection.pk, "dataset": "brands"})
    status = LcStatus.objects.get(store_hash=connection.store_hash, dataset="brands")
    assert (status.state, status.queued) == (LcStatus.State.FAILED, "")
    assert status.last_error == "The store connection is switched off."


@pytest.mark.emulator
def test_the_incremental_task_only_pulls_while_background_pull_is_on(connection):
    SyncSettings.objects.update_or_create(pk=1, defaults={"lc_background_pull": False})
    lc_sync_task.apply()
    assert not LcRun.objects.exists()

    SyncSettings.objects.filter(pk=1).update(lc_background_pull=True)
    lc_sync_task.apply()
    assert LcRun.objects.filter(ok=True).count() >= 6  # one pass per dataset
    assert LcProduct.objects.filter(store_hash=connection.store_hash).count() == PRODUCTS


@pytest.mark.emulator
def test_the_reconcile_task_passes_over_every_dataset(connection):
    lc_reconcile_task.apply()
    assert LcRun.objects.filter(kind="reconcile").count() == 6


@pytest.mark.emulator
@pytest.mark.parametrize(("fault", "transient"), [("server error", True), ("bad token", False)])
def test_a_failed_pass_carries_whether_its_error_may_go_away_as_data(
        connection, emulator, quick_client, fault, transient):
    if fault == "server error":
        emulator.faults(error_rate=1.0)
    else:
        connection.access_token = "wrong-token"
        connection.save()

    with client_for(connection) as client:
        summary = lc_reload(client=client, store_hash=connection.store_hash, dataset="brands")
    assert not summary.ok and summary.transient is transient


@pytest.mark.emulator
@pytest.mark.parametrize(("fault", "runs"), [("server error", 6), ("bad token", 1)])
def test_the_reload_task_retries_only_what_may_go_away(connection, emulator, quick_client,
                                                       fault, runs):
    if fault == "server error":
        emulator.faults(error_rate=1.0)
    else:
        connection.access_token = "wrong-token"
        connection.save()
    lc_reload_request(connection=connection, dataset="brands")

    lc_reload_task.apply(kwargs={"connection_id": connection.pk, "dataset": "brands"})

    # Eager retries run at once: the first try and five retries, each a pass of its own,
    # the request queued again for each retry; or one try for a final error.
    assert LcRun.objects.filter(kind="full", ok=False).count() == runs
    status = LcStatus.objects.get(store_hash=connection.store_hash, dataset="brands")
    assert (status.state, status.queued) == (LcStatus.State.FAILED, "")
