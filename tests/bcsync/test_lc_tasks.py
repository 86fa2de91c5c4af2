"""The LC tasks against the emulator (run in-process with .apply()), their retry decision,
and the beat entries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings

from bcemulator.process import EmulatorProcess
from bcsync.connections import connection_upsert
from bcsync.lc import PassFailedTransiently, _check_transient, lc_panel, lc_reload_request
from bcsync.models import StoreConnection, SyncSettings
from bcsync.tasks import lc_reconcile_task, lc_reload_task, lc_sync_task
from localcopy.models import LcProduct, LcRun, LcStatus
from localcopy.services import RunSummary
from settings.celery import app

pytestmark = pytest.mark.django_db

PRODUCTS = 40


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed=PRODUCTS) as emu:
        yield emu


@pytest.fixture
def connection(emulator) -> StoreConnection:
    conn, _ = connection_upsert(store_hash=emulator.store_hash, access_token=emulator.token,
                                api_url=emulator.base_url)
    return conn


def test_the_beat_runs_the_incremental_pass_and_the_reconciliation_with_time_limits():
    app.loader.import_default_modules()
    entries = {e["task"]: e for e in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in ("bcsync.tasks.lc_sync_task", "bcsync.tasks.lc_reconcile_task"):
        assert name in app.tasks
        task = app.tasks[name]
        assert 0 < task.soft_time_limit < task.time_limit
        assert entries[name]["options"]["expires"] <= entries[name]["schedule"].total_seconds()
    assert entries["bcsync.tasks.lc_sync_task"]["schedule"].total_seconds() == 5 * 60


@pytest.mark.emulator
def test_a_requested_reload_runs_and_turns_the_light_green(connection):
    lc_reload_request(connection=connection, dataset="products")
    lc_reload_task.apply(kwargs={"connection_id": connection.pk, "dataset": "products"})

    row = next(r for r in lc_panel(connection=connection) if r.dataset == "products")
    assert (row.light, row.row_count) == ("green", PRODUCTS)
    assert row.pages_done == row.pages_total
    assert row.last_full_reload_at is not None


@pytest.mark.emulator
def test_a_reload_for_a_switched_off_connection_clears_its_queued_light(connection):
    lc_reload_request(connection=connection, dataset="brands")
    StoreConnection.objects.filter(pk=connection.pk).update(is_active=False)
    lc_reload_task.apply(kwargs={"connection_id": connection.pk, "dataset": "brands"})
    status = LcStatus.objects.get(store_hash=connection.store_hash, dataset="brands")
    assert status.state == LcStatus.State.FAILED
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
def test_the_reconcile_task_passes_over_every_category(connection):
    lc_reconcile_task.apply()
    assert LcRun.objects.filter(kind="reconcile").exists()


@pytest.mark.parametrize(("error", "retry"), [
    ("Unreachable: connection refused [GET /v3/catalog/products]", True),
    ("RateLimited: 429 Too Many Requests", True),
    ("ServerError: 503 Service Unavailable", True),
    ("ServerError: 501 Not Implemented", False),
    ("ValidationError: 422 Unprocessable", False),
    ("AuthError: 401 Unauthorized", False),
])
def test_only_failures_that_may_go_away_are_retried(error, retry):
    summary = RunSummary(dataset="products", kind="webhook", ok=False, error=error)
    if retry:
        with pytest.raises(PassFailedTransiently):
            _check_transient(summary)
    else:
        assert _check_transient(summary) is summary
