"""The Local copy panel as each persona sees it: bob (sync operator) reloads and deletes;
carol (catalog editor) and dave (settings admin) see no such buttons and get 403."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bcsync.connections import connection_upsert
from bcsync.models import SyncSettings
from bcsync.tasks import lc_delete_task
from localcopy.models import LcBrand, LcStatus
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PANEL = reverse("bcsync:lc_panel")
STATUS = reverse("bcsync:lc_status")
RELOAD = reverse("bcsync:lc_reload")
DELETE = reverse("bcsync:lc_delete")
SWITCHES = reverse("bcsync:lc_switches")


def enqueued(callbacks) -> list[tuple[str, dict]]:
    return [(cb.func.__self__.name, cb.keywords["kwargs"]) for cb in callbacks]


@pytest.fixture
def connection():
    conn, _ = connection_upsert(store_hash="abc123", access_token="t0ken",
                                api_url="http://127.0.0.1:9", description="Main web shop")
    return conn


def test_bob_sees_full_reload_reload_all_and_delete(bob, connection):
    page = client_for(bob).get(PANEL).content.decode()
    assert page.count("Full Reload</button>") == 6
    assert 'id="lc-reload-all"' in page
    assert 'id="lc-delete"' in page
    assert "Main web shop" in page


@pytest.mark.parametrize("persona", ["carol", "dave"])
def test_others_see_the_panel_without_reload_or_delete_buttons(persona, request, connection):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(PANEL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Full Reload</button>" not in page
    assert 'id="lc-reload-all"' not in page
    assert 'id="lc-delete"' not in page
    assert "needs the Sync operator role" in page


@pytest.mark.parametrize("persona", ["carol", "dave"])
def test_others_get_403_on_reload_and_delete_and_nothing_is_queued(
        persona, request, connection, django_capture_on_commit_callbacks):
    client = client_for(request.getfixturevalue(persona))
    LcBrand.objects.create(store_hash="abc123", bc_id=1, name="B", synced_at=timezone.now())
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(RELOAD, {"store": "abc123", "dataset": "products"}).status_code == 403
        assert client.post(RELOAD, {"store": "abc123", "dataset": "all"}).status_code == 403
        assert client.get(DELETE, {"store": "abc123"}).status_code == 403
        assert client.post(DELETE, {"store": "abc123"}).status_code == 403
    assert callbacks == []
    assert LcBrand.objects.count() == 1
    assert not LcStatus.objects.exists()


def test_bob_reloads_a_dataset_and_is_sent_back_to_the_panel(
        bob, connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(bob).post(RELOAD, {"store": "abc123", "dataset": "products"},
                                        follow=True)
    assert enqueued(callbacks) == [("bcsync.tasks.lc_reload_task",
                                    {"connection_id": connection.pk, "dataset": "products"})]
    assert response.redirect_chain[-1][0] == f"{PANEL}?store=abc123"
    assert "Full reload requested: Products." in response.content.decode()


def test_a_reload_from_the_page_script_answers_with_the_amber_row(
        bob, connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        response = client_for(bob).post(RELOAD, {"store": "abc123", "dataset": "brands"},
                                         HTTP_ACCEPT="application/json")
    assert response.status_code == 202
    rows = {r["dataset"]: r for r in response.json()["rows"]}
    assert (rows["brands"]["light"], rows["brands"]["light_label"]) == ("amber", "Queued")
    assert (rows["brands"]["busy"], rows["brands"]["queued"]) == (True, True)
    assert rows["brands"]["progress_text"] == "Full Reload queued: waiting for a worker"
    assert response.json()["busy"] is True


def test_pressing_reload_while_it_runs_joins_the_run(
        bob, connection, django_capture_on_commit_callbacks):
    now = timezone.now()
    LcStatus.objects.create(store_hash="abc123", dataset="products", run_kind="full",
                            state=LcStatus.State.RUNNING, run_token="t", heartbeat_at=now,
                            started_at=now)
    with django_capture_on_commit_callbacks() as callbacks:
        client_for(bob).post(RELOAD, {"store": "abc123", "dataset": "products"})
    assert callbacks == []


def test_an_unknown_dataset_is_a_bad_request(bob, connection):
    response = client_for(bob).post(RELOAD, {"store": "abc123", "dataset": "widgets"})
    assert response.status_code == 400


def test_the_status_endpoint_reports_progress_times_and_mode(bob, connection):
    now = timezone.now()
    LcStatus.objects.create(store_hash="abc123", dataset="products", run_kind="full",
                            state=LcStatus.State.RUNNING, run_token="t", heartbeat_at=now,
                            started_at=now - timedelta(seconds=30), items_done=750,
                            items_total=3000, row_count=2750,
                            last_full_reload_at=now - timedelta(hours=2))
    body = client_for(bob).get(STATUS, {"store": "abc123"}).json()
    products = next(r for r in body["rows"] if r["dataset"] == "products")
    assert (products["items_done"], products["items_total"], products["percent"]) == (
        750, 3000, 25)
    assert products["progress_text"].startswith("Full Reload: 750 of 3000 records · 30 s")
    assert products["row_count"] == 2750
    assert products["last_full_reload"]["ago"] == "2\xa0hours ago"
    assert body["busy"] is True
    assert body["mode"]["label"] == "Incremental only"


def test_the_progress_bar_carries_its_value_for_assistive_technology(bob, connection):
    now = timezone.now()
    LcStatus.objects.create(store_hash="abc123", dataset="orders", run_kind="full",
                            state=LcStatus.State.RUNNING, run_token="t", heartbeat_at=now,
                            started_at=now, items_done=400, items_total=900)
    page = client_for(bob).get(PANEL).content.decode()
    assert 'aria-label="Orders progress"' in page
    assert 'value="400" aria-valuenow="400" aria-valuemax="900"' in page


def test_bob_queues_the_delete_after_confirming_and_the_worker_runs_it(
        bob, connection, django_capture_on_commit_callbacks):
    LcBrand.objects.create(store_hash="abc123", bc_id=1, name="B", synced_at=timezone.now())
    LcStatus.objects.create(store_hash="abc123", dataset="brands", row_count=1,
                            last_full_reload_at=timezone.now())
    client = client_for(bob)
    confirm = client.get(DELETE, {"store": "abc123"})
    assert confirm.status_code == 200
    assert "Yes, delete the local copy" in confirm.content.decode()
    assert "Brands: 1 row" in confirm.content.decode()
    assert LcBrand.objects.count() == 1  # looking at the question deletes nothing

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(DELETE, {"store": "abc123"}, follow=True)
    assert enqueued(callbacks) == [("bcsync.tasks.lc_delete_task", {"store_hash": "abc123"})]
    assert "Deleting the local copy of Main web shop in the background" in (
        response.content.decode())
    brands = next(r for r in client.get(STATUS, {"store": "abc123"}).json()["rows"]
                  if r["dataset"] == "brands")
    assert (brands["light_label"], brands["deleting"]) == ("Queued", True)
    assert brands["progress_text"] == "Delete queued: waiting for a worker"

    lc_delete_task.apply(kwargs={"store_hash": "abc123"})

    assert LcBrand.objects.count() == 0
    brands = next(r for r in client.get(STATUS, {"store": "abc123"}).json()["rows"]
                  if r["dataset"] == "brands")
    assert (brands["light_label"], brands["row_count"], brands["busy"]) == (
        "Not loaded", 0, False)
    assert brands["progress_text"].startswith("Delete: 1 of 1 record deleted · ")


def test_delete_while_a_reload_runs_is_refused_with_a_reason(bob, connection):
    now = timezone.now()
    LcStatus.objects.create(store_hash="abc123", dataset="orders", run_kind="full",
                            state=LcStatus.State.RUNNING, run_token="t", heartbeat_at=now)
    LcBrand.objects.create(store_hash="abc123", bc_id=1, name="B", synced_at=now)
    client = client_for(bob)
    confirm = client.get(DELETE, {"store": "abc123"}).content.decode()
    assert "Orders still running or queued" in confirm
    assert 'id="lc-delete-confirm" value="Yes, delete the local copy" disabled' in confirm
    response = client.post(DELETE, {"store": "abc123"}, follow=True)
    assert "not deleted: Orders still running or queued" in response.content.decode()
    assert LcBrand.objects.count() == 1
    assert not LcStatus.objects.filter(queued="delete").exists()


@pytest.mark.parametrize("persona", ["bob", "dave"])
def test_operators_and_settings_admins_flip_the_background_switches(
        persona, request, connection):
    client = client_for(request.getfixturevalue(persona))
    client.post(SWITCHES, {"store": "abc123", "web_background_push": "on"})
    settings = SyncSettings.load()
    assert (settings.lc_background_pull, settings.web_background_push) == (False, True)


def test_carol_may_not_flip_the_switches_and_sees_them_disabled(carol, connection):
    client = client_for(carol)
    assert client.post(SWITCHES, {"web_background_push": "on"}).status_code == 403
    assert SyncSettings.load().web_background_push is False
    page = client.get(PANEL).content.decode()
    assert 'id="lc-switches-save"' not in page
    assert 'name="lc_background_pull"\n               checked disabled' in page


def test_the_register_webhooks_button_is_for_operators_and_connection_admins(
        bob, carol, dave, connection):
    assert 'id="lc-register-webhooks"' in client_for(bob).get(PANEL).content.decode()
    assert 'id="lc-register-webhooks"' in client_for(dave).get(PANEL).content.decode()
    assert 'id="lc-register-webhooks"' not in client_for(carol).get(PANEL).content.decode()
    response = client_for(carol).post(reverse("bcsync:webhooks_register"), {"store": "abc123"})
    assert response.status_code == 403


def test_a_store_selector_appears_with_two_connections(bob, connection):
    connection_upsert(store_hash="zzz999", access_token="t", api_url="http://127.0.0.1:9",
                      description="Outlet")
    page = client_for(bob).get(PANEL, {"store": "zzz999"}).content.decode()
    assert '<select id="lc-store" name="store">' in page
    assert '<option value="zzz999" selected>' in page.replace("\n          ", "")
    assert "Outlet" in page


def test_home_is_the_dashboard_for_staff_and_strangers_go_to_the_login(bob, client):
    home = client_for(bob).get("/")
    assert home.status_code == 200 and 'id="dashboard"' in home.content.decode()
    assert f'href="{PANEL}"' in home.content.decode()
    response = client.get(PANEL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_admin_index_links_to_the_panel(alice):
    page = client_for(alice).get(reverse("admin:index")).content.decode()
    assert f'<a href="{PANEL}">Local copy</a>' in page
    assert 'class="app-catalog module' in page  # the original index is still there


def test_the_panel_says_when_no_store_is_connected(alice):
    page = client_for(alice).get(PANEL).content.decode()
    assert "No store is connected yet." in page
