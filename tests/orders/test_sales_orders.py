"""Sales orders and stock movements as the database keeps them: one POS order per
BigCommerce order, picked never above sold, an unmatched line kept, and stock moved with its
reason in one transaction, also under concurrent moves (PostgreSQL)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from catalog.models import Location, StockLevel, StockMovement, Variant
from catalog.stock import stock_move
from orders.models import SalesOrder, SalesOrderAddress, SalesOrderLine, Transaction

pytestmark = pytest.mark.django_db


def order(number: str, **fields) -> SalesOrder:
    return SalesOrder.objects.create(number=number, **fields)


# ---- exactly once ---------------------------------------------------------------------------

def test_a_bigcommerce_order_of_a_store_is_stored_once():
    order("WEB-100", source_store_hash="abc123", bc_order_id=100)
    with pytest.raises(IntegrityError), transaction.atomic():
        order("WEB-100B", source_store_hash="abc123", bc_order_id=100)
    # The same id on another store is another order.
    order("OTHER-100", source_store_hash="zzz999", bc_order_id=100)
    assert SalesOrder.objects.filter(bc_order_id=100).count() == 2


def test_orders_without_a_bigcommerce_id_are_many():
    for n in range(3):
        order(f"POS-{n}")
        order(f"POSS-{n}", source_store_hash="abc123")
    assert SalesOrder.objects.filter(bc_order_id__isnull=True).count() == 6


def test_a_bigcommerce_id_needs_its_store():
    with pytest.raises(IntegrityError), transaction.atomic():
        order("WEB-7", bc_order_id=7)
    with pytest.raises(ValidationError) as caught:
        SalesOrder(number="WEB-7", bc_order_id=7).full_clean()
    assert "source_store_hash" in caught.value.message_dict


def test_order_numbers_are_codes_unique_ignoring_case():
    order("WEB-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        order("web-1")
    with pytest.raises(ValidationError) as caught:
        SalesOrder(number="WEB 2").full_clean()
    assert "Order number 'WEB 2' contains a space" in caught.value.message_dict["number"][0]


def test_amounts_are_not_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        order("WEB-NEG", total=Decimal("-1"))


def test_addresses_are_copies_with_one_billing():
    sale = order("WEB-ADDR")
    SalesOrderAddress.objects.create(order=sale, kind="billing", line1="1 Elm", city="Austin",
                                     country_code="us")
    SalesOrderAddress.objects.create(order=sale, kind="shipping", line1="2 Oak", city="Austin",
                                     country_code="US")
    SalesOrderAddress.objects.create(order=sale, kind="shipping", line1="3 Ash", city="Austin",
                                     country_code="US")
    assert sale.addresses.get(kind="billing").country_code == "US"
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesOrderAddress.objects.create(order=sale, kind="billing", line1="4 Fir",
                                         city="Austin", country_code="US")


# ---- lines --------------------------------------------------------------------------------

def test_picked_never_exceeds_sold(item):
    sale = order("WEB-PICK")
    line = SalesOrderLine.objects.create(order=sale, item=item, sku=item.sku, name=item.name,
                                         quantity=2, picked_quantity=2)
    line.picked_quantity = 3
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()
    with pytest.raises(ValidationError) as caught:
        line.full_clean()
    assert "picked 3 is more than the 2 sold" in caught.value.message_dict["picked_quantity"][0]


def test_a_line_that_matched_no_item_is_kept_and_flagged():
    sale = order("WEB-UNM")
    SalesOrderLine.objects.create(order=sale, sku="NOPE-1", name="Mystery", quantity=1,
                                  unit_price=Decimal("5"), line_total=Decimal("5"),
                                  unmatched=True)
    line = sale.lines.get()
    assert (line.item, line.unmatched, line.sku) == (None, True, "NOPE-1")


def test_an_unmatched_line_has_no_item(item):
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesOrderLine.objects.create(order=order("WEB-BAD"), item=item, name="x", quantity=1,
                                      unmatched=True)


def test_a_bigcommerce_line_id_is_once_per_order(item):
    first, second = order("WEB-L1"), order("WEB-L2")
    SalesOrderLine.objects.create(order=first, name="a", quantity=1, bc_line_id=12)
    SalesOrderLine.objects.create(order=second, name="a", quantity=1, bc_line_id=12)
    SalesOrderLine.objects.create(order=first, name="b", quantity=1)
    SalesOrderLine.objects.create(order=first, name="c", quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesOrderLine.objects.create(order=first, name="d", quantity=1, bc_line_id=12)


def test_an_order_with_transactions_is_not_deleted(item):
    sale = order("WEB-TX")
    Transaction.objects.create(order=sale, kind="sale", amount=Decimal("10"),
                               reason="imported")
    with pytest.raises(IntegrityError), transaction.atomic():
        sale.delete()


# ---- stock moves --------------------------------------------------------------------------

def test_a_stock_move_changes_the_level_and_records_why(item, store_location):
    movement = stock_move(item=item, location=store_location, delta=-2,
                          reason=StockMovement.Reason.SALE, reference="WEB-1 line 1")
    level = StockLevel.objects.get(item=item, variant=None, location=store_location)
    assert level.on_hand == 3  # 5 - 2
    assert (movement.quantity, movement.reason, movement.reference) == (-2, "sale",
                                                                        "WEB-1 line 1")


def test_a_stock_move_creates_the_missing_level(item):
    depot = Location.objects.create(code="DEPOT", name="Depot")
    variant = Variant.objects.create(item=item, sku="TEE001M")
    stock_move(item=item, variant=variant, location=depot, delta=4, reason="import")
    assert StockLevel.objects.get(variant=variant, location=depot).on_hand == 4
    assert StockMovement.objects.get().variant == variant


def test_a_stock_move_rolls_back_with_its_level(item, store_location):
    with pytest.raises(RuntimeError), transaction.atomic():
        stock_move(item=item, location=store_location, delta=-1, reason="sale")
        raise RuntimeError("the order's import failed after the stock moved")
    assert StockLevel.objects.get(item=item, location=store_location).on_hand == 5
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize(("fields", "message"), [
    ({"delta": 0}, "needs a quantity other than 0"),
    ({"delta": 1, "reason": "whim"}, "unknown reason 'whim'"),
])
def test_a_bad_stock_move_is_refused_by_name(item, store_location, fields, message):
    with pytest.raises(ValueError, match=message):
        stock_move(item=item, location=store_location, **{"reason": "sale", **fields})
    assert not StockMovement.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_stock_moves_all_count(item):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is one connection: no concurrent writers")
    # A location with no level yet: the four workers also race to create it.
    depot = Location.objects.create(code="DEPOT", name="Depot")
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def move() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                stock_move(item=item, location=depot, delta=-1, reason="sale")
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert StockLevel.objects.get(item=item, location=depot).on_hand == -20
    assert StockMovement.objects.count() == 20
