"""V2 orders, their products and shipping addresses, and order statuses.

Orders enter the store only through the control API (``place-order``), the way a
storefront checkout would create them; ``PUT /v2/orders/{id}`` then edits them.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import clock
from .catalog_model import load_product, load_variant, save_product, set_stock, stock_key
from .errors import ApiError, v2_error, v2_not_found
from .fields import Anything, Arr, Bool, Field, Int, Num, Obj, Str, v2_check_body
from .routing import Request, Response, Router, v2_list, v2_page
from .store import dumps, loads

if TYPE_CHECKING:
    from .app import Emulator

STATUSES: list[tuple[int, str, str]] = [
    (0, "Incomplete", "An incomplete order happens when a shopper reached the payment page, "
        "but did not complete the transaction."),
    (1, "Pending", "Customer started the checkout process, but did not complete it."),
    (2, "Shipped", "Order has been shipped, but receipt has not been confirmed; seller has "
        "used the Ship Items action."),
    (3, "Partially Shipped", "Only some items in the order have been shipped, due to some "
        "products being pre-order only or other reasons."),
    (4, "Refunded", "Seller has used the Refund action."),
    (5, "Cancelled", "Seller has cancelled an order, due to a stock inconsistency or other "
        "reasons."),
    (6, "Declined", "Seller has marked the order as declined for lack of manual payment, or "
        "other reasons."),
    (7, "Awaiting Payment", "Customer has completed checkout process, but payment has yet to "
        "be confirmed."),
    (8, "Awaiting Pickup", "Order has been pulled, and is awaiting customer pickup from a "
        "seller-specified location."),
    (9, "Awaiting Shipment", "Order has been pulled and packaged, and is awaiting collection "
        "from a shipping provider."),
    (10, "Completed", "Client has paid for their digital product and their file(s) are "
         "available for download."),
    (11, "Awaiting Fulfillment", "Customer has completed the checkout process and payment has "
         "been confirmed."),
    (12, "Manual Verification Required", "Order is on hold while some aspect needs to be "
         "manually confirmed."),
    (13, "Disputed", "Customer has initiated a dispute resolution process for the PayPal "
         "transaction that paid for the order."),
    (14, "Partially Refunded", "Seller has partially refunded the order."),
]
STATUS_NAMES = {sid: name for sid, name, _ in STATUSES}
SORTABLE = {"id", "customer_id", "date_created", "date_modified", "status_id", "channel_id",
            "external_id"}


def register(router: Router) -> None:
    router.add("GET", "/v2/orders", list_orders)
    router.add("POST", "/v2/orders", post_order)
    router.add("GET", "/v2/orders/count", count_orders)
    router.add("GET", "/v2/orders/{order_id}", get_order)
    router.add("PUT", "/v2/orders/{order_id}", put_order)
    router.add("GET", "/v2/orders/{order_id}/products", list_order_products)
    router.add("GET", "/v2/orders/{order_id}/products/{product_id}", get_order_product)
    router.add("GET", "/v2/orders/{order_id}/shipping_addresses", list_shipping_addresses)
    router.add("GET", "/v2/order_statuses", list_statuses)
    router.add("GET", "/v2/order_statuses/{status_id}", get_status)


def money(value: float) -> str:
    return f"{value:.4f}"


def status_view(sid: int) -> dict[str, Any]:
    _, name, description = STATUSES[sid]
    return {"id": sid, "name": name, "system_label": name, "custom_label": name,
            "system_description": description}


def list_statuses(emu: Emulator, req: Request) -> Response:
    return v2_list([status_view(sid) for sid, _, _ in STATUSES], v2_page(req))


def get_status(emu: Emulator, req: Request) -> Response:
    sid = req.params["status_id"]
    if sid not in STATUS_NAMES:
        raise v2_not_found()
    return Response(200, status_view(sid))


# ---- reading -------------------------------------------------------------------------


def _parse_date(req: Request, name: str) -> int | None:
    value = req.date(name)
    return None if value is None else int(value.timestamp())


def list_orders(emu: Emulator, req: Request) -> Response:
    where: list[str] = []
    args: list[Any] = []
    for name, sql in (("min_id", "id >= ?"), ("max_id", "id <= ?"),
                      ("customer_id", "customer_id = ?"), ("status_id", "status_id = ?")):
        if (v := req.int(name)) is not None:
            where.append(sql)
            args.append(v)
    if (email := req.get("email")) is not None:
        where.append("email_key = ?")
        args.append(email.strip().lower())
    for name, sql in (("min_date_created", "created_ts >= ?"),
                      ("max_date_created", "created_ts <= ?"),
                      ("min_date_modified", "modified_ts >= ?"),
                      ("max_date_modified", "modified_ts <= ?")):
        if (ts := _parse_date(req, name)) is not None:
            where.append(sql)
            args.append(ts)
    column, direction = "id", "ASC"
    if sort := req.get("sort"):
        field, _, way = sort.partition(":")
        if field in SORTABLE:
            column = {"date_created": "created_ts", "date_modified": "modified_ts"}.get(
                field, field if field in ("id", "customer_id", "status_id") else "id")
            direction = "DESC" if way.lower() == "desc" else "ASC"
    page = v2_page(req)
    sql_where = f" WHERE {' AND '.join(where)}" if where else ""
    rows = emu.store.all(
        f"SELECT id, data FROM orders{sql_where} ORDER BY {column} {direction}, id {direction}"
        " LIMIT ? OFFSET ?", [*args, page.limit, page.offset])
    # BigCommerce answers an empty order list with 204 and no body (DIGEST §2).
    consigned = consignment_include(req)
    return v2_list([order_view(emu, oid, loads(d), consignments=consigned) for oid, d in rows])


def order_view(emu: Emulator, oid: int, data: dict[str, Any],
               consignments: str | None = None) -> dict[str, Any]:
    base = f"{emu.public_base}/v2/orders/{oid}"
    view = {"id": oid, **data,
            "products": {"url": f"{base}/products", "resource": f"/orders/{oid}/products"},
            "shipping_addresses": {"url": f"{base}/shipping_addresses",
                                   "resource": f"/orders/{oid}/shipping_addresses"},
            "coupons": {"url": f"{base}/coupons", "resource": f"/orders/{oid}/coupons"}}
    if consignments is not None:
        view["consignments"] = consignments_view(
            emu, oid, line_items=consignments == "consignments.line_items")
    return view


def consignment_include(req: Request) -> str | None:
    """Which consignment include the request asks for: "consignments.line_items" (lines
    inline), "consignments" (lines as links) or None. The spec's object structure needs
    `consignment_structure=object`; the older array structure is not emulated, so without
    it the include is ignored (the order comes as it would without the include)."""
    includes = set(req.csv("include") or [])
    if req.get("consignment_structure") != "object":
        return None
    if "consignments.line_items" in includes:
        return "consignments.line_items"
    return "consignments" if "consignments" in includes else None


# Shipping consignment costs are numbers in the spec (shippingConsignment_Get), where the
# shipping address endpoint has them as V2 money strings.
CONSIGNMENT_NUMBERS = ("base_cost", "cost_ex_tax", "cost_inc_tax", "cost_tax",
                       "base_handling_cost", "handling_cost_ex_tax", "handling_cost_inc_tax",
                       "handling_cost_tax")


def consignments_view(emu: Emulator, oid: int, *, line_items: bool) -> dict[str, Any]:
    """The order's consignments in the object structure (orderConsignment_Get): one shipping
    consignment per shipping address (same id), holding the lines shipped to it, inline (the
    objects GET /orders/{id}/products serves) or as links. The emulator has no pickup,
    digital or gift certificate consignments."""
    base = f"{emu.public_base}/v2/orders/{oid}"
    lines = order_lines(emu, oid)
    shipping = []
    for aid, d in emu.store.all("SELECT id, data FROM order_shipping_addresses "
                                "WHERE order_id=? ORDER BY id", (oid,)):
        address = loads(d)
        consignment: dict[str, Any] = {"id": aid}
        for key, value in address.items():
            if key == "order_id":
                continue
            consignment[key] = float(value) if key in CONSIGNMENT_NUMBERS else value
        mine = [x for x in lines if x["order_address_id"] == aid]
        consignment["line_items"] = mine if line_items else [
            {"url": f"{base}/products/{x['id']}", "resource": f"/orders/{oid}/products/{x['id']}"}
            for x in mine]
        path = f"/orders/{oid}/consignments/shipping/{aid}/shipping_quotes"
        consignment["shipping_quotes"] = {"url": f"{emu.public_base}/v2{path}",
                                          "resource": path}
        shipping.append(consignment)
    return {"pickups": [], "shipping": shipping, "downloads": [],
            "email": {"gift_certificates": []}}


def _order(emu: Emulator, oid: int) -> dict[str, Any]:
    data = emu.store.get_json("orders", oid)
    if data is None:
        raise v2_not_found()
    return data


def get_order(emu: Emulator, req: Request) -> Response:
    oid = req.params["order_id"]
    return Response(200, order_view(emu, oid, _order(emu, oid),
                                    consignments=consignment_include(req)))


def count_orders(emu: Emulator, req: Request) -> Response:
    counts = dict(emu.store.all("SELECT status_id, COUNT(*) FROM orders GROUP BY status_id"))
    statuses = [{**status_view(sid), "count": counts.get(sid, 0), "sort_order": sid}
                for sid, _, _ in STATUSES]
    return Response(200, {"statuses": statuses, "count": sum(counts.values())})


def order_lines(emu: Emulator, oid: int) -> list[dict[str, Any]]:
    return [{"id": lid, **loads(d)} for lid, d in emu.store.all(
        "SELECT id, data FROM order_products WHERE order_id=? ORDER BY id", (oid,))]


def list_order_products(emu: Emulator, req: Request) -> Response:
    oid = req.params["order_id"]
    _order(emu, oid)
    return v2_list(order_lines(emu, oid), v2_page(req))


def get_order_product(emu: Emulator, req: Request) -> Response:
    oid = req.params["order_id"]
    line = next((x for x in order_lines(emu, oid) if x["id"] == req.params["product_id"]), None)
    if line is None:
        raise v2_not_found()
    return Response(200, line)


def list_shipping_addresses(emu: Emulator, req: Request) -> Response:
    oid = req.params["order_id"]
    _order(emu, oid)
    rows = emu.store.all("SELECT id, data FROM order_shipping_addresses WHERE order_id=? "
                         "ORDER BY id", (oid,))
    base = f"{emu.public_base}/v2/orders/{oid}/shipping_addresses"
    return v2_list([{"id": aid, **loads(d), "shipping_quotes": {
        "url": f"{base}/{aid}/shipping_quotes",
        "resource": f"/orders/{oid}/shipping_addresses/{aid}/shipping_quotes"}}
        for aid, d in rows], v2_page(req))


# ---- writing -------------------------------------------------------------------------


class OrderInputError(ApiError):
    """Bad control-API or PUT input; rendered in the V2 error shape."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(status, [{"status": status, "message": message}])


