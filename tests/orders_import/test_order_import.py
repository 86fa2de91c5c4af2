"""Order import against the emulator over HTTP: an order placed on the store, mirrored into
the LC, becomes one POS sales order with its customer, addresses, lines and stock; its status
is written back to the store."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bcsync.models import CustomerSync, ItemSync, Notification, OrderImport, VariantSync
from bcsync.orders.importing import ALREADY, FAILED, IMPORTED, SKIPPED, order_import
from bcsync.orders.settings import order_settings_for
from catalog.models import BundleComponent, StockMovement
from localcopy.models import LcOrder
from orders.models import Customer, SalesOrder

from .conftest import bc_status, into_lc, on_hand, place

pytestmark = [pytest.mark.emulator, pytest.mark.django_db]


def test_an_order_is_imported_with_prefix_lines_addresses_and_its_status_written_back(
        store, connection, client, items, shop):
    oid = place(store, [{"product_id": 1, "quantity": 2}, {"product_id": 2, "quantity": 1}],
                email="ann@example.com", first_name="Ann", last_name="Lee",
                shipping_cost=4.5, customer_message="Leave at the door")
    into_lc(connection, client, oid)

    result = order_import(connection=connection, bc_order_id=oid, client=client)

    assert result.outcome == IMPORTED, result.line()
    order = SalesOrder.objects.get(source_store_hash=connection.store_hash, bc_order_id=oid)
    assert order.number == f"WEB-{oid}"
    assert [(x.sku, x.quantity, x.item_id) for x in order.lines.order_by("bc_line_id")] == [
        ("DEMO0001", 2, items["DEMO0001"].pk), ("DEMO0002", 1, items["DEMO0002"].pk)]
    assert order.shipping == Decimal("4.50")
    assert order.total == order.subtotal + order.shipping
    assert order.notes == "Leave at the door"
    billing = order.addresses.get(kind="billing")
    assert (billing.name, billing.city, billing.country_code) == ("Ann Lee", "Austin", "US")
    assert order.addresses.filter(kind="shipping").count() == 1
    assert order.customer is not None and order.customer.email == "ann@example.com"
    assert on_hand(items["DEMO0001"], shop) == -2
    assert StockMovement.objects.filter(item=items["DEMO0001"], reason="sale").count() == 1
    # Written back: the store shows Awaiting Shipment, and the import says so.
    assert bc_status(store, oid) == 9
    assert OrderImport.objects.get(bc_order_id=oid).status_written_at is not None


def test_importing_again_makes_no_second_order_and_takes_no_more_stock(
        store, connection, client, items, shop):
    oid = place(store, [{"product_id": 1, "quantity": 1}])
    into_lc(connection, client, oid)
    assert order_import(connection=connection, bc_order_id=oid, client=client).outcome == IMPORTED
    into_lc(connection, client, oid)  # the write-back's webhook refreshes it: now status 9

    again = order_import(connection=connection, bc_order_id=oid, client=client)

    assert again.outcome == ALREADY
    assert SalesOrder.objects.filter(bc_order_id=oid).count() == 1
    assert on_hand(items["DEMO0001"], shop) == -1


def test_an_order_not_in_the_get_statuses_is_skipped(store, connection, client, items):
    oid = place(store, [{"product_id": 1, "quantity": 1}], status_id=7)  # Awaiting Payment
    into_lc(connection, client, oid)

    result = order_import(connection=connection, bc_order_id=oid, client=client)

    assert result.outcome == SKIPPED and "Awaiting Payment" in result.message
    assert not SalesOrder.objects.filter(bc_order_id=oid).exists()
    assert bc_status(store, oid) == 7


def test_the_get_and_set_statuses_are_the_stores_choice(store, connection, client, items):
    settings = order_settings_for(connection=connection)
    settings.get_status_ids = [7, 11]
    settings.set_status_id = 12
    settings.save()
    oid = place(store, [{"product_id": 1, "quantity": 1}], status_id=7)
    into_lc(connection, client, oid)

    assert order_import(connection=connection, bc_order_id=oid, client=client).outcome == IMPORTED
    assert bc_status(store, oid) == 12


def test_an_empty_set_status_leaves_the_store_alone(store, connection, client, items):
    settings = order_settings_for(connection=connection)
    settings.set_status_id = None
    settings.save()
    oid = place(store, [{"product_id": 1, "quantity": 1}])
    into_lc(connection, client, oid)
    store.reset_stats()

    result = order_import(connection=connection, bc_order_id=oid, client=client)

    assert result.outcome == IMPORTED and result.status_written is None
    assert bc_status(store, oid) == 11


def test_orders_created_before_the_start_date_are_ignored(store, connection, client, items):
    settings = order_settings_for(connection=connection)
    settings.start_date_enabled = True
    settings.start_date = timezone.localdate() + timedelta(days=1)
    settings.save()
    oid = place(store, [{"product_id": 1, "quantity": 1}])
    into_lc(connection, client, oid)

    result = order_import(connection=connection, bc_order_id=oid, client=client)

    assert result.outcome == SKIPPED and "start date" in result.message
    settings.start_date = date(2020, 1, 1)
    settings.save()
    assert order_import(connection=connection, bc_order_id=oid, client=client).outcome == IMPORTED


def test_a_guest_order_goes_to_the_configured_guest_customer(store, connection, client, items):
    guest = Customer.objects.create(code="WEBGUEST", last_name="Web guest")
    settings = order_settings_for(connection=connection)
    settings.guest_rule = settings.Guest.CUSTOMER
    settings.guest_customer = guest
    settings.save()
    oid = place(store, [{"product_id": 1, "quantity": 1}], email="walkin@example.com")
    into_lc(connection, client, oid)

    order_import(connection=connection, bc_order_id=oid, client=client)

    assert SalesOrder.objects.get(bc_order_id=oid).customer == guest
    assert not Customer.objects.filter(email="walkin@example.com").exists()


def test_a_guest_order_makes_a_customer_from_the_billing_email_once(
        store, connection, client, items):
    first = place(store, [{"product_id": 1, "quantity": 1}], email="new@example.com",
                  first_name="Nia", last_name="Ray")
    second = place(store, [{"product_id": 2, "quantity": 1}], email="NEW@example.com")
    into_lc(connection, client, first, second)

    order_import(connection=connection, bc_order_id=first, client=client)
    order_import(connection=connection, bc_order_id=second, client=client)

    made = Customer.objects.get(email__iexact="new@example.com")
    assert (made.first_name, made.last_name) == ("Nia", "Ray")
    assert SalesOrder.objects.get(bc_order_id=second).customer == made


def test_a_registered_customer_is_found_by_link(store, connection, client, items):
    customer = Customer.objects.create(code="C1", last_name="Linked", email="other@x.com")
    CustomerSync.objects.create(connection=connection, customer=customer, bc_customer_id=1,
                                email="other@x.com", linked_by="email")
    oid = place(store, [{"product_id": 1, "quantity": 1}], customer_id=1)
    into_lc(connection, client, oid)

    order_import(connection=connection, bc_order_id=oid, client=client)

    assert SalesOrder.objects.get(bc_order_id=oid).customer == customer


def test_a_line_matching_no_item_is_kept_flagged_and_raises_an_alert(
        store, connection, client, items, shop):
    oid = place(store, [{"product_id": 1, "quantity": 1},
                        {"name": "Gift wrap", "sku": "WRAP-XL", "quantity": 1,
                         "price_inc_tax": 3}])
    into_lc(connection, client, oid)

    result = order_import(connection=connection, bc_order_id=oid, client=client)

    assert result.outcome == IMPORTED
    line = SalesOrder.objects.get(bc_order_id=oid).lines.get(sku="WRAP-XL")
    assert line.unmatched and line.item_id is None
    alert = Notification.objects.get(kind=Notification.Kind.ALERT)
    assert f"WEB-{oid}" in alert.title and "WRAP-XL" in alert.body
    assert on_hand(items["DEMO0001"], shop) == -1


def test_lines_match_by_link_before_sku_and_variants_take_their_own_stock(
        store, connection, client, items, shop):
    # Product 1's link points at another POS item than its SKU would.
    ItemSync.objects.create(connection=connection, item=items["DEMO0003"], bc_product_id=1,
                            linked_by="imported")
    sneaker = ItemSync.objects.create(connection=connection, item=items["DEMO0004"],
                                      linked_by="imported",
                                      bc_product_id=4)
    medium = items["DEMO0004"].variants.get(sku="DEMO0004RM")
    VariantSync.objects.create(item_sync=sneaker, variant=medium, bc_variant_id=5)
    oid = place(store, [{"product_id": 1, "quantity": 1},
                        {"product_id": 4, "variant_id": 5, "quantity": 2},
                        {"product_id": 4, "variant_id": 6, "quantity": 1}])
    into_lc(connection, client, oid)

    order_import(connection=connection, bc_order_id=oid, client=client)

    large = items["DEMO0004"].variants.get(sku="DEMO0004RL")
    assert on_hand(items["DEMO0003"], shop) == -1
    assert on_hand(items["DEMO0001"], shop) == 0
    assert on_hand(items["DEMO0004"], shop, medium) == -2
    assert on_hand(items["DEMO0004"], shop, large) == -1  # by its variant SKU
    assert on_hand(items["DEMO0004"], shop) == 0


def test_a_bundle_takes_its_components_stock(store, connection, client, items, shop):
    BundleComponent.objects.create(bundle=items["DEMO0005"], component=items["DEMO0001"],
                                   quantity=2)
    BundleComponent.objects.create(bundle=items["DEMO0005"], component=items["DEMO0002"],
                                   quantity=1)
    oid = place(store, [{"product_id": 5, "quantity": 3}])
    into_lc(connection, client, oid)

    order_import(connection=connection, bc_order_id=oid, client=client)

    assert on_hand(items["DEMO0001"], shop) == -6
    assert on_hand(items["DEMO0002"], shop) == -3
    assert on_hand(items["DEMO0005"], shop) == 0


def test_stock_below_zero_raises_a_warning_and_enough_stock_does_not(
        store, connection, client, items, shop):
    from catalog.stock import stock_move

    stock_move(item=items["DEMO0002"], location=shop, delta=5, reason="adjustment")
    fine = place(store, [{"product_id": 2, "quantity": 2}])
    short = place(store, [{"product_id": 1, "quantity": 1}])
    into_lc(connection, client, fine, short)

    order_import(connection=connection, bc_order_id=fine, client=client)
    assert not Notification.objects.filter(kind=Notification.Kind.WARNING).exists()
    order_import(connection=connection, bc_order_id=short, client=client)

    warning = Notification.objects.get(kind=Notification.Kind.WARNING)
    assert f"WEB-{short}" in warning.title and "DEMO0001" in warning.body


def test_an_order_in_another_currency_is_refused_naming_the_order_and_field(
        store, connection, client, items, shop):
    oid = place(store, [{"product_id": 1, "quantity": 1}])
    into_lc(connection, client, oid)
    LcOrder.objects.filter(bc_id=oid).update(currency_code="EUR")

    result = order_import(connection=connection, bc_order_id=oid, client=client)

    assert result.outcome == FAILED and result.field == "currency_code"
    assert f"#{oid}" in result.message and "EUR" in result.message
    assert not SalesOrder.objects.filter(bc_order_id=oid).exists()
    assert on_hand(items["DEMO0001"], shop) == 0  # never half-made
    assert OrderImport.objects.get(bc_order_id=oid).outcome == "refused"
    assert bc_status(store, oid) == 11


def test_a_zero_quantity_line_refuses_the_whole_order(store, connection, client, items, shop):
    oid = place(store, [{"product_id": 1, "quantity": 1}, {"product_id": 2, "quantity": 1}])
    into_lc(connection, client, oid)
    LcOrder.objects.get(bc_id=oid).lines.filter(sku="DEMO0002").update(quantity=0)

    result = order_import(connection=connection, bc_order_id=oid, client=client)

    assert result.outcome == FAILED and result.field == "quantity"
    assert not SalesOrder.objects.filter(bc_order_id=oid).exists()
    assert on_hand(items["DEMO0001"], shop) == 0


def test_enormous_notes_unicode_and_a_missing_address_are_imported_with_flags(
        store, connection, client, items):
    note = "Ünïcödé ✓ 🚚 " * 2000
    oid = place(store, [{"product_id": 1, "quantity": 1}], email="zoë@example.com",
                first_name="Zoë", last_name="Łukasz 山田", customer_message=note,
                billing_address={"street_1": "", "city": ""})
    into_lc(connection, client, oid)

    result = order_import(connection=connection, bc_order_id=oid, client=client)

    assert result.outcome == IMPORTED
    order = SalesOrder.objects.get(bc_order_id=oid)
    assert len(order.notes) == 10_000
    assert any(f.startswith("notes:") for f in result.flags)
    assert any(f.startswith("billing_address:") for f in result.flags)
    assert any(f.startswith("shipping_address") for f in result.flags)
    assert not order.addresses.exists()
    assert order.customer is not None
    assert (order.customer.first_name, order.customer.last_name) == ("Zoë", "Łukasz 山田")


def test_a_registered_customer_not_yet_linked_is_found_by_email_and_linked(
        store, connection, client, items):
    customer = Customer.objects.create(code="ANN", last_name="Ann", email="ann@example.com")
    oid = place(store, [{"product_id": 1, "quantity": 1}], customer_id=1,
                email="ann@example.com")
    into_lc(connection, client, oid)
    LcOrder.objects.filter(bc_id=oid).update(email="ann@example.com")

    order_import(connection=connection, bc_order_id=oid, client=client)

    assert SalesOrder.objects.get(bc_order_id=oid).customer == customer
    assert CustomerSync.objects.get(connection=connection, bc_customer_id=1).customer == customer


def test_a_registered_customer_only_the_lc_knows_is_imported_and_linked(
        store, connection, client, items):
    from localcopy.services import lc_reload

    assert lc_reload(client=client, store_hash=connection.store_hash, dataset="customers").ok
    oid = place(store, [{"product_id": 1, "quantity": 1}], customer_id=2)
    into_lc(connection, client, oid)

    order_import(connection=connection, bc_order_id=oid, client=client)

    link = CustomerSync.objects.get(connection=connection, bc_customer_id=2)
    assert SalesOrder.objects.get(bc_order_id=oid).customer == link.customer
    assert link.customer.code == "WEB2"


def test_a_line_for_a_product_deleted_since_is_kept_unmatched_and_says_so(
        store, connection, client, items):
    from localcopy.services import lc_refresh_record, lc_reload

    oid = place(store, [{"product_id": 1, "quantity": 1}, {"product_id": 2, "quantity": 1}])
    assert lc_reload(client=client, store_hash=connection.store_hash, dataset="products").ok
    store.delete_product(2)
    assert lc_refresh_record(client=client, store_hash=connection.store_hash,
                             resource="product", bc_id=2).ok
    items["DEMO0002"].sku = "OLD0002"  # the POS no longer sells it under that SKU either
    items["DEMO0002"].save()
    into_lc(connection, client, oid)

    result = order_import(connection=connection, bc_order_id=oid, client=client)

    assert result.outcome == IMPORTED
    line = SalesOrder.objects.get(bc_order_id=oid).lines.get(sku="DEMO0002")
    assert line.unmatched
    assert any("no longer on BigCommerce" in f for f in result.flags)


def test_an_imported_order_edited_on_the_store_gets_its_edits_not_a_second_import(
        store, connection, client, items, shop):
    oid = place(store, [{"product_id": 1, "quantity": 3}, {"product_id": 2, "quantity": 1}])
    into_lc(connection, client, oid)
    assert order_import(connection=connection, bc_order_id=oid, client=client).outcome == IMPORTED
    store.edit_order(oid, [{"product_id": 1, "quantity": 1}])
    into_lc(connection, client, oid)

    again = order_import(connection=connection, bc_order_id=oid, client=client)

    assert again.outcome == ALREADY and again.message  # the edit, as edits.py reports it
    order = SalesOrder.objects.get(bc_order_id=oid)
    assert order.transactions.filter(kind="refund").count() == 1
    assert on_hand(items["DEMO0001"], shop) == -1
    assert SalesOrder.objects.filter(bc_order_id=oid).count() == 1


def test_a_refund_made_before_the_import_is_applied_when_the_order_comes_in(
        store, connection, client, items, shop):
    """The refund's webhook found no POS order to apply to; the import brings it in. (A
    partial refund makes the order Partially Refunded, which this shop imports too.)"""
    settings = order_settings_for(connection=connection)
    settings.get_status_ids = [11, 14]
    settings.save()
    oid = place(store, [{"product_id": 1, "quantity": 3}, {"product_id": 2, "quantity": 1}])
    line = next(p for p in client.iter_order_products(oid) if p["product_id"] == 1)
    refund_items = [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}]
    quote = client.quote_refund(oid, refund_items)
    client.create_refund(oid, refund_items, [{"provider_id": "custom", "offline": True,
                                              "amount": quote["total_refund_amount"]}])
    into_lc(connection, client, oid)

    result = order_import(connection=connection, bc_order_id=oid, client=client)

    assert result.outcome == IMPORTED, result.message
    order = SalesOrder.objects.get(bc_order_id=oid)
    refund = order.transactions.get(kind="refund")
    assert refund.lines.get().quantity == 1
    # Three sold, one returned by the refund (restock is on by default).
    assert on_hand(items["DEMO0001"], shop) == -2
