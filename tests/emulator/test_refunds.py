"""V3 order refunds: quotes, refunds, their limits, lists, webhook and persistence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bcemulator.process import EmulatorProcess
from tests.specs import Specs, require_specs

from .conftest import Api
from .test_conformance import Checker
from .test_webhooks import Receiver, register

pytestmark = pytest.mark.emulator
SPEC = "orders.v3.yml"


@pytest.fixture(scope="module")
def specs() -> Specs:
    return Specs(require_specs())


@pytest.fixture
def check(specs: Specs, api: Api) -> Checker:
    return Checker(api, specs)


def new_order(emulator: EmulatorProcess, quantity: int = 2, shipping: float = 10.0,
              customer_id: int = 0) -> tuple[int, dict]:
    # A custom line: no stock is taken, so the session's shared store is left as it was.
    order = emulator.place_order([{"name": "Refundable", "sku": "REF-1", "price_inc_tax": 25,
                                   "quantity": quantity}],
                                 customer_id=customer_id, shipping_cost=shipping)
    return order["id"], order


def lines_of(api: Api, oid: int) -> list[dict]:
    return api.get(f"/v2/orders/{oid}/products").json()


def address_of(api: Api, oid: int) -> int:
    return api.get(f"/v2/orders/{oid}/shipping_addresses").json()[0]["id"]


def refunds_path(oid: int) -> str:
    return f"/v3/orders/{oid}/payment_actions/refunds"


def custom(amount: float) -> list[dict]:
    return [{"provider_id": "custom", "amount": amount, "offline": True}]


def test_quote_create_and_read_back_conform_to_the_spec(check, api, emulator):
    oid, _ = new_order(emulator)
    line = lines_of(api, oid)[0]
    price = float(line["price_inc_tax"])
    items = [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1,
              "reason": "Wrong size"},
             {"item_type": "SHIPPING", "item_id": address_of(api, oid), "amount": 4}]

    quote = check.call(SPEC, "POST", f"/v3/orders/{oid}/payment_actions/refund_quotes",
                       json={"items": items}, expect=201).json()["data"]
    assert quote["total_refund_amount"] == round(price + 4, 2)
    assert quote["refund_methods"][0][0]["provider_id"] == "custom"  # a guest: no credit

    created = check.call(SPEC, "POST", refunds_path(oid), json={
        "items": items, "payments": custom(quote["total_refund_amount"])},
        expect=201).json()["data"]
    assert created["order_id"] == oid and created["reason"] == "Wrong size"
    assert created["total_amount"] == quote["total_refund_amount"]
    assert [i["item_type"] for i in created["items"]] == ["PRODUCT", "SHIPPING"]

    listed = check.call(SPEC, "GET", refunds_path(oid), expect=200).json()["data"]
    assert listed == [created]
    everywhere = check.call(SPEC, "GET", "/v3/orders/payment_actions/refunds",
                            params={"order_id:in": str(oid)}, expect=200).json()
    assert everywhere["data"] == [created]
    assert everywhere["meta"]["pagination"]["total"] == 1
    one = check.call(SPEC, "GET", f"/v3/orders/payment_actions/refunds/{created['id']}",
                     expect=200).json()["data"]
    assert one["total_amount"] == created["total_amount"]
    # This endpoint's schema types requested_amount as a nullable string (see refunds.py).
    assert [i["requested_amount"] for i in one["items"]] == [None, "4.00"]

    refused = check.call(SPEC, "POST", refunds_path(oid), json={
        "items": [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 2}],
        "payments": custom(2 * price)}, expect=422).json()
    assert refused["errors"] == {"items.0.quantity": f"line {line['id']} has 1 left to "
                                                     "refund, 2 asked"}
    check.call(SPEC, "POST", f"/v3/orders/{oid}/payment_actions/refund_quotes", json={
        "items": [{"item_type": "SHIPPING", "item_id": address_of(api, oid), "amount": 7}]},
        expect=422)

    after = api.get(f"/v2/orders/{oid}").json()
    assert after["status"] == "Partially Refunded"
    assert float(after["refunded_amount"]) == pytest.approx(price + 4)
    refunded_line = lines_of(api, oid)[0]
    assert refunded_line["quantity_refunded"] == 1 and refunded_line["is_refunded"] is False


def test_refunding_everything_marks_the_order_refunded(api, emulator):
    oid, order = new_order(emulator, quantity=1, shipping=0)
    line = lines_of(api, oid)[0]
    r = api.post(refunds_path(oid), json={
        "items": [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}],
        "payments": custom(float(order["total_inc_tax"]))})
    assert r.status_code == 201, r.text
    assert api.get(f"/v2/orders/{oid}").json()["status_id"] == 4
    assert lines_of(api, oid)[0]["is_refunded"] is True


@pytest.mark.parametrize(("make_items", "payment", "field"), [
    (lambda line, addr, oid: [{"item_type": "PRODUCT", "item_id": line, "quantity": 3}],
     0, "items.0.quantity"),
    (lambda line, addr, oid: [{"item_type": "PRODUCT", "item_id": line, "quantity": 2},
                              {"item_type": "PRODUCT", "item_id": line, "quantity": 1}],
     0, "items.1.quantity"),
    (lambda line, addr, oid: [{"item_type": "PRODUCT", "item_id": 10**9, "quantity": 1}],
     0, "items.0.item_id"),
    (lambda line, addr, oid: [{"item_type": "SHIPPING", "item_id": addr, "amount": 10.01}],
     10.01, "items.0.amount"),
    (lambda line, addr, oid: [{"item_type": "ORDER", "item_id": oid, "amount": 10**6}],
     10**6, "items"),
    (lambda line, addr, oid: [{"item_type": "FEE", "item_id": 1, "amount": 1}],
     1, "items.0.item_type"),
    (lambda line, addr, oid: [{"item_type": "ORDER", "item_id": oid, "amount": 5}],
     4, "payments"),
])
def test_a_refund_beyond_what_is_left_is_a_422_naming_the_item(api, emulator, make_items,
                                                                payment, field):
    oid, _ = new_order(emulator)
    line = lines_of(api, oid)[0]["id"]
    items = make_items(line, address_of(api, oid), oid)

    r = api.post(refunds_path(oid), json={"items": items, "payments": custom(payment)})

    assert r.status_code == 422, r.text
    assert field in r.json()["errors"], r.json()
    assert api.get(refunds_path(oid)).json()["data"] == []
    assert api.get(f"/v2/orders/{oid}").json()["status_id"] == 11


def test_what_was_refunded_before_counts(api, emulator):
    oid, _ = new_order(emulator)
    line = lines_of(api, oid)[0]
    one = [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}]
    price = float(line["price_inc_tax"])
    for _ in range(2):
        assert api.post(refunds_path(oid), json={
            "items": one, "payments": custom(price)}).status_code == 201

    r = api.post(f"/v3/orders/{oid}/payment_actions/refund_quotes", json={"items": one})

    assert r.status_code == 422
    assert r.json()["errors"] == {"items.0.quantity": f"line {line['id']} has 0 left to "
                                                      "refund, 1 asked"}


def test_a_merchant_override_cannot_give_back_more_than_is_left(api, emulator):
    oid, order = new_order(emulator)
    too_much = float(order["total_inc_tax"]) + 1
    r = api.post(refunds_path(oid), json={
        "items": [{"item_type": "ORDER", "item_id": oid, "amount": 1}],
        "merchant_calculated_override": {"total_amount": too_much, "total_tax": 0},
        "payments": custom(too_much)})
    assert r.status_code == 422
    assert "merchant_calculated_override.total_amount" in r.json()["errors"]
    fine = api.post(refunds_path(oid), json={
        "items": [{"item_type": "ORDER", "item_id": oid, "amount": 1}],
        "merchant_calculated_override": {"total_amount": 2, "total_tax": 0},
        "payments": custom(2)})
    assert fine.status_code == 201
    assert fine.json()["data"]["uses_merchant_override_values"] is True
    assert fine.json()["data"]["total_amount"] == 2


def test_store_credit_needs_a_customer(api, emulator):
    oid, _ = new_order(emulator)
    r = api.post(refunds_path(oid), json={
        "items": [{"item_type": "ORDER", "item_id": oid, "amount": 1}],
        "payments": [{"provider_id": "storecredit", "amount": 1, "offline": False}]})
    assert r.status_code == 422
    assert "guest" in r.json()["errors"]["payments.0.provider_id"]


def test_refund_lists_filter_and_page(api, emulator):
    first, _ = new_order(emulator)
    second, _ = new_order(emulator)
    made = []
    for oid in (first, second, first):
        r = api.post(refunds_path(oid), json={
            "items": [{"item_type": "ORDER", "item_id": oid, "amount": 1.5}],
            "payments": custom(1.5)})
        made.append(r.json()["data"])
    everywhere = "/v3/orders/payment_actions/refunds"

    mine = api.get(everywhere, params={"order_id:in": f"{first},{second}", "limit": 2}).json()
    assert [r["id"] for r in mine["data"]] == [made[0]["id"], made[1]["id"]]
    assert mine["meta"]["pagination"]["total_pages"] == 2
    by_id = api.get(everywhere, params={"id:in": str(made[2]["id"])}).json()["data"]
    assert [r["order_id"] for r in by_id] == [first]
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert api.get(everywhere, params={"created:min": future}).json()["data"] == []
    tid = made[1]["payments"][0]["transaction_id"]
    assert [r["id"] for r in api.get(everywhere, params={"transaction_id": tid}).json()[
        "data"]] == [made[1]["id"]]
    assert api.get(refunds_path(first), params={"transaction_id": tid}).json()["data"] == []
    assert api.get(refunds_path(10**9)).status_code == 404
    assert api.get(f"{everywhere}/{10**9}").status_code == 404


def test_a_refund_raises_the_refund_created_webhook(api, emulator):
    receiver = Receiver()
    hook = register(api, "store/order/refund/created", receiver.url)
    try:
        oid, _ = new_order(emulator)
        refund = api.post(refunds_path(oid), json={
            "items": [{"item_type": "ORDER", "item_id": oid, "amount": 2}],
            "payments": custom(2)}).json()["data"]
        calls = receiver.wait(lambda c: c["body"]["scope"] == "store/order/refund/created")
        assert calls[0]["body"]["data"] == {"type": "order", "id": oid,
                                            "refund": {"refund_id": refund["id"]}}
    finally:
        api.delete(f"/v3/hooks/{hook['id']}")
        receiver.close()


def test_refunds_are_kept_in_the_store_file(tmp_path):
    db = str(tmp_path / "store.sqlite")
    with EmulatorProcess(seed="demo", db=db) as emu:
        api = Api(emu)
        oid, _ = new_order(emu)
        created = api.post(refunds_path(oid), json={
            "items": [{"item_type": "ORDER", "item_id": oid, "amount": 3}],
            "payments": custom(3)}).json()["data"]
    with EmulatorProcess(seed=None, db=db) as emu:
        assert Api(emu).get(refunds_path(oid)).json()["data"] == [created]
