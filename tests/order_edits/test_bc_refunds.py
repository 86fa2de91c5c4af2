"""Refunds made on BigCommerce (V3 payment actions on the emulator) become POS refund
transactions, once each: through apply_bc_refunds, and through the refund webhook's task."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from bcsync.models import OrderRefundApplied, SyncEvent
from bcsync.orders.edits import apply_order_edits
from bcsync.orders.refunds import apply_bc_refunds
from bcsync.webhook_registration import SECRET_HEADER
from catalog.models import StockMovement
from orders.models import Transaction

from .conftest import STOCK, lc_order, sales_order_from_lc

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]


@pytest.fixture
def placed(store, api, shop, connection, bc):
    a, b = shop.products[0], shop.products[1]
    bc_order = store.place_order([{"product_id": a["id"], "quantity": 3},
                                  {"product_id": b["id"], "quantity": 2}], shipping_cost=5)
    order = sales_order_from_lc(connection, lc_order(connection, bc, bc_order["id"]))
    lines = {x["product_id"]: x["id"] for x in api.lines(bc_order["id"])}
    return order, lines


def test_a_refund_on_bigcommerce_is_one_refund_transaction_with_its_items_restocked(
        api, shop, connection, bc, placed):
    order, lines = placed
    a = shop.products[0]
    refund = api.refund(order.bc_order_id, [
        {"item_type": "PRODUCT", "item_id": lines[a["id"]], "quantity": 2},
        {"item_type": "SHIPPING", "item_id": api.get(
            f"/v2/orders/{order.bc_order_id}/shipping_addresses")[0]["id"], "amount": 5}])

    result = apply_bc_refunds(connection=connection, sales_order=order, client=bc)

    assert result.applied == [refund["id"]] and not result.failed
    txn = Transaction.objects.get(order=order)
    assert txn.kind == Transaction.Kind.REFUND
    assert float(txn.amount) == refund["total_amount"]
    assert txn.reason.startswith(f"BigCommerce refund {refund['id']}")
    [tline] = txn.lines.all()
    assert (tline.line.bc_line_id, tline.quantity, tline.restock) == (lines[a["id"]], 2, True)
    assert shop.on_hand(shop.items[0]) == STOCK - 1
    movement = StockMovement.objects.filter(item=shop.items[0]).latest("pk")
    assert (movement.quantity, movement.reason) == (2, StockMovement.Reason.REFUND)
    assert OrderRefundApplied.objects.get().transaction == txn

    again = apply_bc_refunds(connection=connection, sales_order=order, client=bc)

    assert again.applied == [] and again.already == [refund["id"]]
    assert Transaction.objects.filter(order=order).count() == 1
    assert shop.on_hand(shop.items[0]) == STOCK - 1


def test_with_restock_off_the_refund_is_recorded_and_no_stock_moves(
        api, shop, connection, bc, placed):
    order, lines = placed
    connection.restock_refunded_items = False
    connection.save()
    b = shop.products[1]
    api.refund(order.bc_order_id, [{"item_type": "PRODUCT", "item_id": lines[b["id"]],
                                    "quantity": 1}])
    movements = StockMovement.objects.count()

    apply_bc_refunds(connection=connection, sales_order=order, client=bc)

    tline = Transaction.objects.get(order=order).lines.get()
    assert tline.quantity == 1 and tline.restock is False
    assert StockMovement.objects.count() == movements
    assert shop.on_hand(shop.items[1]) == STOCK - 2


def test_an_order_edit_after_a_refund_does_not_refund_the_same_units_again(
        api, shop, connection, bc, placed):
    order, lines = placed
    a = shop.products[0]
    api.refund(order.bc_order_id, [{"item_type": "PRODUCT", "item_id": lines[a["id"]],
                                    "quantity": 1}])
    apply_bc_refunds(connection=connection, sales_order=order, client=bc)

    edit = apply_order_edits(connection=connection, sales_order=order,
                             lc_order=lc_order(connection, bc, order.bc_order_id))

    assert edit.transactions == []
    assert Transaction.objects.filter(order=order).count() == 1


# ---- the webhook ---------------------------------------------------------------------------


def deliver_refund_webhook(django_client, connection, oid: int, rid: int, capture) -> list:
    body = json.dumps({"producer": f"stores/{connection.store_hash}", "hash": "0f1e2d",
                       "created_at": 1763870000, "store_id": "1001",
                       "scope": "store/order/refund/created",
                       "data": {"type": "order", "id": oid, "refund": {"refund_id": rid}}})
    with capture() as callbacks:
        response = django_client.post(
            reverse("bcsync:webhook_receiver", args=[connection.store_hash]), data=body,
            content_type="application/json",
            headers={SECRET_HEADER: connection.webhook_secret})
    assert response.status_code == 202
    return [(cb.func.__self__, cb.keywords["kwargs"]) for cb in callbacks]


def run_refund_tasks(sent: list) -> list[str]:
    return [task.apply(kwargs=kwargs).get() for task, kwargs in sent
            if task.name == "bcsync.tasks.order_refunds_apply_task"]


def test_the_refund_webhook_applies_the_refund_once_however_often_it_comes(
        client, api, shop, connection, bc, placed, django_capture_on_commit_callbacks):
    order, lines = placed
    a = shop.products[0]
    refund = api.refund(order.bc_order_id, [{"item_type": "PRODUCT", "item_id": lines[a["id"]],
                                             "quantity": 1}])

    first = deliver_refund_webhook(client, connection, order.bc_order_id, refund["id"],
                                   django_capture_on_commit_callbacks)
    duplicate = deliver_refund_webhook(client, connection, order.bc_order_id, refund["id"],
                                       django_capture_on_commit_callbacks)

    assert {t.name for t, _ in first} >= {"bcsync.tasks.order_refunds_apply_task",
                                           "bcsync.tasks.lc_refresh_task"}
    assert [kw for t, kw in first if t.name.endswith("order_refunds_apply_task")] == [
        {"connection_id": connection.pk, "bc_order_id": order.bc_order_id}]
    outcomes = run_refund_tasks(first) + run_refund_tasks(duplicate)
    assert outcomes == ["1 refund(s) applied, 0 already applied",
                        "0 refund(s) applied, 1 already applied"]
    txn = Transaction.objects.get(order=order)
    assert txn.kind == Transaction.Kind.REFUND and txn.lines.get().quantity == 1
    assert shop.on_hand(shop.items[0]) == STOCK - 2


def test_a_refund_for_an_order_not_imported_does_nothing_and_records_the_skip(
        client, store, api, shop, connection, django_capture_on_commit_callbacks):
    a = shop.products[0]
    bc_order = store.place_order([{"product_id": a["id"], "quantity": 1}])
    line_id = api.lines(bc_order["id"])[0]["id"]
    refund = api.refund(bc_order["id"], [{"item_type": "PRODUCT", "item_id": line_id,
                                          "quantity": 1}])

    sent = deliver_refund_webhook(client, connection, bc_order["id"], refund["id"],
                                  django_capture_on_commit_callbacks)

    assert run_refund_tasks(sent) == [f"BigCommerce order {bc_order['id']} is not imported: "
                                      "refund skipped."]
    assert not Transaction.objects.exists() and not OrderRefundApplied.objects.exists()
    skip = SyncEvent.objects.get(connection=connection)
    assert skip.action == SyncEvent.Action.SKIPPED and str(bc_order["id"]) in skip.label


def test_a_refund_of_a_line_the_pos_order_lacks_fails_by_name_until_the_edit_is_applied(
        store, api, shop, connection, bc, placed):
    order, _ = placed
    c = shop.products[2]
    store.edit_order(order.bc_order_id, [{"product_id": c["id"], "quantity": 2}])
    new_id = {x["product_id"]: x["id"] for x in api.lines(order.bc_order_id)}[c["id"]]
    refund = api.refund(order.bc_order_id, [{"item_type": "PRODUCT", "item_id": new_id,
                                             "quantity": 1}])

    failed = apply_bc_refunds(connection=connection, sales_order=order, client=bc)

    assert failed.applied == [] and list(failed.failed) == [refund["id"]]
    assert f"refund {refund['id']}" in failed.failed[refund["id"]]
    assert f"item_id {new_id}" in failed.failed[refund["id"]]
    assert not Transaction.objects.exists() and not OrderRefundApplied.objects.exists()

    apply_order_edits(connection=connection, sales_order=order,
                      lc_order=lc_order(connection, bc, order.bc_order_id))
    done = apply_bc_refunds(connection=connection, sales_order=order, client=bc)

    assert done.applied == [refund["id"]]
    kinds = sorted(Transaction.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == ["refund", "sale"]
    assert shop.on_hand(shop.items[2]) == STOCK - 1
