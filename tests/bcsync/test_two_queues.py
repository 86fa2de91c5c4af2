"""Two queues, a worker each: a webhook refresh goes to `realtime` and completes while a long
Full Reload holds the `bulk` worker. Real worker processes on the configured broker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bcemulator.process import EmulatorProcess
from bcsync.connections import connection_upsert
from bcsync.lc_requests import lc_reload_request
from bcsync.models import WorkerHeartbeat
from bcsync.tasks import record_heartbeat
from bcsync.webhooks import webhook_receive
from localcopy.models import LcProduct, LcRefresh, LcStatus
from tests.workers import WorkerProcess, wait_for

pytestmark = [pytest.mark.emulator, pytest.mark.worker,
              pytest.mark.django_db(transaction=True)]

SEED = 6000  # 24 pages


@pytest.fixture
def emulator() -> Iterator[EmulatorProcess]:
    # 300 ms a request: the reload takes several seconds, a refresh a fraction of one.
    with EmulatorProcess(seed=SEED, faults={"slow_ms": 300}) as emu:
        yield emu


def test_a_webhook_refresh_completes_while_a_long_reload_runs(emulator, queues):
    connection, _ = connection_upsert(store_hash=emulator.store_hash,
                                      access_token=emulator.token, api_url=emulator.base_url)
    store = connection.store_hash
    with WorkerProcess([queues["bulk"]], name="bulk") as bulk, \
            WorkerProcess([queues["realtime"]], name="realtime") as realtime:
        # The realtime worker is up and consuming (a slow start must not read as a wait).
        record_heartbeat.delay(name=queues["realtime"])
        wait_for(lambda: WorkerHeartbeat.objects.filter(name=queues["realtime"]).exists(),
                 "the realtime worker to start", workers=(realtime,))
        lc_reload_request(connection=connection, dataset="products")
        wait_for(lambda: LcStatus.objects.filter(store_hash=store, dataset="products",
                                                 state="running", items_done__gt=0).exists(),
                 "the reload to be under way", workers=(bulk, realtime))

        emulator.update_product(SEED, name="Renamed while the reload runs")
        webhook_receive(store_hash=store, secret=connection.webhook_secret,
                        body=(b'{"scope": "store/product/updated", '
                              b'"data": {"type": "product", "id": %d}}' % SEED))

        wait_for(lambda: not LcRefresh.objects.exists() and LcProduct.objects.filter(
            store_hash=store, bc_id=SEED, name="Renamed while the reload runs").exists(),
            "the refresh to write the product", workers=(bulk, realtime))
        reload = LcStatus.objects.get(store_hash=store, dataset="products")
        assert reload.state == "running" and reload.items_done < SEED, (
            "the refresh waited for the reload")
