"""Who may do what with the sales records: the catalog editor keeps them, the sync operator
and the settings admin see them."""

import pytest
from django.contrib.auth.models import Permission

from bcsync.roles import ROLE_PERMISSIONS
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SALES = ["customer", "customeraddress", "customercontact", "pricelevel", "pricelevelprice",
         "carrier", "salesorder", "salesorderaddress", "salesorderline", "transaction",
         "transactionline"]
VERBS = ["add", "change", "delete", "view"]


def test_every_permission_a_role_names_exists():
    # roles_ensure skips names it cannot find; a misspelt one would grant nothing, silently.
    existing = {f"{app}.{codename}" for app, codename in
                Permission.objects.values_list("content_type__app_label", "codename")}
    for role, names in ROLE_PERMISSIONS.items():
        assert set(names) <= existing, (role, sorted(set(names) - existing))


def test_a_catalog_editor_keeps_customers_price_levels_carriers_and_units(carol):
    for model in SALES:
        for verb in VERBS:
            assert carol.has_perm(f"orders.{verb}_{model}"), (verb, model)
    for verb in VERBS:
        assert carol.has_perm(f"catalog.{verb}_unitofmeasure")


@pytest.mark.parametrize("persona", ["bob", "dave"])
def test_the_sync_operator_and_the_settings_admin_only_see_them(request, persona):
    user = request.getfixturevalue(persona)
    for model in SALES:
        assert user.has_perm(f"orders.view_{model}")
        for verb in ("add", "change", "delete"):
            assert not user.has_perm(f"orders.{verb}_{model}"), (persona, verb, model)
    assert user.has_perm("catalog.view_unitofmeasure")
    assert not user.has_perm("catalog.change_unitofmeasure")


@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
def test_everyone_who_sees_stock_reads_its_movements_and_nobody_edits_them(request, persona):
    user = request.getfixturevalue(persona)
    assert user.has_perm("catalog.view_stockmovement")
    for verb in ("add", "change", "delete"):
        assert not user.has_perm(f"catalog.{verb}_stockmovement"), (persona, verb)


@pytest.mark.parametrize("persona", ["bob", "dave"])
def test_who_runs_or_sets_up_the_sync_reads_its_order_and_stock_history(request, persona):
    user = request.getfixturevalue(persona)
    for model in ("orderimport", "orderrefundapplied", "endofdayrun"):
        assert user.has_perm(f"bcsync.view_{model}"), model
        assert not user.has_perm(f"bcsync.change_{model}"), model
    response = client_for(user).get("/admin/bcsync/orderimport/")
    assert response.status_code == 200