def _line_for(emu: Emulator, oid: int, address_id: int, product_id: int,
              variant_id: int | None, quantity: int) -> dict[str, Any]:
    product = load_product(emu.store, product_id)
    if product is None:
        raise OrderInputError(f"Product {product_id} does not exist.")
    variant = None
    if variant_id:
        variant = load_variant(emu.store, variant_id)
        if variant is None or variant["product_id"] != product_id:
            raise OrderInputError(f"Variant {variant_id} does not belong to product "
                                  f"{product_id}.")
    elif product.get("options"):
        raise OrderInputError(f"Product {product_id} has options: give a variant_id.")
    else:
        variant = load_variant(emu.store, product["base_variant_id"])
    price = variant.get("price") if variant and variant.get("price") is not None else None
    price = float(product["price"] if price is None else price)
    sale = variant.get("sale_price") if variant else None
    if sale:
        price = float(sale)
    elif not variant or not variant.get("option_values"):
        price = float(product["sale_price"] or price)
    return _line_from(oid, address_id, product_id, product, variant, price, quantity)


def _line_from(oid: int, address_id: int, product_id: int, product: dict[str, Any],
               variant: dict[str, Any] | None, price: float, quantity: int) -> dict[str, Any]:
    sku = (variant or {}).get("sku") or product.get("sku") or ""
    options = [{
        "id": i + 1, "option_id": ov["option_id"], "order_product_id": 0,
        "product_option_id": ov["option_id"], "display_name": ov["option_display_name"],
        "display_value": ov["label"], "value": str(ov["id"]), "type": "Multiple choice",
        "name": ov["option_display_name"], "display_style": "Rectangle",
        "display_name_customer": ov["option_display_name"],
        "display_name_merchant": ov["option_display_name"],
        "display_value_customer": ov["label"], "display_value_merchant": ov["label"],
    } for i, ov in enumerate((variant or {}).get("option_values") or [])]
    total = price * quantity
    weight = (variant or {}).get("weight")
    return {
        "order_id": oid, "product_id": product_id,
        "variant_id": variant["id"] if variant else product.get("base_variant_id") or 0,
        "order_address_id": address_id, "name": product["name"], "name_customer":
        product["name"], "name_merchant": product["name"], "sku": sku, "upc":
        (variant or {}).get("upc") or product.get("upc") or "", "type": product["type"],
        "base_price": money(price), "price_ex_tax": money(price), "price_inc_tax": money(price),
        "price_tax": money(0), "base_total": money(total), "total_ex_tax": money(total),
        "total_inc_tax": money(total), "total_tax": money(0), "discounted_total_inc_tax":
        money(total), "quantity": quantity, "base_cost_price": money(product["cost_price"]),
        "cost_price_inc_tax": money(product["cost_price"]), "cost_price_ex_tax":
        money(product["cost_price"]), "cost_price_tax": money(0),
        "weight": float(product["weight"] if weight is None else weight),
        "width": money(product["width"]), "height": money(product["height"]),
        "depth": money(product["depth"]), "is_refunded": False, "quantity_refunded": 0,
        "refund_amount": money(0), "return_id": 0, "wrapping_id": 0, "wrapping_name": None,
        "base_wrapping_cost": money(0), "wrapping_cost_ex_tax": money(0),
        "wrapping_cost_inc_tax": money(0), "wrapping_cost_tax": money(0),
        "wrapping_message": "", "quantity_shipped": 0, "event_name": None, "event_date": None,
        "fixed_shipping_cost": money(0), "ebay_item_id": "", "ebay_transaction_id": "",
        "option_set_id": None, "parent_order_product_id": None, "is_bundled_product": False,
        "bin_picking_number": product.get("bin_picking_number") or "", "external_id": None,
        "brand": "", "applied_discounts": [], "product_options": options,
        "configurable_fields": [], "gift_certificate_id": None,
    }


