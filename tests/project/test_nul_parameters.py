"""A NUL character in any query parameter is a 400 that names it, never a 500 (PostgreSQL
refuses queries carrying NUL; SQLite would search for it); a form refuses it on its field."""

from __future__ import annotations

import pytest


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "params", "name"), [
    ("/pos/items/rows/", {"store": "a\x00b"}, "store"),
    ("/pos/items/rows/", {"filter[0][field]": "name", "filter[0][type]": "like",
                          "filter[0][value]": "\x00"}, "filter[0][value]"),
    ("/admin/catalog/item/", {"q": "mug\x00"}, "q"),
    ("/admin/catalog/item/", {"sku\x00": "1"}, "sku\\x00"),
])
def test_nul_in_a_query_parameter_is_refused(admin_client, path, params, name):
    response = admin_client.get(path, params)
    assert response.status_code == 400
    body = response.json()
    assert body["param"] == name
    assert "must not contain a NUL" in body["error"]


@pytest.mark.django_db
def test_nul_in_a_form_field_is_an_error_on_that_field(admin_client):
    response = admin_client.post("/admin/catalog/department/add/", {"name": "Toys\x00"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()


@pytest.mark.django_db
def test_ordinary_parameters_pass(admin_client):
    assert admin_client.get("/admin/catalog/item/", {"q": "mug"}).status_code == 200
