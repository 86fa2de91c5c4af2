"""The POS View page and its two grids as each persona sees them: every staff role with view
permission on items sees it, others get 403; stock is the store's location's; the details
grid shows the selected item's variants with their options, prices and stock per location."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from bcsync.models import StoreConnection
from tests.conftest import PASSWORD, client_for
from tests.grids.catalog import pos_catalog_make

pytestmark = pytest.mark.django_db

PAGE = reverse("bcsync:pos_view")
ITEM_ROWS = reverse("bcsync:pos_items_rows")
DETAIL_ROWS = reverse("bcsync:pos_item_details_rows")
ENDPOINTS = [ITEM_ROWS, reverse("bcsync:pos_items_layout"),
             reverse("bcsync:pos_item_details_layout")]


@pytest.fixture
def catalog(db):
    return pos_catalog_make()


@pytest.fixture
def eve(db) -> User:
    """Staff, but in no role: may log into the admin and see nothing of the catalog."""
    return User.objects.create_user("eve", "eve@example.com", PASSWORD, is_staff=True)


class _Configs(HTMLParser):
    """The grids' JSON configs (json_script) on a page, by element id."""

    def __init__(self) -> None:
        super().__init__()
        self.configs: dict[str, dict] = {}
        self._current: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/json":
            self._current = attrs["id"]

    def handle_data(self, data):
        if self._current:
            self.configs[self._current] = json.loads(data)
            self._current = None


def configs(response) -> dict[str, dict]:
    parser = _Configs()
    parser.feed(response.content.decode())
    return parser.configs


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave"])
def test_every_role_that_may_view_items_sees_the_page_and_its_rows(persona, request, catalog):
    client = client_for(request.getfixturevalue(persona))
    page = client.get(PAGE)
    assert page.status_code == 200
    assert set(configs(page)) == {"pos-items-config", "pos-item-details-config"}
    assert client.get(ITEM_ROWS).json()["last_row"] == 12


def test_staff_without_the_permission_get_403_everywhere(eve, catalog):
    client = client_for(eve)
    assert client.get(PAGE).status_code == 403
    for url in ENDPOINTS:
        response = client.get(url)
        assert response.status_code == 403
        assert "may not view this grid" in response.json()["error"]
    response = client.post(reverse("bcsync:pos_items_selection"),
                           json.dumps({"selection": {"all": True}}),
                           content_type="application/json")
    assert response.status_code == 403


def test_nobody_logged_in_is_sent_to_the_login_and_the_endpoints_answer_403(catalog):
    client = Client()
    page = client.get(PAGE)
    assert page.status_code == 302 and "/admin/login/" in page["Location"]
    for url in ENDPOINTS:
        assert client.get(url).status_code == 403


def test_a_user_who_is_not_staff_gets_no_rows_even_with_the_permission(catalog):
    from django.contrib.auth.models import Permission

    shopper = User.objects.create_user("frank", "f@example.com", PASSWORD)
    shopper.user_permissions.add(Permission.objects.get(codename="view_item"))
    assert client_for(shopper).get(ITEM_ROWS).status_code == 403


def test_editors_get_an_edit_button_and_viewers_a_view_button(carol, bob, catalog):
    carol_config = configs(client_for(carol).get(PAGE))["pos-items-config"]
    bob_config = configs(client_for(bob).get(PAGE))["pos-items-config"]
    assert [(a["id"], a["label"]) for a in carol_config["actions"]] == [("edit", "Edit")]
    assert [(a["id"], a["label"]) for a in bob_config["actions"]] == [("open", "View")]
    item = catalog.items["TEE001"]
    url = carol_config["actions"][0]["url"].replace("{id}", str(item.pk))
    assert url == reverse("admin:catalog_item_change", args=[item.pk])
    assert client_for(carol).get(url).status_code == 200


