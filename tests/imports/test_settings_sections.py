"""The Import and Initial dataset sections of the sync settings page."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from bcsync.imports.mappings import mapping_save_as
from bcsync.models import FieldMapping, ImportSettings, SyncEvent, SyncJob
from catalog.models import Department
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def url(connection) -> str:
    return reverse("bcsync:settings", args=[connection.pk])


def _form(**changes: str) -> dict[str, str]:
    data = {"section": "imports", "action": "save", "imports-item_number_source": "bc_sku",
            "imports-sequence_prefix": "", "imports-sequence_next": "1",
            "imports-skip_zero_quantity": "on"}
    data.update({f"imports-{k}": v for k, v in changes.items()})
    return data


def test_dave_saves_the_import_settings_and_mappings(dave, connection):
    dept = Department.objects.create(name="Web shop")
    mapping = mapping_save_as(kind=FieldMapping.Kind.CUSTOMER_IMPORT, name="Mine", rows=[
        {"sources": ["email"], "target": "email"}])
    client = client_for(dave)
    page = client.get(url(connection)).content.decode()
    assert 'id="settings-imports-save"' in page and "Automatic" in page
    assert 'id="settings-initial_dataset-initial_run"' in page
    response = client.post(url(connection), _form(
        item_number_source="sequence", sequence_prefix="W", sequence_next="500",
        default_department=str(dept.pk), customer_mapping=str(mapping.pk),
        skip_zero_quantity=""))
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = ImportSettings.objects.get(connection=connection)
    assert (saved.item_number_source, saved.sequence_prefix, saved.sequence_next) == (
        "sequence", "W", 500)
    assert saved.default_department == dept and saved.customer_mapping == mapping
    assert saved.skip_zero_quantity is False


def test_a_mapping_of_another_kind_and_a_bad_prefix_are_refused(dave, connection):
    other = mapping_save_as(kind=FieldMapping.Kind.ORDER_IMPORT, name="Orders", rows=[
        {"sources": ["staff_notes"], "target": "notes"}])
    response = client_for(dave).post(url(connection), _form(
        customer_mapping=str(other.pk), sequence_prefix="W-1"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice" in page and "Letters and digits only" in page


def test_bob_may_not_change_them(bob, connection):
    assert client_for(bob).post(url(connection), _form()).status_code == 403
    response = client_for(bob).post(url(connection), {"section": "initial_dataset",
                                                      "action": "initial_run"})
    assert response.status_code == 403


def test_the_initial_dataset_starts_once_and_dave_enables_it_again(dave, connection):
    client = client_for(dave)
    run = {"section": "initial_dataset", "action": "initial_run"}
    assert client.post(url(connection), run).status_code == 302
    assert SyncJob.objects.filter(kind="import", params__initial=True).count() == 1
    response = client.post(url(connection), run)
    assert any("a settings admin can enable it again" in m.message
               for m in get_messages(response.wsgi_request))
    assert SyncJob.objects.filter(kind="import").count() == 1
    page = client.get(url(connection)).content.decode()
    assert 'data-state="running"' in page
    client.post(url(connection), {"section": "initial_dataset", "action": "initial_reenable"})
    assert ImportSettings.objects.get(connection=connection).initial_state == "not_run"
    assert SyncEvent.objects.filter(label="Initial dataset", user=dave).exists()
