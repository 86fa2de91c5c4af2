"""V3 order refunds: refund quotes, refunds, and the lists that read them back.

A refund names what it gives back: order lines by quantity (`PRODUCT`, priced at the line's
`price_inc_tax`), or amounts of the shipping (`SHIPPING`, by order address id) or of the
order as a whole (`ORDER`, by order id). Nothing is given back twice: a line's quantity less
what was refunded before, the shipping cost less its earlier refunds, and the order total
less `refunded_amount` bound each request; anything beyond is a 422 naming the item. The
emulator charges no tax, so tax adjustments, gift wrapping, handling and fees have nothing to
refund and are refused the same way. Refunds do not move stock (BigCommerce leaves restocking
to the merchant). A created refund updates the order's lines and totals and raises
`store/order/refund/created` with `refund.refund_id`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import clock
from .errors import v3_error, v3_not_found
from .fields import Arr, Bool, Field, Int, Num, Obj, Str, check_body
from .orders import STATUS_NAMES, _save_order, _touch, money, order_lines
from .routing import Request, Response, placeholders, v3_list, v3_one, v3_page
from .store import dumps, loads

if TYPE_CHECKING:
    from .app import Emulator

ITEM_TYPES = ("PRODUCT", "GIFT_WRAPPING", "SHIPPING", "HANDLING", "ORDER", "TAX", "FEE")
_ITEM = Obj({"item_type": Str(), "item_id": Num(0), "quantity": Int(0, 2**31 - 1),
             "amount": Num(0), "reason": Str(0, 1000)})
_PAYMENT = Obj({"provider_id": Str(), "amount": Num(0), "offline": Bool()})
QUOTE_SCHEMA: dict[str, Field] = {"items": Arr(_ITEM), "tax_adjustment_amount": Num()}
REFUND_SCHEMA: dict[str, Field] = {
    **QUOTE_SCHEMA, "payments": Arr(_PAYMENT),
    "merchant_calculated_override": Obj({"total_amount": Num(0), "total_tax": Num()})}


def register(router: Any) -> None:
    router.add("POST", "/v3/orders/{order_id}/payment_actions/refund_quotes", post_quote)
    router.add("POST", "/v3/orders/{order_id}/payment_actions/refunds", post_refund)
    router.add("GET", "/v3/orders/{order_id}/payment_actions/refunds", list_order_refunds)
    router.add("GET", "/v3/orders/payment_actions/refunds", list_refunds)
    router.add("GET", "/v3/orders/payment_actions/refunds/{refund_id}", get_refund)


def _cents(value: float) -> float:
    return round(value + 0.0, 2)


def _refused(field: str, problem: str) -> Exception:
    return v3_error(422, "The refund cannot be processed.", {field: problem})


def _order(emu: Emulator, oid: int) -> dict[str, Any]:
    data = emu.store.get_json("orders", oid)
    if data is None:
        raise v3_not_found("order")
    return data


def _refunds_of(emu: Emulator, oid: int) -> list[dict[str, Any]]:
    return [{"id": rid, **loads(d)} for rid, d in emu.store.all(
        "SELECT id, data FROM refunds WHERE order_id=? ORDER BY id", (oid,))]


def _shipping_address_ids(emu: Emulator, oid: int) -> set[int]:
    return {r[0] for r in emu.store.all(
        "SELECT id FROM order_shipping_addresses WHERE order_id=?", (oid,))}


def _price(emu: Emulator, oid: int, body: dict[str, Any]) -> tuple[float, list[dict[str, Any]]]:
    """The amount the items in `body` give back, and the items as a refund lists them.

    Raises a 422 naming the first item that is unknown or refunds more than is left.
    """
    if "tax_adjustment_amount" in body:
        raise _refused("tax_adjustment_amount", "the order was charged no tax to adjust")
    items = body.get("items")
    if not isinstance(items, list) or not items:
        raise v3_error(422, "JSON data is missing or invalid", {"items": "error.path.missing"})
    data = _order(emu, oid)
    lines = {x["id"]: x for x in order_lines(emu, oid)}
    earlier = _refunds_of(emu, oid)
    refunded_qty: dict[int, int] = {}
    refunded_shipping = 0.0
    for refund in earlier:
        for item in refund["items"]:
            if item["item_type"] == "PRODUCT":
                refunded_qty[item["item_id"]] = (refunded_qty.get(item["item_id"], 0)
                                                 + item["quantity"])
            elif item["item_type"] == "SHIPPING":
                refunded_shipping += float(item["requested_amount"])
    addresses = _shipping_address_ids(emu, oid)
    total = 0.0
    out: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        where = f"items.{i}"
        kind, item_id = item.get("item_type"), item.get("item_id")
        if kind not in ITEM_TYPES:
            raise v3_error(422, "JSON data is missing or invalid",
                           {f"{where}.item_type": f"must be one of {', '.join(ITEM_TYPES)}"})
        if item_id is None:
            raise v3_error(422, "JSON data is missing or invalid",
                           {f"{where}.item_id": "error.path.missing"})
        if item_id != int(item_id):
            raise _refused(f"{where}.item_id", "must be a whole number")
        item_id = int(item_id)
        reason = item.get("reason") or ""
        if kind == "PRODUCT":
            quantity = item.get("quantity")
            if quantity is None:
                raise v3_error(422, "JSON data is missing or invalid",
                               {f"{where}.quantity": "error.path.missing"})
            line = lines.get(item_id)
            if line is None:
                raise _refused(f"{where}.item_id", f"order {oid} has no product line {item_id}")
            left_qty = int(line["quantity"]) - refunded_qty.get(item_id, 0)
            if quantity < 1 or quantity > left_qty:
                raise _refused(f"{where}.quantity",
                               f"line {item_id} has {left_qty} left to refund, {quantity} asked")
            refunded_qty[item_id] = refunded_qty.get(item_id, 0) + quantity
            total += float(line["price_inc_tax"]) * quantity
            out.append({"item_type": kind, "item_id": item_id, "reason": reason,
                        "quantity": quantity})
            continue
        amount = item.get("amount")
        if kind not in ("SHIPPING", "ORDER"):
            raise _refused(f"{where}.item_type", f"the order has no {kind.lower()} to refund")
        if amount is None:
            raise v3_error(422, "JSON data is missing or invalid",
                           {f"{where}.amount": "error.path.missing"})
        if kind == "SHIPPING":
            if item_id not in addresses:
                raise _refused(f"{where}.item_id", f"order {oid} has no address {item_id}")
            shipping_left = float(data["shipping_cost_inc_tax"]) - refunded_shipping
            if _cents(amount) > _cents(shipping_left):
                raise _refused(f"{where}.amount", f"shipping has {shipping_left:.2f} left to "
                                                  f"refund, {amount:.2f} asked")
            refunded_shipping += amount
        elif item_id != oid:
            raise _refused(f"{where}.item_id", f"an ORDER item names the order, {oid}")
        total += amount
        out.append({"item_type": kind, "item_id": item_id, "reason": reason,
                    "requested_amount": _cents(amount)})
    left = float(data["total_inc_tax"]) - float(data.get("refunded_amount") or 0)
    if _cents(total) > _cents(left):
        raise _refused("items", f"order {oid} has {left:.2f} left to refund, {total:.2f} asked")
    return _cents(total), out


def _methods(data: dict[str, Any], amount: float) -> list[list[dict[str, Any]]]:
    custom = {"provider_id": "custom", "provider_description": "Custom", "amount": amount,
              "offline": True, "offline_provider": True,
              "offline_reason": "This is an offline payment provider."}
    if not data.get("customer_id"):
        return [[custom]]
    credit = {"provider_id": "storecredit", "provider_description": "Store Credit",
              "amount": amount, "offline": False, "offline_provider": False,
              "offline_reason": ""}
    return [[credit], [custom]]


def post_quote(emu: Emulator, req: Request) -> Response:
    oid = req.params["order_id"]
    body = check_body(req.json(), QUOTE_SCHEMA)
    _order(emu, oid)
    total, _ = _price(emu, oid, body)
    data = _order(emu, oid)
    order_level = sum(float(i["amount"]) for i in body["items"] if i["item_type"] == "ORDER")
    return v3_one({"order_id": oid, "total_refund_amount": total, "total_refund_tax_amount": 0,
                   "order_level_refund_amount": _cents(order_level), "rounding": 0,
                   "adjustment": 0, "tax_inclusive": False,
                   "refund_methods": _methods(data, total)}, 201)


def post_refund(emu: Emulator, req: Request) -> Response:
    oid = req.params["order_id"]
    body = check_body(req.json(), REFUND_SCHEMA)
    data = _order(emu, oid)
    total, items = _price(emu, oid, body)
    override = body.get("merchant_calculated_override")
    if override is not None:
        missing = [f"merchant_calculated_override.{k}" for k in ("total_amount", "total_tax")
                   if k not in override]
        if missing:
            raise v3_error(422, "JSON data is missing or invalid",
                           {k: "error.path.missing" for k in missing})
        total = _cents(override["total_amount"])
        left = float(data["total_inc_tax"]) - float(data.get("refunded_amount") or 0)
        if total > _cents(left):
            raise _refused("merchant_calculated_override.total_amount",
                           f"order {oid} has {left:.2f} left to refund, {total:.2f} asked")
    payments = body.get("payments")
    if not isinstance(payments, list) or not payments:
        raise v3_error(422, "JSON data is missing or invalid", {"payments": "error.path.missing"})
    paid = _cents(sum(float(p.get("amount") or 0) for p in payments))
    if paid != total:
        # The spec: the payments' amount must match the quote's refund method amount.
        raise _refused("payments", f"the payments come to {paid:.2f}; the refund is "
                                   f"{total:.2f}")
    for i, p in enumerate(payments):
        if not p.get("provider_id"):
            raise v3_error(422, "JSON data is missing or invalid",
                           {f"payments.{i}.provider_id": "error.path.missing"})
        if p["provider_id"] == "storecredit" and not data.get("customer_id"):
            raise _refused(f"payments.{i}.provider_id",
                           "Unable to provide store credit for a guest customer.")
    store = emu.store
    rid = store.next_id("refunds")
    now = clock.now()
    out_payments = []
    for p in payments:
        pid = store.next_id("refund_payments")
        out_payments.append({"id": pid, "provider_id": p["provider_id"],
                             "amount": _cents(float(p.get("amount") or 0)),
                             "offline": bool(p.get("offline", False)), "is_declined": False,
                             "declined_message": "", "transaction_id": str(pid)})
    reason = next((i["reason"] for i in items if i.get("reason")), "")
    refund = {"order_id": oid, "user_id": 0, "created": clock.iso(now), "reason": reason,
              "total_amount": total, "total_tax": _cents(override["total_tax"]) if override
              else 0, "uses_merchant_override_values": override is not None, "items": items,
              "payments": out_payments}
    store.conn.execute("INSERT INTO refunds(id, order_id, created_ts, data) VALUES(?,?,?,?)",
                       (rid, oid, int(now.timestamp()), dumps(refund)))
    _apply(emu, oid, data, items, total)
    emu.emit("store/order/refund/created", {"type": "order", "id": oid,
                                            "refund": {"refund_id": rid}})
    return v3_one({"id": rid, **refund}, 201)


def _apply(emu: Emulator, oid: int, data: dict[str, Any], items: list[dict[str, Any]],
           total: float) -> None:
    """The order's lines and totals after a refund, as the V2 order reads them back."""
    lines = {x["id"]: x for x in order_lines(emu, oid)}
    for item in items:
        if item["item_type"] != "PRODUCT":
            continue
        line = lines[item["item_id"]]
        line["quantity_refunded"] = int(line["quantity_refunded"]) + item["quantity"]
        line["refund_amount"] = money(float(line["refund_amount"])
                                      + float(line["price_inc_tax"]) * item["quantity"])
        line["is_refunded"] = line["quantity_refunded"] >= int(line["quantity"])
        emu.store.conn.execute(
            "UPDATE order_products SET data=? WHERE id=?",
            (dumps({k: v for k, v in line.items() if k != "id"}), line["id"]))
    previous = data["status_id"]
    refunded = float(data.get("refunded_amount") or 0) + total
    data["refunded_amount"] = money(refunded)
    status = 4 if _cents(refunded) >= _cents(float(data["total_inc_tax"])) else 14
    data["status_id"], data["status"] = status, STATUS_NAMES[status]
    _touch(data)
    _save_order(emu, oid, data)
    emu.emit("store/order/updated", {"type": "order", "id": oid})
    if status != previous:
        emu.emit("store/order/statusUpdated", {
            "type": "order", "id": oid,
            "status": {"previous_status_id": previous, "new_status_id": status}})


