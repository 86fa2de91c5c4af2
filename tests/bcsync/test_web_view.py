"""The Web View over the LC's products: rows paged, sorted and filtered in the database,
linked status per store connection, bad parameters a 400 naming them; who may see it and
who may import; Import Now's confirmation summary (nothing imported by it)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bcsync.models import ItemSync, StoreConnection, SyncJob
from catalog.models import Item
from tests.bcsync.test_pos_view import configs
from tests.bcsync.web_lc import LINKED_SKU, PRODUCTS, web_lc_make
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

PAGE = reverse("bcsync:web_view")
ROWS = reverse("bcsync:web_products_rows")
VARIANT_ROWS = reverse("bcsync:web_product_variants_rows")
SUMMARY = reverse("bcsync:web_import_summary")
IMPORT = reverse("bcsync:web_import")


@pytest.fixture
def lc(db):
    return web_lc_make()


@pytest.fixture
def client(bob):
    return client_for(bob)


@pytest.fixture
def eve(db) -> User:
    return User.objects.create_user("eve", "eve@example.com", PASSWORD, is_staff=True)


def rows(client, **params):
    response = client.get(ROWS, params)
    assert response.status_code == 200, response.content
    return response.json()


def skus(body) -> list[str]:
    return [row["sku"] for row in body["data"]]


def sort(field, direction="asc", index=0):
    return {f"sort[{index}][field]": field, f"sort[{index}][dir]": direction}


def filt(field, value, type_="like", index=0):
    return {f"filter[{index}][field]": field, f"filter[{index}][type]": type_,
            f"filter[{index}][value]": value}


def post(client, url, selection, **params):
    return client.post(url, json.dumps({"selection": selection, "params": params}),
                       content_type="application/json")


# ---- rows ----------------------------------------------------------------------------------

def test_it_pages_the_stores_products_only(client, lc):
    body = rows(client, page="2", size="3")
    assert body["last_row"] == len(PRODUCTS)
    assert body["last_page"] == 3
    assert skus(body) == sorted(PRODUCTS)[3:6]
    assert "Elsewhere" not in {r["name"] for r in rows(client, size="50")["data"]}


def test_a_row_carries_link_status_key_fields_stock_and_category_names(client, lc):
    by_sku = {r["sku"]: r for r in rows(client, size="50")["data"]}
    tee = by_sku[LINKED_SKU]
    assert (tee["linked"], tee["importable"], tee["pos_item"]) == (True, False, "TEE001")
    assert tee["categories"] == "Shirts, Summer"
    assert (tee["brand"], tee["price"], tee["cost_price"], tee["inventory_level"]) == (
        "Acme", "19.99", "7.50", 12)
    mug = by_sku["MUG-001"]
    assert (mug["linked"], mug["importable"], mug["pos_item"]) == (False, True, None)
    assert (mug["brand"], mug["is_visible"], mug["upc"]) == ("Potter", True, "4006381333931")
    assert by_sku["BAG-001"]["categories"] == "#99"  # not in the LC (yet): its id
    assert by_sku["CAP-001"]["categories"] == "" and by_sku["CAP-001"]["brand"] is None
    assert by_sku[""]["name"] == "Gift card (no SKU)"


def test_linked_is_per_store_connection(client, lc):
    other = StoreConnection.objects.create(store_hash="other", access_token="t",
                                           description="Other shop")
    ItemSync.objects.filter(connection=lc.connection).update(bc_product_id=None, linked_by="")
    # The other store's product 100 is linked; this store's product 100 is not.
    ItemSync.objects.create(connection=other, item=lc.item,
                            bc_product_id=lc.products[LINKED_SKU].bc_id,
                            linked_by=ItemSync.LinkedBy.SKU)
    assert not any(r["linked"] for r in rows(client, store="shop1", size="50")["data"])
    assert [r["linked"] for r in rows(client, store="other")["data"]] == [True]


@pytest.mark.parametrize(("params", "expected"), [
    (filt("sku", "mug"), ["MUG-001", "MUG-002"]),
    (filt("name", "organic t"), ["TEE-001", "TEE-002"]),
    (filt("name", "Été h"), ["ÉTÉ-01"]),  # SQLite folds ASCII case only
    (filt("upc", "0123"), ["TEE-001"]),
    (filt("price", ">=20"), ["TEE-002", "ÉTÉ-01"]),
    (filt("cost_price", "<5"), ["BAG-001", "MUG-002"]),
    (filt("inventory_level", "0", "="), ["TEE-002"]),
    (filt("is_visible", "false", "="), ["MUG-002"]),
    (filt("brand", "2", "="), ["MUG-001", "MUG-002"]),
    (filt("brand", "none", "="), ["", "BAG-001", "CAP-001"]),
    (filt("bc_id", "103", "="), ["MUG-002"]),
])
def test_it_filters(client, lc, params, expected):
    assert sorted(skus(rows(client, size="50", **params))) == sorted(expected)


def test_it_sorts_with_ties_on_the_primary_key(client, lc):
    assert skus(rows(client, size="3", **sort("price", "desc"))) == [
        "ÉTÉ-01", "TEE-002", "TEE-001"]
    by_date = skus(rows(client, size="50", **sort("date_modified")))
    assert by_date == list(reversed(list(PRODUCTS)))


def test_the_variants_grid_shows_the_products_variants(client, lc):
    tee = lc.products[LINKED_SKU]
    body = client.get(VARIANT_ROWS, {"product": str(tee.pk)}).json()
    assert [(r["sku"], r["option_label"], r["price"], r["inventory_level"])
            for r in body["data"]] == [("TEE-001-L", "Size: L", "21.00", 4),
                                       ("TEE-001-M", "Size: M", None, 4),
                                       ("TEE-001-S", "Size: S", None, 4)]


@pytest.mark.parametrize(("url", "params", "param", "message"), [
    (ROWS, sort("categories"), "sort[0][field]", "'categories' is not a sortable column"),
    (ROWS, sort("linked"), "sort[0][field]", "'linked' is not a sortable column"),
    (ROWS, filt("linked", "true", "="), "filter[0][field]", "not a filterable column"),
    (ROWS, filt("price", "cheap", "="), "filter[0][value]", "is not a number"),
    (ROWS, filt("brand", "Acme", "="), "filter[0][value]", "is not a record id"),
    (ROWS, {"store": "nope"}, "store", "no store connection 'nope'"),
    (VARIANT_ROWS, {}, "product", "is required"),
    (VARIANT_ROWS, {"product": "x1"}, "product", "is not a product id"),
    (VARIANT_ROWS, {"product": "999999"}, "product", "no LC product with id 999999"),
])
def test_bad_parameters_are_a_400_naming_them(client, lc, url, params, param, message):
    response = client.get(url, params)
    assert response.status_code == 400
    body = response.json()
    assert body["param"] == param
    assert message in body["error"]


KEYS = st.sampled_from(["page", "size", "store", "sort[0][field]", "sort[0][dir]",
                        "filter[0][field]", "filter[0][type]", "filter[0][value]",
                        "filter[0][value][0]", "filter[1][field]", "filter[1][value]"])
VALUES = st.one_of(
    st.sampled_from(["", "1", "0", "-1", "asc", "desc", "like", "=", "in", ">=", "sku", "name",
                     "price", "brand", "categories", "linked", "importable", "is_visible",
                     "date_modified", "bc_id", "inventory_level", "none", "true", "5..2",
                     "2026-02-30", "shop1", ">1e9"]),
    st.text(max_size=30),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(KEYS, VALUES, max_size=6))
def test_no_combination_of_parameters_is_a_server_error(client, lc, params):
    response = client.get(ROWS, params)
    assert response.status_code in (200, 400), (params, response.content[:300])
    if response.status_code == 400 and response["Content-Type"] == "application/json":
        assert response.json()["param"]
    elif response.status_code == 400:  # settings/middleware.py refuses a NUL, as text
        assert b"NUL" in response.content


# ---- who may see it, who may import ----------------------------------------------------------

@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave"])
def test_every_role_sees_the_page_and_only_importers_get_import(persona, request, lc):
    client = client_for(request.getfixturevalue(persona))
    page = client.get(PAGE)
    assert page.status_code == 200
    found = configs(page)
    assert set(found) == {"web-products-config", "web-product-variants-config"}
    actions = {a["id"] for a in found["web-products-config"]["actions"]}
    assert ("import" in actions) == (persona == "alice")
    assert client.get(ROWS).json()["last_row"] == len(PRODUCTS)
    assert 'href="/web/"' in page.content.decode()  # the nav link
    assert 'href="/web/"' in client.get(reverse("admin:index")).content.decode()


def test_an_operator_who_may_add_items_may_import(bob, lc):
    from django.contrib.auth.models import Permission
    bob.user_permissions.add(Permission.objects.get(codename="add_item"))
    response = post(client_for(User.objects.get(pk=bob.pk)), SUMMARY, {"ids": [1]})
    assert response.status_code != 403


def test_staff_without_the_permission_get_403(eve, lc):
    client = client_for(eve)
    assert client.get(PAGE).status_code == 403
    assert client.get(ROWS).status_code == 403
    assert client.get(reverse("bcsync:web_jobs")).status_code == 403
    assert 'href="/web/"' not in client.get(reverse("bcsync:lc_panel")).content.decode()
    assert 'href="/web/"' not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("persona", ["bob", "carol", "dave", "eve"])
def test_only_importers_may_ask_for_a_summary_or_import(persona, request, lc):
    client = client_for(request.getfixturevalue(persona))
    mug = lc.products["MUG-001"]
    for url in (SUMMARY, IMPORT):
        response = post(client, url, {"ids": [mug.pk]})
        assert response.status_code == 403
        assert "needs the sync operator role" in response.json()["error"]
    assert not Item.objects.filter(name="Mug").exists()


# ---- Import Now's confirmation ----------------------------------------------------------------

def test_the_summary_counts_the_selection_and_imports_nothing(alice, lc):
    client = client_for(alice)
    ids = [lc.products[s].pk for s in ("MUG-001", "MUG-002", LINKED_SKU)]
    response = post(client, SUMMARY, {"ids": ids}, store="shop1")
    assert response.status_code == 200, response.content
    confirm = response.json()["confirm"]
    assert (confirm["products"], confirm["linked"], confirm["new"], confirm["mapping"]) == (
        3, 1, 2, "Automatic")
    assert confirm["text"] == ("Import 3 products from Web shop with the Automatic mapping: "
                               "2 new, 1 already linked (kept linked, not imported again).")
    assert confirm["url"] == IMPORT
    assert confirm["request"] == {"selection": {"ids": ids}, "params": {"store": "shop1"}}
    assert Item.objects.count() == 1 and not SyncJob.objects.exists()


def test_the_summary_of_everything_a_filter_shows(alice, lc):
    response = post(client_for(alice), SUMMARY,
                    {"all": True, "filter": [{"field": "sku", "type": "like", "value": "tee"}],
                     "except": []})
    assert response.json()["confirm"]["text"] == (
        "Import 2 products from Web shop with the Automatic mapping: 1 new, 1 already linked "
        "(kept linked, not imported again).")


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"ids": []}, 400, "selects no row"),
    ({"ids": ["x"]}, 400, "selection"),
    ({"colour": 1}, 400, "selection"),
])
def test_a_bad_selection_is_a_400(alice, lc, body, status, message):
    response = post(client_for(alice), SUMMARY, body)
    assert response.status_code == status
    assert message in response.json()["error"]


def test_a_switched_off_store_gets_no_import(alice, lc):
    lc.connection.is_active = False
    lc.connection.save()
    response = post(client_for(alice), SUMMARY, {"ids": [lc.products["MUG-001"].pk]})
    assert response.status_code == 400
    assert "switched off" in response.json()["error"]


# ---- links -------------------------------------------------------------------------------------

def test_a_linked_product_opens_its_pos_item_and_any_product_bigcommerce(client, lc):
    tee, mug = lc.products[LINKED_SKU], lc.products["MUG-001"]
    response = client.get(reverse("bcsync:web_pos_item", args=[tee.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:catalog_item_change", args=[lc.item.pk])
    assert client.get(reverse("bcsync:web_pos_item", args=[mug.pk])).status_code == 404
    response = client.get(reverse("bcsync:web_open_in_bigcommerce", args=[mug.pk]))
    assert response["Location"] == (
        f"https://store-shop1.mybigcommerce.com/manage/products/{mug.bc_id}/edit")
