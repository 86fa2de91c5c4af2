"""The POS View in a real browser: a person hides a column, drags another into a new place,
reloads, and finds the grid as they left it; opens a row and sees its variants below, in a
grid whose columns are kept apart; filters, and selects everything the filter shows."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.models import Department, Item
from grids.models import GridLayout
from tests.conftest import PASSWORD
from tests.grids.catalog import pos_catalog_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEMS, DETAILS = "#pos-items", "#pos-item-details"
expect.set_options(timeout=15_000)  # a loaded machine answers slowly; conditions, not sleeps


def log_in(page, live_server, username):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/admin/login/?next=/pos/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/pos/")
    return errors


def rows(page, grid=ITEMS):
    return page.locator(f"{grid} .tabulator-row")


def shown_columns(page, grid=ITEMS) -> list[str]:
    """The grid's data columns as drawn, left to right, hidden ones left out."""
    return page.eval_on_selector_all(
        f"{grid} .tabulator-headers > .tabulator-col",
        """cols => cols.filter(c => c.offsetParent !== null)
                      .map(c => c.getAttribute("tabulator-field"))
                      .filter(f => f && !f.startsWith("_"))""")


def layout_saved(page, grid_url):
    return page.expect_response(
        lambda r: grid_url in r.url and r.request.method == "PUT" and r.status == 200)


def drag_header(page, grid, field, onto):
    """Drag a header by the mouse, as a person does: press, wait for Tabulator to pick the
    column up, move across in steps, release."""
    source = page.locator(f"{grid} .tabulator-col[tabulator-field={field}] .tabulator-col-title")
    target = page.locator(f"{grid} .tabulator-col[tabulator-field={onto}] .tabulator-col-title")
    start, end = source.bounding_box(), target.bounding_box()
    y = start["y"] + start["height"] / 2
    page.mouse.move(start["x"] + start["width"] / 2, y)
    page.mouse.down()
    page.wait_for_selector(f"{grid} .tabulator-col.tabulator-moving")
    steps = 12
    for step in range(1, steps + 1):
        x = start["x"] + (end["x"] + 4 - start["x"]) * step / steps
        page.mouse.move(x, end["y"] + end["height"] / 2)
    page.mouse.up()


def test_a_hidden_and_a_moved_column_stay_so_after_a_reload(live_server, page, artifacts, bob):
    pos_catalog_make()
    errors = log_in(page, live_server, "bob")
    expect(rows(page)).to_have_count(12)
    assert shown_columns(page)[:3] == ["sku", "name", "department"]

    page.click(f"{ITEMS} .bcgrid-columns-toggle")
    with layout_saved(page, "/pos/items/layout/"):
        page.uncheck("#pos-items-show-brand")
    page.click(f"{ITEMS} .bcgrid-columns-toggle")
    assert "brand" not in shown_columns(page)

    with layout_saved(page, "/pos/items/layout/"):
        drag_header(page, ITEMS, "price", onto="name")
    moved = shown_columns(page)
    assert moved[:3] == ["sku", "price", "name"]
    page.screenshot(path=str(artifacts / "pos-view-layout-changed.png"))

    page.reload()
    expect(rows(page)).to_have_count(12)
    assert shown_columns(page) == moved
    assert "brand" not in shown_columns(page)
    saved = GridLayout.objects.get(user=bob, grid_key="pos.items").columns
    assert [c["id"] for c in saved][:3] == ["sku", "price", "name"]
    assert {c["id"]: c["visible"] for c in saved}["brand"] is False
    page.screenshot(path=str(artifacts / "pos-view-after-reload.png"), full_page=True)
    assert errors == []