def _custom_line(oid: int, address_id: int, line: dict[str, Any], qty: int
                 ) -> dict[str, Any]:
    """A line that is not a catalog product (V2 "custom product"): no stock effect."""
    if not line.get("name"):
        raise OrderInputError("A line without product_id needs a name (custom product).")
    price = float(line.get("price_inc_tax", line.get("price_ex_tax", 0)) or 0)
    fake = {"name": line["name"], "sku": line.get("sku", ""), "type": "physical",
            "price": price, "sale_price": 0, "cost_price": 0, "weight": 0, "width": 0,
            "height": 0, "depth": 0, "upc": line.get("upc", ""), "bin_picking_number": ""}
    out = _line_from(oid, address_id, 0, fake, None, price, qty)
    out["variant_id"] = 0
    return out


def _adjust_stock(emu: Emulator, product_id: int, variant_id: int | None, delta: int) -> None:
    """Move stock at the default location as a storefront order would (relative)."""
    product = load_product(emu.store, product_id)
    if product is None or product["inventory_tracking"] == "none" or not delta:
        return
    key = stock_key(product, variant_id)
    row = emu.store.one("SELECT on_hand FROM inventory WHERE location_id=1 AND product_id=? "
                        "AND variant_id=?", (product_id, key))
    on_hand = row[0] if row else 0
    if on_hand + delta < 0:
        raise OrderInputError(f"Not enough stock for product {product_id}"
                              f"{f' variant {variant_id}' if variant_id else ''}: "
                              f"{on_hand} on hand, {-delta} wanted.", 409)
    set_stock(emu, product, key, on_hand + delta, method="relative", order_event=True)
    product["total_sold"] = max(0, int(product.get("total_sold") or 0) - delta)
    save_product(emu.store, product)


