"""Products, variants and stock: storage layout, validation and serialisation.

Stored JSON holds only what differs from ``PRODUCT_DEFAULTS`` so a 100k catalog stays
small; computed fields (inventory, calculated price) are filled in when serialising.

Stock model: the ``inventory`` table holds one row per (location, product, variant).
``variant_id`` 0 is product-level stock, used for simple products and for products
tracked by product; products with options tracked by variant keep one row per variant.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from . import clock
from .errors import ApiError, missing_fields, v3_error
from .fields import INT32_MAX, Arr, Bool, Enum, Field, Int, Num, Obj, Str, check_body
from .routing import placeholders
from .store import Store, dumps, loads

if TYPE_CHECKING:
    from .app import Emulator

DEFAULT_LOCATION = 1

PRODUCT_DEFAULTS: dict[str, Any] = {
    "name": "", "type": "physical", "sku": "", "description": "", "weight": 0, "width": 0,
    "depth": 0, "height": 0, "price": 0, "cost_price": 0, "retail_price": 0, "sale_price": 0,
    "map_price": 0, "tax_class_id": 0, "product_tax_code": "", "categories": [],
    "brand_id": 0, "inventory_warning_level": 0, "inventory_tracking": "none",
    "fixed_cost_shipping_price": 0, "is_free_shipping": False, "is_visible": True,
    "is_featured": False, "related_products": [], "warranty": "", "bin_picking_number": "",
    "layout_file": "", "upc": "", "search_keywords": "", "availability_description": "",
    "availability": "available", "gift_wrapping_options_type": "any",
    "gift_wrapping_options_list": [], "sort_order": 0, "condition": "New",
    "is_condition_shown": False, "order_quantity_minimum": 0, "order_quantity_maximum": 0,
    "page_title": "", "meta_keywords": [], "meta_description": "", "view_count": 0,
    "preorder_release_date": None, "preorder_message": "", "is_preorder_only": False,
    "is_price_hidden": False, "price_hidden_label": "", "open_graph_type": "product",
    "open_graph_title": "", "open_graph_description": "",
    "open_graph_use_meta_description": True, "open_graph_use_product_name": True,
    "open_graph_use_image": True, "gtin": "", "mpn": "", "reviews_rating_sum": 0,
    "reviews_count": 0, "total_sold": 0, "option_set_display": "right",
}
READ_ONLY_PRODUCT = {"id", "date_created", "date_modified", "calculated_price",
                     "base_variant_id", "reviews_rating_sum", "reviews_count", "total_sold",
                     "view_count", "inventory_level", "variants", "images", "custom_fields",
                     "primary_image", "options", "modifiers", "brand_name", "custom_url"}
_URL = Obj({"url": Str(1, 255), "is_customized": Bool()})
# The types and limits of product fields, after the products spec's request schema.
PRODUCT_SCHEMA: dict[str, Field] = {
    "name": Str(1, 250), "type": Enum(("physical", "digital")), "sku": Str(0, 255),
    "description": Str(), **{k: Num(0, 9999999999) for k in ("weight", "width", "depth",
                                                              "height")},
    **{k: Num(0) for k in ("price", "cost_price", "retail_price", "sale_price", "map_price",
                           "fixed_cost_shipping_price")},
    "tax_class_id": Int(0, 255), "product_tax_code": Str(0, 255),
    "categories": Arr(Int(0), max_items=1000), "brand_id": Int(0, 1000000000),
    "brand_name": Str(), "inventory_level": Int(0, INT32_MAX),
    "inventory_warning_level": Int(0, INT32_MAX),
    "inventory_tracking": Enum(("none", "product", "variant")),
    **{k: Bool() for k in ("is_free_shipping", "is_visible", "is_featured",
                           "is_condition_shown", "is_preorder_only", "is_price_hidden",
                           "open_graph_use_meta_description", "open_graph_use_product_name",
                           "open_graph_use_image")},
    "related_products": Arr(Int()), "warranty": Str(0, 65535),
    "bin_picking_number": Str(0, 255), "layout_file": Str(0, 500), "upc": Str(0, 14),
    "search_keywords": Str(0, 65535), "availability_description": Str(0, 255),
    "availability": Enum(("available", "disabled", "preorder")),
    "gift_wrapping_options_type": Enum(("any", "none", "list")),
    "gift_wrapping_options_list": Arr(Int()), "sort_order": Int(-INT32_MAX - 1, INT32_MAX),
    "condition": Enum(("New", "Used", "Refurbished")),
    "order_quantity_minimum": Int(0, 1000000000), "order_quantity_maximum": Int(0, 1000000000),
    "page_title": Str(0, 255), "meta_keywords": Arr(Str()), "meta_description": Str(0, 65535),
    "preorder_release_date": Str(nullable=True, pattern=r"\d{4}-\d{2}-\d{2}T[\d:.]+"
                                                          r"(Z|[+-]\d{2}:?\d{2})?"),
    "preorder_message": Str(0, 255), "price_hidden_label": Str(0, 200),
    "open_graph_type": Enum(("product", "album", "book", "drink", "food", "game", "movie",
                             "song", "tv_show")),
    "open_graph_title": Str(), "open_graph_description": Str(), "gtin": Str(0, 14),
    "mpn": Str(), "custom_url": _URL, "option_set_display": Str(),
    "variants": Arr(Obj()), "custom_fields": Arr(Obj()), "images": Arr(Obj()),
}
# Variant fields may be null: the product's value is inherited.
VARIANT_SCHEMA: dict[str, Field] = {
    **{k: Num(0, nullable=True) for k in ("cost_price", "price", "sale_price", "retail_price",
                                          "map_price", "weight", "width", "height", "depth",
                                          "fixed_cost_shipping_price")},
    "is_free_shipping": Bool(), "purchasing_disabled": Bool(),
    "purchasing_disabled_message": Str(0, 255), "upc": Str(0, 14, nullable=True),
    "inventory_level": Int(0, INT32_MAX, nullable=True),
    "inventory_warning_level": Int(0, INT32_MAX, nullable=True),
    "bin_picking_number": Str(0, 255, nullable=True), "image_url": Str(),
    "gtin": Str(0, 14, nullable=True), "mpn": Str(nullable=True), "product_id": Int(1),
    "sku": Str(1, 255), "id": Int(1), "option_values": Arr(Obj({
        "id": Int(1), "option_id": Int(1), "option_display_name": Str(1, 255),
        "label": Str(1, 255)})),
}
# On a simple product these live on the base variant too (BigCommerce stores them there).
MIRRORED = ("sku", "price", "cost_price", "sale_price", "retail_price", "map_price", "weight",
            "width", "height", "depth", "upc", "gtin", "mpn", "bin_picking_number",
            "inventory_warning_level")
VARIANT_DEFAULTS: dict[str, Any] = {
    "sku": "", "price": None, "sale_price": None, "retail_price": None, "map_price": None,
    "cost_price": None, "weight": None, "width": None, "height": None, "depth": None,
    "is_free_shipping": False, "fixed_cost_shipping_price": None, "purchasing_disabled": False,
    "purchasing_disabled_message": "", "upc": "", "gtin": "", "mpn": "",
    "bin_picking_number": "", "inventory_warning_level": 0, "image_url": "",
    "option_values": [],
}
READ_ONLY_VARIANT = {"id", "product_id", "sku_id", "calculated_price", "calculated_weight",
                     "inventory_level", "option_values"}


def sku_key(sku: str | None) -> str | None:
    return sku.strip().lower() if sku else None


def compact(full: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in full.items() if k not in defaults or defaults[k] != v}


def validate_product_fields(body: Any) -> None:
    """422 naming every product field whose type or limit is wrong."""
    check_body(body, PRODUCT_SCHEMA)
    if isinstance(body.get("name"), str) and not body["name"].strip():
        raise v3_error(422, "JSON data is missing or invalid",
                       {"name": "must be at least 1 character"})


def validate_variant_fields(body: Any) -> None:
    check_body(body, VARIANT_SCHEMA)


def require(body: Any, fields: list[str]) -> None:
    if not isinstance(body, dict):
        raise v3_error(422, "JSON data is missing or invalid", {"body": "must be an object"})
    missing = [f for f in fields if body.get(f) in (None, "")]
    if missing:
        raise missing_fields(missing)


# ---- loading -------------------------------------------------------------------------


def load_product(store: Store, product_id: int) -> dict[str, Any] | None:
    row = store.one("SELECT data FROM products WHERE id=?", (product_id,))
    if not row:
        return None
    return {"id": product_id, **copy.deepcopy(PRODUCT_DEFAULTS), **loads(row[0])}


def load_variants(store: Store, product_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {pid: [] for pid in product_ids}
    for chunk in _chunks(product_ids):
        for pid, vid, data in store.all(
            f"SELECT product_id, id, data FROM variants WHERE product_id IN ({placeholders(chunk)})"
            " ORDER BY id", chunk,
        ):
            out[pid].append({**VARIANT_DEFAULTS, **loads(data), "id": vid, "product_id": pid})
    return out


def load_variant(store: Store, variant_id: int) -> dict[str, Any] | None:
    row = store.one("SELECT product_id, data FROM variants WHERE id=?", (variant_id,))
    if not row:
        return None
    return {**VARIANT_DEFAULTS, **loads(row[1]), "id": variant_id, "product_id": row[0]}


def stock_at(store: Store, product_ids: list[int], location_id: int = DEFAULT_LOCATION
             ) -> dict[tuple[int, int], int]:
    out: dict[tuple[int, int], int] = {}
    for chunk in _chunks(product_ids):
        for pid, vid, on_hand in store.all(
            "SELECT product_id, variant_id, on_hand FROM inventory WHERE location_id=? AND "
            f"product_id IN ({placeholders(chunk)})", [location_id, *chunk],
        ):
            out[(pid, vid)] = on_hand
    return out


def _chunks(ids: list[int], size: int = 900) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)] or [[]]


def has_options(product: dict[str, Any]) -> bool:
    return bool(product.get("options"))


def stock_key(product: dict[str, Any], variant_id: int | None) -> int:
    """The inventory row's variant_id for stock held by this product/variant."""
    if not has_options(product) or variant_id is None:
        return 0
    if product.get("inventory_tracking") == "product":
        return 0
    return variant_id


