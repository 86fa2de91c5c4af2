"""Inventory V3: locations, items, per-location settings, absolute/relative adjustments."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from . import clock
from .catalog_model import has_options, load_product, load_variant, set_stock
from .errors import ApiError, v3_error, v3_not_found
from .fields import Arr, Bool, Enum, Field, Int, Num, Obj, Str, check_body
from .routing import Request, Response, Router, placeholders, v3_list, v3_page
from .store import dumps, loads

if TYPE_CHECKING:
    from .app import Emulator

MAX_ADJUSTMENT_ITEMS = 2000
_IDENTITY = {"sku": Str(), "variant_id": Int(1), "product_id": Int(1), "sku_id": Int(1)}
ADJUSTMENT_SCHEMA: dict[str, Field] = {
    "reason": Str(nullable=True),
    "items": Arr(Obj({"location_id": Int(1), "quantity": Int(-2**31, 2**31 - 1),
                      **_IDENTITY}), max_items=MAX_ADJUSTMENT_ITEMS)}
SETTINGS_SCHEMA: dict[str, Field] = {
    "settings": Arr(Obj({"identity": Obj(_IDENTITY), "safety_stock": Int(0, 2**31 - 1),
                         "is_in_stock": Bool(), "warning_level": Int(0, 2**31 - 1),
                         "bin_picking_number": Str(0, 255)}), max_items=MAX_ADJUSTMENT_ITEMS)}
_HOURS = Obj({"open": Bool(), "opening": Str(), "closing": Str()})
LOCATION_SCHEMA: dict[str, Field] = {
    "id": Int(1), "code": Str(1, 255), "label": Str(1, 255), "description": Str(),
    "managed_by_external_source": Bool(), "type_id": Enum(("PHYSICAL", "VIRTUAL")),
    "enabled": Bool(), "storefront_visibility": Bool(), "time_zone": Str(),
    "operating_hours": Obj({d: _HOURS for d in ("sunday", "monday", "tuesday", "wednesday",
                                                 "thursday", "friday", "saturday")}),
    "address": Obj({**{k: Str() for k in ("address1", "address2", "city", "state", "zip",
                                          "email", "phone", "country_code")},
                    "geo_coordinates": Obj({"latitude": Num(-90, 90),
                                            "longitude": Num(-180, 180)})}),
    "special_hours": Arr(Obj({"label": Str(), "date": Str(), "open": Bool(), "opening": Str(),
                              "closing": Str(), "all_day": Bool(), "annual": Bool()})),
}


def register(router: Router) -> None:
    router.add("GET", "/v3/inventory/locations", list_locations)
    router.add("POST", "/v3/inventory/locations", post_locations)
    router.add("PUT", "/v3/inventory/locations", put_locations)
    router.add("DELETE", "/v3/inventory/locations", delete_locations)
    router.add("PUT", "/v3/inventory/locations/{location_id}/items", put_location_items)
    router.add("GET", "/v3/inventory/items", list_items)
    router.add("GET", "/v3/inventory/locations/{location_id}/items", list_location_items)
    router.add("PUT", "/v3/inventory/adjustments/absolute", absolute)
    router.add("POST", "/v3/inventory/adjustments/relative", relative)


def _problem(title: str, errors: dict[str, Any] | None = None) -> ApiError:
    # Inventory 422s are declared as application/problem+json.
    err = v3_error(422, title, errors)
    err.headers["Content-Type"] = "application/problem+json"
    return err


def locations(emu: Emulator) -> list[dict[str, Any]]:
    return [{"id": lid, **loads(d)} for lid, d in
            emu.store.all("SELECT id, data FROM locations ORDER BY id")]


def list_locations(emu: Emulator, req: Request) -> Response:
    data = locations(emu)
    if (ids := req.int_csv("location_id:in")) is not None:
        data = [x for x in data if x["id"] in ids]
    if (codes := req.csv("location_code:in")) is not None:
        data = [x for x in data if x["code"] in codes]
    if (types := req.csv("type_id:in")) is not None:
        data = [x for x in data if x["type_id"] in types]
    if (enabled := req.bool("is_active")) is not None:
        data = [x for x in data if x["enabled"] == enabled]
    page = v3_page(req, cap=1000)
    return v3_list(data[page.offset:page.offset + page.limit], page, len(data))


def _identities(emu: Emulator, keys: list[tuple[int, int]]) -> dict[tuple[int, int], dict]:
    out = {}
    for pid, vid in keys:
        if vid:
            variant = load_variant(emu.store, vid) or {}
            out[(pid, vid)] = {"sku": variant.get("sku", ""), "variant_id": vid,
                               "product_id": pid, "sku_id": vid}
        else:
            product = load_product(emu.store, pid) or {}
            identity: dict[str, Any] = {"sku": product.get("sku", ""), "product_id": pid}
            if product and not has_options(product):
                identity["variant_id"] = product["base_variant_id"]
                identity["sku_id"] = product["base_variant_id"]
            out[(pid, vid)] = identity
    return out


def _key_filters(emu: Emulator, req: Request) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if (ids := req.int_csv("product_id:in")) is not None:
        where.append(f"product_id IN ({placeholders(ids) or 'NULL'})")
        args.extend(ids)
    if (ids := req.int_csv("variant_id:in")) is not None:
        keys = [_resolve(emu, {"variant_id": v}, strict=False) for v in ids]
        clause = " OR ".join("(product_id=? AND variant_id=?)" for k in keys if k) or "0"
        where.append(f"({clause})")
        args.extend(x for k in keys if k for x in k)
    if (skus := req.csv("sku:in")) is not None:
        keys = [_resolve(emu, {"sku": s}, strict=False) for s in skus]
        clause = " OR ".join("(product_id=? AND variant_id=?)" for k in keys if k) or "0"
        where.append(f"({clause})")
        args.extend(x for k in keys if k for x in k)
    return where, args


def list_items(emu: Emulator, req: Request) -> Response:
    where, args = _key_filters(emu, req)
    locs = locations(emu)
    if (ids := req.int_csv("location_id:in")) is not None:
        locs = [x for x in locs if x["id"] in ids]
    if (codes := req.csv("location_code:in")) is not None:
        locs = [x for x in locs if x["code"] in codes]
    loc_ids = [x["id"] for x in locs]
    where.append(f"location_id IN ({placeholders(loc_ids) or 'NULL'})")
    args.extend(loc_ids)
    sql = " WHERE " + " AND ".join(where)
    page = v3_page(req, cap=1000)
    total = emu.store.one(
        f"SELECT COUNT(*) FROM (SELECT DISTINCT product_id, variant_id FROM inventory{sql})",
        args)[0]
    keys = [tuple(r) for r in emu.store.all(
        f"SELECT DISTINCT product_id, variant_id FROM inventory{sql} ORDER BY product_id, "
        "variant_id LIMIT ? OFFSET ?", [*args, page.limit, page.offset])]
    identities = _identities(emu, keys)
    rows: dict[tuple[int, int, int], tuple] = {}
    for key in keys:
        for r in emu.store.all("SELECT location_id, on_hand, safety_stock, warning_level, "
                               "bin_picking_number FROM inventory WHERE product_id=? AND "
                               "variant_id=?", key):
            rows[(key[0], key[1], r[0])] = r
    data = []
    for key in keys:
        entries = []
        for loc in locs:
            _, on_hand, safety, warning, binpick = rows.get((*key, loc["id"]),
                                                            (loc["id"], 0, 0, 0, ""))
            entries.append({
                "location_id": loc["id"], "location_code": loc["code"],
                "location_name": loc["label"], "available_to_sell": on_hand - safety,
                "total_inventory_onhand": on_hand, "location_enabled": loc["enabled"],
                "settings": {"safety_stock": safety, "is_in_stock": on_hand - safety > 0,
                             "warning_level": warning, "bin_picking_number": binpick}})
        data.append({"identity": identities[key], "locations": entries})
    return v3_list(data, page, total)


def list_location_items(emu: Emulator, req: Request) -> Response:
    lid = req.params["location_id"]
    if not emu.store.one("SELECT 1 FROM locations WHERE id=?", (lid,)):
        raise v3_not_found("location")
    where, args = _key_filters(emu, req)
    where.append("location_id = ?")
    args.append(lid)
    sql = " WHERE " + " AND ".join(where)
    page = v3_page(req, cap=1000)
    total = emu.store.one(f"SELECT COUNT(*) FROM inventory{sql}", args)[0]
    rows = emu.store.all(
        "SELECT product_id, variant_id, on_hand, safety_stock, warning_level, "
        f"bin_picking_number FROM inventory{sql} ORDER BY product_id, variant_id "
        "LIMIT ? OFFSET ?", [*args, page.limit, page.offset])
    identities = _identities(emu, [(r[0], r[1]) for r in rows])
    data = []
    for pid, vid, on_hand, safety, warning, binpick in rows:
        identity = {k: v for k, v in identities[(pid, vid)].items() if k != "sku_id"}
        data.append({"identity": identity, "available_to_sell": on_hand - safety,
                     "total_inventory_onhand": on_hand,
                     "settings": {"safety_stock": safety, "is_in_stock": on_hand - safety > 0,
                                  "warning_level": warning, "bin_picking_number": binpick}})
    return v3_list(data, page, total)


# ---- adjustments ---------------------------------------------------------------------


def _resolve(emu: Emulator, item: dict[str, Any], strict: bool = True
             ) -> tuple[int, int] | None:
    """Map an item's identity to its inventory row key (product_id, variant_id)."""
    store = emu.store
    if item.get("product_id") is not None:
        product = load_product(store, int(item["product_id"]))
        if product is None:
            if strict:
                raise _problem(f"[Item with product_id {item['product_id']} not found]")
            return None
        if has_options(product) and product["inventory_tracking"] == "variant":
            if strict:
                raise _problem(f"[Item with product_id {product['id']} is tracked by variant, "
                               "please update stock by variant id]")
            return None
        return product["id"], 0
    variant = None
    if item.get("variant_id") is not None:
        variant = load_variant(store, int(item["variant_id"]))
        label = f"variant_id {item['variant_id']}"
    elif item.get("sku"):
        key = str(item["sku"]).strip().lower()
        row = store.one("SELECT id FROM variants WHERE sku_key=?", (key,))
        variant = load_variant(store, row[0]) if row else None
        label = f"sku {item['sku']}"
        if variant is None:
            prow = store.one("SELECT id FROM products WHERE sku_key=?", (key,))
            if prow:
                return _resolve(emu, {"product_id": prow[0]}, strict)
    else:
        if strict:
            raise _problem("Each item needs one of sku, variant_id or product_id")
        return None
    if variant is None:
        if strict:
            raise _problem(f"[Item with {label} not found]")
        return None
    product = load_product(store, variant["product_id"])
    if product is None:
        return None
    if not has_options(product):
        return product["id"], 0
    if product["inventory_tracking"] == "product":
        if strict:
            raise _problem(f"[Item with variant_id {variant['id']} is tracked by product, "
                           "please update stock by product id]")
        return None
    return product["id"], variant["id"]


