"""/v3/catalog/products: list with filters and includes, create, update, batch, delete."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from . import clock
from .catalog_model import (
    DEFAULT_LOCATION,
    MIRRORED,
    PRODUCT_DEFAULTS,
    READ_ONLY_PRODUCT,
    VARIANT_SCHEMA,
    check_references,
    check_unique_name,
    check_unique_sku,
    load_product,
    load_variants,
    product_view,
    require,
    resolve_brand_name,
    save_product,
    save_variant,
    serialize_products,
    set_stock,
    touch,
    validate_product_fields,
)
from .errors import too_many_items, v3_error, v3_not_found
from .fields import Int, check_body
from .routing import Request, Response, Router, placeholders, v3_list, v3_one, v3_page

if TYPE_CHECKING:
    from .app import Emulator

SORTABLE = {"id": "id", "name": "name", "sku": "sku", "price": "price",
            "date_modified": "date_modified", "is_visible": "is_visible",
            "total_sold": "total_sold"}


def register(router: Router) -> None:
    router.add("GET", "/v3/catalog/products", list_products)
    router.add("POST", "/v3/catalog/products", post_product)
    router.add("PUT", "/v3/catalog/products", batch_update)
    router.add("DELETE", "/v3/catalog/products", delete_many)
    router.add("GET", "/v3/catalog/products/{product_id}", get_product)
    router.add("PUT", "/v3/catalog/products/{product_id}", put_product)
    router.add("DELETE", "/v3/catalog/products/{product_id}", delete_one)


def includes_of(req: Request) -> set[str]:
    return set(req.csv("include") or [])


def product_filters(req: Request) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []

    def add(clause: str, *values: Any) -> None:
        where.append(clause)
        args.extend(values)

    if (v := req.int("id")) is not None:
        add("id = ?", v)
    for op, sql in (("min", ">="), ("max", "<="), ("greater", ">"), ("less", "<")):
        if (v := req.int(f"id:{op}")) is not None:
            add(f"id {sql} ?", v)
    if (ids := req.int_csv("id:in")) is not None:
        add(f"id IN ({placeholders(ids) or 'NULL'})", *ids)
    if (ids := req.int_csv("id:not_in")) is not None and ids:
        add(f"id NOT IN ({placeholders(ids)})", *ids)
    if (text := req.get("sku")) is not None:
        add("sku_key = ?", text.strip().lower())
    if (skus := req.csv("sku:in")) is not None:
        keys = [s.strip().lower() for s in skus]
        add(f"sku_key IN ({placeholders(keys) or 'NULL'})", *keys)
    if (text := req.get("name")) is not None:
        add("name = ?", text)
    if (text := req.get("name:like")) is not None:
        add("name LIKE ?", f"%{text}%")
    if (text := req.get("upc")) is not None:
        add("upc = ?", text)
    if (d := req.date("date_modified")) is not None:
        add("date_modified = ?", clock.iso(d))
    if (d := req.date("date_modified:min")) is not None:
        add("date_modified >= ?", clock.iso(d))
    if (d := req.date("date_modified:max")) is not None:
        add("date_modified <= ?", clock.iso(d))
    if (b := req.bool("is_visible")) is not None:
        add("is_visible = ?", int(b))
    if (v := req.int("brand_id")) is not None:
        add("brand_id = ?", v)
    if (v := req.int("categories")) is not None:
        # BigCommerce's plain `categories=N` misses products in several categories (DIGEST §3).
        add("id IN (SELECT product_id FROM product_categories GROUP BY product_id"
            " HAVING COUNT(*) = 1 AND MAX(category_id) = ?)", v)
    if (cats := req.int_csv("categories:in")) is not None:
        add(f"id IN (SELECT product_id FROM product_categories WHERE category_id IN "
            f"({placeholders(cats) or 'NULL'}))", *cats)
    if (text := req.get("keyword")) is not None and text.strip():
        add("(name LIKE ? OR sku LIKE ?)", f"%{text.strip()}%", f"%{text.strip()}%")
    if (n := req.number("price")) is not None:
        add("price = ?", n)
    return where, args


def list_products(emu: Emulator, req: Request) -> Response:
    includes = includes_of(req)
    # The spec declares limit <= 250; include=options/modifiers caps the page at 10 items
    # (DIGEST §2).
    page = v3_page(req, declared_max=250,
                   cap=10 if includes & {"options", "modifiers"} else 250)
    where, args = product_filters(req)
    sql_where = f" WHERE {' AND '.join(where)}" if where else ""
    column = SORTABLE.get(req.get("sort") or "id", "id")
    direction = "DESC" if (req.get("direction") or "asc").lower() == "desc" else "ASC"
    order = f"{column} {direction}, id {direction}" if column != "id" else f"id {direction}"
    store = emu.store
    total = store.one(f"SELECT COUNT(*) FROM products{sql_where}", args)[0]
    rows = store.all(f"SELECT id, data FROM products{sql_where} ORDER BY {order} LIMIT ? OFFSET ?",
                     [*args, page.limit, page.offset])
    data = serialize_products(store, rows, includes, req.csv("include_fields"),
                              req.csv("exclude_fields"))
    return v3_list(data, page, total)


def get_product(emu: Emulator, req: Request) -> Response:
    pid = req.params["product_id"]
    row = emu.store.one("SELECT id, data FROM products WHERE id=?", (pid,))
    if not row:
        raise v3_not_found("product")
    data = serialize_products(emu.store, [row], includes_of(req), req.csv("include_fields"),
                              req.csv("exclude_fields"))
    return v3_one(data[0])


# ---- create --------------------------------------------------------------------------


def create_product(emu: Emulator, body: Any) -> dict[str, Any]:
    """Create a product as POST /v3/catalog/products does; returns the stored product."""
    if isinstance(body, list):
        raise v3_error(422, "JSON data is missing or invalid",
                       {"body": "Only one product can be created per request"})
    require(body, ["name", "type", "weight", "price"])
    validate_product_fields(body)
    store = emu.store
    body = dict(body)
    check_unique_name(store, body["name"])
    check_unique_sku(store, body.get("sku"))
    resolve_brand_name(store, body)
    check_references(store, body)
    variants_in = body.get("variants") or []
    for i, v in enumerate(variants_in):
        require(v, ["sku", "option_values"])
        check_body(v, VARIANT_SCHEMA, f"variants.{i}.")
    seen: set[str] = set()
    for v in variants_in:
        check_unique_sku(store, v["sku"])
        key = v["sku"].strip().lower()
        if key in seen or key == (body.get("sku") or "").strip().lower():
            raise v3_error(409, "The product sku is a duplicate",
                           {"sku": f"The SKU '{v['sku']}' is already in use"})
        seen.add(key)

    now = clock.iso(clock.now())
    pid = store.next_id("products")
    product = copy.deepcopy(PRODUCT_DEFAULTS)
    product.update({k: v for k, v in body.items()
                    if k in PRODUCT_DEFAULTS and k not in READ_ONLY_PRODUCT})
    product.update(id=pid, date_created=now, date_modified=now)
    options: list[dict[str, Any]] = []
    variant_rows = []
    for v in variants_in:
        values = [resolve_option_value(store, options, ov) for ov in v["option_values"]]
        variant_rows.append(new_variant(store, pid, v, values))
    if not variant_rows:
        base = {"sku": product["sku"]}
        variant_rows.append(new_variant(store, pid, base, []))
    if options:
        product["options"] = options
    else:
        sync_base_variant(product, variant_rows[0])
    product["base_variant_id"] = variant_rows[0]["id"]
    save_product(store, product)
    for variant in variant_rows:
        save_variant(store, variant)
    # Initial stock counts as an absolute adjustment (it is set through the catalog API).
    if options and product["inventory_tracking"] == "variant":
        for variant, v in zip(variant_rows, variants_in, strict=True):
            set_stock(emu, product, variant["id"], int(v.get("inventory_level") or 0))
    set_stock(emu, product, 0, int(body.get("inventory_level") or 0))
    for field in body.get("custom_fields") or []:
        from .product_parts import add_custom_field
        add_custom_field(emu, product, field, touch_product=False)
    for image in body.get("images") or []:
        from .product_parts import add_image
        add_image(emu, product, image, touch_product=False)
    emu.emit("store/product/created", {"type": "product", "id": pid})
    for variant in variant_rows if options else []:
        emu.emit("store/sku/created", {"type": "sku", "id": variant["id"],
                                       "sku": {"product_id": pid, "variant_id": variant["id"]}})
    return product


def new_variant(store: Any, product_id: int, body: dict[str, Any],
                option_values: list[dict[str, Any]]) -> dict[str, Any]:
    from .catalog_model import READ_ONLY_VARIANT, VARIANT_DEFAULTS

    vid = store.next_id("variants")
    variant = dict(VARIANT_DEFAULTS)
    variant.update({k: v for k, v in body.items()
                    if k in VARIANT_DEFAULTS and k not in READ_ONLY_VARIANT})
    variant.update(id=vid, product_id=product_id, option_values=option_values)
    return variant


def resolve_option_value(store: Any, options: list[dict[str, Any]],
                         ov: dict[str, Any]) -> dict[str, Any]:
    """Find or create the option and value named by ``ov``.

    ``ov`` is either ``{id, option_id}`` (existing) or ``{option_display_name, label}``.
    """
    if ov.get("option_id") and ov.get("id"):
        for known in options:
            if known["id"] == ov["option_id"]:
                for value in known["option_values"]:
                    if value["id"] == ov["id"]:
                        return {"id": value["id"], "label": value["label"],
                                "option_id": known["id"],
                                "option_display_name": known["display_name"]}
        raise v3_error(422, "The option value does not exist on this product",
                       {"option_values": f"Option value {ov['id']} of option "
                                         f"{ov['option_id']} does not exist"})
    name, label = ov.get("option_display_name"), ov.get("label")
    if not name or not label:
        raise v3_error(422, "JSON data is missing or invalid",
                       {"option_values": "needs id and option_id, or option_display_name "
                                         "and label"})
    option = next((o for o in options if o["display_name"] == name), None)
    if option is None:
        option = {"id": store.next_id("options"), "display_name": name,
                  "type": "rectangles", "sort_order": len(options), "option_values": []}
        options.append(option)
    value = next((v for v in option["option_values"] if v["label"] == label), None)
    if value is None:
        value = {"id": store.next_id("option_values"), "label": label,
                 "sort_order": len(option["option_values"]), "is_default": False,
                 "value_data": {}}
        option["option_values"].append(value)
    return {"id": value["id"], "label": label, "option_id": option["id"],
            "option_display_name": name}


def sync_base_variant(product: dict[str, Any], variant: dict[str, Any]) -> None:
    for name in MIRRORED:
        variant[name] = product.get(name, PRODUCT_DEFAULTS.get(name))


def post_product(emu: Emulator, req: Request) -> Response:
    product = create_product(emu, req.json())
    return v3_one(product_view(emu.store, load_product(emu.store, product["id"]) or {},
                               includes_of(req)))


# ---- update --------------------------------------------------------------------------


def update_product(emu: Emulator, pid: int, body: Any) -> dict[str, Any]:
    """Apply a PUT /v3/catalog/products/{id} body; returns the stored product."""
    if not isinstance(body, dict):
        raise v3_error(422, "JSON data is missing or invalid", {"body": "must be an object"})
    store = emu.store
    product = load_product(store, pid)
    if product is None:
        raise v3_not_found("product")
    body = dict(body)
    validate_product_fields(body)
    if "name" in body:
        check_unique_name(store, body["name"], pid)
    if "sku" in body:
        check_unique_sku(store, body["sku"], product_id=pid,
                         base_of=None if product.get("options") else product["base_variant_id"])
    resolve_brand_name(store, body)
    check_references(store, body)
    product.update({k: v for k, v in body.items()
                    if k in PRODUCT_DEFAULTS and k not in READ_ONLY_PRODUCT})
    touch(product)
    save_product(store, product)
    if not product.get("options"):
        variants = load_variants(store, [pid])[pid]
        if variants:
            sync_base_variant(product, variants[0])
            save_variant(store, variants[0])
    if "inventory_level" in body and body["inventory_level"] is not None and not (
        product.get("options") and product["inventory_tracking"] == "variant"
    ):
        set_stock(emu, product, 0, int(body["inventory_level"]), DEFAULT_LOCATION)
    for v in body.get("variants") or []:
        from .variants import update_variant
        if isinstance(v, dict) and v.get("id"):
            update_variant(emu, pid, v["id"], v, emit_product=False)
    for field in body.get("custom_fields") or []:
        from .product_parts import add_custom_field, update_custom_field
        if field.get("id"):
            update_custom_field(emu, product, field["id"], field, touch_product=False)
        else:
            add_custom_field(emu, product, field, touch_product=False)
    emu.emit("store/product/updated", {"type": "product", "id": pid})
    return product


def put_product(emu: Emulator, req: Request) -> Response:
    product = update_product(emu, req.params["product_id"], req.json())
    return v3_one(product_view(emu.store, load_product(emu.store, product["id"]) or {},
                               includes_of(req)))


def batch_update(emu: Emulator, req: Request) -> Response:
    body = req.json()
    if not isinstance(body, list):
        raise v3_error(422, "JSON data is missing or invalid", {"body": "must be an array"})
    if len(body) > 10:
        raise too_many_items(10)
    missing = [str(i) for i, item in enumerate(body) if not isinstance(item, dict)
               or not item.get("id")]
    if missing:
        raise v3_error(422, "JSON data is missing or invalid",
                       {f"{i}.id": "error.path.missing" for i in missing})
    for i, item in enumerate(body):
        check_body(item, {"id": Int(1)}, f"{i}.")
    updated = [update_product(emu, item["id"], item) for item in body]
    data = [product_view(emu.store, load_product(emu.store, p["id"]) or {}, includes_of(req))
            for p in updated]
    return Response(200, {"data": data, "meta": {}})


# ---- delete --------------------------------------------------------------------------


def delete_product(emu: Emulator, pid: int) -> bool:
    store = emu.store
    if not store.one("SELECT 1 FROM products WHERE id=?", (pid,)):
        return False
    for table in ("variants", "custom_fields", "images", "product_categories", "inventory"):
        column = "product_id"
        store.conn.execute(f"DELETE FROM {table} WHERE {column}=?", (pid,))
    store.conn.execute("DELETE FROM products WHERE id=?", (pid,))
    emu.emit("store/product/deleted", {"type": "product", "id": pid})
    return True


def delete_one(emu: Emulator, req: Request) -> Response:
    delete_product(emu, req.params["product_id"])
    return Response(204)


def delete_many(emu: Emulator, req: Request) -> Response:
    where, args = product_filters(req)
    if not where:
        raise v3_error(422, "At least one filter is required to delete products",
                       {"filter": "error.path.missing"})
    ids = req.int_csv("id:in")
    if ids is not None and len(ids) > 250:
        raise v3_error(422, "The maximum number of products deleted per request is 250")
    rows = emu.store.all(f"SELECT id FROM products WHERE {' AND '.join(where)} LIMIT 250", args)
    for (pid,) in rows:
        delete_product(emu, pid)
    return Response(204)
