"""Work a person asked for finishes without a person, whatever happens to the worker: a
worker killed with SIGKILL mid-reload is replaced, and the new worker with the sweeper (run
here as beat would run it) completes the reload; a Full Reload pressed while the killed pass
still looked alive is not lost. Real worker processes on the test database, on the
configured broker (filesystem, or Redis in CI)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bcemulator.process import EmulatorProcess
from bcsync.connections import connection_upsert
from bcsync.lc_requests import lc_reload_request
from bcsync.tasks import lc_sweep_task
from localcopy.claims import stale_after
from localcopy.models import LcProduct, LcRun, LcStatus
from tests.workers import WorkerProcess, wait_for

pytestmark = [pytest.mark.emulator, pytest.mark.worker,
              pytest.mark.django_db(transaction=True)]

SEED = 2000  # 8 pages


@pytest.fixture
def emulator() -> Iterator[EmulatorProcess]:
    # 150 ms a page: a reload of a few seconds, long enough to be killed in the middle.
    with EmulatorProcess(seed=SEED, faults={"slow_ms": 150}) as emu:
        yield emu


def products(store_hash: str) -> LcStatus | None:
    return LcStatus.objects.filter(store_hash=store_hash, dataset="products").first()


def test_a_reload_whose_worker_was_killed_is_finished_by_a_new_worker_and_the_sweeper(
        emulator, queues, quick_liveness):
    connection, _ = connection_upsert(store_hash=emulator.store_hash,
                                      access_token=emulator.token, api_url=emulator.base_url)
    store = connection.store_hash
    first = WorkerProcess([queues["bulk"]], name="first", env=quick_liveness).start()
    second = WorkerProcess([queues["bulk"]], name="second", env=quick_liveness)
    try:
        lc_reload_request(connection=connection, dataset="products")
        wait_for(lambda: (s := products(store)) and s.state == "running"
                 and 250 <= s.items_done <= SEED - 750, "the reload to be under way",
                 workers=(first,), every=0.02)
        first.kill()
        killed = products(store)
        assert killed.state == "running" and LcProduct.objects.count() < SEED

        # Pressed again while the dead pass still looks alive: it joins the "running" reload.
        [pressed] = lc_reload_request(connection=connection, dataset="products")
        assert pressed.state == "running" and pressed.run_token == killed.run_token

        second.start()

        def finished() -> bool:
            lc_sweep_task.apply()  # beat's job, every minute; here as often as we look
            status = products(store)
            return status.state == "idle" and status.last_full_reload_at is not None

        wait_for(finished, "the reload to finish on the new worker",
                 seconds=90 + 2 * stale_after().total_seconds(), every=1.0,
                 workers=(first, second))
    finally:
        first.close()
        second.close()

    status = products(store)
    assert LcProduct.objects.filter(store_hash=store).count() == SEED == status.row_count
    runs = list(LcRun.objects.filter(kind="full").order_by("started_at"))
    assert [(r.ok, r.abandoned) for r in runs] == [(False, True), (True, False)]
    assert "Abandoned: its worker stopped" in runs[0].error
    assert status.queued == ""  # nothing left to run twice