def _adjust(emu: Emulator, req: Request, mode: str) -> Response:
    body = check_body(req.json(), ADJUSTMENT_SCHEMA)
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise _problem("JSON data is missing or invalid", {"items": "error.path.missing"})
    if len(items) > MAX_ADJUSTMENT_ITEMS:
        raise _problem(f"The maximum number of items per request is {MAX_ADJUSTMENT_ITEMS}")
    known = {x["id"] for x in locations(emu)}
    plan = []
    for item in items:
        if not isinstance(item, dict) or "quantity" not in item or "location_id" not in item:
            raise _problem("JSON data is missing or invalid",
                           {"items": "each item needs location_id and quantity"})
        if item["location_id"] not in known:
            raise _problem(f"[Location with id {item['location_id']} not found]")
        key = _resolve(emu, item)
        assert key is not None
        row = emu.store.one("SELECT on_hand, absolute_set FROM inventory WHERE location_id=? "
                            "AND product_id=? AND variant_id=?",
                            (item["location_id"], *key))
        quantity = int(item["quantity"])
        if mode == "relative":
            if not row or not row[1]:
                ident = f"variant_id {key[1]}" if key[1] else f"product_id {key[0]}"
                raise _problem(f"Items with identity: [{ident}] requires absolute adjustment "
                               "before relative")
            quantity = row[0] + quantity
        if quantity < 0:
            raise _problem("Inventory cannot be negative", {"quantity": str(quantity)})
        plan.append((key, item["location_id"], quantity))
    for (pid, vid), location_id, quantity in plan:
        product = load_product(emu.store, pid)
        if product is not None:
            # Webhook wording: "absolute" = changed through the API or control panel.
            set_stock(emu, product, vid, quantity, location_id, method="absolute")
    return Response(200, {"transaction_id": str(uuid.uuid4())})


