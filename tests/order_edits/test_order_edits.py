"""apply_order_edits against the emulator: an order placed and imported, then edited on
BigCommerce (control API `edit-order`), re-read into the LC and applied to the POS order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bcsync.models import Notification
from bcsync.orders.edits import OrderEditError, apply_order_edits
from catalog.models import BundleComponent, StockMovement
from orders.models import SalesOrder, Transaction

from .conftest import STOCK, lc_order, pos_item, sales_order_from_lc

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def assert_totals_as_bc(order: SalesOrder, api) -> None:
    bc = api.order(order.bc_order_id)
    order.refresh_from_db()
    assert order.total == money(bc["total_inc_tax"])
    assert order.subtotal == money(bc["subtotal_ex_tax"])
    assert order.shipping == money(bc["shipping_cost_ex_tax"])
    assert order.tax == money(bc["total_tax"])
    assert order.discount == money(bc["discount_amount"]) + money(bc["coupon_discount"])


@pytest.fixture
def placed(store, api, shop, connection, bc):
    """An order of 3 × product A and 2 × product B, imported; (order, line ids by product)."""
    a, b = shop.products[0], shop.products[1]
    bc_order = store.place_order([{"product_id": a["id"], "quantity": 3},
                                  {"product_id": b["id"], "quantity": 2}], shipping_cost=5)
    order = sales_order_from_lc(connection, lc_order(connection, bc, bc_order["id"]))
    lines = {x["product_id"]: x["id"] for x in api.lines(bc_order["id"])}
    return order, lines


def edit_and_apply(store, connection, bc, order, changes):
    store.edit_order(order.bc_order_id, changes)
    return apply_order_edits(connection=connection, sales_order=order,
                             lc_order=lc_order(connection, bc, order.bc_order_id))


def test_a_lowered_quantity_is_one_refund_of_the_difference_with_stock_back(
        store, api, shop, connection, bc, placed):
    order, lines = placed
    a, b = shop.products[0], shop.products[1]
    item_a, item_b = shop.items[0], shop.items[1]
    assert shop.on_hand(item_a) == STOCK - 3

    result = edit_and_apply(store, connection, bc, order, [{"id": lines[a["id"]], "quantity": 1}])

    refund = Transaction.objects.get(order=order)
    assert result.transactions == [refund]
    assert refund.kind == Transaction.Kind.REFUND
    assert refund.reason == f"line {lines[a['id']]} quantity 3 → 1"
    line_a = order.lines.get(bc_line_id=lines[a["id"]])
    assert refund.amount == line_a.unit_price * 2 > 0
    [tline] = refund.lines.all()
    assert (tline.line, tline.quantity, tline.amount, tline.restock) == (
        line_a, 2, refund.amount, True)
    assert line_a.quantity == 1 and line_a.line_total == line_a.unit_price
    assert shop.on_hand(item_a) == STOCK - 1
    movement = StockMovement.objects.filter(item=item_a).latest("pk")
    assert (movement.quantity, movement.reason) == (2, StockMovement.Reason.ORDER_EDIT)
    # The other line is untouched.
    assert order.lines.get(bc_line_id=lines[b["id"]]).quantity == 2
    assert shop.on_hand(item_b) == STOCK - 2
    assert_totals_as_bc(order, api)


def test_a_removed_line_is_refunded_whole_and_stays_with_quantity_0(
        store, api, shop, connection, bc, placed):
    order, lines = placed
    b = shop.products[1]
    edit_and_apply(store, connection, bc, order, [{"id": lines[b["id"]], "quantity": 0}])

    refund = Transaction.objects.get(order=order)
    assert refund.kind == Transaction.Kind.REFUND
    assert refund.reason.startswith(f"line {lines[b['id']]} removed (2 × {b['sku']}")
    line_b = order.lines.get(bc_line_id=lines[b["id"]])
    assert line_b.quantity == 0 and refund.lines.get().quantity == 2
    assert shop.on_hand(shop.items[1]) == STOCK
    assert shop.on_hand(shop.items[0]) == STOCK - 3
    assert_totals_as_bc(order, api)


def test_a_raised_quantity_is_a_sale_of_the_extra_with_stock_taken(
        store, api, shop, connection, bc, placed):
    order, lines = placed
    a = shop.products[0]
    edit_and_apply(store, connection, bc, order, [{"id": lines[a["id"]], "quantity": 5}])

    sale = Transaction.objects.get(order=order)
    assert (sale.kind, sale.reason) == (Transaction.Kind.SALE,
                                        f"line {lines[a['id']]} quantity 3 → 5")
    assert sale.lines.get().quantity == 2 and sale.lines.get().restock is False
    assert order.lines.get(bc_line_id=lines[a["id"]]).quantity == 5
    assert shop.on_hand(shop.items[0]) == STOCK - 5
    assert_totals_as_bc(order, api)


def test_a_line_added_online_is_a_sale_on_a_new_line_matched_by_sku(
        store, api, shop, connection, bc, placed):
    order, _ = placed
    c = shop.products[2]
    edit_and_apply(store, connection, bc, order, [{"product_id": c["id"], "quantity": 4}])

    new_id = {x["product_id"]: x["id"] for x in api.lines(order.bc_order_id)}[c["id"]]
    line_c = order.lines.get(bc_line_id=new_id)
    assert (line_c.item, line_c.quantity, line_c.unmatched) == (shop.items[2], 4, False)
    sale = Transaction.objects.get(order=order)
    assert sale.kind == Transaction.Kind.SALE and sale.lines.get().line == line_c
    assert sale.reason == f"line {new_id} added: 4 × {c['sku']}"
    assert shop.on_hand(shop.items[2]) == STOCK - 4
    assert_totals_as_bc(order, api)


def test_an_added_line_matching_no_pos_item_is_kept_flagged_with_no_stock_and_an_alert(
        store, api, shop, connection, bc, placed):
    order, _ = placed
    known = {p["id"] for p in shop.products}
    other = next(p for p in api.get("/v3/catalog/products", limit=250, include="variants")["data"]
                 if p["id"] not in known and len(p["variants"]) == 1
                 and not p["variants"][0]["option_values"] and p["inventory_level"] >= 5)
    movements = StockMovement.objects.count()

    result = edit_and_apply(store, connection, bc, order,
                            [{"product_id": other["id"], "quantity": 1}])

    line = order.lines.get(sku=other["sku"])
    assert line.unmatched and line.item is None
    assert result.unmatched_lines == [line.bc_line_id]
    assert Transaction.objects.get(order=order).lines.get().line == line
    assert StockMovement.objects.count() == movements
    alert = Notification.objects.get(kind=Notification.Kind.ALERT)
    assert f"line {line.bc_line_id}" in alert.title and order.number in alert.title
    assert_totals_as_bc(order, api)


def test_several_lines_at_once_and_applying_the_same_state_again_changes_nothing(
        store, api, shop, connection, bc, placed):
    order, lines = placed
    a, b, c = shop.products
    result = edit_and_apply(store, connection, bc, order, [
        {"id": lines[a["id"]], "quantity": 2}, {"id": lines[b["id"]], "quantity": 0},
        {"product_id": c["id"], "quantity": 1}])

    kinds = sorted((t.kind, t.lines.get().quantity) for t in Transaction.objects.filter(
        order=order))
    assert kinds == [("refund", 1), ("refund", 2), ("sale", 1)]
    assert len(result.transactions) == 3
    stock = [shop.on_hand(i) for i in shop.items]
    assert stock == [STOCK - 2, STOCK, STOCK - 1]
    assert_totals_as_bc(order, api)
    movements = StockMovement.objects.count()

    again = apply_order_edits(connection=connection, sales_order=order,
                              lc_order=lc_order(connection, bc, order.bc_order_id))

    assert not again.changed
    assert Transaction.objects.filter(order=order).count() == 3
    assert StockMovement.objects.count() == movements
    assert [shop.on_hand(i) for i in shop.items] == stock


def test_a_bundle_master_takes_and_returns_its_childrens_stock(
        store, api, shop, connection, bc, location):
    a = shop.products[0]
    master = shop.items[0]
    cap, scarf = pos_item("KITCAP", "Cap", location), pos_item("KITSCARF", "Scarf", location)
    BundleComponent.objects.create(bundle=master, component=cap, quantity=2)
    BundleComponent.objects.create(bundle=master, component=scarf, quantity=1)
    bc_order = store.place_order([{"product_id": a["id"], "quantity": 3}])
    order = sales_order_from_lc(connection, lc_order(connection, bc, bc_order["id"]))
    assert (shop.on_hand(cap), shop.on_hand(scarf)) == (STOCK - 6, STOCK - 3)
    [line_id] = [x["id"] for x in api.lines(bc_order["id"])]

    edit_and_apply(store, connection, bc, order, [{"id": line_id, "quantity": 1}])

    assert (shop.on_hand(cap), shop.on_hand(scarf)) == (STOCK - 2, STOCK - 1)
    assert shop.on_hand(master) == STOCK  # the master's own stock never moves
    refund = Transaction.objects.get(order=order)
    assert refund.lines.get().quantity == 2 and refund.lines.get().restock


def test_an_unmatched_line_cut_online_is_refunded_without_stock(
        store, api, shop, connection, bc, placed):
    order, lines = placed
    a = shop.products[0]
    line_a = order.lines.get(bc_line_id=lines[a["id"]])
    # As the import leaves a line whose SKU matched nothing: no item, flagged.
    line_a.item, line_a.unmatched = None, True
    line_a.save()
    movements = StockMovement.objects.count()

    edit_and_apply(store, connection, bc, order, [{"id": lines[a["id"]], "quantity": 1}])

    refund = Transaction.objects.get(order=order)
    assert refund.lines.get().quantity == 2 and not refund.lines.get().restock
    assert StockMovement.objects.count() == movements


def test_bad_totals_are_refused_naming_the_order_and_field_and_nothing_is_written(
        store, api, shop, connection, bc, placed):
    order, lines = placed
    a = shop.products[0]
    store.edit_order(order.bc_order_id, [{"id": lines[a["id"]], "quantity": 1}])
    lc = lc_order(connection, bc, order.bc_order_id)
    lc.raw = {**lc.raw, "total_tax": "-1.00"}
    lc.save()

    with pytest.raises(OrderEditError, match=rf"Order {order.number} .*total_tax is negative"):
        apply_order_edits(connection=connection, sales_order=order, lc_order=lc)

    assert not Transaction.objects.filter(order=order).exists()
    assert order.lines.get(bc_line_id=lines[a["id"]]).quantity == 3


def test_the_order_page_shows_the_edits_transactions(store, shop, connection, bc, placed,
                                                     alice):
    from django.test import Client
    from django.urls import reverse

    order, lines = placed
    a = shop.products[0]
    edit_and_apply(store, connection, bc, order, [{"id": lines[a["id"]], "quantity": 1}])
    browser = Client()
    browser.force_login(alice)

    page = browser.get(reverse("admin:orders_salesorder_change", args=[order.pk]))

    assert page.status_code == 200
    assert f"line {lines[a['id']]} quantity 3 → 1" in page.content.decode()


def test_a_raise_that_takes_stock_below_zero_raises_a_warning(
        store, api, shop, connection, bc, placed):
    from catalog.models import StockLevel

    order, lines = placed
    a = shop.products[0]
    StockLevel.objects.filter(item=shop.items[0]).update(on_hand=1)

    edit_and_apply(store, connection, bc, order, [{"id": lines[a["id"]], "quantity": 5}])

    assert shop.on_hand(shop.items[0]) == -1
    warning = Notification.objects.get(kind=Notification.Kind.WARNING)
    assert a["sku"] in warning.title and "below zero" in warning.title
    assert warning.connection == connection


def test_a_failure_on_one_line_leaves_the_whole_order_as_it_was(
        store, api, shop, connection, bc, placed):
    from catalog.models import Variant

    order, lines = placed
    a, b = shop.products[0], shop.products[1]
    # A line whose stock cannot move (its variant is another item's): the second change fails.
    stray = Variant.objects.create(item=shop.items[2], sku="STRAYM")
    order.lines.filter(bc_line_id=lines[b["id"]]).update(variant=stray)
    movements, total = StockMovement.objects.count(), order.total

    with pytest.raises(ValueError, match="belongs to another item"):
        edit_and_apply(store, connection, bc, order, [{"id": lines[a["id"]], "quantity": 1},
                                                      {"id": lines[b["id"]], "quantity": 1}])

    assert not Transaction.objects.filter(order=order).exists()
    assert order.lines.get(bc_line_id=lines[a["id"]]).quantity == 3
    assert StockMovement.objects.count() == movements
    assert shop.on_hand(shop.items[0]) == STOCK - 3
    order.refresh_from_db()
    assert order.total == total


def test_an_added_variant_line_is_matched_by_link_and_takes_the_variants_stock(
        store, api, shop, connection, bc, placed, location):
    from django.utils import timezone

    from bcsync.models import ItemSync, VariantSync
    from catalog.models import StockLevel, Variant

    order, _ = placed
    product = next(p for p in api.get("/v3/catalog/products", limit=250,
                                      include="variants")["data"]
                   if len(p["variants"]) > 1 and all(v["inventory_level"] >= 5
                                                     for v in p["variants"]))
    online = product["variants"][1]
    item = pos_item("LINKEDTEE", product["name"], location)
    variant = Variant.objects.create(item=item, sku="LINKEDTEEM")
    StockLevel.objects.create(item=item, variant=variant, location=location, on_hand=10)
    link = ItemSync.objects.create(connection=connection, item=item,
                                   bc_product_id=product["id"],
                                   linked_by=ItemSync.LinkedBy.IMPORTED, linked_at=timezone.now())
    VariantSync.objects.create(item_sync=link, variant=variant, bc_variant_id=online["id"])

    edit_and_apply(store, connection, bc, order, [
        {"product_id": product["id"], "variant_id": online["id"], "quantity": 2}])

    line = order.lines.get(item=item)
    assert (line.variant, line.quantity, line.unmatched) == (variant, 2, False)
    assert StockLevel.objects.get(item=item, variant=variant, location=location).on_hand == 8
    assert Transaction.objects.get(order=order).kind == Transaction.Kind.SALE
    assert_totals_as_bc(order, api)


def test_a_line_added_online_whose_sku_fits_two_pos_items_raises_an_election(
        store, api, shop, connection, bc, placed):
    order, _ = placed
    c = shop.products[2]
    twin = pos_item(f"TWIN{c['id']}", "Twin", connection.pos_location)
    twin.product_number = c["sku"]
    twin.save()

    edit_and_apply(store, connection, bc, order, [{"product_id": c["id"], "quantity": 1}])

    election = Notification.objects.get(kind=Notification.Kind.ELECTION)
    assert order.number in election.title and c["sku"] in election.title
    assert order.lines.get(sku=c["sku"]).item == shop.items[2]
