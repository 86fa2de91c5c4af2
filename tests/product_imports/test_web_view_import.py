"""Import Now from the Web View against the emulator over HTTP, the LC filled by a reload:
the confirmation's request, sent to the import endpoint, creates and links the POS items;
the rows then show them linked; importing again links, never duplicates."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from bcsync.imports.jobs import import_job_run
from bcsync.models import ItemSync, SyncJob
from catalog.models import Item
from localcopy.models import LcProduct
from tests.conftest import client_for

from .conftest import product_post

pytestmark = pytest.mark.django_db

SUMMARY = reverse("bcsync:web_import_summary")
IMPORT = reverse("bcsync:web_import")
ROWS = reverse("bcsync:web_products_rows")
JOBS = reverse("bcsync:web_jobs")


def _post(browser, url, body):
    return browser.post(url, json.dumps(body), content_type="application/json")


def test_the_confirmations_request_imports_and_links_the_selection(alice, connection, lc):
    lc()
    browser = client_for(alice)
    products = list(LcProduct.objects.filter(store_hash=connection.store_hash)
                    .order_by("bc_id")[:2])
    selection = {"selection": {"ids": [p.pk for p in products]},
                 "params": {"store": connection.store_hash}}
    confirm = _post(browser, SUMMARY, selection).json()["confirm"]
    assert (confirm["products"], confirm["linked"]) == (2, 0)
    assert not ItemSync.objects.exists()

    answer = _post(browser, confirm["url"], confirm["request"])
    assert answer.status_code == 200, answer.content
    assert answer.json()["counts"] == {"created": 2}, answer.json()["message"]
    syncs = ItemSync.objects.filter(connection=connection)
    assert sorted(syncs.values_list("bc_product_id", flat=True)) == [p.bc_id for p in products]
    rows = browser.get(ROWS, {"store": connection.store_hash, "size": "200"}).json()["data"]
    linked = {r["bc_id"] for r in rows if r["linked"]}
    assert linked == {p.bc_id for p in products}

    again = _post(browser, IMPORT, selection).json()
    assert again["counts"] == {"linked": 2}
    assert Item.objects.count() == 2


def test_more_than_a_few_go_to_a_bulk_job_whose_progress_the_page_reads(alice, connection,
                                                                         lc, api, queues):
    for n in range(3):
        product_post(api, name=f"Web only {n}", sku=f"WEB-{n}")
    lc()
    products = LcProduct.objects.filter(store_hash=connection.store_hash)
    assert products.count() == 6
    browser = client_for(alice)
    answer = _post(browser, IMPORT, {"selection": {"all": True, "filter": [], "except": []},
                                     "params": {}})
    assert answer.status_code == 200, answer.content
    job = SyncJob.objects.get(kind=SyncJob.Kind.IMPORT)
    assert answer.json()["job"]["id"] == job.pk
    assert job.params["bc_product_ids"] == sorted(products.values_list("bc_id", flat=True))
    assert not Item.objects.exists()  # queued, not run while the person waits
    jobs = browser.get(JOBS, {"store": connection.store_hash}).json()["jobs"]
    assert [(j["id"], j["state"], j["done"], j["total"]) for j in jobs] == [
        (job.pk, "queued", 0, 6)]

    import_job_run(job_id=job.pk)
    [done] = browser.get(JOBS).json()["jobs"]
    assert (done["state"], done["done"], done["total"], done["percent"]) == ("done", 6, 6, 100)
    assert ItemSync.objects.filter(connection=connection).count() == 6
