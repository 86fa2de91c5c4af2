"""Id reconciliation drops what BigCommerce deleted; lc_delete drops the mirror."""

from __future__ import annotations

import pytest

from localcopy.models import (
    LcBrand,
    LcOrder,
    LcOrderLine,
    LcProduct,
    LcRun,
    LcShippingAddress,
    LcStatus,
    LcVariant,
)
from localcopy.services import lc_delete, lc_reconcile_ids, lc_reload, lc_sync

from .conftest import STORE

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]


def test_reconciliation_removes_deleted_products_in_id_only_pages(client, store):
    lc_reload(client=client, store_hash=STORE, dataset="products")
    store.delete_product(20)
    store.delete_product(21)
    incremental = lc_sync(client=client, store_hash=STORE, datasets=["products"])[0]
    assert incremental.deleted == 0  # a deletion has no date_modified to find it by
    store.reset_stats()

    summary = lc_reconcile_ids(client=client, store_hash=STORE, dataset="products")

    assert (summary.ok, summary.kind, summary.deleted, summary.requests) == (
        True, "reconcile", 2, 2)
    assert not LcProduct.objects.filter(bc_id__in=[20, 21]).exists()
    assert LcProduct.objects.count() == 398
    assert LcRun.objects.filter(kind="reconcile", deleted=2).exists()


@pytest.mark.parametrize("dataset", ["categories", "brands", "orders", "customers",
                                      "carriers"])
def test_reconciliation_of_an_unchanged_store_deletes_nothing(client, dataset):
    lc_reload(client=client, store_hash=STORE, dataset=dataset)

    summary = lc_reconcile_ids(client=client, store_hash=STORE, dataset=dataset)

    assert summary.ok and summary.deleted == 0


def test_delete_drops_rows_children_and_status(client):
    lc_reload(client=client, store_hash=STORE, dataset="all")
    expected = sum(m.objects.count() for m in (LcProduct, LcVariant, LcOrder, LcOrderLine,
                                                LcShippingAddress))

    deleted = lc_delete(store_hash=STORE, datasets=["products", "orders"])

    assert deleted == expected
    assert not LcVariant.objects.exists() and not LcOrderLine.objects.exists()
    assert LcBrand.objects.count() == 8  # other datasets untouched
    status = LcStatus.objects.get(store_hash=STORE, dataset="products")
    assert (status.watermark, status.row_count, status.last_full_reload_at) == (None, 0, None)
    # The next sync starts over with a Full Reload.
    [summary] = lc_sync(client=client, store_hash=STORE, datasets=["products"])
    assert summary.kind == "full" and summary.inserted == 400


def test_delete_of_everything_touches_only_that_store(client):
    lc_reload(client=client, store_hash=STORE, dataset="brands")
    LcBrand.objects.create(store_hash="otherstore", bc_id=1, name="Kept", synced_at=
                           LcBrand.objects.first().synced_at)

    assert lc_delete(store_hash=STORE) == 8
    assert list(LcBrand.objects.values_list("store_hash", flat=True)) == ["otherstore"]
