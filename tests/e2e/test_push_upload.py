"""Upload from the POS View in a real browser, against the emulator: the row's Upload button
links the item, its status turns linked and in step, and its BigCommerce link appears."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from bcemulator.process import EmulatorProcess
from bcsync.connections import connection_upsert
from bcsync.models import ItemSync
from tests.conftest import PASSWORD
from tests.push.conftest import new_item

pytestmark = [pytest.mark.browser, pytest.mark.emulator,
              pytest.mark.django_db(transaction=True)]

expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed=3) as emu:
        yield emu


def test_uploading_a_row_links_it(live_server, page, artifacts, bob, emulator, department,
                                  vendor, store_location):
    connection, _ = connection_upsert(store_hash=emulator.store_hash,
                                      access_token=emulator.token, api_url=emulator.base_url,
                                      description="Emulated shop")
    connection.pos_location = store_location
    connection.save()
    item = new_item(department, vendor, store_location, sku="WEB001", name="Browser Lamp")
    page.goto(f"{live_server.url}/admin/login/?next=/pos/")
    page.fill("#id_username", "bob")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/pos/")
    grid = page.locator("#pos-items")
    row = grid.locator(".tabulator-row").filter(has_text="WEB001")
    state = row.locator("[tabulator-field=sync_state]")
    expect(state).to_have_text("not uploaded")
    expect(row.get_by_role("link", name="BigCommerce WEB001")).to_have_count(0)

    with page.expect_response(lambda r: "/pos/preview/" in r.url and r.status == 200):
        row.get_by_role("button", name="Preview WEB001").click()
    preview = page.locator("#pos-preview")
    expect(preview).to_be_visible()
    expect(preview.get_by_role("row", name="WEB001 create name")).to_contain_text("Browser Lamp")

    with page.expect_response(lambda r: "/pos/upload/" in r.url and r.status == 200):
        row.get_by_role("button", name="Upload WEB001").click()
    expect(grid.locator(".bcgrid-status")).to_contain_text("1 created")
    expect(state).to_have_text("in step")
    sync = ItemSync.objects.get(item=item)
    link = row.get_by_role("link", name="BigCommerce WEB001")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("href", f"/pos/items/{item.pk}/bigcommerce/?store="
                                           f"{emulator.store_hash}")
    assert sync.bc_product_id
    page.screenshot(path=str(artifacts / "pos-upload-row.png"))


def test_a_bulk_upload_shows_its_progress_bar(live_server, page, bob, emulator, department,
                                              vendor, store_location, queues):
    connection_upsert(store_hash=emulator.store_hash, access_token=emulator.token,
                      api_url=emulator.base_url, description="Emulated shop")
    for i in range(6):
        new_item(department, vendor, store_location, sku=f"BULK{i}", name=f"Bulk lamp {i}")
    page.goto(f"{live_server.url}/admin/login/?next=/pos/")
    page.fill("#id_username", "bob")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/pos/")
    grid = page.locator("#pos-items")
    rows = grid.locator(".tabulator-row")
    expect(rows).to_have_count(6)
    for i in range(6):
        rows.filter(has_text=f"BULK{i}").locator("input[type=checkbox]").check()
    bar = grid.locator(".bcgrid-selection")
    with page.expect_response(lambda r: "/pos/upload/" in r.url and r.status == 200):
        bar.get_by_role("button", name="Upload").click()
    jobs = page.locator("#pos-jobs")
    expect(jobs).to_be_visible()
    # No worker runs in this test: the job waits in the queue with its bar at 0 of 6.
    expect(jobs.locator(".pos-job")).to_contain_text("Queued, 0 of 6 done, 0 failed")
    expect(jobs.locator("progress")).to_have_attribute("max", "6")
