"""Only one pass per store and dataset: the loser raises, a stale claim is taken over,
a pass whose claim is lost stops."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from localcopy.claims import claim
from localcopy.models import LcProduct, LcRun, LcStatus
from localcopy.services import ReloadAlreadyRunning, lc_delete, lc_reload, lc_sync

from .conftest import STORE, make_client

pytestmark = [pytest.mark.emulator]


def hold(dataset: str, *, beat_ago: timedelta, kind: str = "full") -> LcStatus:
    status = claim(store_hash=STORE, dataset=dataset, kind=kind,
                   now=timezone.now() - beat_ago)
    return status


@pytest.mark.django_db
def test_a_reload_while_another_live_one_holds_the_claim_raises(client, store):
    holder = hold("products", beat_ago=timedelta(seconds=10))

    with pytest.raises(ReloadAlreadyRunning) as caught:
        lc_reload(client=client, store_hash=STORE, dataset="products")

    assert caught.value.status.run_token == holder.run_token
    assert store.stats()["total"] == 0 and not LcRun.objects.exists()
    with pytest.raises(ReloadAlreadyRunning):
        lc_sync(client=client, store_hash=STORE, datasets=["products"])


@pytest.mark.django_db
def test_a_stale_claim_is_taken_over(client):
    stale = hold("products", beat_ago=timedelta(minutes=3))

    summary = lc_reload(client=client, store_hash=STORE, dataset="products")

    assert summary.ok and summary.inserted == 400
    status = LcStatus.objects.get(store_hash=STORE, dataset="products")
    assert status.state == "idle" and status.run_token != stale.run_token


@pytest.mark.django_db
def test_a_sync_of_everything_skips_only_the_held_category(client):
    lc_reload(client=client, store_hash=STORE, dataset="brands")
    hold("products", beat_ago=timedelta(seconds=1))

    summaries = {s.dataset: s for s in lc_sync(client=client, store_hash=STORE,
                                                datasets=["products", "brands"])}

    assert summaries["products"].requests == 0 and "another pass" in summaries["products"].error
    assert summaries["brands"].ok and not summaries["brands"].error


@pytest.mark.django_db
def test_a_pass_whose_claim_was_dropped_stops_and_reports_it(client, store):
    def drop_mid_pass(status: LcStatus) -> None:
        if 0 < status.items_done <= 250:  # after the first page
            lc_delete(store_hash=STORE, datasets=["products"])

    summary = lc_reload(client=client, store_hash=STORE, dataset="products",
                        progress=drop_mid_pass)

    assert not summary.ok and "claim lost" in summary.error
    # The page read after the drop was rolled back, and nothing more was asked.
    assert LcProduct.objects.count() == 0
    assert store.stats()["total"] == 2


@pytest.mark.django_db(transaction=True)
def test_a_reload_asked_for_from_another_thread_while_one_runs_is_refused(store):
    # Thread B asks while thread A is between two pages (A's claim live, no transaction open:
    # the in-memory SQLite test database fails a second writer at once instead of waiting).
    between_pages = threading.Event()
    b_done = threading.Event()
    outcome: dict[str, object] = {}

    def a_progress(status: LcStatus) -> None:
        if 0 < status.items_done <= 250 and not between_pages.is_set():
            between_pages.set()
            b_done.wait(30)

    def run_a() -> None:
        try:
            with make_client(store) as client:
                outcome["a"] = lc_reload(client=client, store_hash=STORE,
                                         dataset="products", progress=a_progress)
        finally:
            connection.close()

    def run_b() -> None:
        between_pages.wait(30)
        try:
            with make_client(store) as client:
                outcome["b"] = lc_reload(client=client, store_hash=STORE, dataset="products")
        except ReloadAlreadyRunning as exc:
            outcome["b"] = exc
        finally:
            b_done.set()
            connection.close()

    threads = [threading.Thread(target=run_a), threading.Thread(target=run_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert isinstance(outcome["b"], ReloadAlreadyRunning)
    assert outcome["a"].ok and outcome["a"].inserted == 400
    assert LcProduct.objects.count() == 400
    assert LcRun.objects.count() == 1
    assert LcStatus.objects.get(store_hash=STORE, dataset="products").state == "idle"
