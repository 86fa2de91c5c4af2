"""Through a stretch of faults (5xx, resets, 429s), webhook refreshes and incremental passes
together leave the LC an exact mirror of the store: nothing lost, nothing left behind."""

from __future__ import annotations

import pytest

from localcopy.models import LcProduct, LcVariant
from localcopy.services import lc_refresh_record, lc_reload, lc_sync

from .conftest import STORE, make_client, without_variants

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]


def mirror_matches(api) -> None:
    served = {p["id"]: p for p in api.all_v3("/v3/catalog/products",
                                            include="variants,images,custom_fields")}
    rows = {p.bc_id: p for p in LcProduct.objects.filter(store_hash=STORE)}
    assert set(rows) == set(served)
    for bc_id, product in served.items():
        assert rows[bc_id].raw == without_variants(product), bc_id
    assert LcVariant.objects.filter(store_hash=STORE).count() == sum(
        len(p["variants"]) for p in served.values())


@pytest.fixture
def short_rate_window(store):
    # An injected 429 makes the client wait for the window to reset: 1 s here, not 30.
    store.ratelimit(quota=10_000, window_ms=1_000)
    yield
    store.ratelimit(quota=10_000, window_ms=30_000)


def test_webhooks_and_incremental_passes_converge_through_faults(store, api,
                                                                 short_rate_window):
    with make_client(store) as client:
        assert lc_reload(client=client, store_hash=STORE, dataset="products").ok

    store.faults(error_rate=0.25, reset_rate=0.05, rate_limit_rate=0.05, seed=11)
    edited = list(range(10, 40))
    deleted = [41, 42, 43]
    for n, bc_id in enumerate(edited):
        store.update_product(bc_id, name=f"Edited through faults {n}", price=10 + n)
    for bc_id in deleted:
        store.delete_product(bc_id)

    # Each change arrives as a webhook; with no retries some refreshes fail and say so.
    refreshes = []
    with make_client(store, max_retries=0, max_retry_seconds=1) as client:
        for bc_id in edited:
            refreshes.append(lc_refresh_record(client=client, store_hash=STORE,
                                               resource="product", bc_id=bc_id))
        for bc_id in deleted:
            refreshes.append(lc_refresh_record(client=client, store_hash=STORE,
                                               resource="product", bc_id=bc_id, deleted=True))
    failed = [r for r in refreshes if not r.ok]
    assert failed, "the faults should have cost some webhook refreshes"
    assert all(r.error for r in failed)

    # The incremental pass, still under faults, retries its own requests and catches up.
    with make_client(store, max_retries=6, max_retry_seconds=30) as client:
        for _ in range(5):
            [summary] = lc_sync(client=client, store_hash=STORE, datasets=["products"])
            if summary.ok:
                break
    assert summary.ok, summary.error

    store.faults()
    mirror_matches(api)
    for n, bc_id in enumerate(edited):
        assert LcProduct.objects.get(store_hash=STORE, bc_id=bc_id).name == (
            f"Edited through faults {n}")
    assert not LcProduct.objects.filter(store_hash=STORE, bc_id__in=deleted).exists()