def _recompute(data: dict[str, Any], lines: list[dict[str, Any]]) -> None:
    subtotal = sum(float(x["total_inc_tax"]) for x in lines)
    shipping = float(data.get("shipping_cost_inc_tax") or 0)
    items = sum(int(x["quantity"]) for x in lines)
    data.update({
        "subtotal_ex_tax": money(subtotal), "subtotal_inc_tax": money(subtotal),
        "subtotal_tax": money(0), "total_ex_tax": money(subtotal + shipping),
        "total_inc_tax": money(subtotal + shipping), "total_tax": money(0),
        "items_total": items, "order_is_digital": bool(lines) and all(
            x["type"] == "digital" for x in lines),
    })


def _save_order(emu: Emulator, oid: int, data: dict[str, Any]) -> None:
    created = int(clock.parse_any(data["date_created"]).timestamp())
    modified = int(clock.parse_any(data["date_modified"]).timestamp())
    emu.store.conn.execute(
        "INSERT INTO orders(id, customer_id, status_id, email_key, created_ts, modified_ts, data)"
        " VALUES(?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET customer_id=excluded.customer_id,"
        " status_id=excluded.status_id, email_key=excluded.email_key,"
        " modified_ts=excluded.modified_ts, data=excluded.data",
        (oid, data["customer_id"], data["status_id"],
         (data["billing_address"].get("email") or "").lower(), created, modified, dumps(data)))


