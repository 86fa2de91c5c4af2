"""Named mappings in the admin: Save As, unknown fields refused with the field named."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from bcsync.models import FieldMapping
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _post(client, url, **fields):
    data = {"name": "Mine", "kind": "customer_import",
            "rows": json.dumps([{"sources": ["first_name", "last_name"], "target": "name",
                                 "separator": " "}]), **fields}
    return client.post(url, data)


def test_dave_saves_a_mapping_then_saves_it_as_another(dave):
    client = client_for(dave)
    add = reverse("admin:bcsync_fieldmapping_add")
    page = client.get(add).content.decode()
    assert "Automatic (built in)" in page
    assert _post(client, add).status_code == 302
    mine = FieldMapping.objects.get(name="Mine")
    change = reverse("admin:bcsync_fieldmapping_change", args=[mine.pk])
    response = _post(client, change, name="Mine too", _saveasnew="Save as new")
    assert response.status_code == 302
    assert set(FieldMapping.objects.values_list("name", flat=True)) == {"Mine", "Mine too"}


def test_an_unknown_field_or_the_automatic_name_is_refused(dave):
    client = client_for(dave)
    add = reverse("admin:bcsync_fieldmapping_add")
    response = _post(client, add, rows=json.dumps([{"sources": ["shoe_size"],
                                                    "target": "name"}]))
    assert response.status_code == 200
    assert "no source field &#x27;shoe_size&#x27;" in response.content.decode()
    response = _post(client, add, name="Automatic")
    assert "Automatic is built in" in response.content.decode()
    assert not FieldMapping.objects.exists()
