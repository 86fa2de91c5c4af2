"""Every admin page loads, search finds items by SKU / name / UPC, and roles limit what is seen."""

import pytest
from django.contrib import admin
from django.urls import reverse

from catalog.demo import demo_catalog_load, demo_catalog_remove
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

REGISTERED = [
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo catalog, loaded once for the module (it takes seconds) and removed after."""
    with django_db_blocker.unblock():
        demo_catalog_load()
        yield
        demo_catalog_remove()


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_changelist_add_and_change_pages_load(alice, demo, app_label, model_name):
    client = client_for(alice)
    changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "DEMO"}).status_code == 200
    model_cls = next(m for m in admin.site._registry
                     if (m._meta.app_label, m._meta.model_name) == (app_label, model_name))
    if admin.site._registry[model_cls].has_add_permission(_request(alice)):
        assert client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 200
    obj = model_cls._default_manager.first()
    if obj is not None:
        url = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
        assert client.get(url).status_code == 200


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize("term", ["DEMO0042", "Heritage", "400000000042"])
def test_item_search_by_sku_name_and_upc(alice, demo, term):
    response = client_for(alice).get(reverse("admin:catalog_item_changelist"), {"q": term})
    assert response.status_code == 200
    assert "DEMO0042" in response.content.decode()


def test_item_search_finds_the_item_of_a_variant_sku(alice, demo):
    response = client_for(alice).get(reverse("admin:catalog_item_changelist"),
                                     {"q": "DEMO0042RM"})
    assert response.context["cl"].result_count == 1


def test_a_catalog_editor_may_edit_items_but_not_sync_settings(carol, item):
    client = client_for(carol)
    assert client.get(reverse("admin:catalog_item_change", args=[item.pk])).status_code == 200
    assert client.get(reverse("admin:bcsync_syncsettings_changelist")).status_code == 403


def test_a_sync_operator_sees_items_read_only(bob, item):
    client = client_for(bob)
    response = client.get(reverse("admin:catalog_item_change", args=[item.pk]))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert bob.has_perm("bcsync.run_sync")
    assert not bob.has_perm("catalog.change_item")


def test_a_settings_admin_may_change_schedules(dave):
    assert dave.has_perm("django_celery_beat.change_periodictask")
    assert dave.has_perm("bcsync.change_syncsettings")
    assert not dave.has_perm("bcsync.run_sync")
    response = client_for(dave).get(reverse("admin:django_celery_beat_periodictask_changelist"))
    assert response.status_code == 200


def test_on_hand_column_is_not_multiplied_by_a_variant_search(alice, demo):
    from catalog.models import Item, StockLevel

    item = Item.objects.get(sku="DEMO0042")
    expected = sum(StockLevel.objects.filter(item=item).values_list("on_hand", flat=True))
    response = client_for(alice).get(reverse("admin:catalog_item_changelist"), {"q": "DEMO0042"})
    [row] = response.context["cl"].result_list
    assert row._on_hand == expected
