"""The Web View in a real browser, against the emulator (the LC filled by a reload): a person
hides a column, reloads and finds it hidden; asks to import a row, reads the confirmation,
says Don't Import (nothing happens), asks again and says Import: the row turns linked, its
POS item exists and the row's POS item link opens it; a bulk import shows its progress bar."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from bcemulator.process import EmulatorProcess
from bcsync.client import BigCommerceClient
from bcsync.connections import connection_upsert
from bcsync.imports.jobs import import_job_run
from bcsync.models import ItemSync, StoreConnection, SyncJob
from catalog.models import Item
from grids.models import GridLayout
from localcopy.models import LcProduct
from tests.conftest import PASSWORD
from tests.product_imports.conftest import lc_fill, product_post
from tests.push.conftest import Api

pytestmark = [pytest.mark.browser, pytest.mark.emulator,
              pytest.mark.django_db(transaction=True)]

GRID = "#web-products"
expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed=3) as emu:
        yield emu


@pytest.fixture
def shop(emulator) -> StoreConnection:
    connection, _ = connection_upsert(store_hash=emulator.store_hash,
                                      access_token=emulator.token, api_url=emulator.base_url,
                                      description="Emulated shop")
    with BigCommerceClient(api_url=emulator.base_url, store_hash=emulator.store_hash,
                           access_token=emulator.token, max_retries=1,
                           max_retry_seconds=2) as bc:
        lc_fill(connection, bc)
    return connection


def log_in(page, live_server, username) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/admin/login/?next=/web/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/web/")
    return errors


def shown_columns(page) -> list[str]:
    return page.eval_on_selector_all(
        f"{GRID} .tabulator-headers > .tabulator-col",
        """cols => cols.filter(c => c.offsetParent !== null)
                      .map(c => c.getAttribute("tabulator-field"))
                      .filter(f => f && !f.startsWith("_"))""")


def test_a_hidden_column_stays_hidden_after_a_reload(live_server, page, artifacts, bob, shop):
    count = LcProduct.objects.filter(store_hash=shop.store_hash).count()
    errors = log_in(page, live_server, "bob")
    expect(page.locator(f"{GRID} .tabulator-row")).to_have_count(count)
    assert "brand" in shown_columns(page)

    page.click(f"{GRID} .bcgrid-columns-toggle")
    with page.expect_response(lambda r: "/web/products/layout/" in r.url
                              and r.request.method == "PUT" and r.status == 200):
        page.uncheck("#web-products-show-brand")
    page.click(f"{GRID} .bcgrid-columns-toggle")
    assert "brand" not in shown_columns(page)

    page.reload()
    expect(page.locator(f"{GRID} .tabulator-row")).to_have_count(count)
    assert "brand" not in shown_columns(page)
    assert "sku" in shown_columns(page)
    saved = GridLayout.objects.get(user=bob, grid_key="web.products").columns
    assert {c["id"]: c["visible"] for c in saved}["brand"] is False
    page.screenshot(path=str(artifacts / "web-view-after-reload.png"), full_page=True)
    assert errors == []


def test_importing_a_row_after_confirming_links_it(live_server, page, artifacts, alice, shop):
    product = (LcProduct.objects.filter(store_hash=shop.store_hash).exclude(sku="")
               .order_by("bc_id").first())
    assert product is not None
    errors = log_in(page, live_server, "alice")
    row = page.locator(f"{GRID} .tabulator-row").filter(has_text=product.sku)
    linked = row.locator("[tabulator-field=linked]")
    expect(linked).to_have_text("No")
    expect(row.get_by_role("link", name=f"POS item {product.sku}")).to_have_count(0)
    dialog = page.locator("#web-import-confirm")

    row.get_by_role("button", name=f"Import {product.sku}").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Import 1 product from Emulated shop with the Automatic "
                                   "mapping.")
    expect(page.locator("#web-import-confirm-mapping")).to_have_text("Automatic")
    page.screenshot(path=str(artifacts / "web-view-confirm.png"))
    dialog.get_by_role("button", name="Don't Import").click()
    expect(dialog).to_be_hidden()
    assert not ItemSync.objects.exists()

    row.get_by_role("button", name=f"Import {product.sku}").click()
    expect(dialog).to_be_visible()
    with page.expect_response(lambda r: r.url.endswith("/web/import/") and r.status == 200):
        dialog.get_by_role("button", name="Import", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(linked).to_have_text("Yes")
    expect(row.get_by_role("button", name=f"Import {product.sku}")).to_have_count(0)
    sync = ItemSync.objects.get(connection=shop, bc_product_id=product.bc_id)
    item = Item.objects.get(pk=sync.item_id)
    row.get_by_role("link", name=f"POS item {product.sku}").click()
    page.wait_for_url(f"**/admin/catalog/item/{item.pk}/change/")
    page.screenshot(path=str(artifacts / "web-view-imported.png"))
    assert errors == []


def test_a_bulk_import_shows_its_progress_bar(live_server, page, alice, emulator, shop,
                                              queues):
    http = Api(emulator)
    for n in range(3):
        product_post(http, name=f"Bulk web lamp {n}", sku=f"BULKWEB{n}")
    with BigCommerceClient(api_url=emulator.base_url, store_hash=emulator.store_hash,
                           access_token=emulator.token, max_retries=1,
                           max_retry_seconds=2) as bc:
        lc_fill(shop, bc)
    count = LcProduct.objects.filter(store_hash=shop.store_hash).count()
    assert count > 5  # more than Import Now does while the person waits
    errors = log_in(page, live_server, "alice")
    rows = page.locator(f"{GRID} .tabulator-row")
    expect(rows).to_have_count(count)
    page.locator(f"{GRID} .tabulator-header input[type=checkbox]").check()
    bar = page.locator(f"{GRID} .bcgrid-selection")
    bar.get_by_role("button", name="Import").click()
    dialog = page.locator("#web-import-confirm")
    expect(dialog).to_contain_text(f"Import {count} products from Emulated shop")
    with page.expect_response(lambda r: r.url.endswith("/web/import/") and r.status == 200):
        dialog.get_by_role("button", name="Import", exact=True).click()
    jobs = page.locator("#web-jobs")
    expect(jobs).to_be_visible()
    # No worker runs in this test: the job waits with its bar at 0, then this test runs it.
    expect(jobs.locator(".pos-job")).to_contain_text(f"Queued, 0 of {count} done, 0 failed")
    expect(jobs.locator("progress")).to_have_attribute("max", str(count))
    import_job_run(job_id=SyncJob.objects.get(kind=SyncJob.Kind.IMPORT).pk)
    expect(jobs.locator(".pos-job")).to_contain_text(f"Done, {count} of {count} done")
    expect(rows.locator("[tabulator-field=linked]").filter(has_text="Yes")).to_have_count(
        count)
    assert ItemSync.objects.filter(connection=shop).count() == count
    assert errors == []
