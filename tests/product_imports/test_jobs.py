"""Bulk imports and the initial dataset as jobs: run by a real worker from the bulk queue with
progress on the row; the initial dataset once only; skip-zero; swept when a worker died."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from bcsync.imports.job_requests import import_job_request, initial_dataset_request
from bcsync.imports.jobs import import_job_run, import_jobs_sweep
from bcsync.imports.settings import (
    InitialDatasetRefused,
    import_settings_for,
    initial_reenable,
)
from bcsync.models import ImportSettings, ItemSync, SyncEvent, SyncJob
from catalog.models import Item, StockLevel
from localcopy.models import LcProduct
from tests.workers import wait_for

from .conftest import product_post


@pytest.mark.emulator
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_bulk_import_runs_on_the_bulk_queue_with_progress(connection, lc, alice, worker):
    lc()
    ids = list(LcProduct.objects.values_list("bc_id", flat=True))
    job = import_job_request(connection=connection, user=alice, bc_product_ids=ids)

    def finished():
        job.refresh_from_db()
        return job.state in ("done", "failed")

    wait_for(finished, "the import job to finish", seconds=60)
    assert (job.state, job.done, job.failed, job.total) == ("done", 3, 0, 3), job.error
    assert job.counts["created"] == 3 and job.counts["requests"] == 0
    assert ItemSync.objects.filter(bc_product_id__in=ids).count() == 3


@pytest.mark.django_db
def test_the_initial_dataset_imports_stock_once_skipping_zero(connection, lc, api, alice,
                                                              carol, dave):
    product_post(api, name="Stocked", sku="STK1", inventory_tracking="product",
                 inventory_level=5)
    product_post(api, name="Sold out", sku="OUT1", inventory_tracking="product",
                 inventory_level=0)
    lc()
    job = initial_dataset_request(connection=connection, user=alice)
    with pytest.raises(InitialDatasetRefused):
        initial_dataset_request(connection=connection, user=alice)  # running
    job = import_job_run(job_id=job.pk)
    assert job is not None and job.state == "done", job.error
    assert job.counts["created"] == 5
    settings = ImportSettings.objects.get(connection=connection)
    assert settings.initial_state == "done" and settings.initial_by == alice
    carriers = settings.initial_report["carriers"]
    assert "Carriers:" in carriers["line"] and carriers["failed"] == []
    levels = StockLevel.objects.filter(location=connection.pos_location)
    assert levels.filter(item__sku="STK1", on_hand=5).exists()
    assert not levels.filter(item__sku="OUT1").exists()
    assert levels.filter(variant__isnull=False).exists()  # seed 3's sized products
    assert not levels.filter(on_hand__lte=0).exists()
    assert job.counts["stock_skipped_zero"] >= 1

    with pytest.raises(InitialDatasetRefused):
        initial_dataset_request(connection=connection, user=alice)  # done: once only
    with pytest.raises(PermissionDenied):
        initial_reenable(connection=connection, user=carol)
    initial_reenable(connection=connection, user=dave)
    assert SyncEvent.objects.filter(label="Initial dataset", user=dave).exists()
    again = import_job_run(job_id=initial_dataset_request(connection=connection,
                                                          user=dave).pk)
    assert again is not None and again.counts == {
        "linked": 5, "requests": 0, "stock_rows": 0, "stock_skipped_zero": 0}
    assert Item.objects.count() == 5


@pytest.mark.django_db
def test_skip_zero_off_creates_zero_rows(connection, lc, api, alice):
    product_post(api, name="Sold out", sku="OUT1", inventory_tracking="product",
                 inventory_level=0)
    lc()
    settings = import_settings_for(connection=connection)
    settings.skip_zero_quantity = False
    settings.save()
    job = import_job_run(job_id=initial_dataset_request(connection=connection, user=alice).pk)
    assert job is not None
    assert StockLevel.objects.filter(item__sku="OUT1", on_hand=0).exists()


@pytest.mark.django_db
def test_an_import_job_is_claimed_once_and_a_dead_one_is_sent_again(connection):
    job = SyncJob.objects.create(connection=connection, kind="import",
                                 params={"bc_product_ids": [1]})
    SyncJob.objects.filter(pk=job.pk).update(state="running", run_token="x",
                                             heartbeat_at=timezone.now())
    assert import_job_run(job_id=job.pk) is None
    assert import_jobs_sweep() == []
    SyncJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert import_jobs_sweep() == [job.pk]
    job.refresh_from_db()
    assert (job.state, job.run_token) == ("queued", "")


@pytest.mark.django_db
def test_the_initial_dataset_is_not_used_up_on_an_empty_lc_or_without_a_location(
        connection, lc, alice):
    with pytest.raises(InitialDatasetRefused, match="Full Reload of products"):
        initial_dataset_request(connection=connection, user=alice)
    lc()
    connection.pos_location = None
    connection.save()
    with pytest.raises(InitialDatasetRefused, match="default location"):
        initial_dataset_request(connection=connection, user=alice)
    assert import_settings_for(connection=connection).initial_state == "not_run"
    assert not SyncJob.objects.exists()