# ---- serialising ---------------------------------------------------------------------


def serialize_variant(variant: dict[str, Any], product: dict[str, Any],
                      stock: dict[tuple[int, int], int]) -> dict[str, Any]:
    out = {k: v for k, v in variant.items() if not k.startswith("_")}
    pid = product["id"]
    if has_options(product):
        out["inventory_level"] = stock.get((pid, variant["id"]), 0)
    else:
        out["inventory_level"] = stock.get((pid, 0), 0)
    out["sku_id"] = variant["id"]
    price = variant.get("price")
    price = product.get("price", 0) if price is None else price
    sale = variant.get("sale_price")
    out["calculated_price"] = float(sale if sale else price)
    weight = variant.get("weight")
    out["calculated_weight"] = float(product.get("weight", 0) if weight is None else weight)
    return out


def serialize_products(
    store: Store, rows: list[tuple[int, str]], includes: set[str],
    include_fields: list[str] | None = None, exclude_fields: list[str] | None = None,
) -> list[dict[str, Any]]:
    ids = [r[0] for r in rows]
    stock = stock_at(store, ids)
    variants = load_variants(store, ids)
    images = _children(store, "images", ids) if includes & {"images", "primary_image"} else {}
    fields = _children(store, "custom_fields", ids) if "custom_fields" in includes else {}
    out = []
    for pid, data in rows:
        # Read-only path: sharing the defaults' (never mutated) lists is safe and much
        # cheaper than a deep copy per product.
        product = {"id": pid, **PRODUCT_DEFAULTS, **loads(data)}
        out.append(_product_view(product, variants[pid], stock, images.get(pid, []),
                                 fields.get(pid, []), includes, include_fields, exclude_fields))
    return out


