"""Deterministic store contents: ``seed N`` (benchmarks) and ``seed demo`` (demos, tests).

Everything is written with executemany inside one transaction, so 100k products with
three variants each takes seconds. Same seed, same store: ids, names, prices, stock and
dates are all derived from the seed, never from the clock.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from demo.catalog import (
    BRANDS,
    DUPLICATE_NAME,
    STORE_CATEGORIES,
    DemoProduct,
    online_products,
)

from . import clock
from .catalog_model import PRODUCT_DEFAULTS, sku_key
from .store import SCHEMA, dumps

if TYPE_CHECKING:
    from .app import Emulator

BASE_TIME = datetime(2025, 1, 1, tzinfo=UTC)
NUMBERS = ("price", "cost_price", "sale_price", "retail_price", "map_price", "weight", "width",
           "height", "depth", "fixed_cost_shipping_price")
DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")


def seed_store(emu: Emulator, seed: str | int) -> dict[str, Any]:
    """Replace the store contents; returns a summary of what was created."""
    emu.store.wipe()
    with emu.store.transaction():
        _baseline(emu)
        if str(seed) == "demo":
            _demo(emu)
        else:
            count = int(seed)
            if count < 0:
                raise ValueError("seed must be 'demo' or a non-negative integer")
            _numbered(emu, count)
        emu.store.set_meta("seed", str(seed))
    return summary(emu)


def summary(emu: Emulator) -> dict[str, Any]:
    tables = ("products", "variants", "categories", "brands", "customers", "orders",
              "locations", "hooks")
    with emu.store.lock:
        counts = {t: emu.store.one(f"SELECT COUNT(*) FROM {t}")[0] for t in tables}
        return {"seed": emu.store.get_meta("seed"), **counts}


# ---- building blocks -----------------------------------------------------------------


def _location(code: str, label: str, type_id: str = "PHYSICAL", city: str = "Austin"
              ) -> dict[str, Any]:
    stamp = clock.iso_z(BASE_TIME)
    return {
        "code": code, "label": label, "description": "", "managed_by_external_source": False,
        "type_id": type_id, "enabled": True,
        "operating_hours": {d: {"open": d not in ("sunday",), "opening": "09:00",
                                "closing": "18:00"} for d in DAYS},
        "time_zone": "Etc/UTC", "created_at": stamp, "updated_at": stamp,
        "address": {"address1": "12 Main Street", "address2": "", "city": city,
                    "state": "Texas", "zip": "78701", "email": "store@example.com",
                    "phone": "+1 512 555 0100",
                    "geo_coordinates": {"latitude": 30.2672, "longitude": -97.7431},
                    "country_code": "US"},
        "storefront_visibility": True, "special_hours": [],
    }


def _baseline(emu: Emulator) -> None:
    """What every store has: the default location 1 and the default category tree."""
    store = emu.store
    store.conn.execute("INSERT INTO locations(id, code, data) VALUES(1, ?, ?)",
                       ("BC-LOCATION-1", dumps(_location("BC-LOCATION-1", "Default location"))))
    store.bump_seq("locations", 1)
    store.conn.execute("INSERT INTO trees(id, data) VALUES(1, ?)",
                       (dumps({"name": "Default", "channels": [1]}),))
    store.bump_seq("trees", 1)


def _categories(emu: Emulator, spec: list[tuple[str, str | None]]) -> dict[str, int]:
    """Create categories from (name, parent name) pairs; returns name -> id."""
    ids: dict[str, int] = {}
    rows = []
    for i, (name, parent) in enumerate(spec, start=1):
        ids[name] = i
        data = {"name": name, "sort_order": i,
                "category_uuid": f"00000000-0000-4000-8000-{i:012d}"}
        rows.append((i, 1, ids[parent] if parent else 0, dumps(data)))
    emu.store.conn.executemany(
        "INSERT INTO categories(id, tree_id, parent_id, data) VALUES(?,?,?,?)", rows)
    emu.store.bump_seq("categories", len(rows))
    return ids


def _brands(emu: Emulator, names: list[str]) -> None:
    emu.store.conn.executemany(
        "INSERT INTO brands(id, name_key, data) VALUES(?,?,?)",
        [(i, n.lower(), dumps({"name": n})) for i, n in enumerate(names, start=1)])
    emu.store.bump_seq("brands", len(names))


@dataclass(frozen=True)
class VariantSpec:
    sku: str
    options: tuple[tuple[str, str], ...]  # (option name, value label)
    price: float
    upc: str = ""
    stock: int = 0  # at location 1, when the product is tracked by variant


class Catalog:
    """Collects products for one bulk insert, allocating ids in order."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.product_id = self.variant_id = self.option_id = self.value_id = 0
        self.image_id = self.field_id = 0
        self.products: list[tuple] = []
        self.categories: list[tuple[int, int]] = []
        self.variants: list[tuple] = []
        self.inventory: list[tuple] = []
        self.images: list[tuple] = []
        self.fields: list[tuple] = []

    def add(self, fields: dict[str, Any], when: datetime, sizes: Iterable[str] = (),
            stock: int = 0, variant_stock: list[int] | None = None,
            extra_stock: dict[int, int] | None = None,
            images: Iterable[str] = (), custom_fields: Iterable[tuple[str, str]] = (),
            variants: list[VariantSpec] | None = None) -> int:
        """One product. ``sizes`` gives it a Size option (variant SKUs ``SKU-S``…);
        ``variants`` gives it options and variants as they are, and wins over ``sizes``."""
        self.product_id += 1
        pid = self.product_id
        sizes = list(sizes)
        stamp = clock.iso(when)
        # Stored JSON keeps only what was given (defaults are filled in on read), which
        # keeps a 100k catalog small and the seed fast.
        product = {**fields, "date_created": stamp, "date_modified": stamp}
        get = lambda k: product.get(k, PRODUCT_DEFAULTS[k])  # noqa: E731
        numbers = {k: get(k) for k in NUMBERS}
        tracking = get("inventory_tracking")
        sku = get("sku")
        if variants:
            first = self._add_variants(pid, product, numbers, variants, tracking == "variant")
            product["base_variant_id"] = first
        elif sizes:
            self.option_id += 1
            values = []
            for n, label in enumerate(sizes):
                self.value_id += 1
                values.append({"id": self.value_id, "label": label, "sort_order": n,
                               "is_default": False, "value_data": {}})
            product["options"] = [{"id": self.option_id, "display_name": "Size",
                                   "type": "rectangles", "sort_order": 0,
                                   "option_values": values}]
            first = None
            for n, value in enumerate(values):
                self.variant_id += 1
                first = first or self.variant_id
                variant = {**numbers, "price": round(numbers["price"] + n * 1.0, 2),
                           "sku": f"{sku or f'P{pid}'}-{value['label']}",
                           "option_values": [{"id": value["id"], "label": value["label"],
                                              "option_id": self.option_id,
                                              "option_display_name": "Size"}]}
                self._variant(pid, variant)
                if tracking == "variant":
                    level = (variant_stock or [0] * len(values))[n]
                    self.inventory.append((1, pid, self.variant_id, level))
            product["base_variant_id"] = first
        else:
            self.variant_id += 1
            variant = {**numbers, "sku": sku}
            for k in ("upc", "mpn", "gtin", "bin_picking_number"):
                if product.get(k):
                    variant[k] = product[k]
            self._variant(pid, variant)
            product["base_variant_id"] = self.variant_id
        by_variant = bool(sizes or variants) and tracking == "variant"
        if not by_variant:
            self.inventory.append((1, pid, 0, stock))
        for location_id, level in (extra_stock or {}).items():
            key = self.variant_id if by_variant else 0
            self.inventory.append((location_id, pid, key, level))
        name = product["name"]
        self.products.append((
            pid, name.strip().lower(), name, sku_key(sku), sku, get("upc"), stamp,
            int(get("is_visible")), get("brand_id"), numbers["price"], dumps(product)))
        product.setdefault("categories", [])
        self.categories.extend((pid, c) for c in product["categories"])
        for url in images:
            self.image_id += 1
            self.images.append((self.image_id, pid, dumps({
                "product_id": pid, "image_url": url, "is_thumbnail": not any(
                    i[1] == pid for i in self.images), "sort_order": 0, "description": "",
                "url_zoom": url, "url_standard": url, "url_thumbnail": url, "url_tiny": url,
                "date_modified": stamp})))
        for field_name, field_value in custom_fields:
            self.field_id += 1
            self.fields.append((self.field_id, pid,
                                dumps({"name": field_name, "value": field_value})))
        return pid

    def _add_variants(self, pid: int, product: dict[str, Any], numbers: dict[str, Any],
                      variants: list[VariantSpec], by_variant: bool) -> int:
        """Options in the order the first variant names them, values in order of use;
        returns the first variant's id."""
        options: dict[str, dict[str, Any]] = {}
        for spec in variants:
            for name, label in spec.options:
                if name not in options:
                    self.option_id += 1
                    options[name] = {"id": self.option_id, "display_name": name,
                                     "type": "rectangles", "sort_order": len(options),
                                     "option_values": []}
                values = options[name]["option_values"]
                if label not in [v["label"] for v in values]:
                    self.value_id += 1
                    values.append({"id": self.value_id, "label": label,
                                   "sort_order": len(values), "is_default": False,
                                   "value_data": {}})
        product["options"] = list(options.values())
        first = self.variant_id + 1
        for spec in variants:
            self.variant_id += 1
            chosen = []
            for name, label in spec.options:
                option = options[name]
                value = next(v for v in option["option_values"] if v["label"] == label)
                chosen.append({"id": value["id"], "label": label, "option_id": option["id"],
                               "option_display_name": name})
            self._variant(pid, {**numbers, "price": spec.price, "sku": spec.sku,
                                "upc": spec.upc, "option_values": chosen})
            if by_variant:
                self.inventory.append((1, pid, self.variant_id, spec.stock))
        return first

    def _variant(self, pid: int, variant: dict[str, Any]) -> None:
        self.variants.append((self.variant_id, pid, sku_key(variant["sku"]),
                              variant.get("upc") or "", dumps(variant)))

    def flush(self) -> None:
        c = self.emu.store.conn
        # Building indexes once after the bulk insert beats maintaining them row by row.
        indexes = [line for line in SCHEMA.splitlines() if line.startswith("CREATE INDEX")]
        for line in indexes:
            c.execute(f"DROP INDEX IF EXISTS {line.split()[5]}")
        c.executemany("INSERT INTO products(id, name_key, name, sku_key, sku, upc, date_modified,"
                      " is_visible, brand_id, price, data) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                      self.products)
        c.executemany("INSERT INTO product_categories(product_id, category_id) VALUES(?,?)",
                      self.categories)
        c.executemany("INSERT INTO variants(id, product_id, sku_key, upc, data) VALUES(?,?,?,?,?)",
                      self.variants)
        c.executemany("INSERT INTO inventory(location_id, product_id, variant_id, on_hand,"
                      " absolute_set) VALUES(?,?,?,?,1)", self.inventory)
        c.executemany("INSERT INTO images(id, product_id, data) VALUES(?,?,?)", self.images)
        c.executemany("INSERT INTO custom_fields(id, product_id, data) VALUES(?,?,?)",
                      self.fields)
        for line in indexes:
            c.execute(line)
        for name, value in (("products", self.product_id), ("variants", self.variant_id),
                            ("options", self.option_id), ("option_values", self.value_id),
                            ("images", self.image_id), ("custom_fields", self.field_id)):
            self.emu.store.bump_seq(name, value)


# ---- seed N --------------------------------------------------------------------------

ADJECTIVES = ["Classic", "Organic", "Vintage", "Everyday", "Premium", "Recycled", "Urban",
              "Coastal", "Alpine", "Studio"]
NOUNS = ["T-Shirt", "Hoodie", "Mug", "Tote Bag", "Notebook", "Water Bottle", "Cap", "Beanie",
         "Scarf", "Socks", "Candle", "Apron", "Backpack", "Poster", "Pin"]


def _numbered(emu: Emulator, count: int) -> None:
    """N products, each with Size S/M/L variants tracked by variant."""
    if count == 0:
        return
    rng = random.Random(count)
    _brands(emu, ["Northwind", "Acme Goods", "Blue Harbor", "Fieldstone", "Lumen & Co"])
    cats = _categories(emu, [("Apparel", None), ("Home", None), ("Accessories", None),
                             ("T-Shirts", "Apparel"), ("Kitchen", "Home")])
    cat_ids = list(cats.values())
    catalog = Catalog(emu)
    for i in range(1, count + 1):
        price = round(rng.uniform(5, 120), 2)
        noun = NOUNS[i % len(NOUNS)]
        fields = {
            "name": f"{ADJECTIVES[i % len(ADJECTIVES)]} {noun} {i:06d}", "sku": f"SKU{i:06d}",
            "price": price, "cost_price": round(price * 0.45, 2), "weight": 0.5,
            "inventory_tracking": "variant", "brand_id": 1 + i % 5,
            "categories": [cat_ids[i % len(cat_ids)]], "description": f"<p>{noun} number {i}</p>",
        }
        catalog.add(fields, BASE_TIME + timedelta(seconds=i), sizes=("S", "M", "L"),
                    variant_stock=[rng.randint(0, 40) for _ in range(3)])
    catalog.flush()


# ---- seed demo -----------------------------------------------------------------------

DEMO_COLOURS = ["Black", "White", "Navy", "Forest Green", "Brick Red", "Heather Grey",
                "Mustard", "Ocean Blue"]
DEMO_ITEMS = [("Cotton T-Shirt", "T-Shirts", 19.0), ("Pullover Hoodie", "Hoodies", 49.0),
              ("Ceramic Mug", "Mugs", 14.0), ("Canvas Tote Bag", "Bags", 22.0),
              ("Dot Grid Notebook", "Notebooks", 12.5), ("Steel Water Bottle", "Kitchen", 28.0),
              ("Baseball Cap", "Hats", 24.0), ("Wool Beanie", "Hats", 26.0),
              ("Knit Scarf", "Accessories", 32.0), ("Crew Socks", "Apparel", 9.5),
              ("Enamel Pin", "Accessories", 8.0), ("Sticker Pack", "Stationery", 5.0),
              ("Art Print Poster", "Home", 18.0), ("Phone Case", "Accessories", 21.0),
              ("Leather Keychain", "Accessories", 11.0), ("Soy Candle", "Home", 24.0),
              ("Linen Tea Towel", "Kitchen", 13.0), ("Denim Apron", "Kitchen", 36.0),
              ("Pencil Set", "Stationery", 7.5), ("Roll-top Backpack", "Bags", 79.0)]
DEMO_CATEGORIES = list(STORE_CATEGORIES)
DEMO_BRANDS = list(BRANDS)
# Awkward names the sync must carry through unchanged: scripts, accents, emoji. One is the
# name of a POS-only demo item too (its upload shows the duplicate-name error).
WEB_NAMES = ["抹茶マグカップ", "Ελληνικό Μέλι Θυμαριού", "زيت الزيتون البكر", "Матрёшка деревянная",
             "Crème Brûlée Candle", "Rocket Socks 🚀", "Çay Bardağı Seti", DUPLICATE_NAME,
             "Piñata Sticker Pack", "Zürich Notebook", "手ぬぐい 富士山", "Ωμέγα Keyring",
             "Łódź Poster", "Café au Lait Mug ☕", "Naïve Art Print", "Straße Cap"]


def _shared_fields(shared: DemoProduct, cats: dict[str, int]) -> dict[str, Any]:
    """A shared demo product's BigCommerce fields: its department is the category of that
    name, its brand the brand of that name."""
    fields: dict[str, Any] = {
        "name": shared.name, "sku": shared.sku, "description": shared.description,
        "price": float(shared.price), "cost_price": float(shared.cost_price),
        "weight": float(shared.weight), "width": float(shared.width),
        "height": float(shared.height), "depth": float(shared.depth), "upc": shared.upc,
        "bin_picking_number": shared.bin_number, "categories": [cats[shared.department]],
        "inventory_tracking": "variant" if shared.variants else "product",
    }
    if shared.brand:
        fields["brand_id"] = 1 + DEMO_BRANDS.index(shared.brand)
    return fields


def _demo(emu: Emulator) -> None:
    rng = random.Random("demo")
    store = emu.store
    cats = _categories(emu, DEMO_CATEGORIES)
    _brands(emu, DEMO_BRANDS)
    for lid, code, label, kind in ((2, "DOWNTOWN", "Downtown shop", "PHYSICAL"),
                                   (3, "POPUP", "Weekend pop-up", "VIRTUAL")):
        store.conn.execute("INSERT INTO locations(id, code, data) VALUES(?,?,?)",
                           (lid, code, dumps(_location(code, label, kind, "Round Rock"))))
    store.bump_seq("locations", 3)
    catalog = Catalog(emu)
    when = BASE_TIME
    # DEMO0001..DEMO0150: the products the POS demo shares with the web store, from the one
    # definition both sides load (demo/catalog.py), its declared differences included.
    for i, shared in enumerate(online_products()):
        when += timedelta(minutes=37)
        # The stock draws of the earlier demo, kept so the web-only products below (which
        # draw from the same generator) stay as they were.
        if i % 19 != 4:
            rng.randint(3, 60)
        catalog.add(_shared_fields(shared, cats), when, stock=0 if shared.variants
                    else shared.stock_at(), variants=[
                        VariantSpec(sku=v.sku, options=v.options, price=float(v.price),
                                    upc=v.barcode, stock=v.stock[0]) for v in shared.variants],
                    extra_stock={2: rng.randint(0, 12)} if i % 3 == 0 else None,
                    images=[f"https://cdn.example.com/demo/{shared.sku}.jpg"] if i % 2 == 0
                    else [], custom_fields=shared.custom_fields)
    # ~250 web-only products: other SKUs (some with punctuation, some empty), variants.
    punctuated = ["WEB-TEE/01", "MUG.2", "CAP#3", "BAG_04", "NOTE (5)", "PIN+6", "SOCK&7",
                  "TOTE:8", "HAT'9", "CUP,10"]
    for j in range(250):
        when += timedelta(minutes=23)
        item, cat, price = DEMO_ITEMS[(j * 7) % len(DEMO_ITEMS)]
        if j < len(WEB_NAMES):
            name = WEB_NAMES[j]
        else:
            name = f"{DEMO_COLOURS[j % len(DEMO_COLOURS)]} {item} – Web Edition {j + 1}"
        if j < len(punctuated):
            sku = punctuated[j]
        elif j % 25 == 3:
            sku = ""
        else:
            sku = f"WEB-{j + 1:04d}"
        with_sizes = j % 4 == 1 and sku != ""
        categories = [cats["Web Exclusives"], cats[cat]] + ([cats["Sale"]] if j % 9 == 0
                                                            else [])
        tracking = "variant" if with_sizes else ("none" if j % 17 == 5 else "product")
        zero = j % 10 == 7
        catalog.add({
            "name": name, "sku": sku, "price": round(price * 1.1, 2),
            "cost_price": round(price * 0.45, 2), "sale_price": round(price * 0.9, 2)
            if j % 11 == 0 else 0, "weight": 0.4, "inventory_tracking": tracking,
            "brand_id": 1 + j % len(DEMO_BRANDS), "categories": categories,
            "is_visible": j % 23 != 0,
        }, when, sizes=("S", "M", "L") if with_sizes else (),
            stock=0 if zero else rng.randint(1, 80),
            variant_stock=[0 if zero else rng.randint(0, 25) for _ in range(3)],
            images=[f"https://cdn.example.com/web/{j + 1}.jpg"] if j % 3 == 0 else [],
            custom_fields=[("Origin", "Kyoto" if j == 0 else "Austin")] if j % 5 == 0 else [])
    catalog.flush()
    _demo_customers(emu)
    _demo_shipping(emu)
    _demo_orders(emu, rng)


def _demo_customers(emu: Emulator) -> None:
    store = emu.store
    stamp = clock.rfc2822(BASE_TIME)
    groups = [("Retail", True), ("Wholesale", False), ("VIP", False)]
    store.conn.executemany("INSERT INTO customer_groups(id, data) VALUES(?,?)", [
        (i, dumps({"name": name, "is_default": default,
                   "category_access": {"type": "all"},
                   "discount_rules": [] if name != "Wholesale" else [
                       {"type": "all", "method": "percent", "amount": "15.0000"}],
                   "date_created": stamp, "date_modified": stamp,
                   "is_group_for_guests": False}))
        for i, (name, default) in enumerate(groups, start=1)])
    store.bump_seq("customer_groups", len(groups))
    people = [("Ada", "Lovelace"), ("Grace", "Hopper"), ("Alan", "Turing"), ("Yuki", "Tanaka"),
              ("Eleni", "Papadopoulou"), ("Omar", "Haddad"), ("Olga", "Ivanova"),
              ("José", "Muñoz"), ("Zoë", "Dupont"), ("Chloé", "Martin"), ("Liam", "Murphy"),
              ("Noah", "Smith"), ("Mia", "Schmidt"), ("Sofia", "Rossi"), ("Lucas", "Silva"),
              ("Emma", "Johansson"), ("Aarav", "Patel"), ("Ming", "Chen"), ("Fatima", "Zahra"),
              ("Kofi", "Mensah"), ("Ana", "Kovač"), ("Lars", "Nilsen"), ("Hana", "Sato"),
              ("Pierre", "Lefèvre")]
    from .customers import create_customer

    for i, (first, last) in enumerate(people):
        group = 2 if i % 5 == 1 else (3 if i % 11 == 0 else 1)
        company = f"{last} Trading Ltd" if group == 2 else ""
        ident = (first + "." + last).lower().encode("ascii", "ignore").decode()
        create_customer(emu, {
            "email": f"{ident}@example.com", "first_name": first, "last_name": last,
            "company": company, "phone": f"+1 512 555 {1000 + i}",
            "customer_group_id": group, "channel_ids": [1],
            "addresses": [{"first_name": first, "last_name": last, "address1":
                           f"{10 + i} Elm Street", "city": "Austin", "state_or_province":
                           "Texas", "postal_code": "78701", "country_code": "US",
                           "address_type": "commercial" if company else "residential"}],
        }, when=clock.iso_z(BASE_TIME + timedelta(days=i)))


def _demo_shipping(emu: Emulator) -> None:
    fees = {"fixed_surcharge": "0", "display_separately": False}
    zones = [
        (1, {"name": "United States", "type": "country",
             "locations": [{"id": 1, "country_iso2": "US"}],
             "free_shipping": {"enabled": True, "minimum_sub_total": "100.0000",
                               "exclude_fixed_shipping_products": False},
             "handling_fees": fees, "enabled": True}),
        (2, {"name": "Europe", "type": "country",
             "locations": [{"id": 2, "country_iso2": c} for c in ("FR", "DE", "GR")],
             "free_shipping": {"enabled": False, "minimum_sub_total": "0.0000",
                               "exclude_fixed_shipping_products": False},
             "handling_fees": fees, "enabled": True}),
    ]
    methods = [(1, 1, "Flat Rate", "perorder", 5.0), (2, 1, "Per Item", "peritem", 1.5),
               (3, 2, "International Flat Rate", "perorder", 18.0)]
    emu.store.conn.executemany("INSERT INTO shipping_zones(id, data) VALUES(?,?)",
                               [(zid, dumps(d)) for zid, d in zones])
    emu.store.conn.executemany(
        "INSERT INTO shipping_methods(id, zone_id, data) VALUES(?,?,?)",
        [(mid, zid, dumps({"name": name, "type": kind, "settings": {"rate": rate},
                           "enabled": True, "handling_fees": fees, "is_fallback": False,
                           "channel_ids": [1]})) for mid, zid, name, kind, rate in methods])
    emu.store.bump_seq("shipping_zones", 2)
    emu.store.bump_seq("shipping_methods", 3)


def _demo_orders(emu: Emulator, rng: random.Random) -> None:
    from .orders import place_order

    statuses = [11, 11, 11, 10, 10, 2, 2, 9, 7, 1, 5, 4, 14, 8, 12, 3]
    # Orders take web-only products: the stock of the products shared with the POS demo
    # stays as demo/catalog.py has it.
    product_ids = [pid for (pid,) in emu.store.all(
        "SELECT id FROM products WHERE data NOT LIKE '%\"options\"%' AND "
        "json_extract(data, '$.inventory_tracking') = 'product' AND sku NOT LIKE 'DEMO%' "
        "ORDER BY id")]
    stocked = [pid for pid in product_ids if emu.store.one(
        "SELECT on_hand FROM inventory WHERE location_id=1 AND product_id=? AND variant_id=0",
        (pid,))[0] >= 3]
    variants = emu.store.all(
        "SELECT v.product_id, v.id FROM variants v JOIN inventory i ON i.product_id="
        "v.product_id AND i.variant_id=v.id AND i.location_id=1 JOIN products p ON p.id="
        "v.product_id WHERE i.on_hand >= 3 AND p.sku NOT LIKE 'DEMO%' ORDER BY v.id")
    for n in range(30):
        when = BASE_TIME + timedelta(days=40 + n, hours=n % 7)
        lines = [{"product_id": pid, "variant_id": None, "quantity": 1 + rng.randint(0, 1)}
                 for pid in rng.sample(stocked, 1 + n % 3)]
        if n % 4 == 0 and variants:
            pid, vid = variants[(n * 5) % len(variants)]
            lines.append({"product_id": pid, "variant_id": vid, "quantity": 1})
        customer = 0 if n == 6 else 1 + n % 24
        place_order(emu, {"customer_id": customer, "status_id": statuses[n % len(statuses)],
                          "lines": lines, "shipping_cost": 5 if n % 2 else 0,
                          "email": "walk.in.guest@example.com" if customer == 0 else None},
                    created=when)