def _touch(data: dict[str, Any]) -> None:
    previous = clock.parse_any(data["date_modified"]) if data.get("date_modified") else None
    moved = clock.after(clock.iso(previous) if previous else None)
    data["date_modified"] = clock.rfc2822(moved)


def place_order(emu: Emulator, body: dict[str, Any], created: datetime | None = None,
                check_stock: bool = True) -> dict[str, Any]:
    """Create an order as a storefront checkout would; returns the V2 order."""
    store = emu.store
    lines_in = body.get("lines") or []
    if not lines_in:
        raise OrderInputError("An order needs at least one line.")
    customer_id = int(body.get("customer_id") or 0)
    customer = store.get_json("customers", customer_id) if customer_id else None
    if customer_id and customer is None:
        raise OrderInputError(f"Customer {customer_id} does not exist.")
    status_id = int(body.get("status_id", 11))
    if status_id not in STATUS_NAMES:
        raise OrderInputError(f"Unknown status_id {status_id}.")
    email = body.get("email") or (customer or {}).get("email") or "guest@example.com"
    first = (customer or {}).get("first_name") or body.get("first_name") or "Guest"
    last = (customer or {}).get("last_name") or body.get("last_name") or "Shopper"
    oid = store.next_id("orders")
    address_id = store.next_id("order_addresses")
    when = created or clock.now()
    address: dict[str, Any] = {
        "first_name": first, "last_name": last, "company": "", "street_1": "12 Main Street",
        "street_2": "", "city": "Austin", "state": "Texas", "zip": "78701",
        "country": "United States", "country_iso2": "US", "phone": "", "email": email,
        "form_fields": [],
    }
    shipping_cost = float(body.get("shipping_cost", 0))
    if isinstance(body.get("billing_address"), dict):
        address.update({k: v for k, v in body["billing_address"].items() if k in address})
        email = address["email"] or email
    lines = []
    for line in lines_in:
        qty = int(line.get("quantity") or 0)
        if qty <= 0:
            raise OrderInputError("Each line needs a positive quantity.")
        if not line.get("product_id"):
            lines.append(_custom_line(oid, address_id, line, qty))
            continue
        lines.append(_line_for(emu, oid, address_id, int(line["product_id"]),
                               line.get("variant_id"), qty))
    if check_stock:
        for line in lines:
            if line["product_id"]:
                _adjust_stock(emu, line["product_id"], line["variant_id"], -line["quantity"])
    data: dict[str, Any] = {
        "customer_id": customer_id, "date_created": clock.rfc2822(when),
        "date_modified": clock.rfc2822(when), "date_shipped": "", "status_id": status_id,
        "status": STATUS_NAMES[status_id], "base_shipping_cost": money(shipping_cost),
        "shipping_cost_ex_tax": money(shipping_cost), "shipping_cost_inc_tax":
        money(shipping_cost), "shipping_cost_tax": money(0), "shipping_cost_tax_class_id": 2,
        "base_handling_cost": money(0), "handling_cost_ex_tax": money(0),
        "handling_cost_inc_tax": money(0), "handling_cost_tax": money(0),
        "handling_cost_tax_class_id": 2, "base_wrapping_cost": money(0),
        "wrapping_cost_ex_tax": money(0), "wrapping_cost_inc_tax": money(0),
        "wrapping_cost_tax": money(0), "wrapping_cost_tax_class_id": 3, "items_shipped": 0,
        "payment_method": body.get("payment_method", "Credit Card"),
        "payment_provider_id": "", "payment_status": "captured", "refunded_amount": money(0),
        "store_credit_amount": money(0), "gift_certificate_amount": money(0),
        "ip_address": "127.0.0.1", "ip_address_v6": "", "geoip_country": "United States",
        "geoip_country_iso2": "US", "currency_id": 1, "currency_code": "USD",
        "currency_exchange_rate": "1.0000000000", "default_currency_id": 1,
        "default_currency_code": "USD", "store_default_currency_code": "USD",
        "store_default_to_transactional_exchange_rate": "1.0000000000",
        "staff_notes": body.get("staff_notes", ""),
        "customer_message": body.get("customer_message", ""),
        "discount_amount": money(0), "coupon_discount": money(0),
        "shipping_address_count": 1, "is_deleted": False, "ebay_order_id": "0", "cart_id": "",
        "billing_address": address, "is_email_opt_in": False,
        "order_source": body.get("order_source", "www"),
        "channel_id": int(body.get("channel_id") or 1),
        "external_source": body.get("external_source"), "external_id": None,
        "external_merchant_id": None, "tax_provider_id": "BasicTaxProvider",
        "customer_locale": "en", "external_order_id": body.get("external_order_id", ""),
        "is_tax_inclusive_pricing": False,
        "total_tax": money(0),
    }
    _recompute(data, lines)
    _save_order(emu, oid, data)
    for line in lines:
        lid = store.next_id("order_products")
        store.conn.execute("INSERT INTO order_products(id, order_id, data) VALUES(?,?,?)",
                           (lid, oid, dumps(line)))
    shipping_address = {k: v for k, v in address.items()}
    shipping_address.update({
        "order_id": oid, "items_total": data["items_total"], "items_shipped": 0,
        "base_cost": money(shipping_cost), "cost_ex_tax": money(shipping_cost),
        "cost_inc_tax": money(shipping_cost), "cost_tax": money(0), "cost_tax_class_id": 2,
        "base_handling_cost": money(0), "handling_cost_ex_tax": money(0),
        "handling_cost_inc_tax": money(0), "handling_cost_tax": money(0),
        "handling_cost_tax_class_id": 2, "shipping_zone_id": 1,
        "shipping_zone_name": "United States", "shipping_method": "Flat Rate",
    })
    store.conn.execute("INSERT INTO order_shipping_addresses(id, order_id, data) VALUES(?,?,?)",
                       (address_id, oid, dumps(shipping_address)))
    emu.emit("store/order/created", {"type": "order", "id": oid})
    return order_view(emu, oid, data)


