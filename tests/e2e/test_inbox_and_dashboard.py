"""The inbox and the dashboard in a real browser: bob (sync operator) sees his unread count in
bcsync's nav and the admin header, marks one read and then all, and the count follows; the
dashboard draws its 14-day chart with Chart.js from our own static files, without a console
error or a request off this server."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bcsync.connections import connection_upsert
from bcsync.models import Notification, NotificationSettings
from bcsync.notifications import notify
from localcopy.models import LcOrder
from orders.models import SalesOrder
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
expect.set_options(timeout=15_000)


def log_in(page, live_server, path: str) -> None:
    page.goto(f"{live_server.url}/admin/login/?next={path}")
    page.fill("#id_username", "bob")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{path}")


def watch(page, live_server) -> tuple[list[str], list[str]]:
    """Console errors and page errors; requests to anywhere but the live server."""
    errors: list[str] = []
    foreign: list[str] = []
    host = urlparse(live_server.url).netloc
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The browser's own favicon request 404s on every Django site: not a page error.
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico")
            else None)
    page.on("request", lambda request: foreign.append(request.url)
            if urlparse(request.url).netloc not in ("", host) else None)
    return errors, foreign


def test_bob_marks_notifications_read_and_the_unread_count_follows(
        live_server, page, artifacts, bob):
    store, _ = connection_upsert(store_hash="abc123", access_token="tok-SECRET-e2e-inbox",
                                 api_url="http://127.0.0.1:9", description="Web shop")
    NotificationSettings.objects.create(connection=store, recipient=bob)
    notify("error", title="Organic Tee fails to push", body="BigCommerce answered 422",
           connection=store)
    notify("alert", title="Order 1042: a line matches no POS item", connection=store)
    notify("election", title="Two items share SKU CAP1", connection=store)
    errors, foreign = watch(page, live_server)
    log_in(page, live_server, "/notifications/")

    badge = page.locator("#nav-unread")
    expect(badge).to_have_text("3")
    expect(page.locator("#header-inbox")).to_contain_text("3 unread")
    expect(page.locator("#inbox-table tbody tr")).to_have_count(3)

    page.get_by_role("link", name="Alerts").click()
    expect(page.locator("#inbox-table tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Mark “Order 1042: a line matches no POS item” read").click()
    expect(badge).to_have_text("2")
    expect(page.locator("#header-inbox")).to_contain_text("2 unread")

    page.get_by_role("link", name="All").click()
    page.locator("#inbox-read-all").click()
    expect(page.get_by_text("Marked 2 notifications read.")).to_be_visible()
    expect(badge).to_have_text("0")
    expect(page.locator("#header-inbox")).not_to_contain_text("unread")
    page.screenshot(path=str(artifacts / "inbox.png"), full_page=True)
    assert Notification.objects.filter(read_at__isnull=True).count() == 0
    assert "tok-SECRET" not in page.content()
    assert errors == [] and foreign == []


def test_the_dashboard_draws_the_activity_chart_with_chart_js(
        live_server, page, artifacts, bob):
    store, _ = connection_upsert(store_hash="abc123", access_token="tok-SECRET-e2e-dash",
                                 api_url="http://127.0.0.1:9", description="Web shop")
    now = timezone.now()
    for bc_id, status in ((1, 11), (2, 11), (3, 9)):
        LcOrder.objects.create(store_hash=store.store_hash, bc_id=bc_id, status_id=status,
                               raw={}, synced_at=now, date_created=now)
    order = SalesOrder.objects.create(number="WEB-3", source_store_hash=store.store_hash,
                                      bc_order_id=3)
    SalesOrder.objects.filter(pk=order.pk).update(created_at=now - timedelta(days=3))
    notify("error", title="Push failed", connection=store)
    errors, foreign = watch(page, live_server)
    log_in(page, live_server, "/")

    expect(page.locator("#activity-chart[data-ready=true]")).to_be_attached()
    assert page.evaluate("typeof window.Chart") == "function"
    chart = page.evaluate("""() => {
        const c = window.bcsyncActivityChart;
        return {labels: c.data.labels.length,
                series: c.data.datasets.map(d => [d.label, d.data.reduce((a, b) => a + b, 0)])};
    }""")
    assert chart["labels"] == 14
    assert dict(chart["series"]) == {"Orders imported": 1, "Items pushed": 0,
                                     "Items imported": 0, "Errors": 1}
    box = page.locator("#activity-chart").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150

    expect(page.locator(f"#to-fulfill-{store.pk}")).to_contain_text("2 To Fulfill")
    page.locator(f"#to-fulfill-{store.pk}").click()
    expect(page.locator("#dashboard-orders tbody tr")).to_have_count(2)
    page.go_back()
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    assert errors == [] and foreign == []


def test_dave_chooses_who_receives_the_notifications_on_the_settings_page(
        live_server, page, bob, dave):
    store, _ = connection_upsert(store_hash="abc123", access_token="tok-SECRET-e2e-prefs",
                                 api_url="http://127.0.0.1:9", description="Web shop")
    errors, foreign = watch(page, live_server)
    path = f"/settings/{store.pk}/"
    page.goto(f"{live_server.url}/admin/login/?next={path}")
    page.fill("#id_username", "dave")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{path}")

    section = page.locator("#settings-notifications")
    section.get_by_label("Recipient").select_option(label="bob <bob@example.com>")
    section.get_by_label("Email warnings").check()
    section.get_by_role("button", name="Save notifications").click()
    expect(page.get_by_text("Saved notifications.")).to_be_visible()
    page.reload()
    expect(section.get_by_label("Recipient")).to_have_value(str(bob.pk))
    expect(section.get_by_label("Email warnings")).to_be_checked()
    assert notify("warning", title="Stock below zero", connection=store).recipient_id == bob.pk
    assert errors == [] and foreign == []
