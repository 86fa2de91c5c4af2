"""Liveness by time, not by count: a healthy pass whose requests are slow is never called
stalled, never abandoned by the sweeper, and Delete LC is refused under it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bcemulator.process import EmulatorProcess
from bcsync.connections import connection_upsert
from bcsync.lc_requests import LcBusy, lc_delete_request, lc_reload_request
from bcsync.lc_selectors import lc_panel
from bcsync.tasks import lc_sweep_task
from localcopy.claims import stale_after
from localcopy.models import LcOrder, LcRun, LcStatus
from tests.workers import wait_for

pytestmark = [pytest.mark.emulator, pytest.mark.worker,
              pytest.mark.django_db(transaction=True)]


EXTRA_ORDERS = 1000
SLOW_MS = 2000


@pytest.fixture
def emulator() -> Iterator[EmulatorProcess]:
    # Orders come 250 to a request with their lines: 1,030 orders are five pages, and with
    # every request taking 2 s (under the 4 s read timeout) the reload takes over 10 s, past
    # the 9 s after which a silent pass counts as dead here.
    with EmulatorProcess(seed="demo") as emu:
        for n in range(EXTRA_ORDERS):
            emu.place_order([{"name": "Liveness", "sku": f"LIVE{n % 7}", "quantity": 1,
                              "price_inc_tax": 5}], email=f"live{n}@example.com")
        emu.faults(slow_ms=SLOW_MS)
        yield emu


def test_a_healthy_slow_pass_is_never_stalled_and_delete_is_refused_under_it(
        emulator, quick_liveness, worker):
    connection, _ = connection_upsert(store_hash=emulator.store_hash,
                                      access_token=emulator.token, api_url=emulator.base_url)
    store = connection.store_hash
    assert stale_after().total_seconds() == 9
    lc_reload_request(connection=connection, dataset="orders")

    lights: set[str] = set()
    refused = 0
    started = time.monotonic()

    def done() -> bool:
        nonlocal refused
        row = next(r for r in lc_panel(connection=connection) if r.dataset == "orders")
        lights.add(row.light_label)
        # With at least one more page of orders to read (2 s) and its first incremental pass
        # to follow, the reload cannot end between these two calls.
        if row.running and row.run_kind == "full" and row.items_done < 30 + EXTRA_ORDERS - 250:
            with pytest.raises(LcBusy, match="Orders still running"):
                lc_delete_request(connection=connection)
            refused += 1
        if row.running:
            lc_sweep_task.apply()
        return row.light_label == "Current" and row.last_incremental_at is not None

    wait_for(done, "the orders reload to finish", seconds=120, every=0.5)

    assert time.monotonic() - started > stale_after().total_seconds()  # outlived the window
    assert "Stalled" not in lights and "Failed" not in lights, lights
    assert refused >= 5
    assert not LcRun.objects.filter(abandoned=True).exists()
    assert LcOrder.objects.filter(store_hash=store).count() == 30 + EXTRA_ORDERS
    assert not LcStatus.objects.filter(queued="delete").exists()
