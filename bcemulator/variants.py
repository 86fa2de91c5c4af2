"""Variants: per product (/products/{id}/variants) and store-wide (/v3/catalog/variants)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .catalog_model import (
    DEFAULT_LOCATION,
    MIRRORED,
    READ_ONLY_VARIANT,
    VARIANT_DEFAULTS,
    VARIANT_SCHEMA,
    check_unique_sku,
    load_product,
    load_variant,
    load_variants,
    require,
    save_product,
    save_variant,
    serialize_variant,
    set_stock,
    stock_at,
    touch,
    validate_variant_fields,
)
from .errors import too_many_items, v3_error, v3_not_found
from .fields import check_body
from .routing import Request, Response, Router, placeholders, v3_list, v3_one, v3_page

if TYPE_CHECKING:
    from .app import Emulator


def register(router: Router) -> None:
    base = "/v3/catalog/products/{product_id}/variants"
    router.add("GET", base, list_product_variants)
    router.add("POST", base, post_variant)
    router.add("GET", base + "/{variant_id}", get_variant)
    router.add("PUT", base + "/{variant_id}", put_variant)
    router.add("DELETE", base + "/{variant_id}", delete_variant)
    router.add("GET", "/v3/catalog/variants", list_variants)
    router.add("PUT", "/v3/catalog/variants", batch_variants)


def _fields(req: Request, data: dict[str, Any]) -> dict[str, Any]:
    include = req.csv("include_fields")
    exclude = req.csv("exclude_fields")
    if include:
        keep = set(include) | {"id"}
        data = {k: v for k, v in data.items() if k in keep}
    if exclude:
        data = {k: v for k, v in data.items() if k not in set(exclude) - {"id"}}
    return data


def _views(emu: Emulator, variants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    pids = sorted({v["product_id"] for v in variants})
    products = {pid: load_product(emu.store, pid) for pid in pids}
    stock = stock_at(emu.store, pids)
    return [serialize_variant(v, products[v["product_id"]] or {"id": v["product_id"]}, stock)
            for v in variants]


def _product_or_404(emu: Emulator, pid: int) -> dict[str, Any]:
    product = load_product(emu.store, pid)
    if product is None:
        raise v3_not_found("product")
    return product


def list_product_variants(emu: Emulator, req: Request) -> Response:
    pid = req.params["product_id"]
    _product_or_404(emu, pid)
    page = v3_page(req)
    variants = load_variants(emu.store, [pid])[pid]
    chunk = variants[page.offset:page.offset + page.limit]
    return v3_list([_fields(req, v) for v in _views(emu, chunk)], page, len(variants))


def get_variant(emu: Emulator, req: Request) -> Response:
    variant = load_variant(emu.store, req.params["variant_id"])
    if variant is None or variant["product_id"] != req.params["product_id"]:
        raise v3_not_found("variant")
    return v3_one(_fields(req, _views(emu, [variant])[0]))


def list_variants(emu: Emulator, req: Request) -> Response:
    where: list[str] = []
    args: list[Any] = []
    if (v := req.int("id")) is not None:
        where.append("id = ?")
        args.append(v)
    for name, column in (("id:in", "id"), ("product_id:in", "product_id")):
        if (ids := req.int_csv(name)) is not None:
            where.append(f"{column} IN ({placeholders(ids) or 'NULL'})")
            args.extend(ids)
    if (text := req.get("sku")) is not None:
        where.append("sku_key = ?")
        args.append(text.strip().lower())
    if (skus := req.csv("sku:in")) is not None:
        keys = [s.strip().lower() for s in skus]
        where.append(f"sku_key IN ({placeholders(keys) or 'NULL'})")
        args.extend(keys)
    if (text := req.get("upc")) is not None:
        where.append("upc = ?")
        args.append(text)
    sql_where = f" WHERE {' AND '.join(where)}" if where else ""
    page = v3_page(req)
    total = emu.store.one(f"SELECT COUNT(*) FROM variants{sql_where}", args)[0]
    rows = emu.store.all(f"SELECT id FROM variants{sql_where} ORDER BY id LIMIT ? OFFSET ?",
                         [*args, page.limit, page.offset])
    variants = [variant for (vid,) in rows if (variant := load_variant(emu.store, vid))]
    return v3_list([_fields(req, v) for v in _views(emu, variants)], page, total)


# ---- writes --------------------------------------------------------------------------


def create_variant(emu: Emulator, pid: int, body: Any) -> dict[str, Any]:
    from .products import new_variant, resolve_option_value

    require(body, ["sku", "option_values"])
    validate_variant_fields(body)
    store = emu.store
    product = _product_or_404(emu, pid)
    check_unique_sku(store, body["sku"])
    options = product.get("options") or []
    values = [resolve_option_value(store, options, ov) for ov in body["option_values"]]
    if not values:
        raise v3_error(422, "JSON data is missing or invalid",
                       {"option_values": "A variant needs at least one option value"})
    existing = load_variants(store, [pid])[pid]
    # The first option variant replaces the base variant of a simple product.
    for old in [v for v in existing if not v["option_values"]]:
        store.conn.execute("DELETE FROM variants WHERE id=?", (old["id"],))
    existing = [v for v in existing if v["option_values"]]
    signature = sorted((v["option_id"], v["id"]) for v in values)
    for other in existing:
        if sorted((o["option_id"], o["id"]) for o in other["option_values"]) == signature:
            raise v3_error(409, "A variant with these option values already exists",
                           {"option_values": "duplicate combination"})
    variant = new_variant(store, pid, body, values)
    product["options"] = options
    if not existing:
        product["base_variant_id"] = variant["id"]
    touch(product)
    save_product(store, product)
    save_variant(store, variant)
    if product["inventory_tracking"] == "variant" and body.get("inventory_level") is not None:
        set_stock(emu, product, variant["id"], int(body["inventory_level"]))
    emu.emit("store/sku/created", {"type": "sku", "id": variant["id"],
                                   "sku": {"product_id": pid, "variant_id": variant["id"]}})
    emu.emit("store/product/updated", {"type": "product", "id": pid})
    return variant


def update_variant(emu: Emulator, pid: int, vid: int, body: Any,
                   emit_product: bool = True) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise v3_error(422, "JSON data is missing or invalid", {"body": "must be an object"})
    store = emu.store
    variant = load_variant(store, vid)
    if variant is None or variant["product_id"] != pid:
        raise v3_not_found("variant")
    product = _product_or_404(emu, pid)
    validate_variant_fields(body)
    simple = not product.get("options")
    if "sku" in body:
        check_unique_sku(store, body["sku"], product_id=pid if simple else None,
                         variant_id=vid)
    variant.update({k: v for k, v in body.items()
                    if k in VARIANT_DEFAULTS and k not in READ_ONLY_VARIANT})
    save_variant(store, variant)
    if simple:
        # The base variant of a simple product carries the product's own fields.
        for name in MIRRORED:
            if name in body and body[name] is not None:
                product[name] = body[name]
    touch(product)
    save_product(store, product)
    if body.get("inventory_level") is not None:
        if not simple and product["inventory_tracking"] == "product":
            raise v3_error(422, f"[Item with variant_id {vid} is tracked by product, please "
                                "update stock by product id]")
        set_stock(emu, product, 0 if simple else vid, int(body["inventory_level"]),
                  DEFAULT_LOCATION)
    emu.emit("store/sku/updated", {"type": "sku", "id": vid,
                                   "sku": {"product_id": pid, "variant_id": vid}})
    if emit_product:
        emu.emit("store/product/updated", {"type": "product", "id": pid})
    return load_variant(store, vid) or variant


def post_variant(emu: Emulator, req: Request) -> Response:
    variant = create_variant(emu, req.params["product_id"], req.json())
    return v3_one(_views(emu, [variant])[0])


def put_variant(emu: Emulator, req: Request) -> Response:
    variant = update_variant(emu, req.params["product_id"], req.params["variant_id"], req.json())
    return v3_one(_views(emu, [variant])[0])


def delete_variant(emu: Emulator, req: Request) -> Response:
    pid, vid = req.params["product_id"], req.params["variant_id"]
    store = emu.store
    variant = load_variant(store, vid)
    if variant is None or variant["product_id"] != pid:
        return Response(204)
    product = _product_or_404(emu, pid)
    store.conn.execute("DELETE FROM variants WHERE id=?", (vid,))
    store.conn.execute("DELETE FROM inventory WHERE product_id=? AND variant_id=?", (pid, vid))
    remaining = load_variants(store, [pid])[pid]
    if not remaining:
        from .products import new_variant, sync_base_variant

        product.pop("options", None)
        base = new_variant(store, pid, {}, [])
        sync_base_variant(product, base)
        save_variant(store, base)
        product["base_variant_id"] = base["id"]
    elif product.get("base_variant_id") == vid:
        product["base_variant_id"] = remaining[0]["id"]
    touch(product)
    save_product(store, product)
    emu.emit("store/sku/deleted", {"type": "sku", "id": vid,
                                   "sku": {"product_id": pid, "variant_id": vid}})
    emu.emit("store/product/updated", {"type": "product", "id": pid})
    return Response(204)


def batch_variants(emu: Emulator, req: Request) -> Response:
    body = req.json()
    if not isinstance(body, list):
        raise v3_error(422, "JSON data is missing or invalid", {"body": "must be an array"})
    if len(body) > 50:
        raise too_many_items(50)
    out = []
    for i, item in enumerate(body):
        check_body(item, VARIANT_SCHEMA, f"{i}.")
        if item.get("id"):
            variant = load_variant(emu.store, item["id"])
            if variant is None:
                raise v3_error(422, "JSON data is missing or invalid",
                               {f"{i}.id": f"Variant {item['id']} does not exist"})
            out.append(update_variant(emu, variant["product_id"], item["id"], item))
        else:
            if not item.get("product_id"):
                raise v3_error(422, "JSON data is missing or invalid",
                               {f"{i}.product_id": "error.path.missing"})
            out.append(create_variant(emu, item["product_id"], item))
    return Response(200, {"data": _views(emu, out), "meta": {}})