def edit_order(emu: Emulator, oid: int, changes: list[dict[str, Any]]) -> dict[str, Any]:
    """Change line quantities (0 removes), add lines; stock and totals follow.

    Each change names a line by ``id`` or by ``product_id`` (+ ``variant_id``).
    """
    store = emu.store
    data = _order(emu, oid)
    lines = order_lines(emu, oid)
    address = store.one("SELECT id FROM order_shipping_addresses WHERE order_id=?", (oid,))
    address_id = address[0] if address else 0
    for change in changes:
        qty = int(change.get("quantity", 0))
        if qty < 0:
            raise OrderInputError("Quantities cannot be negative.")
        if change.get("id"):
            line = next((x for x in lines if x["id"] == change["id"]), None)
            if line is None:
                raise OrderInputError(f"Order {oid} has no line {change['id']}.")
        else:
            if not change.get("product_id"):
                raise OrderInputError("Each line needs id or product_id.")
            pid, vid = int(change["product_id"]), change.get("variant_id")
            line = next((x for x in lines if x["product_id"] == pid and
                         (vid is None or x["variant_id"] == vid)), None)
        if line is None:
            if qty == 0:
                continue
            new = _line_for(emu, oid, address_id, int(change["product_id"]),
                            change.get("variant_id"), qty)
            _adjust_stock(emu, new["product_id"], new["variant_id"], -qty)
            lid = store.next_id("order_products")
            store.conn.execute("INSERT INTO order_products(id, order_id, data) VALUES(?,?,?)",
                               (lid, oid, dumps(new)))
            lines.append({"id": lid, **new})
            continue
        delta = qty - int(line["quantity"])
        _adjust_stock(emu, line["product_id"], line["variant_id"], -delta)
        if qty == 0:
            store.conn.execute("DELETE FROM order_products WHERE id=?", (line["id"],))
            lines.remove(line)
            continue
        price = float(line["price_inc_tax"])
        line.update(quantity=qty, base_total=money(price * qty),
                    total_ex_tax=money(price * qty), total_inc_tax=money(price * qty),
                    discounted_total_inc_tax=money(price * qty), applied_discounts=[])
        store.conn.execute("UPDATE order_products SET data=? WHERE id=?",
                           (dumps({k: v for k, v in line.items() if k != "id"}), line["id"]))
    _recompute(data, lines)
    _touch(data)
    _save_order(emu, oid, data)
    store.conn.execute("UPDATE order_shipping_addresses SET data=json_set(data, "
                       "'$.items_total', ?) WHERE order_id=?", (data["items_total"], oid))
    emu.emit("store/order/updated", {"type": "order", "id": oid})
    return order_view(emu, oid, data)