def test_opening_a_row_shows_its_variants_in_a_grid_with_its_own_layout(
        live_server, page, artifacts, carol):
    catalog = pos_catalog_make()
    errors = log_in(page, live_server, "carol")
    expect(page.locator("#pos-details")).to_be_hidden()
    rows(page).filter(has_text="TEE001").click()

    expect(page.locator("#pos-details")).to_be_visible()
    expect(page.locator("#pos-details-item")).to_have_text("TEE001 – Organic Tee")
    variants = rows(page, DETAILS)
    expect(variants).to_have_count(3)
    large = variants.filter(has_text="TEE001L")
    expect(large).to_contain_text("Size: L · Colour: Red")
    expect(large).to_contain_text("21.99")
    store = f"loc_{catalog.store.pk}"
    assert store in shown_columns(page, DETAILS)
    expect(large.locator(f".tabulator-cell[tabulator-field={store}]")).to_have_text("3")
    expect(rows(page).filter(has_text="TEE001")).to_have_class(
        re.compile("bcgrid-current"))

    page.click(f"{DETAILS} .bcgrid-columns-toggle")
    with layout_saved(page, "/pos/item-details/layout/"):
        page.uncheck("#pos-item-details-show-barcode")
    page.click(f"{DETAILS} .bcgrid-columns-toggle")
    page.screenshot(path=str(artifacts / "pos-view-details.png"), full_page=True)

    page.reload()
    rows(page).filter(has_text="MUG001").click()
    expect(rows(page, DETAILS)).to_have_count(1)  # an item without variants: its own row
    expect(rows(page, DETAILS)).to_contain_text("MUG001")
    assert "barcode" not in shown_columns(page, DETAILS)
    assert "upc" in shown_columns(page)  # the top grid kept its own columns
    assert set(GridLayout.objects.filter(user=carol).values_list("grid_key", flat=True)) == {
        "pos.item_details"}
    assert errors == []


def test_a_filter_narrows_the_rows_and_all_it_shows_can_be_selected(
        live_server, page, artifacts, alice):
    pos_catalog_make()
    template = Item.objects.get(sku="MUG001")
    crates = Department.objects.create(name='<b id="injected">Crates</b>')
    for n in range(30):
        Item.objects.create(sku=f"BULK{n:03d}", name=f"Bulk crate {n}", price=Decimal("5.00"),
                            department=crates, vendor=template.vendor)
    errors = log_in(page, live_server, "alice")
    expect(page.locator(f"{ITEMS} .bcgrid-counter")).to_have_text("Showing 1–42 of 42 rows")

    # Names are shown as text everywhere, in cells and in a filter's list.
    page.click(f"{ITEMS} .tabulator-col[tabulator-field=department] input")
    expect(page.locator(".tabulator-edit-list-item").filter(
        has_text='<b id="injected">Crates</b>')).to_have_count(1)
    expect(rows(page).filter(has_text='<b id="injected">Crates</b>')).to_have_count(30)
    assert page.locator("#injected").count() == 0
    page.keyboard.press("Escape")

    name_filter = page.locator(f"{ITEMS} .tabulator-col[tabulator-field=name] input")
    name_filter.press_sequentially("bulk")  # typed, as a person does
    expect(page.locator(f"{ITEMS} .bcgrid-counter")).to_have_text("Showing 1–30 of 30 rows")
    page.select_option(f"{ITEMS} .tabulator-page-size", "25")
    expect(rows(page)).to_have_count(25)

    page.check(f"{ITEMS} .bcgrid-select input[aria-label='Select the rows on this page']")
    bar = page.locator(f"{ITEMS} .bcgrid-selection")
    expect(bar.locator(".bcgrid-selection-count")).to_have_text("25 rows selected")
    with page.expect_response(lambda r: "/pos/items/selection/" in r.url and r.status == 200):
        bar.get_by_role("button", name="Select all 30 matching").click()
    expect(bar.locator(".bcgrid-selection-count")).to_have_text("30 rows selected")
    rows(page).filter(has_text="BULK003").locator("input[type=checkbox]").uncheck()
    expect(bar.locator(".bcgrid-selection-count")).to_have_text("29 rows selected")

    payload = page.evaluate("document.getElementById('pos-items').bcgrid.selectionPayload()")
    assert payload == {"all": True, "except": [Item.objects.get(sku="BULK003").pk],
                       "filter": [{"field": "name", "type": "like", "value": "bulk"}]}
    page.screenshot(path=str(artifacts / "pos-view-selection.png"), full_page=True)

    name_filter.press("End")
    name_filter.press_sequentially(" crate 1")
    expect(page.locator(f"{ITEMS} .bcgrid-counter")).to_have_text("Showing 1–11 of 11 rows")
    expect(bar).to_be_hidden()  # "all it shows" meant the filter that was shown
    assert errors == []
