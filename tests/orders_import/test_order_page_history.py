"""A sales order's admin page shows its sync history, read-only: the import record (outcome,
message, flags, status write-back and its error, when) and the BigCommerce refunds applied
to it; to the superuser, the sync operator and whoever else may view the order."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bcsync.connections import connection_upsert
from bcsync.models import OrderImport, OrderRefundApplied, StoreConnection
from orders.models import SalesOrder, Transaction
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

TOKEN = "s3cr3t" * 5


@pytest.fixture
def conn(db) -> StoreConnection:
    connection, _ = connection_upsert(store_hash="abc123", access_token=TOKEN,
                                      api_url="http://127.0.0.1:9", description="Main shop")
    return connection


@pytest.fixture
def order(conn) -> SalesOrder:
    sale = SalesOrder.objects.create(number="WEB-7", source_store_hash="abc123", bc_order_id=7,
                                     total=Decimal("30"))
    OrderImport.objects.create(
        connection=conn, bc_order_id=7, sales_order=sale, outcome="imported",
        message="notes: cut", flags=["notes: 12000 characters, cut to 10000",
                                     "shipping_address: none on the order"],
        status_to_write=9, status_write_error="503 Service Unavailable",
        status_write_attempts=2)
    refund = Transaction.objects.create(order=sale, kind="refund", amount=Decimal("10"),
                                        reason="BigCommerce refund 501")
    OrderRefundApplied.objects.create(connection=conn, bc_refund_id=501, bc_order_id=7,
                                      sales_order=sale, transaction=refund)
    return sale


def page_of(user, sale: SalesOrder) -> str:
    response = client_for(user).get(reverse("admin:orders_salesorder_change", args=[sale.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", ["alice", "bob"])  # superuser, sync operator
def test_the_order_page_shows_its_import_and_refunds_applied(order, persona, request):
    page = page_of(request.getfixturevalue(persona), order)

    history = page.split("BigCommerce import", 1)[1]
    assert "Imported" in history and "Main shop" in history
    assert "<li>notes: 12000 characters, cut to 10000</li>" in history
    assert "<li>shipping_address: none on the order</li>" in history
    assert "Awaiting Shipment: pending" in history
    assert "503 Service Unavailable" in history
    refunds = page.split("BigCommerce refunds applied", 1)[1]
    assert "501" in refunds
    tx = order.transactions.get(kind="refund")
    assert reverse("admin:orders_transaction_change", args=[tx.pk]) in refunds
    assert TOKEN not in page


def test_the_history_is_read_only(order, alice):
    page = page_of(alice, order)

    for field in ("message", "outcome", "status_write_error", "flags", "bc_refund_id",
                  "transaction"):
        assert not re.search(rf'name="[^"]*-0-{field}"', page), field
    assert 'name="bc_import-0-DELETE"' not in page


def test_a_written_status_shows_when(order, bob):
    OrderImport.objects.filter(bc_order_id=7).update(
        status_written_at=timezone.make_aware(timezone.datetime(2026, 3, 4, 5, 6, 7)),
        status_write_error="")

    assert "Awaiting Shipment: written 2026-03-04 05:06:07" in page_of(bob, order)


def test_a_pos_sale_has_no_sync_history(alice, db):
    sale = SalesOrder.objects.create(number="POS-1")

    page = page_of(alice, sale)

    assert "Status write-back" not in page
