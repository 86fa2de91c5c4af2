"""The actions extension point in a real browser: a grid's POST action sends a row, or the
selection, to its view, which reads it back as a QuerySet; the page shows its answer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.grids.catalog import pos_catalog_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.urls("tests.grids.urls")]

expect.set_options(timeout=15_000)


def test_a_post_action_runs_on_a_row_and_on_the_selection(live_server, page, artifacts, bob):
    pos_catalog_make()
    page.goto(f"{live_server.url}/admin/login/?next=/test/page/")
    page.fill("#id_username", "bob")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/test/page/")
    grid = page.locator("#pos-items")
    rows = grid.locator(".tabulator-row")
    expect(rows).to_have_count(12)
    status = grid.locator(".bcgrid-status")

    with page.expect_response(lambda r: "/test/count/" in r.url and r.status == 200):
        rows.filter(has_text="PEN001").get_by_role("button", name="Count PEN001").click()
    expect(status).to_have_text("Counted 1: PEN001.")

    for sku in ("TEE002", "MUG003"):
        rows.filter(has_text=sku).locator("input[type=checkbox]").check()
    bar = grid.locator(".bcgrid-selection")
    expect(bar.locator(".bcgrid-selection-count")).to_have_text("2 rows selected")
    with page.expect_response(lambda r: "/test/count/" in r.url and r.status == 200):
        bar.get_by_role("button", name="Count").click()
    expect(status).to_have_text("Counted 2: MUG003, TEE002.")
    expect(bar).to_be_hidden()  # done: the selection is cleared
    page.screenshot(path=str(artifacts / "grid-post-action.png"))
