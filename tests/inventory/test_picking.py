"""The picking page: open imported orders with their unpicked lines and per-item totals;
carol (catalog editor) picks lines and orders, bob (sync operator) only reads; bad picks are
refused with a message naming the order and line; hostile bodies are 400, never 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.models import Item
from orders.models import SalesOrder, SalesOrderLine
from tests.conftest import client_for

from .orders_made import order_with

pytestmark = pytest.mark.django_db
URL = "/picking/"


@pytest.fixture
def other(department, vendor) -> Item:
    return Item.objects.create(sku="MUG1", name="Mug", department=department, vendor=vendor)


@pytest.fixture
def orders(item, other) -> tuple[SalesOrder, SalesOrder]:
    first = order_with("WEB-1", [(item, 3, 1), (other, 2, 0)], store_hash="abc", bc_order_id=1)
    second = order_with("WEB-2", [(item, 4, 0)], store_hash="abc", bc_order_id=2)
    # Not on the list: a till sale, a picked order, a fully picked line.
    order_with("TILL-1", [(item, 9, 0)])
    order_with("WEB-3", [(item, 9, 9)], store_hash="abc", bc_order_id=3,
               status=SalesOrder.Status.PICKED)
    return first, second


def line(order: SalesOrder, item: Item) -> SalesOrderLine:
    return order.lines.get(item=item)


def test_the_url_is_where_the_nav_says():
    assert reverse("bcsync:picking") == URL


def test_the_list_shows_unpicked_lines_by_order_and_totals_per_item(carol, orders, item,
                                                                     other):
    page = client_for(carol).get(URL).content.decode()
    assert "WEB-1" in page and "WEB-2" in page
    assert "TILL-1" not in page and "WEB-3" not in page
    totals = page.split('id="picking-totals"')[1].split("</table>")[0]
    # item: (3 − 1) on WEB-1 + 4 on WEB-2; the mug: 2
    assert f"<td>{item.sku}</td><td>{item.name}</td><td class=\"picking-total\">6</td>" in totals
    assert '<td>MUG1</td><td>Mug</td><td class="picking-total">2</td>' in totals


def test_carol_picks_a_line_then_the_rest_and_the_order_becomes_picked(carol, orders, item,
                                                                       other):
    first, _ = orders
    client = client_for(carol)
    response = client.post(URL, {"action": "pick_line", "line": line(first, item).pk,
                                 "picked": "3"})
    assert response.status_code == 302
    assert line(first, item).picked_quantity == 3
    first.refresh_from_db()
    assert first.status == SalesOrder.Status.OPEN  # the mug is not picked yet

    assert client.post(URL, {"action": "pick_line",
                             "line": line(first, other).pk}).status_code == 302
    first.refresh_from_db()
    assert first.status == SalesOrder.Status.PICKED
    page = client.get(URL).content.decode()  # (the flashed messages name it once more)
    assert f'id="picking-order-{first.pk}"' not in page


def test_a_whole_order_is_marked_picked(carol, orders, item):
    _, second = orders
    response = client_for(carol).post(URL, {"action": "pick_order", "order": second.pk})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == SalesOrder.Status.PICKED
    assert line(second, item).picked_quantity == 4


def test_picking_more_than_sold_is_refused_naming_the_order_and_line(carol, orders, item):
    first, _ = orders
    response = client_for(carol).post(URL, {"action": "pick_line",
                                            "line": line(first, item).pk, "picked": "4"})
    assert response.status_code == 400
    assert (f"Order WEB-1, line &#x27;{item.sku}&#x27;: picked 4 is more than the 3 sold."
            in response.content.decode())
    assert line(first, item).picked_quantity == 1


def test_an_order_that_is_not_open_cannot_be_picked(carol, orders, item):
    done = SalesOrder.objects.get(number="WEB-3")
    response = client_for(carol).post(URL, {"action": "pick_order", "order": done.pk})
    assert response.status_code == 400
    assert "Order WEB-3 is not an open imported order (status Picked)" in (
        response.content.decode())
    till = SalesOrder.objects.get(number="TILL-1")
    response = client_for(carol).post(URL, {"action": "pick_line",
                                            "line": till.lines.get().pk})
    assert response.status_code == 400 and "Order TILL-1 is not an open imported order" in (
        response.content.decode())
    assert till.lines.get().picked_quantity == 0


@pytest.mark.parametrize("body", [
    {},
    {"action": "explode"},
    {"action": "pick_line"},
    {"action": "pick_line", "line": "abc"},
    {"action": "pick_line", "line": "-1"},
    {"action": "pick_line", "line": "99999999999999999999999"},
    {"action": "pick_line", "line": "1e3"},
    {"action": "pick_line", "line": "٣"},  # an Arabic-Indic digit: isdigit() but not ASCII
    {"action": "pick_line", "line": "424242"},
    {"action": "pick_line", "line": "LINE", "picked": "-2"},
    {"action": "pick_line", "line": "LINE", "picked": "9" * 30},
    {"action": "pick_line", "line": "LINE", "picked": "2.5"},
    {"action": "pick_order", "order": "0"},
    {"action": "pick_order", "order": "424242"},
    {"action": "pick_order", "order": "x" * 10_000},
])
def test_hostile_bodies_are_400_not_500(carol, orders, item, body):
    first, _ = orders
    body = {k: (str(line(first, item).pk) if v == "LINE" else v) for k, v in body.items()}
    response = client_for(carol).post(URL, body)
    assert response.status_code == 400
    assert 'id="picking-error"' in response.content.decode()
    assert line(first, item).picked_quantity == 1


def test_bob_sees_the_list_but_may_not_pick(bob, orders, item):
    first, _ = orders
    client = client_for(bob)
    page = client.get(URL).content.decode()
    assert "WEB-1" in page and "Set picked" not in page
    assert client.post(URL, {"action": "pick_order", "order": first.pk}).status_code == 403
    first.refresh_from_db()
    assert first.status == SalesOrder.Status.OPEN


def test_no_permission_no_page_and_anonymous_goes_to_login(client, django_user_model, orders):
    nobody = django_user_model.objects.create_user("nobody", is_staff=True)
    assert client_for(nobody).get(URL).status_code == 403
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_post_needs_the_csrf_token(carol, orders):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)
    first, _ = orders
    assert client.post(URL, {"action": "pick_order", "order": first.pk}).status_code == 403