def product_view(store: Store, product: dict[str, Any], includes: set[str] | None = None
                 ) -> dict[str, Any]:
    pid = product["id"]
    includes = includes or set()
    return _product_view(
        product, load_variants(store, [pid])[pid], stock_at(store, [pid]),
        _children(store, "images", [pid]).get(pid, []),
        _children(store, "custom_fields", [pid]).get(pid, []), includes, None, None,
    )


def _children(store: Store, table: str, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for chunk in _chunks(ids):
        for pid, cid, data in store.all(
            f"SELECT product_id, id, data FROM {table} WHERE product_id IN "
            f"({placeholders(chunk)}) ORDER BY id", chunk,
        ):
            out.setdefault(pid, []).append({"id": cid, **loads(data)})
    return out


def image_view(image: dict[str, Any], product_id: int) -> dict[str, Any]:
    return {"id": image["id"], "product_id": product_id, **{
        k: v for k, v in image.items() if k not in ("id", "product_id")}}


def _product_view(product: dict[str, Any], variants: list[dict[str, Any]],
                  stock: dict[tuple[int, int], int], images: list[dict[str, Any]],
                  fields: list[dict[str, Any]], includes: set[str],
                  include_fields: list[str] | None, exclude_fields: list[str] | None,
                  ) -> dict[str, Any]:
    pid = product["id"]
    options = product.pop("options", [])
    out = {k: v for k, v in product.items() if not k.startswith("_")}
    if options and product.get("inventory_tracking") == "variant":
        out["inventory_level"] = sum(stock.get((pid, v["id"]), 0) for v in variants)
    else:
        out["inventory_level"] = stock.get((pid, 0), 0)
    out["calculated_price"] = float(product["sale_price"] or product["price"])
    out["custom_url"] = product.get("custom_url") or {
        "url": f"/products/{pid}/", "is_customized": False}
    if include_fields:
        keep = set(include_fields) | {"id"}
        out = {k: v for k, v in out.items() if k in keep}
    if exclude_fields:
        drop = set(exclude_fields) - {"id"}
        out = {k: v for k, v in out.items() if k not in drop}
    if "variants" in includes:
        product["options"] = options
        out["variants"] = [serialize_variant(v, product, stock) for v in variants]
    if "images" in includes:
        out["images"] = [image_view(i, pid) for i in images]
    if "primary_image" in includes and images:
        thumb = next((i for i in images if i.get("is_thumbnail")), images[0])
        out["primary_image"] = image_view(thumb, pid)
    if "custom_fields" in includes:
        out["custom_fields"] = [{"id": f["id"], "name": f["name"], "value": f["value"]}
                                for f in fields]
    if "options" in includes:
        from .options import option_view

        out["options"] = [option_view(pid, o) for o in options]
    if "modifiers" in includes:
        out["modifiers"] = []
    if "bulk_pricing_rules" in includes:
        out["bulk_pricing_rules"] = []
    if "videos" in includes:
        out["videos"] = []
    return out


# ---- writing -------------------------------------------------------------------------


def save_product(store: Store, product: dict[str, Any]) -> None:
    stored = compact({k: v for k, v in product.items()
                      if k not in ("id", "inventory_level", "calculated_price")},
                     PRODUCT_DEFAULTS)
    stored["name"] = product["name"]
    store.conn.execute(
        "INSERT INTO products(id, name_key, name, sku_key, sku, upc, date_modified, is_visible,"
        " brand_id, price, total_sold, data) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT(id) DO UPDATE SET name_key=excluded.name_key, name=excluded.name,"
        " sku_key=excluded.sku_key, sku=excluded.sku, upc=excluded.upc,"
        " date_modified=excluded.date_modified, is_visible=excluded.is_visible,"
        " brand_id=excluded.brand_id, price=excluded.price, total_sold=excluded.total_sold,"
        " data=excluded.data",
        (product["id"], product["name"].strip().lower(), product["name"],
         sku_key(product.get("sku")), product.get("sku") or "", product.get("upc") or "",
         product["date_modified"], int(bool(product.get("is_visible", True))),
         product.get("brand_id") or 0, product.get("price") or 0,
         product.get("total_sold") or 0, dumps(stored)),
    )
    store.conn.execute("DELETE FROM product_categories WHERE product_id=?", (product["id"],))
    store.conn.executemany(
        "INSERT OR IGNORE INTO product_categories(product_id, category_id) VALUES(?, ?)",
        [(product["id"], c) for c in product.get("categories", [])],
    )


def save_variant(store: Store, variant: dict[str, Any]) -> None:
    stored = compact({k: v for k, v in variant.items()
                      if k not in ("id", "product_id", "inventory_level", "sku_id",
                                   "calculated_price", "calculated_weight")},
                     VARIANT_DEFAULTS)
    store.conn.execute(
        "INSERT INTO variants(id, product_id, sku_key, upc, data) VALUES(?,?,?,?,?)"
        " ON CONFLICT(id) DO UPDATE SET sku_key=excluded.sku_key, upc=excluded.upc,"
        " data=excluded.data",
        (variant["id"], variant["product_id"], sku_key(variant.get("sku")),
         variant.get("upc") or "", dumps(stored)),
    )


def set_stock(emu: Emulator, product: dict[str, Any], variant_id: int, quantity: int,
              location_id: int = DEFAULT_LOCATION, method: str = "absolute",
              order_event: bool = False) -> int:
    """Set on-hand stock for the row (product, variant_id); returns the delta.

    Fires the inventory webhook BigCommerce would: product-level stock raises
    ``store/product/inventory[/order]/updated``, variant stock ``store/sku/...``.
    """
    store = emu.store
    pid = product["id"]
    row = store.one("SELECT on_hand FROM inventory WHERE location_id=? AND product_id=? AND "
                    "variant_id=?", (location_id, pid, variant_id))
    before = row[0] if row else 0
    store.conn.execute(
        "INSERT INTO inventory(location_id, product_id, variant_id, on_hand, absolute_set)"
        " VALUES(?,?,?,?,?) ON CONFLICT(location_id, product_id, variant_id) DO UPDATE SET"
        " on_hand=excluded.on_hand, absolute_set=max(absolute_set, excluded.absolute_set)",
        (location_id, pid, variant_id, quantity, 1 if method == "absolute" else 0),
    )
    delta = quantity - before
    if delta:
        suffix = "inventory/order/updated" if order_event else "inventory/updated"
        if variant_id == 0:
            emu.emit(f"store/product/{suffix}", {
                "type": "product", "id": pid,
                "inventory": {"product_id": pid, "method": method, "value": delta}})
        else:
            emu.emit(f"store/sku/{suffix}", {
                "type": "sku", "id": variant_id,
                "inventory": {"product_id": pid, "method": method, "value": delta,
                              "variant_id": variant_id}})
    return delta


def check_unique_name(store: Store, name: str, product_id: int | None = None) -> None:
    row = store.one("SELECT id FROM products WHERE name_key=?", (name.strip().lower(),))
    if row and row[0] != product_id:
        raise v3_error(409, "The product name is a duplicate",
                       {"name": f"The product name '{name}' is a duplicate"})


def check_unique_sku(store: Store, sku: str | None, product_id: int | None = None,
                     variant_id: int | None = None, base_of: int | None = None) -> None:
    """SKUs are unique case-insensitively across products and variants.

    ``product_id`` excludes that product (and its base variant, ``base_of``);
    ``variant_id`` excludes that variant.
    """
    key = sku_key(sku)
    if not key:
        return
    rows = store.all("SELECT id FROM products WHERE sku_key=?", (key,))
    if any(r[0] != product_id for r in rows):
        raise _sku_conflict(sku or "")
    rows = store.all("SELECT id FROM variants WHERE sku_key=?", (key,))
    if any(r[0] not in (variant_id, base_of) for r in rows):
        raise _sku_conflict(sku or "")


def _sku_conflict(sku: str) -> ApiError:
    return v3_error(409, "The product sku is a duplicate",
                    {"sku": f"The SKU '{sku}' is already in use"})


def check_references(store: Store, body: dict[str, Any]) -> None:
    brand_id = body.get("brand_id")
    if brand_id and not store.one("SELECT 1 FROM brands WHERE id=?", (brand_id,)):
        raise v3_error(409, f"Brand with id {brand_id} does not exist.",
                       {"brand_id": "The brand does not exist"})
    for cid in body.get("categories") or []:
        if not store.one("SELECT 1 FROM categories WHERE id=?", (cid,)):
            raise v3_error(409, f"Category with id {cid} does not exist.",
                           {"categories": f"Category {cid} does not exist"})


def resolve_brand_name(store: Store, body: dict[str, Any]) -> None:
    """``brand_name`` finds a brand case-insensitively, creating it if missing."""
    name = body.pop("brand_name", None)
    if not name:
        return
    row = store.one("SELECT id FROM brands WHERE name_key=?", (name.strip().lower(),))
    if row:
        body["brand_id"] = row[0]
        return
    bid = store.next_id("brands")
    store.conn.execute("INSERT INTO brands(id, name_key, data) VALUES(?,?,?)",
                       (bid, name.strip().lower(), dumps({"name": name})))
    body["brand_id"] = bid


def touch(product: dict[str, Any]) -> None:
    product["date_modified"] = clock.iso(clock.after(product.get("date_modified")))