def absolute(emu: Emulator, req: Request) -> Response:
    return _adjust(emu, req, "absolute")


def relative(emu: Emulator, req: Request) -> Response:
    return _adjust(emu, req, "relative")


# ---- location writes -----------------------------------------------------------------

LOCATION_FIELDS = ("code", "label", "description", "managed_by_external_source", "type_id",
                   "enabled", "operating_hours", "time_zone", "address",
                   "storefront_visibility", "special_hours")


def _check_location(emu: Emulator, data: dict[str, Any], index: int, own: int | None) -> None:
    errors = {}
    for name in ("code", "label"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            errors[f"{index}.{name}"] = "error.path.missing"
    if data.get("type_id") not in ("PHYSICAL", "VIRTUAL"):
        errors[f"{index}.type_id"] = "must be PHYSICAL or VIRTUAL"
    if data.get("type_id") == "PHYSICAL" and not isinstance(data.get("address"), dict):
        errors[f"{index}.address"] = "A physical location needs an address"
    if errors:
        raise _problem("JSON data is missing or invalid", errors)
    row = emu.store.one("SELECT id FROM locations WHERE code=?", (data["code"],))
    if row and row[0] != own:
        raise _problem(f"Location code '{data['code']}' is already in use",
                       {f"{index}.code": "duplicate"})


def post_locations(emu: Emulator, req: Request) -> Response:
    from .seed import DAYS

    body = req.json()
    items = body if isinstance(body, list) else [body]
    for i, item in enumerate(items):
        check_body(item, LOCATION_SCHEMA, f"{i}.")
        stamp = clock.iso_z(clock.now())
        data = {"description": "", "managed_by_external_source": False, "type_id": "PHYSICAL",
                "enabled": True, "time_zone": "Etc/UTC", "storefront_visibility": True,
                "special_hours": [], "operating_hours": {
                    d: {"open": False, "opening": "00:00", "closing": "00:00"} for d in DAYS},
                **{k: item[k] for k in LOCATION_FIELDS if k in item},
                "created_at": stamp, "updated_at": stamp}
        _check_location(emu, data, i, None)
        lid = emu.store.next_id("locations")
        emu.store.conn.execute("INSERT INTO locations(id, code, data) VALUES(?,?,?)",
                               (lid, data["code"], dumps(data)))
    return Response(200, {"transaction_id": str(uuid.uuid4())})


def put_locations(emu: Emulator, req: Request) -> Response:
    body = req.json()
    items = body if isinstance(body, list) else [body]
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("id"):
            raise _problem("JSON data is missing or invalid", {f"{i}.id": "error.path.missing"})
        check_body(item, LOCATION_SCHEMA, f"{i}.")
        if item["id"] == 1:
            raise _problem("The default location (id 1) cannot be changed")
        data = emu.store.get_json("locations", item["id"])
        if data is None:
            raise _problem(f"[Location with id {item['id']} not found]")
        data.update({k: item[k] for k in LOCATION_FIELDS if k in item})
        data["updated_at"] = clock.iso_z(clock.now())
        _check_location(emu, data, i, item["id"])
        emu.store.conn.execute("UPDATE locations SET code=?, data=? WHERE id=?",
                               (data["code"], dumps(data), item["id"]))
    return Response(200, {"transaction_id": str(uuid.uuid4())})


def delete_locations(emu: Emulator, req: Request) -> Response:
    ids = req.int_csv("location_id:in")
    if not ids:
        raise _problem("JSON data is missing or invalid", {"location_id:in": "required"})
    if 1 in ids:
        raise _problem("The default location (id 1) cannot be deleted")
    for lid in ids:
        if emu.store.get_json("locations", lid) is None:
            raise v3_not_found("location")
    for lid in ids:
        # Deleting a location deletes its stock (DIGEST §10).
        emu.store.conn.execute("DELETE FROM inventory WHERE location_id=?", (lid,))
        emu.store.conn.execute("DELETE FROM locations WHERE id=?", (lid,))
    return Response(200, {"transaction_id": str(uuid.uuid4())})


def put_location_items(emu: Emulator, req: Request) -> Response:
    """Per-location settings: safety stock, warning level, bin picking number."""
    lid = req.params["location_id"]
    if emu.store.get_json("locations", lid) is None:
        raise _problem(f"[Location with id {lid} not found]")
    body = check_body(req.json(), SETTINGS_SCHEMA)
    settings = body.get("settings")
    if not isinstance(settings, list) or not settings:
        raise _problem("JSON data is missing or invalid", {"settings": "error.path.missing"})
    if len(settings) > MAX_ADJUSTMENT_ITEMS:
        raise _problem(f"The maximum number of items per request is {MAX_ADJUSTMENT_ITEMS}")
    plan = []
    for item in settings:
        if not isinstance(item, dict) or not isinstance(item.get("identity"), dict):
            raise _problem("JSON data is missing or invalid", {"identity": "required"})
        key = _resolve(emu, item["identity"])
        assert key is not None
        plan.append((key, item))
    for (pid, vid), item in plan:
        emu.store.conn.execute(
            "INSERT OR IGNORE INTO inventory(location_id, product_id, variant_id) VALUES(?,?,?)",
            (lid, pid, vid))
        for field, column in (("safety_stock", "safety_stock"),
                              ("warning_level", "warning_level"),
                              ("bin_picking_number", "bin_picking_number")):
            if field in item:
                emu.store.conn.execute(
                    f"UPDATE inventory SET {column}=? WHERE location_id=? AND product_id=? "
                    "AND variant_id=?", (item[field], lid, pid, vid))
    return Response(200, {"transaction_id": str(uuid.uuid4())})