def test_the_page_carries_each_grid_its_columns_layout_and_endpoints(bob, catalog):
    config = configs(client_for(bob).get(PAGE))["pos-items-config"]
    assert config["key"] == "pos.items"
    assert config["urls"]["rows"] == ITEM_ROWS
    assert config["selectable"] is True
    assert [c["id"] for c in config["layout"]] == [c["id"] for c in config["columns"]]
    by_id = {c["id"]: c for c in config["columns"]}
    assert by_id["department"]["filter"]["values"] == [
        {"value": str(catalog.departments[n].pk), "label": n} for n in ("Apparel", "Home")]
    assert by_id["stock"]["sortable"] is False and by_id["stock"]["filter"] is None
    assert by_id["sku"]["hideable"] is False
    assert config["csrf_token"]


def test_stock_is_at_the_stores_location_when_it_has_one(bob, catalog):
    StoreConnection.objects.create(store_hash="shop1", access_token="t", description="Web",
                                   pos_location=catalog.store)
    client = client_for(bob)
    config = configs(client.get(PAGE))["pos-items-config"]
    assert config["params"] == {"store": "shop1"}
    assert {c["id"]: c["title"] for c in config["columns"]}["stock"] == "Stock at STORE1"
    body = client.get(ITEM_ROWS, {"store": "shop1", "size": "50"}).json()
    stock = {row["sku"]: row["stock"] for row in body["data"]}
    assert (stock["TEE001"], stock["MUG001"]) == (9, 4)
    assert "Stock is shown at STORE1" in client.get(PAGE).content.decode()


def test_the_details_of_an_item_with_variants_are_its_variants(bob, catalog):
    tee = catalog.items["TEE001"]
    body = client_for(bob).get(DETAIL_ROWS, {"item": tee.pk}).json()
    store, warehouse = f"loc_{catalog.store.pk}", f"loc_{catalog.warehouse.pk}"
    rows = {row["sku"]: row for row in body["data"]}
    assert list(rows) == ["TEE001L", "TEE001M", "TEE001S"]
    assert rows["TEE001L"]["options"] == {"Size": "L", "Colour": "Red"}
    assert (rows["TEE001L"]["price_mode"], rows["TEE001L"]["price"]) == ("Change from item",
                                                                         "21.99")
    assert (rows["TEE001M"]["price_mode"], rows["TEE001M"]["price"]) == ("Same as item",
                                                                         "19.99")
    assert rows["TEE001S"]["price"] == "17.00"
    assert (rows["TEE001S"][store], rows["TEE001S"][warehouse]) == (3, 10)
    assert (rows["TEE001S"]["on_hand"], rows["TEE001S"]["reserved"]) == (13, 1)


def test_an_item_without_variants_shows_as_one_row_of_its_own(bob, catalog):
    mug = catalog.items["MUG001"]
    body = client_for(bob).get(DETAIL_ROWS, {"item": mug.pk}).json()
    [row] = body["data"]
    assert (row["sku"], row["price"], row["barcode"]) == ("MUG001", "12.50", mug.upc)
    assert (row[f"loc_{catalog.store.pk}"], row[f"loc_{catalog.warehouse.pk}"]) == (4, 20)


@pytest.mark.parametrize(("params", "message"), [
    ({}, "item: is required"),
    ({"item": "abc"}, "'abc' is not an item id"),
    ({"item": "999999"}, "there is no item with id 999999"),
])
def test_the_details_grid_needs_an_existing_item(bob, catalog, params, message):
    response = client_for(bob).get(DETAIL_ROWS, params)
    assert response.status_code == 400
    assert response.json()["param"] == "item"
    assert message in response.json()["error"]


def test_the_admin_index_and_the_lc_panel_link_to_the_pos_view(bob, eve):
    for url in (reverse("admin:index"), reverse("bcsync:lc_panel")):
        assert f'href="{PAGE}"' in client_for(bob).get(url).content.decode()
    assert f'href="{PAGE}"' not in client_for(eve).get(reverse("admin:index")).content.decode()