class _Money(Anything):
    """V2 money: a number, or a string holding one ("225.0000")."""

    nullable = False

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return "must be a number or a numeric string"
        try:
            amount = float(value)
        except ValueError:
            return "must be a number or a numeric string"
        return None if math.isfinite(amount) and amount >= 0 else "must be a positive amount"


MONEY = _Money()
_ADDRESS = Obj({k: Str(nullable=True) for k in (
    "first_name", "last_name", "company", "street_1", "street_2", "city", "state", "zip",
    "country", "country_iso2", "phone", "email")})
_LINE = Obj({"id": Int(1), "product_id": Int(0), "variant_id": Int(0, nullable=True),
             "quantity": Int(0, 2**31 - 1), "name": Str(), "sku": Str(),
             "price_inc_tax": Num(0), "price_ex_tax": Num(0)})
# The order fields the emulator reads, with the orders spec's types.
ORDER_SCHEMA: dict[str, Field] = {
    "status_id": Int(0), "customer_id": Int(0), "channel_id": Int(1),
    "staff_notes": Str(0, 65535), "customer_message": Str(), "payment_method": Str(),
    "external_source": Str(nullable=True), "external_order_id": Str(nullable=True),
    "order_source": Str(), "is_deleted": Bool(), "date_created": Str(),
    "billing_address": _ADDRESS, "products": Arr(_LINE), "base_shipping_cost": MONEY}


