"""V3 customers (page-based) and V2 customer groups."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from . import clock
from .errors import missing_fields, too_many_items, v2_error, v2_not_found, v3_error
from .fields import (
    Arr,
    Bool,
    Email,
    Enum,
    Field,
    Int,
    Num,
    Obj,
    Str,
    check_body,
    v2_check_body,
)
from .routing import (
    Request,
    Response,
    Router,
    placeholders,
    v2_list,
    v2_page,
    v3_list,
    v3_page,
)
from .store import dumps, loads

if TYPE_CHECKING:
    from .app import Emulator

WRITABLE = ("email", "first_name", "last_name", "company", "phone", "notes",
            "tax_exempt_category", "customer_group_id", "registration_ip_address",
            "accepts_product_review_abandoned_cart_emails", "origin_channel_id", "channel_ids",
            "store_credit_amounts")
ADDRESS_FIELDS = ("first_name", "last_name", "company", "address1", "address2", "city",
                  "state_or_province", "postal_code", "country_code", "phone", "address_type")
ADDRESS_REQUIRED = ("first_name", "last_name", "address1", "city", "country_code")
ADDRESS_SCHEMA: dict[str, Field] = {
    "first_name": Str(1, 255), "last_name": Str(1, 255), "company": Str(0, 255),
    "address1": Str(), "address2": Str(), "city": Str(0, 100),
    "state_or_province": Str(0, 100), "postal_code": Str(0, 30),
    # ISO 3166-1 alpha-2, as the spec's minLength/maxLength 2 say.
    "country_code": Str(2, 2, pattern="[A-Za-z]{2}"), "phone": Str(0, 50),
    "address_type": Enum(("residential", "commercial")), "customer_id": Int(1),
    "id": Int(1), "form_fields": Arr(Obj())}
CUSTOMER_SCHEMA: dict[str, Field] = {
    "email": Email(255), "first_name": Str(1, 100), "last_name": Str(1, 100),
    "company": Str(0, 255), "phone": Str(0, 50), "notes": Str(),
    "tax_exempt_category": Str(0, 255), "customer_group_id": Int(0, 2**31 - 1),
    "registration_ip_address": Str(0, 30), "id": Int(1, 2**31 - 1),
    "accepts_product_review_abandoned_cart_emails": Bool(), "origin_channel_id": Int(0),
    "channel_ids": Arr(Int(0)), "store_credit_amounts": Arr(Obj({"amount": Num(0)})),
    # The spec allows at most 10 addresses (and 10 attributes) per customer on create.
    "addresses": Arr(Obj({k: v for k, v in ADDRESS_SCHEMA.items() if k != "customer_id"}),
                     max_items=10),
    "attributes": Arr(Obj(), max_items=10), "form_fields": Arr(Obj()),
    "authentication": Obj(), "trigger_account_created_notification": Bool()}
COUNTRIES = {"US": "United States", "GB": "United Kingdom", "FR": "France", "DE": "Germany",
             "JP": "Japan", "GR": "Greece", "CA": "Canada", "AU": "Australia"}


def register(router: Router) -> None:
    router.add("GET", "/v3/customers", list_customers)
    router.add("POST", "/v3/customers", post_customers)
    router.add("PUT", "/v3/customers", put_customers)
    router.add("DELETE", "/v3/customers", delete_customers)
    router.add("GET", "/v3/customers/addresses", list_addresses)
    router.add("POST", "/v3/customers/addresses", post_addresses)
    router.add("PUT", "/v3/customers/addresses", put_addresses)
    router.add("DELETE", "/v3/customers/addresses", delete_addresses)
    router.add("GET", "/v2/customer_groups", list_groups)
    router.add("GET", "/v2/customer_groups/count", count_groups)
    router.add("GET", "/v2/customer_groups/{customer_group_id}", get_group)
    router.add("POST", "/v2/customer_groups", post_group)
    router.add("PUT", "/v2/customer_groups/{customer_group_id}", put_group)


def customer_view(cid: int, data: dict[str, Any], includes: set[str]) -> dict[str, Any]:
    addresses = data.get("addresses", [])
    out = {
        "id": cid, "email": data["email"], "first_name": data["first_name"],
        "last_name": data["last_name"], "company": data.get("company", ""),
        "phone": data.get("phone", ""), "notes": data.get("notes", ""),
        "tax_exempt_category": data.get("tax_exempt_category", ""),
        "customer_group_id": data.get("customer_group_id", 0),
        "registration_ip_address": data.get("registration_ip_address", ""),
        "date_created": data["date_created"], "date_modified": data["date_modified"],
        "address_count": len(addresses), "attribute_count": 0,
        "authentication": {"force_password_reset": False},
        "accepts_product_review_abandoned_cart_emails": data.get(
            "accepts_product_review_abandoned_cart_emails", False),
        "origin_channel_id": data.get("origin_channel_id", 1),
    }
    if data.get("channel_ids") is not None:
        out["channel_ids"] = data["channel_ids"]
    if "addresses" in includes:
        out["addresses"] = [{**a, "customer_id": cid} for a in addresses]
    if "storecredit" in includes:
        out["store_credit_amounts"] = data.get("store_credit_amounts") or [{"amount": 0}]
    if "attributes" in includes:
        out["attributes"] = []
    if "formfields" in includes:
        out["form_fields"] = []
    return out


def list_customers(emu: Emulator, req: Request) -> Response:
    where: list[str] = []
    args: list[Any] = []
    for name, column in (("id:in", "id"), ("customer_group_id:in", "group_id")):
        if (ids := req.int_csv(name)) is not None:
            where.append(f"{column} IN ({placeholders(ids) or 'NULL'})")
            args.extend(ids)
    if (emails := req.csv("email:in")) is not None:
        keys = [e.strip().lower() for e in emails]
        where.append(f"email_key IN ({placeholders(keys) or 'NULL'})")
        args.extend(keys)
    for name, column, op in (("date_modified:min", "date_modified", ">="),
                             ("date_modified:max", "date_modified", "<="),
                             ("date_created:min", "date_created", ">="),
                             ("date_created:max", "date_created", "<=")):
        if (d := req.date(name)) is not None:
            where.append(f"{column} {op} ?")
            args.append(clock.iso_z(d))
    if (names := req.csv("name:in")) is not None:
        where.append("json_extract(data, '$.first_name') || ' ' || "
                     f"json_extract(data, '$.last_name') IN ({placeholders(names) or 'NULL'})")
        args.extend(names)
    after, before = req.get("after"), req.get("before")
    if after is not None or before is not None:
        return _cursor_page(emu, req, where, args, after, before)
    order = "id ASC"
    if sort := req.get("sort"):
        field, _, way = sort.partition(":")
        if field in ("date_created", "date_modified"):
            order = f"{field} {'DESC' if way == 'desc' else 'ASC'}, id"
    sql = f" WHERE {' AND '.join(where)}" if where else ""
    page = v3_page(req)
    total = emu.store.one(f"SELECT COUNT(*) FROM customers{sql}", args)[0]
    rows = emu.store.all(f"SELECT id, data FROM customers{sql} ORDER BY {order} LIMIT ? OFFSET ?",
                         [*args, page.limit, page.offset])
    includes = set(req.csv("include") or [])
    response = v3_list([customer_view(cid, loads(raw), includes) for cid, raw in rows], page,
                       total)
    if page.page == 1 and order == "id ASC":
        # The first page carries both kinds of pagination (DIGEST §2).
        response.body["meta"]["cursor_pagination"] = _cursor_meta(
            [r[0] for r in rows], page.limit, has_prev=False, has_next=total > len(rows))
    return response


def encode_cursor(cid: int) -> str:
    """BigCommerce's cursors look like base64url('{"id":204}') without padding."""
    return base64.urlsafe_b64encode(dumps({"id": cid}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = loads(base64.urlsafe_b64decode(padded))["id"]
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**63 - 1:
            raise ValueError("the cursor's id is not a 64-bit integer")
        return value
    except (ValueError, KeyError, TypeError) as exc:
        raise v3_error(422, "The cursor is invalid", {"after": cursor}) from exc


def _cursor_meta(ids: list[int], limit: int, has_prev: bool, has_next: bool
                 ) -> dict[str, Any]:
    meta: dict[str, Any] = {"count": len(ids), "per_page": limit}
    links: dict[str, str] = {}
    if ids:
        meta["start_cursor"] = encode_cursor(ids[0])
        meta["end_cursor"] = encode_cursor(ids[-1])
        links["current"] = f"?after={encode_cursor(ids[0] - 1)}&limit={limit}"
        if has_prev:
            links["previous"] = f"?before={meta['start_cursor']}&limit={limit}"
        if has_next:
            links["next"] = f"?after={meta['end_cursor']}&limit={limit}"
    meta["links"] = links
    return meta


def _cursor_page(emu: Emulator, req: Request, where: list[str], args: list[Any],
                 after: str | None, before: str | None) -> Response:
    """Cursor pagination: ordered by id; the cursor names the last (first) id seen."""
    limit = v3_page(req).limit
    base = " AND ".join(where) or "1"
    if after is not None:
        pivot = decode_cursor(after)
        rows = emu.store.all(f"SELECT id, data FROM customers WHERE {base} AND id > ? "
                             "ORDER BY id LIMIT ?", [*args, pivot, limit + 1])
        has_next, rows = len(rows) > limit, rows[:limit]
        has_prev = bool(emu.store.one(
            f"SELECT 1 FROM customers WHERE {base} AND id <= ? LIMIT 1", [*args, pivot]))
    else:
        pivot = decode_cursor(before or "")
        rows = emu.store.all(f"SELECT id, data FROM customers WHERE {base} AND id < ? "
                             "ORDER BY id DESC LIMIT ?", [*args, pivot, limit + 1])
        has_prev, rows = len(rows) > limit, rows[:limit][::-1]
        has_next = bool(emu.store.one(
            f"SELECT 1 FROM customers WHERE {base} AND id >= ? LIMIT 1", [*args, pivot]))
    includes = set(req.csv("include") or [])
    data = [customer_view(cid, loads(raw), includes) for cid, raw in rows]
    meta = _cursor_meta([r[0] for r in rows], limit, has_prev, has_next)
    return Response(200, {"data": data, "meta": {"cursor_pagination": meta}})


def _validate(item: Any, index: int, creating: bool) -> None:
    if not isinstance(item, dict):
        raise v3_error(422, "JSON data is missing or invalid", {str(index): "must be an object"})
    if creating:
        missing = [f for f in ("email", "first_name", "last_name") if not item.get(f)]
        if missing:
            raise missing_fields([f"{index}.{f}" for f in missing])
    elif not item.get("id"):
        raise missing_fields([f"{index}.id"])
    check_body(item, CUSTOMER_SCHEMA, f"{index}.")
    for i, address in enumerate(item.get("addresses") or []):
        missing = [f"{index}.addresses.{i}.{f}" for f in ADDRESS_REQUIRED if not address.get(f)]
        if missing:
            raise missing_fields(missing)


def _email_taken(emu: Emulator, email: str, own: int | None) -> None:
    row = emu.store.one("SELECT id FROM customers WHERE email_key=?", (email.strip().lower(),))
    if row and row[0] != own:
        raise v3_error(422, "The email address is already in use by another customer.",
                       {".customer_create": f"Email address '{email}' is already in use by "
                                            "another customer."})


def create_customer(emu: Emulator, item: dict[str, Any], when: str | None = None) -> int:
    _email_taken(emu, item["email"], None)
    cid = emu.store.next_id("customers")
    stamp = when or clock.iso_z(clock.now())
    data = {k: item[k] for k in WRITABLE if k in item}
    data.update(date_created=stamp, date_modified=stamp)
    data["addresses"] = [_address(emu, a) for a in item.get("addresses") or []]
    _save(emu, cid, data)
    emu.emit("store/customer/created", {"type": "customer", "id": cid})
    return cid


def _address(emu: Emulator, raw: dict[str, Any]) -> dict[str, Any]:
    address = {k: raw.get(k, "") for k in ADDRESS_FIELDS}
    address["address_type"] = raw.get("address_type") or "residential"
    address["country"] = COUNTRIES.get(address["country_code"], address["country_code"])
    address["id"] = emu.store.next_id("customer_addresses")
    address["form_fields"] = []
    return address


def _save(emu: Emulator, cid: int, data: dict[str, Any]) -> None:
    emu.store.conn.execute(
        "INSERT INTO customers(id, email_key, group_id, date_created, date_modified, data)"
        " VALUES(?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET email_key=excluded.email_key,"
        " group_id=excluded.group_id, date_modified=excluded.date_modified, data=excluded.data",
        (cid, data["email"].strip().lower(), data.get("customer_group_id", 0),
         data["date_created"], data["date_modified"], dumps(data)))


def post_customers(emu: Emulator, req: Request) -> Response:
    body = req.json()
    items = body if isinstance(body, list) else [body]
    if len(items) > 10:
        raise too_many_items(10)
    for i, item in enumerate(items):
        _validate(item, i, creating=True)
    emails = [i["email"].strip().lower() for i in items]
    if len(set(emails)) != len(emails):
        raise v3_error(422, "The email address is already in use by another customer.")
    ids = [create_customer(emu, item) for item in items]
    return _many(emu, ids)


def _many(emu: Emulator, ids: list[int]) -> Response:
    data = [customer_view(cid, emu.store.get_json("customers", cid) or {}, {"addresses"})
            for cid in ids]
    return Response(200, {"data": data, "meta": {}})


def put_customers(emu: Emulator, req: Request) -> Response:
    body = req.json()
    items = body if isinstance(body, list) else [body]
    if len(items) > 10:
        raise too_many_items(10)
    for i, item in enumerate(items):
        _validate(item, i, creating=False)
    for item in items:
        data = emu.store.get_json("customers", item["id"])
        if data is None:
            raise v3_error(422, f"Customer {item['id']} does not exist",
                           {"id": "unknown customer"})
        if "email" in item:
            _email_taken(emu, item["email"], item["id"])
        data.update({k: item[k] for k in WRITABLE if k in item})
        previous = data["date_modified"]
        moved = clock.after(clock.iso(clock.parse_any(previous)))
        data["date_modified"] = clock.iso_z(moved)
        _save(emu, item["id"], data)
        emu.emit("store/customer/updated", {"type": "customer", "id": item["id"]})
    return _many(emu, [item["id"] for item in items])


def delete_customers(emu: Emulator, req: Request) -> Response:
    ids = req.int_csv("id:in")
    # Without id:in BigCommerce answers 204 and deletes nothing (DIGEST §12).
    for cid in ids or []:
        cur = emu.store.conn.execute("DELETE FROM customers WHERE id=?", (cid,))
        if cur.rowcount:
            emu.emit("store/customer/deleted", {"type": "customer", "id": cid})
    return Response(204)


# ---- addresses (stored inside their customer) ------------------------------------------


def _all_addresses(emu: Emulator, customer_ids: list[int] | None = None
                   ) -> list[tuple[int, dict[str, Any]]]:
    sql, args = "SELECT id, data FROM customers", []
    if customer_ids is not None:
        sql += f" WHERE id IN ({placeholders(customer_ids) or 'NULL'})"
        args = customer_ids
    return [(cid, a) for cid, raw in emu.store.all(sql + " ORDER BY id", args)
            for a in loads(raw).get("addresses", [])]


def address_view(cid: int, address: dict[str, Any]) -> dict[str, Any]:
    return {**address, "customer_id": cid}


def list_addresses(emu: Emulator, req: Request) -> Response:
    found = _all_addresses(emu, req.int_csv("customer_id:in"))
    if (ids := req.int_csv("id:in")) is not None:
        found = [(c, a) for c, a in found if a["id"] in ids]
    if (companies := req.csv("company:in")) is not None:
        found = [(c, a) for c, a in found if a.get("company") in companies]
    if (names := req.csv("name:in")) is not None:
        found = [(c, a) for c, a in found if f"{a['first_name']} {a['last_name']}" in names]
    page = v3_page(req)
    data = [address_view(c, a) for c, a in found[page.offset:page.offset + page.limit]]
    return v3_list(data, page, len(found))


def _owner(emu: Emulator, address_id: int) -> tuple[int, dict[str, Any]]:
    for cid, raw in emu.store.all("SELECT id, data FROM customers ORDER BY id"):
        data = loads(raw)
        if any(a["id"] == address_id for a in data.get("addresses", [])):
            return cid, data
    raise v3_error(422, f"Address {address_id} does not exist", {"id": "unknown address"})


def post_addresses(emu: Emulator, req: Request) -> Response:
    body = req.json()
    items = body if isinstance(body, list) else [body]
    for i, item in enumerate(items):
        missing = [f"{i}.{f}" for f in ("customer_id", *ADDRESS_REQUIRED)
                   if not isinstance(item, dict) or not item.get(f)]
        if missing:
            raise missing_fields(missing)
        check_body(item, ADDRESS_SCHEMA, f"{i}.")
    out = []
    for item in items:
        cid = item["customer_id"]
        data = emu.store.get_json("customers", cid)
        if data is None:
            raise v3_error(422, f"Customer {cid} does not exist", {"customer_id": "unknown"})
        address = _address(emu, item)
        data.setdefault("addresses", []).append(address)
        _save(emu, cid, data)
        emu.emit("store/customer/address/created", {
            "type": "customer", "id": address["id"], "address": {"customer_id": cid}})
        out.append(address_view(cid, address))
    return Response(200, {"data": out, "meta": {}})


def put_addresses(emu: Emulator, req: Request) -> Response:
    body = req.json()
    items = body if isinstance(body, list) else [body]
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("id"):
            raise missing_fields([f"{i}.id"])
        check_body(item, ADDRESS_SCHEMA, f"{i}.")
        cid, data = _owner(emu, item["id"])
        address = next(a for a in data["addresses"] if a["id"] == item["id"])
        address.update({k: item[k] for k in ADDRESS_FIELDS if k in item})
        address["country"] = COUNTRIES.get(address["country_code"], address["country_code"])
        _save(emu, cid, data)
        emu.emit("store/customer/address/updated", {
            "type": "customer", "id": address["id"], "address": {"customer_id": cid}})
        out.append(address_view(cid, address))
    return Response(200, {"data": out, "meta": {}})


def delete_addresses(emu: Emulator, req: Request) -> Response:
    ids = req.int_csv("id:in")
    if not ids:
        raise v3_error(422, "JSON data is missing or invalid", {"id:in": "error.path.missing"})
    for cid, raw in emu.store.all("SELECT id, data FROM customers ORDER BY id"):
        data = loads(raw)
        gone = [a for a in data.get("addresses", []) if a["id"] in ids]
        if gone:
            data["addresses"] = [a for a in data["addresses"] if a["id"] not in ids]
            _save(emu, cid, data)
            for address in gone:
                emu.emit("store/customer/address/deleted", {
                    "type": "customer", "id": address["id"], "address": {"customer_id": cid}})
    return Response(204)


# ---- V2 customer groups ----------------------------------------------------------------


def group_view(gid: int, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": gid, **data}


def list_groups(emu: Emulator, req: Request) -> Response:
    page = v2_page(req)
    rows = emu.store.all("SELECT id, data FROM customer_groups ORDER BY id LIMIT ? OFFSET ?",
                         (page.limit, page.offset))
    return v2_list([group_view(gid, loads(d)) for gid, d in rows])


def count_groups(emu: Emulator, req: Request) -> Response:
    return Response(200, {"count": emu.store.one("SELECT COUNT(*) FROM customer_groups")[0]})


def get_group(emu: Emulator, req: Request) -> Response:
    data = emu.store.get_json("customer_groups", req.params["customer_group_id"])
    if data is None:
        raise v2_not_found()
    return Response(200, group_view(req.params["customer_group_id"], data))


# customerGroup_Post_Put: name, is_default, category_access, discount_rules,
# is_group_for_guests. The rules are checked by `_discount_rules` (their oneOf).
GROUP_SCHEMA: dict[str, Field] = {
    "name": Str(1, 255), "is_default": Bool(), "is_group_for_guests": Bool(),
    "category_access": Obj({"type": Enum(("all", "specific", "none")),
                            "categories": Arr(Int(0))}),
    "discount_rules": Arr(Obj({"type": Enum(("price_list", "category", "product", "all")),
                               "method": Enum(("percent", "fixed", "price")),
                               "price_list_id": Int(1), "category_id": Int(1),
                               "product_id": Int(1)}))}
RULE_NEEDS = {"price_list": ("price_list_id",), "category": ("method", "amount", "category_id"),
              "product": ("method", "amount", "product_id"), "all": ()}


def _amount(value: Any) -> str | None:
    """"A float (Float, Float as String, Integer)": stored as BigCommerce shows it, "5.0000"."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return f"{number:.4f}" if number == number and abs(number) != float("inf") else None


def _discount_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The spec's two forms: one price_list rule alone, or category / product rules with at
    most one "all" rule."""
    out = []
    for i, rule in enumerate(rules):
        kind = rule.get("type")
        if kind is None:
            raise v2_error(400, f"The field 'discount_rules.{i}.type' is required.")
        for name in RULE_NEEDS[kind]:
            if rule.get(name) is None:
                raise v2_error(400, f"The field 'discount_rules.{i}.{name}' is required.")
        clean = {"type": kind}
        if kind == "price_list":
            clean["price_list_id"] = rule["price_list_id"]
        else:
            if "amount" in rule:
                amount = _amount(rule["amount"])
                if amount is None:
                    raise v2_error(400, f"The field 'discount_rules.{i}.amount' must be a "
                                        "number.")
                clean["amount"] = amount
            clean["method"] = rule.get("method", "percent")
            clean.setdefault("amount", "0.0000")
            for name in ("category_id", "product_id"):
                if name in rule:
                    clean[name] = rule[name]
        out.append(clean)
    kinds = [r["type"] for r in out]
    if "price_list" in kinds and len(kinds) > 1:
        raise v2_error(400, "A price_list discount rule must be the only rule.")
    if kinds.count("all") > 1:
        raise v2_error(400, "Only one 'all' discount rule is allowed.")
    return out


def _group_body(body: Any, *, creating: bool) -> dict[str, Any]:
    body = v2_check_body(body, GROUP_SCHEMA)
    if creating and not body.get("name"):
        raise v2_error(400, "The field 'name' cannot be blank.")
    data = {k: body[k] for k in ("name", "is_default", "category_access",
                                 "is_group_for_guests") if k in body}
    if "discount_rules" in body:
        data["discount_rules"] = _discount_rules(body["discount_rules"])
    return data


def _name_taken(emu: Emulator, name: str, own: int | None) -> None:
    for gid, raw in emu.store.all("SELECT id, data FROM customer_groups"):
        if gid != own and str(loads(raw).get("name", "")).lower() == name.lower():
            raise v2_error(400, f"A customer group named '{name}' already exists.")


def post_group(emu: Emulator, req: Request) -> Response:
    data = _group_body(req.json(), creating=True)
    _name_taken(emu, data["name"], None)
    stamp = clock.rfc2822(clock.now())
    record = {"name": data["name"], "is_default": False, "category_access": {"type": "all"},
              "discount_rules": [], "is_group_for_guests": False, **data,
              "date_created": stamp, "date_modified": stamp}
    gid = emu.store.next_id("customer_groups")
    emu.store.conn.execute("INSERT INTO customer_groups(id, data) VALUES(?,?)",
                           (gid, dumps(record)))
    return Response(200, group_view(gid, record))


def put_group(emu: Emulator, req: Request) -> Response:
    gid = req.params["customer_group_id"]
    record = emu.store.get_json("customer_groups", gid)
    if record is None:
        raise v2_not_found()
    data = _group_body(req.json(), creating=False)
    if "name" in data:
        _name_taken(emu, data["name"], gid)
    record.update(data, date_modified=clock.rfc2822(clock.now()))
    emu.store.conn.execute("UPDATE customer_groups SET data=? WHERE id=?", (dumps(record), gid))
    return Response(200, group_view(gid, record))
