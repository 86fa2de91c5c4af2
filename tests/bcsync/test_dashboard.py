"""The dashboard (bcsync's home page) through Django's test client: To Fulfill / To Ship per
store from the local copy's order statuses (11 / 9) with lists behind them, jobs and
workers, open errors, and the 14-day activity chart counted per day (a quiet day is 0) with
one grouped query per series. Who may see it, and hostile parameters answered 400/404."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from bcsync.connections import connection_upsert
from bcsync.dashboard import sync_activity
from bcsync.models import (
    Notification,
    PushRequest,
    StoreConnection,
    SyncEvent,
    SyncJob,
    WorkerHeartbeat,
)
from bcsync.notifications import notify
from localcopy.models import LcOrder
from orders.models import SalesOrder
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db
HOME = "/"
ORDERS = "/dashboard/orders/"


@pytest.fixture
def store() -> StoreConnection:
    conn, _ = connection_upsert(store_hash="abc123", access_token="tok-SECRET-dash-1",
                                api_url="http://127.0.0.1:9", description="Main web shop")
    return conn


@pytest.fixture
def other_store() -> StoreConnection:
    conn, _ = connection_upsert(store_hash="def456", access_token="tok-SECRET-dash-2",
                                api_url="http://127.0.0.1:9", description="Outlet shop")
    return conn


def lc_order(store: StoreConnection, bc_id: int, status_id: int, **extra) -> LcOrder:
    now = timezone.now()
    return LcOrder.objects.create(store_hash=store.store_hash, bc_id=bc_id, status_id=status_id,
                                  status={11: "Awaiting Fulfillment", 9: "Awaiting Shipment"}
                                  .get(status_id, "Shipped"), raw={"id": bc_id},
                                  synced_at=now, date_created=now, email=f"c{bc_id}@example.com",
                                  total_inc_tax=Decimal("12.50"), currency_code="USD", **extra)


def tile_count(page: str, field: str, store: StoreConnection) -> int:
    match = re.search(rf'<div class="dash-tile" data-store="{store.store_hash}">'
                      rf'(?:(?!dash-tile").)*?data-field="{field}">(\d+)<', page, re.S)
    assert match, f"no {field} for {store.store_hash}"
    return int(match.group(1))


def test_to_fulfill_and_to_ship_count_lc_orders_by_status_per_store(store, other_store, bob):
    for bc_id in (101, 102, 103):
        lc_order(store, bc_id, 11)
    lc_order(store, 104, 9)
    lc_order(store, 105, 10)  # shipped: neither
    lc_order(other_store, 201, 9)
    lc_order(other_store, 202, 9)
    page = client_for(bob).get(HOME).content.decode()
    assert (tile_count(page, "to_fulfill", store), tile_count(page, "to_ship", store)) == (3, 1)
    assert (tile_count(page, "to_fulfill", other_store),
            tile_count(page, "to_ship", other_store)) == (0, 2)
    assert f'href="{ORDERS}?store={store.pk}&amp;status=11"' in page
    assert f'href="{ORDERS}?store={other_store.pk}&amp;status=9"' in page


def test_the_count_links_to_the_orders_with_their_pos_order(store, bob):
    lc_order(store, 101, 11)
    lc_order(store, 104, 9)
    shipped = lc_order(store, 105, 9)
    pos = SalesOrder.objects.create(number="WEB-105", source_store_hash=store.store_hash,
                                    bc_order_id=shipped.bc_id)
    client = client_for(bob)
    to_ship = client.get(ORDERS, {"store": store.pk, "status": 9}).content.decode()
    assert 'data-bc-order="104"' in to_ship and 'data-bc-order="105"' in to_ship
    assert 'data-bc-order="101"' not in to_ship
    assert f'href="/admin/orders/salesorder/{pos.pk}/change/">WEB-105</a>' in to_ship
    to_fulfill = client.get(ORDERS, {"store": store.pk, "status": 11}).content.decode()
    assert 'data-bc-order="101"' in to_fulfill and "not imported" in to_fulfill


@pytest.mark.parametrize("query", [
    {}, {"store": "1"}, {"store": "x", "status": "11"}, {"store": "1", "status": "10"},
    {"store": "1", "status": "11", "page": "0"}, {"store": "9" * 40, "status": "11"},
    {"store": "1", "status": "-9"}, {"store": "1", "status": "11", "page": "a"},
])
def test_hostile_order_list_parameters_are_400(store, bob, query):
    assert client_for(bob).get(ORDERS, query).status_code == 400


def test_an_unknown_store_or_page_is_404(store, bob):
    client = client_for(bob)
    assert client.get(ORDERS, {"store": "999999", "status": "11"}).status_code == 404
    assert client.get(ORDERS, {"store": store.pk, "status": "11", "page": "3"}
                      ).status_code == 404


def test_anonymous_goes_to_login_and_a_user_without_a_role_is_refused(store):
    for url in (HOME, f"{ORDERS}?store={store.pk}&status=11"):
        response = Client().get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    erin = User.objects.create_user("erin", "erin@example.com", PASSWORD, is_staff=True)
    assert client_for(erin).get(HOME).status_code == 403
    assert client_for(erin).get(ORDERS, {"store": store.pk, "status": 11}).status_code == 403


def test_jobs_workers_and_open_errors_are_shown(store, bob):
    now = timezone.now()
    SyncJob.objects.create(connection=store, kind=SyncJob.Kind.IMPORT,
                           state=SyncJob.State.FAILED, error="BigCommerce said 503",
                           started_at=now, finished_at=now, done=3, failed=1)
    WorkerHeartbeat.objects.create(name="worker", last_seen=now - timedelta(hours=2))
    WorkerHeartbeat.objects.create(name="bulk", last_seen=now)
    from catalog.models import Department, Item, Vendor
    item = Item.objects.create(sku="TEE1", name="Tee", price=Decimal("1"),
                               department=Department.objects.create(name="D"),
                               vendor=Vendor.default())
    PushRequest.objects.update_or_create(connection=store, item=item, defaults={
        "requested_at": now, "next_attempt_at": now, "attempts": 2})
    notify("error", title="Push failed", connection=store)
    notify("alert", title="Unmatched line", connection=store)
    page = client_for(bob).get(HOME).content.decode()
    assert "Local copy: Products" in page and "Background push" in page
    assert re.search(r"Import from BigCommerce</th>\s*<td><span class=\"lc-light lc-light--red\">"
                     r"<span class=\"lc-dot\" aria-hidden=\"true\"></span> Failed", page)
    assert "BigCommerce said 503" in page
    assert re.search(r"Worker heartbeat: worker</th>\s*<td><span[^>]*lc-light--red", page)
    assert re.search(r"Worker heartbeat: bulk</th>\s*<td><span[^>]*lc-light--green", page)
    assert re.search(r'data-field="unread_errors">1<', page)
    assert re.search(r'data-field="unread">2<', page)
    assert re.search(r'data-field="failing_pushes">1<', page)
    assert "tok-SECRET" not in page


# ---- activity per day ----------------------------------------------------------------------


def at(day: datetime, hour: int = 12) -> datetime:
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def activity(store, item):
    """Known activity: today, 2 days ago and 13 days ago; 14 days ago is outside."""
    today = timezone.localtime(timezone.now())
    days = {n: at(today - timedelta(days=n), hour=10) for n in (0, 2, 13, 14)}

    def order(number: str, bc_id: int | None, when: datetime) -> None:
        o = SalesOrder.objects.create(number=number, bc_order_id=bc_id,
                                      source_store_hash=store.store_hash if bc_id else "")
        SalesOrder.objects.filter(pk=o.pk).update(created_at=when)

    def event(when: datetime, action: str, direction: str = "push", ok: bool = True,
              with_item: bool = True) -> None:
        SyncEvent.objects.create(connection=store, item=item if with_item else None,
                                 label="Tee", at=when, action=action, direction=direction,
                                 ok=ok)

    order("WEB-1", 1, days[0])
    order("WEB-2", 2, days[0])
    order("POS-1", None, days[0])  # a till sale: not imported
    order("WEB-3", 3, days[13])
    order("WEB-4", 4, days[14])  # too old
    event(days[0], "updated")
    event(days[0], "created")
    event(days[0], "unchanged")  # nothing sent: not pushed
    event(days[0], "linked", with_item=False)  # a customer link: not an item
    event(days[2], "created", direction="import")
    event(days[2], "linked", direction="import")
    event(days[2], "failed", ok=False)
    event(days[13], "failed", direction="import", ok=False, with_item=False)
    Notification.objects.create(kind="error", title="e", created_at=days[2],
                                updated_at=days[2])
    Notification.objects.create(kind="alert", title="a", created_at=days[2],
                                updated_at=days[2])  # not an error
    return days


def test_the_activity_counts_each_series_per_day_and_a_quiet_day_is_zero(activity):
    result = sync_activity()
    today = timezone.localdate()
    assert result.days[-1] == today and result.days[0] == today - timedelta(days=13)
    assert len(result.days) == 14
    by_day = {d: i for i, d in enumerate(result.days)}
    i0, i2, i13 = (by_day[today - timedelta(days=n)] for n in (0, 2, 13))
    assert result.orders_imported[i0] == 2 and result.orders_imported[i13] == 1
    assert result.items_pushed[i0] == 2
    assert result.items_imported[i2] == 2
    # Each way counted apart: today's pushes are not imports, day 2's imports not pushes.
    assert result.items_imported[i0] == 0 and result.items_pushed[i2] == 0
    assert result.errors[i2] == 2  # a failed push + an Error notification
    assert result.errors[i13] == 1
    quiet = by_day[today - timedelta(days=1)]
    assert (result.orders_imported[quiet], result.items_pushed[quiet],
            result.items_imported[quiet], result.errors[quiet]) == (0, 0, 0, 0)
    assert sum(result.orders_imported) == 3  # the 14-day-old order is outside


def test_the_activity_takes_one_query_per_series_whatever_the_days(activity,
                                                                  django_assert_num_queries):
    with django_assert_num_queries(5):
        sync_activity(days=14)
    with django_assert_num_queries(5):
        sync_activity(days=60)


def test_the_page_hands_the_chart_its_data_and_loads_chart_js(activity, bob):
    page = client_for(bob).get(HOME).content.decode()
    assert '<canvas id="activity-chart"' in page
    assert "/static/vendor/chartjs/chart.umd.min.js" in page
    data = json.loads(re.search(r'<script id="activity-data" type="application/json">(.*?)'
                                r"</script>", page, re.S).group(1))
    assert len(data["labels"]) == 14
    series = {s["key"]: s["data"] for s in data["series"]}
    assert series["orders_imported"][-1] == 2 and series["items_pushed"][-1] == 2
    assert set(series) == {"orders_imported", "items_pushed", "items_imported", "errors"}


def test_the_admin_links_to_the_dashboard_and_home_is_the_dashboard(store, bob):
    client = client_for(bob)
    assert 'href="/"' in client.get("/admin/").content.decode()
    response = client.get(HOME)
    assert response.status_code == 200 and 'id="dashboard"' in response.content.decode()


def test_days_are_the_shops_local_days(settings, store, item):
    settings.TIME_ZONE = "America/Los_Angeles"
    local_now = timezone.localtime(timezone.now())
    late_yesterday = (local_now - timedelta(days=1)).replace(hour=23, minute=30)
    early_today = local_now.replace(hour=0, minute=30)
    for when in (late_yesterday, early_today):
        SyncEvent.objects.create(connection=store, item=item, label="Tee", at=when,
                                 action="updated")
    result = sync_activity()
    assert result.days[-1] == local_now.date()
    assert result.items_pushed[-2:] == [1, 1]