def update_order(emu: Emulator, oid: int, body: Any) -> dict[str, Any]:
    v2_check_body(body, ORDER_SCHEMA)
    data = _order(emu, oid)
    if "products" in body:
        changes = []
        for item in body["products"] or []:
            change = {"quantity": item.get("quantity", 0)}
            if item.get("id"):
                change["id"] = item["id"]
            else:
                change.update(product_id=item.get("product_id"),
                              variant_id=item.get("variant_id"))
            changes.append(change)
        edit_order(emu, oid, changes)
        data = _order(emu, oid)
    previous = data["status_id"]
    if "status_id" in body:
        sid = body["status_id"]
        if not isinstance(sid, int) or sid not in STATUS_NAMES:
            raise v2_error(400, "The field 'status_id' is invalid.")
        data["status_id"] = sid
        data["status"] = STATUS_NAMES[sid]
    for name in ("staff_notes", "customer_message", "payment_method", "external_source",
                 "is_deleted"):
        if name in body:
            data[name] = body[name]
    if isinstance(body.get("billing_address"), dict):
        data["billing_address"].update(body["billing_address"])
    _touch(data)
    _save_order(emu, oid, data)
    emu.emit("store/order/updated", {"type": "order", "id": oid})
    if data["status_id"] != previous:
        emu.emit("store/order/statusUpdated", {
            "type": "order", "id": oid,
            "status": {"previous_status_id": previous, "new_status_id": data["status_id"]}})
    return order_view(emu, oid, data)


def put_order(emu: Emulator, req: Request) -> Response:
    return Response(200, update_order(emu, req.params["order_id"], req.json()))


def post_order(emu: Emulator, req: Request) -> Response:
    """POST /v2/orders with ``products`` (catalog lines by product_id[/variant_id], or custom
    lines with name and price); stock is decremented as for a storefront order."""
    body = v2_check_body(req.json(), ORDER_SCHEMA)
    if not isinstance(body.get("billing_address"), dict):
        raise v2_error(400, "The field 'billing_address' cannot be blank.")
    if body.get("consignments"):
        raise v2_error(400, "Consignments are not supported by the emulator; use products.")
    products = body.get("products")
    if not isinstance(products, list) or not products:
        raise v2_error(400, "The field 'products' cannot be blank.")
    lines = [{"product_id": p.get("product_id"), "variant_id": p.get("variant_id"),
              "quantity": p.get("quantity"), "name": p.get("name"), "sku": p.get("sku", ""),
              "price_inc_tax": p.get("price_inc_tax"), "price_ex_tax": p.get("price_ex_tax")}
             for p in products if isinstance(p, dict)]
    created = None
    if body.get("date_created"):
        try:
            created = clock.parse_any(str(body["date_created"]))
        except (ValueError, TypeError, OverflowError) as exc:
            raise v2_error(400, "The field 'date_created' is invalid.") from exc
    order = place_order(emu, {
        **{k: body[k] for k in ("customer_id", "status_id", "customer_message", "staff_notes",
                                "external_source", "external_order_id", "channel_id",
                                "payment_method", "order_source", "billing_address")
           if k in body},
        "shipping_cost": float(body.get("base_shipping_cost") or 0), "lines": lines,
        "status_id": body.get("status_id", 1)}, created=created)
    return Response(200, order)
