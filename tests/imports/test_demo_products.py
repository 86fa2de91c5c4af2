"""Every web-only product of the demo store (punctuated SKUs, empty SKUs, any script,
variants, images, custom fields) imports under the rules, in one run."""

from __future__ import annotations

import re

import pytest

from bcsync.imports.products import IMAGES_NOTE, products_import, unlinked_product_ids
from bcsync.models import ItemSync
from catalog.models import Item, Variant
from localcopy.models import LcProduct


@pytest.mark.django_db
def test_the_demo_stores_products_all_import(connection, lc, store, api):
    store.seed("demo")
    lc()
    ids = unlinked_product_ids(connection=connection)
    api.emu.reset_stats()
    report = products_import(connection=connection, bc_product_ids=ids)
    assert api.requests() == 0
    assert report.failed == [], [r.line() for r in report.failed[:5]]
    assert report.counts == {"created": len(ids)}
    assert all(re.fullmatch(r"[A-Za-z0-9]+", s) for s in Item.objects.values_list("sku",
                                                                                  flat=True))
    assert all(re.fullmatch(r"[A-Za-z0-9]+", s) for s in Variant.objects.values_list(
        "sku", flat=True))
    lcs = {p.bc_id: p for p in LcProduct.objects.filter(store_hash=connection.store_hash)}
    by_bc = {r.bc_product_id: r for r in report.results}
    for name in ("抹茶マグカップ", "Rocket Socks 🚀", "Матрёшка деревянная"):
        p = next(p for p in lcs.values() if p.name == name)
        assert Item.objects.get(pk=by_bc[p.bc_id].item_id).name == name
    mug = next(p for p in lcs.values() if p.sku == "MUG.2")
    item = Item.objects.get(pk=by_bc[mug.bc_id].item_id)
    assert (item.sku, item.product_number) == ("MUG2", "MUG.2")
    no_sku = next(p for p in lcs.values() if p.sku == "")
    assert by_bc[no_sku.bc_id].sku == str(no_sku.bc_id)
    assert any(IMAGES_NOTE in r.notes for r in report.results)
    assert ItemSync.objects.filter(bc_product_id__isnull=False).count() == len(ids)
    again = products_import(connection=connection, bc_product_ids=ids)
    assert again.counts == {"linked": len(ids)} and Item.objects.count() == len(ids)
