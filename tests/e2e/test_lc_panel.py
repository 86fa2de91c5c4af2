"""A sync operator presses Full Reload on products in a real browser and watches it queue,
then the progress bar fill while a real Celery worker reloads from the emulator; then
deletes the local copy in the background and sees every dataset go back to Not loaded."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bcemulator.process import EmulatorProcess
from bcsync.connections import connection_upsert
from localcopy.models import LcProduct
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.emulator, pytest.mark.worker,
              pytest.mark.django_db(transaction=True)]

SEED = 3000


@pytest.fixture
def emulator() -> Iterator[EmulatorProcess]:
    # 300 ms a request, about what BigCommerce takes for a page of 250 products: the reload
    # lasts a few seconds and the worker spends most of it outside its page transactions.
    with EmulatorProcess(seed=SEED, faults={"slow_ms": 300}) as emu:
        yield emu


def test_an_operator_watches_a_full_reload_of_products_complete(
        live_server, page, artifacts, bob, emulator, worker):
    connection_upsert(store_hash=emulator.store_hash, access_token=emulator.token,
                      api_url=emulator.base_url, description="Emulated web shop")
    page.goto(f"{live_server.url}/admin/login/?next=/lc/")
    page.fill("#id_username", "bob")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/lc/")
    row = page.locator("#lc-row-products")
    assert "Not loaded" in row.inner_text()

    row.get_by_role("button", name="Full Reload Products").click()
    button = row.locator("[data-field=button]")
    # Recorded before any worker sees it: the row is queued (or already running).
    page.wait_for_function(
        "(b) => b.disabled && ['Queued…', 'Reloading…'].includes(b.textContent.trim())",
        arg=button.element_handle())
    bar = page.locator("#lc-progress-products")
    seen: list[tuple[str | None, str | None]] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        now, top = bar.get_attribute("aria-valuenow"), bar.get_attribute("aria-valuemax")
        if now and top and 0 < int(now) < int(top) and not any(v for v, _ in seen[1:]):
            page.screenshot(path=str(artifacts / "lc-panel-reload-running.png"))
        seen.append((now, top))
        # Done when the reload and the first incremental pass after it have both ended.
        if ("Current" in row.locator("[data-field=light_label]").inner_text()
                and "never" not in row.locator("[data-field=last_incremental]").inner_text()):
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"the reload did not finish; progress seen: {seen[-5:]}")

    assert "lc-light--green" in row.locator("[data-field=light]").get_attribute("class")
    partial = {v for v, m in seen if v and m and 0 < int(v) < int(m)}
    assert partial, f"the bar never showed a page between the first and the last: {seen}"
    count = LcProduct.objects.filter(store_hash=emulator.store_hash).count()
    assert count == SEED
    # The bar counted records, the unit of the rows shown: its total was the product count.
    assert {m for v, m in seen if v and m and 0 < int(v) < int(m)} == {str(count)}
    assert row.locator("[data-field=row_count]").inner_text() == str(count)
    assert row.locator("[data-field=progress_text]").inner_text().startswith(
        "Incremental pass: ")

    page.screenshot(path=str(artifacts / "lc-panel-reload.png"), full_page=True)
    assert (artifacts / "lc-panel-reload.png").stat().st_size > 10_000

    # Delete LC: asked on its own page, done in the background, progress on the panel.
    page.wait_for_function("() => !document.getElementById('lc-delete')"
                           ".hasAttribute('aria-disabled')")
    page.click("#lc-delete")
    page.click("#lc-delete-confirm")
    page.wait_for_url("**/lc/?store=*")
    assert "in the background" in page.inner_text(".messagelist")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-field=light_label]')]"
        ".every((e) => e.textContent.trim() === 'Not loaded')", timeout=60_000)
    assert row.locator("[data-field=row_count]").inner_text() == "0"
    assert "records deleted" in row.locator("[data-field=progress_text]").inner_text()
    assert LcProduct.objects.filter(store_hash=emulator.store_hash).count() == 0
    page.screenshot(path=str(artifacts / "lc-panel-deleted.png"), full_page=True)
