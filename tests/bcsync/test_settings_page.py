"""The sync settings page, section by section, as each persona sees it: dave (settings admin)
changes it, bob (sync operator) reads it (and flips the background switches, as on the Local
copy panel), carol (catalog editor) may not see it. Hostile bodies get 400 or form errors,
never a 500; the token is never in the page."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from bcemulator.process import EmulatorProcess
from bcsync.connections import connection_upsert
from bcsync.models import (
    DepartmentCategory,
    FieldPolicy,
    ItemSync,
    PushRequest,
    StoreConnection,
    SyncEvent,
    SyncField,
    SyncSettings,
    WorkerHeartbeat,
)
from bcsync.push.background import heartbeat_name
from bcsync.push.policies import policies_for, policy_problem
from bcsync.settings_page import sections as registry
from catalog.models import Department, Location
from localcopy.models import LcCategory, LcLocation, LcStatus
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
TOKEN = "tok-SECRET-settings-123456"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def store() -> StoreConnection:
    conn, _ = connection_upsert(store_hash="abc123", access_token=TOKEN,
                                api_url=f"http://127.0.0.1:{closed_port()}",
                                description="Main web shop")
    return conn


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed="demo") as emu:
        yield emu


def url(connection: StoreConnection) -> str:
    return reverse("bcsync:settings", args=[connection.pk])


def all_policies(**changes: str) -> dict[str, str]:
    data = {f"policies-{field}": "manual" for field in SyncField.values}
    data.update({f"policies-{field}": policy for field, policy in changes.items()})
    return {"section": "policies", **data}


def flashed(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def radio(page: str, input_id: str) -> str:
    match = re.search(rf'<input type="radio"[^>]*id="{input_id}"[^>]*>', page)
    assert match, input_id
    return match.group(0)


# ---- who may see and change it -------------------------------------------------------------


def test_dave_sees_every_section_with_its_own_save_button(dave, store):
    page = client_for(dave).get(url(store)).content.decode()
    for key in ("connection", "locations", "policies", "matching", "categories",
                "product_sync", "background", "customers", "notifications", "orders"):
        assert f'id="settings-{key}"' in page
        assert f'<input type="hidden" name="section" value="{key}">' in page
        assert f'id="settings-{key}-save"' in page
    forms_ = page.split(f'<form method="post" action="{url(store)}#settings-')[1:]
    # with customers, the import sections (imports, initial_dataset), notifications,
    # inventory's (location_mappings, end_of_day) and orders
    assert len(forms_) == 14
    assert all("csrfmiddlewaretoken" in form.split("</form>")[0] for form in forms_)
    assert "Read only" not in page


def test_bob_reads_the_page_and_saves_only_the_background_switches(bob, store):
    client = client_for(bob)
    page = client.get(url(store)).content.decode()
    assert 'id="settings-policies-save"' not in page
    assert 'id="settings-connection-test"' not in page
    assert 'id="settings-background-save"' in page
    # customers', imports', notifications', inventory's, orders'
    assert page.count('<fieldset class="settings-fields" disabled>') == 13
    assert client.post(url(store), all_policies(prices="on")).status_code == 403
    assert client.post(url(store), {"section": "connection", "action": "test"}).status_code == 403
    assert not FieldPolicy.objects.exists()
    response = client.post(url(store), {"section": "background",
                                        "background-web_background_push": "on"})
    assert response.status_code == 302
    assert SyncSettings.load().web_background_push is True


def test_carol_may_not_see_the_page(carol, store):
    client = client_for(carol)
    assert client.get(url(store)).status_code == 403
    assert client.get(reverse("bcsync:settings_home")).status_code == 403
    assert client.post(url(store), all_policies(prices="on")).status_code == 403
    assert not FieldPolicy.objects.exists()


def test_anonymous_is_sent_to_the_login(client, store):
    response = client.get(url(store))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(url(store), all_policies(prices="on"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not FieldPolicy.objects.exists()


def test_the_nav_links_the_page_for_those_who_may_see_it(dave, carol, store):
    panel = reverse("bcsync:lc_panel")
    assert reverse("bcsync:settings_home") in client_for(dave).get(panel).content.decode()
    assert reverse("bcsync:settings_home") not in client_for(carol).get(panel).content.decode()


def test_the_home_goes_to_the_first_connection_or_says_there_is_none(dave):
    home = reverse("bcsync:settings_home")
    assert "No store is connected yet" in client_for(dave).get(home).content.decode()
    conn, _ = connection_upsert(store_hash="abc123", access_token=TOKEN,
                                api_url="http://127.0.0.1:9", description="Shop")
    assert client_for(dave).get(home)["Location"] == url(conn)


def test_an_unknown_connection_is_404(dave, store):
    assert client_for(dave).get(reverse("bcsync:settings", args=[999999])).status_code == 404
    assert client_for(dave).get("/settings/abc/").status_code == 404


# ---- connection ----------------------------------------------------------------------------


def test_the_token_is_never_in_the_page_only_when_it_was_set(dave, store):
    client = client_for(dave)
    page = client.get(url(store)).content.decode()
    assert TOKEN not in page
    assert re.search(r'id="settings-token-status">set on ', page)
    assert 'data-light="grey"' in page and "Not tested" in page
    # Nor when a form comes back with errors: the password input never renders a value.
    response = client.post(url(store), {
        "section": "connection", "connection-description": "",
        "connection-store_hash": "abc123", "connection-api_url": store.api_url,
        "connection-access_token": TOKEN + "x"})
    assert response.status_code == 400
    assert TOKEN not in response.content.decode()


def connection_post(store: StoreConnection, **fields: str) -> dict[str, str]:
    data = {"description": store.description, "store_hash": store.store_hash,
            "api_url": store.api_url, "client_id": "", "access_token": "", **fields}
    return {"section": "connection", **{f"connection-{k}": v for k, v in data.items()}}


def test_a_description_is_saved_without_the_token(dave, store):
    response = client_for(dave).post(url(store), connection_post(store, description="Web"))
    assert response.status_code == 302
    assert response["Location"] == f"{url(store)}#settings-connection"
    assert flashed(response) == ["Saved connection."]
    store.refresh_from_db()
    assert store.description == "Web" and store.access_token == TOKEN


@pytest.mark.parametrize("moved", [{"api_url": "http://127.0.0.1:1"},
                                   {"store_hash": "other99"}])
def test_a_new_host_or_store_hash_needs_the_token_again(dave, store, moved):
    response = client_for(dave).post(url(store), connection_post(store, **moved))
    assert response.status_code == 400
    assert "Enter the access token again" in response.content.decode()
    fresh = StoreConnection.objects.get(pk=store.pk)
    assert (fresh.api_url, fresh.store_hash) == (store.api_url, store.store_hash)


def test_new_credentials_that_fail_their_test_are_not_saved(dave, store):
    before = StoreConnection.objects.get(pk=store.pk)
    response = client_for(dave).post(url(store), connection_post(
        store, access_token="tok-NEW-987654", api_url=f"http://127.0.0.1:{closed_port()}"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "The new credentials were not saved: Failed" in page
    assert "tok-NEW-987654" not in page and TOKEN not in page
    after = StoreConnection.objects.get(pk=store.pk)
    assert (after.access_token, after.api_url, after.token_set_at) == (
        TOKEN, before.api_url, before.token_set_at)


def test_an_insecure_host_or_bad_token_is_refused_by_name(dave, store, settings):
    settings.DEBUG = False
    response = client_for(dave).post(url(store), connection_post(
        store, api_url="http://shop.example.com", access_token="has space"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "must start with https://" in page
    assert "The access token contains a space" in page


@pytest.mark.emulator
def test_new_credentials_are_tested_then_saved_and_the_light_turns_green(dave, emulator):
    store, _ = connection_upsert(store_hash=emulator.store_hash, access_token="wrong-token",
                                 api_url=f"http://127.0.0.1:{closed_port()}",
                                 description="Emulated")
    client = client_for(dave)
    response = client.post(url(store), connection_post(
        store, api_url=emulator.base_url, access_token=emulator.token))
    assert response.status_code == 302, response.content.decode()[:2000]
    store.refresh_from_db()
    assert store.api_url == emulator.base_url and store.last_test_ok is True
    response = client.post(url(store), {"section": "connection", "action": "test"},
                           follow=True)
    page = response.content.decode()
    assert "Test connection: Connected to &#x27;bcsync demo store&#x27;" in page
    assert 'data-light="green"' in page
    assert emulator.token not in page


@pytest.mark.emulator
def test_a_store_hash_change_is_tested_then_saved_on_the_same_connection(dave, emulator):
    store, _ = connection_upsert(store_hash="old1", access_token=emulator.token,
                                 api_url=emulator.base_url, description="Emulated")
    response = client_for(dave).post(url(store), connection_post(
        store, store_hash=emulator.store_hash, access_token=emulator.token))
    assert response.status_code == 302
    assert list(StoreConnection.objects.values_list("pk", "store_hash")) == [
        (store.pk, emulator.store_hash)]


def test_test_connection_turns_the_light_red_with_the_reason(dave, store):
    response = client_for(dave).post(url(store), {"section": "connection", "action": "test"},
                                     follow=True)
    page = response.content.decode()
    assert 'data-light="red"' in page
    assert any(m.startswith("Test connection: Failed") for m in flashed(response))
    assert TOKEN not in page


# ---- locations -----------------------------------------------------------------------------


def test_locations_are_saved_with_a_number_while_the_lc_has_none(dave, store):
    shop = Location.objects.create(code="SHOP1", name="High street")
    client = client_for(dave)
    assert 'name="locations-bc_location_id" value="1"' in client.get(url(store)).content.decode()
    response = client.post(url(store), {"section": "locations",
                                        "locations-pos_location": shop.pk,
                                        "locations-bc_location_id": "7"})
    assert response.status_code == 302 and flashed(response) == ["Saved locations."]
    store.refresh_from_db()
    assert (store.pos_location_id, store.bc_location_id) == (shop.pk, 7)


def test_the_lc_locations_are_offered_and_only_they_are_taken(dave, store):
    for bc_id, label in ((1, "Default"), (4, "Warehouse")):
        LcLocation.objects.create(store_hash="abc123", bc_id=bc_id, label=label,
                                  synced_at=timezone.now())
    client = client_for(dave)
    page = client.get(url(store)).content.decode()
    assert '<option value="4">Warehouse (id 4)</option>' in page
    store.bc_location_id = 3
    store.save(update_fields=["bc_location_id"])
    page = client.get(url(store)).content.decode()
    assert '<option value="3" selected>id 3 (not in the local copy)</option>' in page
    response = client.post(url(store), {"section": "locations",
                                        "locations-bc_location_id": "9"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert client.post(url(store), {"section": "locations",
                                    "locations-bc_location_id": "4"}).status_code == 302
    store.refresh_from_db()
    assert store.bc_location_id == 4


# ---- field policies ------------------------------------------------------------------------


def test_manual_only_fields_show_on_disabled(dave, store):
    page = client_for(dave).get(url(store)).content.decode()
    for field in ("skus", "var_prices", "var_weights", "var_images"):
        assert " disabled" in radio(page, f"id_policies-{field}_on")
        assert " disabled" not in radio(page, f"id_policies-{field}_manual")
    for field in ("names", "prices", "qohs", "dimensions"):
        assert " disabled" not in radio(page, f"id_policies-{field}_on")
    assert "checked" in radio(page, "id_policies-names_manual")


def test_policies_are_saved_and_shown(dave, store):
    client = client_for(dave)
    response = client.post(url(store), all_policies(prices="on", names="off", qohs="on"))
    assert response.status_code == 302 and flashed(response) == ["Saved field policies."]
    policies = policies_for(connection=store)
    assert (policies["prices"], policies["names"], policies["qohs"], policies["upcs"]) == (
        "on", "off", "on", "manual")
    page = client.get(url(store)).content.decode()
    assert "checked" in radio(page, "id_policies-prices_on")
    assert "checked" in radio(page, "id_policies-names_off")


@pytest.mark.parametrize("field", ["skus", "var_prices", "var_weights", "var_images"])
def test_the_server_refuses_on_for_a_manual_only_field_and_saves_nothing(dave, store, field):
    response = client_for(dave).post(url(store), all_policies(prices="on", **{field: "on"}))
    assert response.status_code == 400
    message = policy_problem(field, "on")
    assert message
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not FieldPolicy.objects.exists()  # all or nothing: not even Prices


def test_a_missing_or_unknown_policy_is_a_form_error(dave, store):
    data = all_policies(names="sometimes")
    del data["policies-prices"]
    response = client_for(dave).post(url(store), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice. sometimes is not one of the available choices." in page
    assert "This field is required." in page
    assert not FieldPolicy.objects.exists()


# ---- matching ------------------------------------------------------------------------------


def test_matching_is_saved_and_an_unknown_way_refused(dave, store):
    client = client_for(dave)
    response = client.post(url(store), {"section": "matching", "matching-match_by": "upc"})
    assert response.status_code == 302 and flashed(response) == ["Saved matching."]
    assert StoreConnection.objects.get(pk=store.pk).match_by == "upc"
    response = client.post(url(store), {"section": "matching", "matching-match_by": "colour"})
    assert response.status_code == 400
    assert StoreConnection.objects.get(pk=store.pk).match_by == "upc"


# ---- department → categories ---------------------------------------------------------------


def test_categories_are_typed_as_ids_while_the_lc_has_none(dave, store, department):
    client = client_for(dave)
    field = f"categories-d{department.pk}"
    response = client.post(url(store), {"section": "categories", field: "12, 34 12"})
    assert response.status_code == 302
    assert flashed(response) == ["Saved department → category mapping."]
    assert DepartmentCategory.objects.get(department=department).bc_category_ids == [12, 34]
    assert f'name="{field}" value="12, 34"' in client.get(url(store)).content.decode()
    # Emptied: the mapping goes.
    assert client.post(url(store), {"section": "categories", field: ""}).status_code == 302
    assert not DepartmentCategory.objects.exists()


def lc_categories() -> None:
    now = timezone.now()
    LcCategory.objects.create(store_hash="abc123", bc_id=20, name="Clothing", synced_at=now)
    LcCategory.objects.create(store_hash="abc123", bc_id=21, name="Shirts", parent_bc_id=20,
                              synced_at=now)


def test_categories_are_chosen_from_the_lc_by_path(dave, store, department):
    lc_categories()
    client = client_for(dave)
    page = client.get(url(store)).content.decode()
    assert '<option value="21">Clothing › Shirts</option>' in page
    response = client.post(url(store), {"section": "categories",
                                        f"categories-d{department.pk}": ["21", "20"]})
    assert response.status_code == 302
    assert DepartmentCategory.objects.get(department=department).bc_category_ids == [21, 20]


@pytest.mark.parametrize(("value", "problem"), [
    (["21", "999"], "Test garments: unknown BigCommerce category id 999"),
    (["abc"], "Test garments: &#x27;abc&#x27; is not a BigCommerce category id."),
    (["-3"], "Test garments: &#x27;-3&#x27; is not a BigCommerce category id."),
    (["99999999999999999999"], "is not a BigCommerce category id"),
    ([str(n) for n in range(1, 30)], "Test garments: at most 20 categories."),
])
def test_a_bad_category_is_refused_naming_the_department(dave, store, department, value,
                                                         problem):
    lc_categories()
    other = Department.objects.create(name="Shoes")
    response = client_for(dave).post(url(store), {
        "section": "categories", f"categories-d{department.pk}": value,
        f"categories-d{other.pk}": "20"})
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not DepartmentCategory.objects.exists()


# ---- switches ------------------------------------------------------------------------------


def test_product_sync_and_enforcement_are_saved(dave, store):
    client = client_for(dave)
    response = client.post(url(store), {"section": "product_sync",
                                        "product_sync-item_sync_enforcement": "on"})
    assert response.status_code == 302
    assert SyncSettings.load().product_sync_enabled is False
    assert StoreConnection.objects.get(pk=store.pk).item_sync_enforcement is True
    page = client.get(url(store)).content.decode()
    assert re.search(r'name="product_sync-item_sync_enforcement"[^>]*checked', page)
    assert not re.search(r'name="product_sync-product_sync_enabled"[^>]*checked', page)


def test_the_background_switches_are_saved_by_the_lc_panels_service(dave, store):
    response = client_for(dave).post(url(store), {
        "section": "background", "background-web_background_push": "on"})
    assert flashed(response) == ["Saved background sync: LC background pull off, "
                                 "Web background push on."]
    settings = SyncSettings.load()
    assert (settings.lc_background_pull, settings.web_background_push) == (False, True)


def last_runs(page: str) -> str:
    return page.split('id="settings-last-runs"')[1].split("</table>")[0]


def test_each_background_job_shows_never_until_it_ran(dave, store, item):
    client = client_for(dave)
    table = last_runs(client.get(url(store)).content.decode())
    assert table.count("never") == 5
    ran = timezone.now() - timedelta(hours=2)
    LcStatus.objects.create(store_hash="abc123", dataset="products",
                            last_incremental_at=ran, last_full_reload_at=ran)
    SyncEvent.objects.create(connection=store, item=item, label="TEE001", at=ran,
                             job="background push", action=SyncEvent.Action.UPDATED)
    WorkerHeartbeat.objects.create(name=heartbeat_name(store), last_seen=ran)
    table = last_runs(client.get(url(store)).content.decode())
    assert table.count("never") == 1  # no upload or import job yet
    assert table.count(f'datetime="{timezone.localtime(ran).isoformat()}"') == 4
    assert "background push" in table


def test_product_sync_back_on_marks_the_linked_items_for_the_background_push(dave, store,
                                                                              item):
    ItemSync.objects.create(connection=store, item=item, bc_product_id=77,
                            linked_by=ItemSync.LinkedBy.SKU, linked_at=timezone.now())
    client = client_for(dave)
    client.post(url(store), {"section": "product_sync"})  # Product Sync off
    PushRequest.objects.all().delete()
    response = client.post(url(store), {"section": "product_sync",
                                        "product_sync-product_sync_enabled": "on"})
    assert flashed(response)[-1] == ("Saved Product Sync and Item Sync Enforcement. 1 linked "
                                     "items are due for the background push.")
    assert list(PushRequest.objects.values_list("item__sku", flat=True)) == ["TEE001"]
    # Saving it on again changes nothing, so marks nothing.
    PushRequest.objects.all().delete()
    client.post(url(store), {"section": "product_sync",
                             "product_sync-product_sync_enabled": "on"})
    assert not PushRequest.objects.exists()


# ---- hostile bodies ------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    {},
    {"section": "nope"},
    {"section": "x" * 100_000},
    {"section": "policies", "action": "delete"},
    {"section": "connection", "action": "x" * 5000},
])
def test_an_unknown_section_or_action_is_400(dave, store, body):
    response = client_for(dave).post(url(store), body)
    assert response.status_code == 400


@pytest.mark.parametrize("body", [
    {"section": "locations", "locations-pos_location": "abc", "locations-bc_location_id": "x"},
    {"section": "locations", "locations-pos_location": "99999999999999999999999",
     "locations-bc_location_id": "99999999999999999999999"},
    {"section": "locations", "locations-bc_location_id": "0"},
    {"section": "matching", "matching-match_by": "s" * 100_000},
    {"section": "connection", "connection-description": "d" * 100_000,
     "connection-store_hash": "ABC 123", "connection-api_url": "javascript:alert(1)",
     "connection-access_token": "t" * 100_000},
    {"section": "connection"},
    {"section": "policies"},
    {"section": "policies", "policies-names": ["on", "off"] * 400},
])
def test_hostile_section_bodies_are_form_errors_not_500(dave, store, body):
    before = StoreConnection.objects.get(pk=store.pk)
    response = client_for(dave).post(url(store), body)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    after = StoreConnection.objects.get(pk=store.pk)
    assert (after.description, after.bc_location_id, after.match_by, after.access_token) == (
        before.description, before.bc_location_id, before.match_by, before.access_token)


def test_too_many_fields_is_400(dave, store):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(dave)
    body = {"section": "policies", **{f"policies-f{n}": "on" for n in range(1200)}}
    assert client.post(url(store), body).status_code == 400


def test_a_post_without_the_csrf_token_is_refused(dave, store):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(dave)
    assert client.post(url(store), all_policies(prices="on")).status_code == 403
    assert not FieldPolicy.objects.exists()


# ---- built to be extended ------------------------------------------------------------------


class _NoteForm(forms.Form):
    note = forms.CharField(max_length=20)


class _NoteSection(registry.SettingsSection):
    key = "test_note"
    title = "Test note"
    order = 35
    form_class = _NoteForm
    saved: list[str] = []

    def save(self, *, connection, form, user, action="save"):
        self.saved.append(form.cleaned_data["note"])
        return registry.Saved(self.saved_message())


@pytest.fixture
def note_section() -> Iterator[type[_NoteSection]]:
    registry.register(_NoteSection)
    yield _NoteSection
    registry.unregister(_NoteSection.key)


def test_a_registered_section_appears_in_order_and_saves_on_its_own(dave, store,
                                                                    note_section):
    client = client_for(dave)
    page = client.get(url(store)).content.decode()
    assert page.index('id="settings-policies"') < page.index('id="settings-test_note"') < (
        page.index('id="settings-matching"'))
    response = client.post(url(store), {"section": "test_note", "test_note-note": "hello"})
    assert response.status_code == 302 and flashed(response) == ["Saved test note."]
    assert note_section.saved == ["hello"]
    response = client.post(url(store), {"section": "test_note", "test_note-note": "x" * 21})
    assert response.status_code == 400
    assert "Ensure this value has at most 20 characters" in response.content.decode()


# ---- the admin points here -----------------------------------------------------------------


def test_the_admin_shows_the_switches_and_links_the_settings_page(alice, store):
    client = client_for(alice)
    settings = SyncSettings.load()
    page = client.get(reverse("admin:bcsync_syncsettings_change",
                              args=[settings.pk])).content.decode()
    assert f'href="{reverse("bcsync:settings_home")}"' in page
    assert 'name="web_background_push"' not in page  # read-only here
    client.post(reverse("admin:bcsync_syncsettings_change", args=[settings.pk]),
                {"web_background_push": "on"})
    assert SyncSettings.load().web_background_push is False
    changelist = client.get(reverse("admin:bcsync_storeconnection_changelist"))
    assert f'href="{url(store)}"' in changelist.content.decode()


def test_a_store_hash_taken_by_another_connection_is_refused_by_name(dave, store):
    connection_upsert(store_hash="taken1", access_token=TOKEN, api_url=store.api_url,
                      description="Other shop")
    response = client_for(dave).post(url(store), connection_post(
        store, store_hash="taken1", access_token=TOKEN))
    assert response.status_code == 400
    assert "Store connection with this Store hash already exists." in response.content.decode()
    assert StoreConnection.objects.get(pk=store.pk).store_hash == "abc123"


def test_past_the_department_bound_the_rest_keep_their_mapping(dave, store, monkeypatch):
    from bcsync.settings_page import categories

    monkeypatch.setattr(categories, "MAX_DEPARTMENTS", 1)
    first = Department.objects.create(name="A first")
    last = Department.objects.create(name="Z last")
    DepartmentCategory.objects.create(connection=store, department=last, bc_category_ids=[5])
    client = client_for(dave)
    page = client.get(url(store)).content.decode()
    assert "The first 1 departments by name are shown here" in page
    assert f"categories-d{last.pk}" not in page
    assert client.post(url(store), {"section": "categories",
                                    f"categories-d{first.pk}": "7"}).status_code == 302
    assert dict(DepartmentCategory.objects.values_list("department__name", "bc_category_ids")
                ) == {"A first": [7], "Z last": [5]}
