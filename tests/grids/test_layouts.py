"""Each user's columns per grid, kept on the server: read, saved (checked against the grid's
columns, bounded, typed), reset; one user's layout never touches another's, and the POS
View's top and bottom grids keep theirs apart."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from bcsync.pos_grids import PosItemsGrid
from grids.columns import Column
from grids.errors import GridParamError
from grids.layouts import layout_get, layout_save
from grids.models import GridLayout
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ITEMS = reverse("bcsync:pos_items_layout")
DETAILS = reverse("bcsync:pos_item_details_layout")
DEFAULT_ORDER = ["sku", "name", "department", "vendor", "brand", "price", "cost_price", "upc",
                 "bin_number", "ecommerce_enabled", "stock", "updated_at"]


def put(client, url, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.put(url, data, content_type="application/json", **extra)


def ids(answer) -> list[str]:
    return [c["id"] for c in answer["columns"]]


def hidden(answer) -> list[str]:
    return [c["id"] for c in answer["columns"] if not c["visible"]]


def test_a_user_without_a_layout_gets_the_grids_defaults(bob):
    answer = client_for(bob).get(ITEMS).json()
    assert answer["grid"] == "pos.items"
    assert ids(answer) == DEFAULT_ORDER
    assert hidden(answer) == []


def test_a_saved_layout_is_read_back_in_its_order_with_its_choices(bob):
    client = client_for(bob)
    layout = [{"id": "price", "visible": True, "width": 90}, {"id": "sku", "visible": True},
              {"id": "brand", "visible": False, "width": None}]
    response = put(client, ITEMS, {"columns": layout})
    assert response.status_code == 200
    answer = client.get(ITEMS).json()
    # Columns the layout does not list follow the column they follow by default.
    assert ids(answer) == ["price", "cost_price", "upc", "bin_number", "ecommerce_enabled",
                           "stock", "updated_at", "sku", "name", "department", "vendor", "brand"]
    assert hidden(answer) == ["brand"]
    assert answer["columns"][0] == {"id": "price", "visible": True, "width": 90}
    assert response.json() == answer


def test_layouts_are_per_user(bob, carol):
    put(client_for(bob), ITEMS, {"columns": [{"id": "name", "visible": False}]})
    assert hidden(client_for(carol).get(ITEMS).json()) == []
    put(client_for(carol), ITEMS, {"columns": [{"id": "upc", "visible": False}]})
    assert hidden(client_for(bob).get(ITEMS).json()) == ["name"]
    assert hidden(client_for(carol).get(ITEMS).json()) == ["upc"]
    assert GridLayout.objects.count() == 2


def test_the_top_and_bottom_grids_keep_their_layouts_apart(bob):
    client = client_for(bob)
    put(client, DETAILS, {"columns": [{"id": "barcode", "visible": False}]})
    assert hidden(client.get(ITEMS).json()) == []
    put(client, ITEMS, {"columns": [{"id": "name", "visible": False}]})
    assert hidden(client.get(DETAILS).json()) == ["barcode", "image_url", "reserved"]
    assert hidden(client.get(ITEMS).json()) == ["name"]
    assert {layout.grid_key for layout in GridLayout.objects.all()} == {"pos.items",
                                                                       "pos.item_details"}


def test_reset_goes_back_to_the_defaults(bob):
    client = client_for(bob)
    put(client, ITEMS, {"columns": [{"id": "name", "visible": False}]})
    answer = client.delete(ITEMS).json()
    assert ids(answer) == DEFAULT_ORDER and hidden(answer) == []
    assert not GridLayout.objects.exists()


@pytest.mark.parametrize(("body", "param", "message"), [
    ("{", "body", "not valid JSON"),
    ("[]", "body", 'must be {"columns": [...]}'),
    ({"columns": [], "extra": 1}, "body", 'must be {"columns": [...]}'),
    ({"columns": []}, "columns", "must list 1 to 12 columns"),
    ({"columns": "sku"}, "columns", "must list 1 to 12 columns"),
    ({"columns": [{"id": "sku"}] * 13}, "columns", "must list 1 to 12 columns"),
    ({"columns": ["sku"]}, "columns[0]", "must be {id, visible, width}"),
    ({"columns": [{"visible": True}]}, "columns[0]", "must be {id, visible, width}"),
    ({"columns": [{"id": "sku", "colour": "red"}]}, "columns[0]", "must be {id, visible"),
    ({"columns": [{"id": "secret"}]}, "columns[0].id", "'secret' is not a column"),
    ({"columns": [{"id": 5}]}, "columns[0].id", "is not a column"),
    ({"columns": [{"id": "barcode"}]}, "columns[0].id", "is not a column"),  # the other grid's
    ({"columns": [{"id": "name"}, {"id": "name"}]}, "columns[1].id", "listed twice"),
    ({"columns": [{"id": "name", "visible": "no"}]}, "columns[0].visible", "true or false"),
    ({"columns": [{"id": "sku", "visible": False}]}, "columns[0].visible", "cannot be hidden"),
    ({"columns": [{"id": "name", "width": 5}]}, "columns[0].width", "from 20 to 2000"),
    ({"columns": [{"id": "name", "width": 99999}]}, "columns[0].width", "from 20 to 2000"),
    ({"columns": [{"id": "name", "width": "wide"}]}, "columns[0].width", "from 20 to 2000"),
    ({"columns": [{"id": "name", "width": True}]}, "columns[0].width", "from 20 to 2000"),
    ({"columns": [{"id": "name", "width": 120.5}]}, "columns[0].width", "from 20 to 2000"),
])
def test_bad_layouts_are_refused_naming_the_field_and_nothing_is_saved(bob, body, param,
                                                                        message):
    client = client_for(bob)
    put(client, ITEMS, {"columns": [{"id": "upc", "visible": False}]})
    response = put(client, ITEMS, body)
    assert response.status_code == 400
    assert response.json()["param"] == param
    assert message in response.json()["error"]
    assert hidden(client.get(ITEMS).json()) == ["upc"]


class _OneColumnGrid(PosItemsGrid):
    key = "test.one_column"

    def get_columns(self):
        return [Column("name", "Name")]


def test_a_layout_must_leave_a_column_visible(bob):
    every_but_sku = [{"id": c, "visible": c == "sku"} for c in DEFAULT_ORDER]
    assert put(client_for(bob), ITEMS, {"columns": every_but_sku}).status_code == 200
    with pytest.raises(GridParamError, match="at least one column must stay visible"):
        layout_save(user=bob, grid=_OneColumnGrid(user=bob, params={}),
                    data={"columns": [{"id": "name", "visible": False}]})
    assert not GridLayout.objects.filter(grid_key="test.one_column").exists()


def test_a_body_larger_than_the_bound_is_refused_before_it_is_read(bob):
    valid = json.dumps({"columns": [{"id": "name", "visible": False}]})
    response = put(client_for(bob), ITEMS, valid + " " * (64 * 1024))
    assert response.status_code == 400
    assert response.json() == {"error": "body: is larger than 65536 bytes.", "param": "body"}
    assert not GridLayout.objects.exists()


def test_saving_needs_the_csrf_token(bob):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    body = {"columns": [{"id": "name", "visible": False}]}
    assert put(client, ITEMS, body).status_code == 403
    assert client.delete(ITEMS).status_code == 403
    assert not GridLayout.objects.exists()
    client.get(reverse("bcsync:pos_view"))  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert put(client, ITEMS, body, HTTP_X_CSRFTOKEN=token).status_code == 200
    assert GridLayout.objects.count() == 1


class _GrownGrid(PosItemsGrid):
    """The POS grid after a later change: a column gone, two new ones."""

    def get_columns(self):
        columns = [c for c in super().get_columns() if c.id != "upc"]
        at = [c.id for c in columns].index("price") + 1
        columns.insert(at, Column("link", "Linked", kind="bool"))
        columns.insert(0, Column("flag", "Flag", visible=False))
        return columns


def test_columns_a_grid_gains_later_appear_at_their_default_place(bob):
    layout_save(user=bob, grid=PosItemsGrid(user=bob, params={}),
                data={"columns": [{"id": "price", "visible": True},
                                  {"id": "upc", "visible": False},
                                  {"id": "name", "visible": False}]})
    layout = layout_get(user=bob, grid=_GrownGrid(user=bob, params={}))
    order = [c.id for c in layout]
    assert "upc" not in order
    # Each new or unsaved column follows the column it follows by default.
    assert order[:5] == ["flag", "sku", "price", "link", "cost_price"]
    assert {c.id: c.visible for c in layout}["flag"] is False
    assert {c.id: c.visible for c in layout}["name"] is False


def test_a_stored_layout_with_stale_entries_is_read_without_them(bob):
    GridLayout.objects.create(user=bob, grid_key="pos.items", columns=[
        {"id": "gone"}, "junk", {"id": "name", "visible": False, "width": "x"},
        {"id": "name", "visible": True}])
    answer = client_for(bob).get(ITEMS).json()
    assert ids(answer)[:2] == ["sku", "name"]
    assert answer["columns"][1] == {"id": "name", "visible": False, "width": None}
