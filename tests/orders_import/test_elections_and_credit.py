"""Elections and credit, through the real import against the emulator: a line whose SKU
fits several POS items or variants takes the one the rule chooses and raises an Election
naming the order, the SKU, the candidates and the choice; an order that takes a customer
buying on account over their credit limit raises a Warning."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bcsync.models import CustomerSync, ItemSync, Notification
from bcsync.orders.importing import IMPORTED, BatchCache, order_import
from catalog.models import Item, Variant
from orders.models import Customer, SalesOrder

from .conftest import into_lc, on_hand, place

pytestmark = [pytest.mark.emulator, pytest.mark.django_db]


def twin(items: dict[str, Item], sku: str = "DEMO0001", **fields: object) -> Item:
    """Another POS item holding `sku` as its product number (the web SKU it sells under)."""
    model = items[sku]
    return Item.objects.create(sku=f"TWIN{Item.objects.count()}", name="Twin",
                               product_number=sku, department=model.department,
                               vendor=model.vendor, **fields)


def imported(store, connection, client, quantity: int = 1) -> SalesOrder:
    oid = place(store, [{"product_id": 1, "quantity": quantity}])  # product 1: DEMO0001
    into_lc(connection, client, oid)
    result = order_import(connection=connection, bc_order_id=oid, client=client)
    assert result.outcome == IMPORTED, result.line()
    return SalesOrder.objects.get(source_store_hash=connection.store_hash, bc_order_id=oid)


def test_a_sku_fitting_two_items_takes_the_exact_one_and_raises_an_election(
        store, connection, client, items, shop):
    other = twin(items)

    order = imported(store, connection, client)

    line = order.lines.get()
    assert line.item == items["DEMO0001"] and not line.unmatched
    assert on_hand(items["DEMO0001"], shop) == -1 and on_hand(other, shop) == 0
    election = Notification.objects.get(kind=Notification.Kind.ELECTION)
    assert order.number in election.title and "DEMO0001" in election.title
    assert f"Chosen: item DEMO0001 'Item DEMO0001' (id {items['DEMO0001'].pk})" in election.body
    assert f"item {other.sku} 'Twin' (id {other.pk})" in election.body
    assert "Rule: linked to this store first" in election.body
    assert election.connection == connection


def test_the_item_linked_to_this_store_wins_then_an_ecommerce_enabled_one(
        store, connection, client, items, shop):
    linked = twin(items)
    ItemSync.objects.create(connection=connection, item=linked, bc_product_id=999,
                            linked_by="imported")
    assert imported(store, connection, client).lines.get().item == linked

    ItemSync.objects.filter(item=linked).delete()
    items["DEMO0001"].ecommerce_enabled = False
    items["DEMO0001"].save()
    assert imported(store, connection, client).lines.get().item == linked


def test_a_variant_and_an_item_sharing_the_sku_elect_the_variant(
        store, connection, client, items, shop):
    variant = Variant.objects.create(item=items["DEMO0005"], sku="DEMO0001",
                                     option_values={"Size": "S"})

    line = imported(store, connection, client).lines.get()

    assert (line.item, line.variant) == (items["DEMO0005"], variant)
    body = Notification.objects.get(kind=Notification.Kind.ELECTION).body
    assert f"Chosen: variant DEMO0001 of item DEMO0005 (id {variant.pk})" in body


def test_the_same_election_again_counts_up_on_one_notification(
        store, connection, client, items):
    twin(items)
    imported(store, connection, client)
    second = imported(store, connection, client)

    election = Notification.objects.get(kind=Notification.Kind.ELECTION)
    assert election.count == 2 and second.number in election.title


def test_a_batch_raises_the_election_for_each_order_though_it_matched_the_sku_once(
        store, connection, client, items):
    twin(items)
    cache = BatchCache()
    oids = [place(store, [{"product_id": 1, "quantity": 1}]) for _ in range(2)]
    into_lc(connection, client, *oids)

    for oid in oids:
        assert order_import(connection=connection, bc_order_id=oid, client=client,
                            cache=cache).outcome == IMPORTED

    assert len(cache.matches) == 1
    election = Notification.objects.get(kind=Notification.Kind.ELECTION)
    assert election.count == 2 and f"WEB-{oids[1]}" in election.title


def test_one_candidate_raises_no_election(store, connection, client, items):
    imported(store, connection, client)
    assert not Notification.objects.filter(kind=Notification.Kind.ELECTION).exists()


# ---- credit ------------------------------------------------------------------------------

OVER_CREDIT = {"key__startswith": "customer-over-credit:"}  # not the stock-below-zero one


def account(connection, limit: str) -> Customer:
    customer = Customer.objects.create(code="ACC1", last_name="Account", email="acc@x.com",
                                       credit_limit=Decimal(limit))
    CustomerSync.objects.create(connection=connection, customer=customer, bc_customer_id=1,
                                email="acc@x.com", linked_by="email")
    return customer


def credit_order(store, connection, client) -> SalesOrder:
    oid = place(store, [{"product_id": 1, "quantity": 1}], customer_id=1)
    into_lc(connection, client, oid)
    assert order_import(connection=connection, bc_order_id=oid,
                        client=client).outcome == IMPORTED
    return SalesOrder.objects.get(bc_order_id=oid)


def test_an_order_taking_the_customer_over_credit_raises_a_warning(
        store, connection, client, items):
    customer = account(connection, "50.00")
    SalesOrder.objects.create(number="POS-1", customer=customer, total=Decimal("45.00"))

    order = credit_order(store, connection, client)

    assert order.customer == customer and order.total > Decimal("5.00")
    warning = Notification.objects.get(kind=Notification.Kind.WARNING, **OVER_CREDIT)
    owed = Decimal("45.00") + order.total
    assert "ACC1" in warning.title and order.number in warning.title
    assert "credit limit of 50.00" in warning.body and f"come to {owed} (" in warning.body
    assert f"({owed - Decimal('50.00')} over)" in warning.body
    assert warning.url == f"/admin/orders/customer/{customer.pk}/change/"


@pytest.mark.parametrize("status", ["completed", "cancelled", "shipped"])
def test_closed_orders_do_not_count_against_the_limit(store, connection, client, items,
                                                      status):
    customer = account(connection, "100.00")  # the new order itself: 86.91
    SalesOrder.objects.create(number="POS-1", customer=customer, total=Decimal("900.00"),
                              status=status)
    SalesOrder.objects.create(number="POS-2", customer=customer, total=Decimal("1.00"),
                              status="picked")

    credit_order(store, connection, client)

    assert not Notification.objects.filter(kind=Notification.Kind.WARNING, **OVER_CREDIT).exists()


def test_a_customer_without_credit_is_not_checked(store, connection, client, items):
    customer = account(connection, "0")
    SalesOrder.objects.create(number="POS-1", customer=customer, total=Decimal("900.00"))

    credit_order(store, connection, client)

    assert not Notification.objects.filter(kind=Notification.Kind.WARNING, **OVER_CREDIT).exists()
