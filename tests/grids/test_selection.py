"""A selection reaches the server as row ids, or as the filter itself when it is everything
the filter shows, and comes back as the QuerySet an action runs on."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from bcsync.pos_grids import PosItemsGrid
from grids.errors import GridParamError
from grids.selection import MAX_IDS, grid_selection
from tests.conftest import client_for
from tests.grids.catalog import ROWS, pos_catalog_make

pytestmark = pytest.mark.django_db

SELECTION = reverse("bcsync:pos_items_selection")
MUGS = [{"field": "name", "type": "like", "value": "*mug"}]


@pytest.fixture
def catalog(db):
    return pos_catalog_make()


def post(client, body, **extra):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(SELECTION, data, content_type="application/json", **extra)


def selected(user, selection) -> set[str]:
    rows = grid_selection(grid=PosItemsGrid(user=user, params={}), selection=selection)
    return set(rows.values_list("sku", flat=True))


def test_ids_select_those_rows(bob, catalog):
    ids = [catalog.items["TEE001"].pk, catalog.items["PEN002"].pk]
    assert selected(bob, {"ids": ids}) == {"TEE001", "PEN002"}
    assert post(client_for(bob), {"selection": {"ids": ids}}).json() == {"count": 2}


def test_everything_a_filter_shows_travels_as_the_filter(bob, catalog):
    assert selected(bob, {"all": True, "filter": MUGS}) == {"MUG001", "MUG002", "MUG003"}
    assert selected(bob, {"all": True, "filter": MUGS,
                          "except": [catalog.items["MUG002"].pk]}) == {"MUG001", "MUG003"}
    assert selected(bob, {"all": True}) == set(ROWS)
    answer = post(client_for(bob), {"selection": {"all": True, "filter": MUGS,
                                                  "except": [catalog.items["MUG002"].pk]}})
    assert answer.json() == {"count": 2}


def test_the_filter_is_applied_when_the_action_runs(bob, catalog):
    selection = {"all": True, "filter": MUGS}
    catalog.items["TEE003"].name = "Mug-shaped Tee"
    catalog.items["TEE003"].save()
    assert "TEE003" in selected(bob, selection)


def test_a_selection_reads_the_grids_own_parameters(bob, catalog):
    body = {"selection": {"ids": [catalog.items["TEE001"].pk]}, "params": {"store": "nope"}}
    response = post(client_for(bob), body)
    assert response.status_code == 400
    assert response.json()["param"] == "store"


@pytest.mark.parametrize(("selection", "param", "message"), [
    (None, "selection", "must be an object"),
    ([1, 2], "selection", "must be an object"),
    ({}, "selection.ids", "must be a list"),
    ({"ids": []}, "selection.ids", "selects no row"),
    ({"ids": "1,2"}, "selection.ids", "must be a list"),
    ({"ids": [1, "2"]}, "selection.ids[1]", "is not a row id"),
    ({"ids": [True]}, "selection.ids[0]", "is not a row id"),
    ({"ids": [0]}, "selection.ids[0]", "is not a row id"),
    ({"ids": [2**63]}, "selection.ids[0]", "is not a row id"),
    ({"ids": list(range(1, MAX_IDS + 2))}, "selection.ids", "at most 1000"),
    ({"ids": [1], "colour": "red"}, "selection.colour", "is not a selection field"),
    ({"ids": [1], "all": True}, "selection.ids", "cannot be given with all"),
    ({"ids": [1], "all": "yes"}, "selection.all", "true or false"),
    ({"ids": [1], "filter": MUGS}, "selection.filter", "only read with all"),
    ({"all": True, "filter": "mugs"}, "selection.filter", "must be a list of filters"),
    ({"all": True, "filter": [{"field": "stock", "type": "=", "value": "1"}]},
     "selection.filter[0][field]", "not a filterable column"),
    ({"all": True, "filter": [{"field": "price", "type": "like", "value": "lots"}]},
     "selection.filter[0][value]", "is not a number"),
    ({"all": True, "filter": [{"field": "price"}]}, "selection.filter[0]", "must give a field"),
    ({"all": True, "filter": ["price"]}, "selection.filter[0]", "must give a field"),
    ({"all": True, "except": "7"}, "selection.except", "must be a list"),
])
def test_bad_selections_are_refused_naming_the_field(bob, catalog, selection, param, message):
    with pytest.raises(GridParamError, match=message) as raised:
        selected(bob, selection)
    assert raised.value.param == param
    response = post(client_for(bob), {"selection": selection})
    assert response.status_code == 400
    assert response.json()["param"] == param


def test_a_body_that_is_not_json_is_refused(bob, catalog):
    response = post(client_for(bob), "ids=1")
    assert (response.status_code, response.json()["param"]) == (400, "body")


def test_the_selection_endpoint_needs_the_csrf_token(bob, catalog):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    assert post(client, {"selection": {"all": True}}).status_code == 403


def test_an_action_view_reads_the_selection_and_the_grids_parameters(bob, catalog, rf):
    from grids.views import selection_from_request

    body = {"selection": {"all": True, "filter": MUGS}, "params": {}}
    request = rf.post("/", json.dumps(body), content_type="application/json")
    request.user = bob
    grid, rows = selection_from_request(request, PosItemsGrid)
    assert isinstance(grid, PosItemsGrid)
    assert set(rows.values_list("sku", flat=True)) == {"MUG001", "MUG002", "MUG003"}
    request = rf.post("/", json.dumps({"selection": {"ids": [1]}, "params": []}),
                      content_type="application/json")
    request.user = bob
    with pytest.raises(GridParamError) as raised:
        selection_from_request(request, PosItemsGrid)
    assert raised.value.param == "params"