def _with_transaction(refunds: list[dict[str, Any]], transaction_id: str | None
                      ) -> list[dict[str, Any]]:
    if transaction_id is None:
        return refunds
    return [r for r in refunds
            if any(p["transaction_id"] == transaction_id for p in r["payments"])]


def list_order_refunds(emu: Emulator, req: Request) -> Response:
    oid = req.params["order_id"]
    _order(emu, oid)
    return v3_one(_with_transaction(_refunds_of(emu, oid), req.get("transaction_id")))


def list_refunds(emu: Emulator, req: Request) -> Response:
    where: list[str] = []
    args: list[Any] = []
    for name, column in (("order_id:in", "order_id"), ("id:in", "id")):
        if (ids := req.int_csv(name)) is not None:
            where.append(f"{column} IN ({placeholders(ids)})" if ids else "0")
            args.extend(ids)
    for name, sql in (("created:min", "created_ts >= ?"), ("created:max", "created_ts <= ?")):
        if (when := req.date(name)) is not None:
            where.append(sql)
            args.append(int(when.timestamp()))
    page = v3_page(req)
    sql_where = f" WHERE {' AND '.join(where)}" if where else ""
    rows = emu.store.all(f"SELECT id, data FROM refunds{sql_where} ORDER BY id", args)
    refunds = _with_transaction([{"id": rid, **loads(d)} for rid, d in rows],
                                req.get("transaction_id"))
    return v3_list(refunds[page.offset:page.offset + page.limit], page, len(refunds))


def get_refund(emu: Emulator, req: Request) -> Response:
    row = emu.store.one("SELECT data FROM refunds WHERE id=?", (req.params["refund_id"],))
    if row is None:
        raise v3_not_found("refund")
    refund = loads(row[0])
    # The specs disagree: `Refund` (lists, create) types `requested_amount` as a number,
    # `RefundID_Get` (this endpoint) as a nullable string, null for PRODUCT items as in its
    # example. Each endpoint answers as its own schema says.
    refund["items"] = [{**item, "requested_amount": None if item.get("requested_amount") is None
                        else f"{item['requested_amount']:.2f}"} for item in refund["items"]]
    return v3_one({"id": req.params["refund_id"], **refund})
