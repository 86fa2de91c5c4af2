"""BigCommerce repeats deliveries: the same one posted 50 times to the receiver costs one or
two API reads (one pending refresh per record), through a real worker."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from bcemulator.process import EmulatorProcess
from bcsync.connections import connection_upsert
from bcsync.webhook_registration import SECRET_HEADER
from localcopy.models import LcProduct, LcRefresh, LcRun, LcStatus
from tests.workers import wait_for

pytestmark = [pytest.mark.emulator, pytest.mark.worker,
              pytest.mark.django_db(transaction=True)]

PRODUCT_READ = "GET /v3/catalog/products/{product_id}"


@pytest.fixture
def emulator() -> Iterator[EmulatorProcess]:
    # A read takes 4 s: the burst lands while the worker fetches (one more read), and is
    # over before that second read starts, however loaded the machine.
    with EmulatorProcess(seed=20, faults={"slow_ms": 4000}) as emu:
        yield emu


def test_the_same_delivery_posted_50_times_costs_one_or_two_reads(emulator, worker):
    connection, _ = connection_upsert(store_hash=emulator.store_hash,
                                      access_token=emulator.token, api_url=emulator.base_url)
    url = reverse("bcsync:webhook_receiver", args=[connection.store_hash])
    body = json.dumps({"scope": "store/product/updated", "store_id": "1",
                       "data": {"type": "product", "id": 7}})
    emulator.reset_stats()
    client = Client()

    for _ in range(50):
        response = client.post(url, data=body, content_type="application/json",
                               headers={SECRET_HEADER: connection.webhook_secret})
        assert response.status_code == 202

    wait_for(lambda: not LcRefresh.objects.exists()
             and LcProduct.objects.filter(bc_id=7).exists(), "the refresh to finish",
             seconds=60)
    reads = emulator.stats()["by_endpoint"].get(PRODUCT_READ, 0)
    assert 1 <= reads <= 2, reads
    assert LcRun.objects.filter(kind="webhook").count() == reads
    status = LcStatus.objects.get(store_hash=connection.store_hash, dataset="products")
    assert status.row_count == 1
