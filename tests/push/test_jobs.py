"""Bulk uploads as jobs: run by a real worker from the bulk queue with progress on the row;
claimed once; swept back into the queue when the worker died or the message was lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bcsync.models import ItemSync, SyncJob
from bcsync.push.job_requests import upload_job_request
from bcsync.push.jobs import upload_job_run, upload_jobs_sweep
from bcsync.sync_jobs import QUEUED_LOST_AFTER
from tests.workers import wait_for

from .conftest import new_item


@pytest.fixture
def items(department, vendor, store_location):
    return [new_item(department, vendor, store_location, sku=f"JOB{i:03d}", name=f"Job item {i}")
            for i in range(12)]


@pytest.mark.emulator
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_bulk_upload_runs_on_the_bulk_queue_and_counts_its_progress(connection, items, alice,
                                                                     worker):
    job = upload_job_request(connection=connection, user=alice,
                             item_ids=[i.pk for i in items])

    def finished():
        job.refresh_from_db()
        return job.state in ("done", "failed")

    wait_for(finished, "the upload job to finish", seconds=60)
    assert (job.state, job.done, job.failed, job.total) == ("done", 12, 0, 12), job.error
    assert job.counts["created"] == 12 and job.counts["requests"] == 13
    assert ItemSync.objects.filter(bc_product_id__isnull=False).count() == 12


@pytest.mark.django_db
def test_a_job_is_claimed_once_and_a_dead_or_lost_one_is_sent_again(connection, items):
    job = SyncJob.objects.create(connection=connection, kind="upload",
                                 params={"item_ids": [items[0].pk]})
    assert upload_jobs_sweep() == []
    SyncJob.objects.filter(pk=job.pk).update(state="running", run_token="x",
                                             heartbeat_at=timezone.now())
    assert upload_job_run(job_id=job.pk) is None  # a live worker has it
    assert upload_jobs_sweep() == []

    SyncJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert upload_jobs_sweep() == [job.pk]
    job.refresh_from_db()
    assert (job.state, job.run_token) == ("queued", "")

    lost = SyncJob.objects.create(connection=connection, kind="upload", params={"item_ids": []})
    SyncJob.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - QUEUED_LOST_AFTER - timedelta(seconds=1))
    assert lost.pk in upload_jobs_sweep()


@pytest.mark.django_db
def test_the_minutely_sweep_puts_a_dead_upload_back_in_the_queue(connection, queues):
    from bcsync.tasks import lc_sweep_task

    job = SyncJob.objects.create(connection=connection, kind="upload", params={"item_ids": []},
                                 state="running", run_token="gone",
                                 heartbeat_at=timezone.now() - timedelta(hours=1))
    lc_sweep_task.apply()
    job.refresh_from_db()
    assert job.state == "queued"
