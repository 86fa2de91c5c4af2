"""The demo shop's products: what the POS holds, and what the web store holds of them.

A small clothing-and-home shop with a store and a warehouse. DEMO0001..DEMO0300 are its POS
items; DEMO0001..DEMO0150 are also on the web store as the same products (name, brand, prices,
weight, dimensions, UPC, bin number, department = category of the same name, variants with the
same options and SKUs, stock at the store), except for the few ``DIFFERENCES`` below, which
give the demo something to preview, push and flag. DEMO0151..DEMO0300 are in the POS only.
The web store also has products of its own (``bcemulator/seed.py``).

Deterministic: every call returns the same products. Standard library only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from typing import Any

ITEM_COUNT = 300
ONLINE_COUNT = 150  # DEMO0001..DEMO0150 are on both sides
SIZES = ("S", "M", "L")
COLOURS = ("Red", "Navy", "Grey")
SIZE_L_EXTRA = Decimal("2.00")  # size L sells for this much more than the item

# POS locations (code, name, kind). The web store's default location (id 1) carries the stock
# of ONLINE_LOCATION: the store connection maps that POS location to it.
POS_LOCATIONS = (("STORE1", "High Street store", "store"), ("WH1", "Warehouse", "warehouse"))
ONLINE_LOCATION = "STORE1"

# Department -> base names. The web store files each product under the category named like
# its department (the default department -> category mapping is by name).
DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "Apparel": ("Organic Cotton T-Shirt", "Merino Crew Sweater", "Linen Shirt", "Rain Jacket",
                "Denim Jacket", "Hooded Sweatshirt", "Chino Trousers", "Wool Beanie"),
    "Home": ("Stoneware Mug", "Cast Iron Skillet", "Linen Tea Towel", "Bamboo Cutting Board",
             "Glass Storage Jar", "Enamel Teapot"),
    "Stationery": ("Dot Grid Notebook", "Fountain Pen", "Washi Tape Set", "Desk Planner"),
    "Outdoor": ("Insulated Bottle", "Camping Lantern", "Trekking Pole", "Picnic Blanket"),
    "Footwear": ("Canvas Sneaker", "Leather Chelsea Boot", "Trail Running Shoe",
                 "Wool Slipper"),
    "Toys": ("Wooden Train Set", "Plush Bear", "Jigsaw Puzzle 1000", "Kite"),
    "Accessories": ("Canvas Tote Bag", "Leather Keychain", "Knit Scarf", "Enamel Pin"),
}
# The web store's category tree, (name, parent): ids 1.. in this order. Every department has
# the category of its name; the others hold web-only products.
STORE_CATEGORIES: tuple[tuple[str, str | None], ...] = (
    ("Apparel", None), ("T-Shirts", "Apparel"), ("Hoodies", "Apparel"), ("Hats", "Apparel"),
    ("Home", None), ("Kitchen", "Home"), ("Mugs", "Kitchen"), ("Accessories", None),
    ("Bags", "Accessories"), ("Stationery", None), ("Notebooks", "Stationery"),
    ("Gifts", None), ("Sale", None), ("Web Exclusives", None),
    ("Outdoor", None), ("Footwear", None), ("Toys", None),
)
SIZED_DEPARTMENTS = frozenset({"Apparel", "Footwear"})
PRICE_RANGES = {"Apparel": (1500, 16000), "Home": (600, 9000), "Stationery": (300, 4500),
                "Outdoor": (1200, 20000), "Footwear": (4000, 22000), "Toys": (800, 9000),
                "Accessories": (500, 6000)}  # cents, per department
ADJECTIVES = ("Classic", "Everyday", "Heritage", "Coastal", "Nordic", "Urban", "Alpine",
              "Studio", "Meadow", "Harbour")
# Shops sell imported goods under their original names; the catalog must carry any script.
WORLD_NAMES = ("抹茶ティーカップ", "Κεραμική κούπα", "Чайник эмалированный", "فانوس نحاسي",
               "Crème brûlée Ramekin", "Smørrebrød Platter", "Ñandú Poncho", "찻잔 세트",
               "Zürcher Geschirrtuch", "Čokoládová forma")
VENDORS: tuple[str | None, ...] = ("Northwind Traders", "Harbour Supply Co.",
                                   "Atelier Lumière", "Kyoto Crafts", "Alpine Outfitters",
                                   None)  # None: the POS's "No Vendor"
# The web store has the same brands (and ids 1.. in this order).
BRANDS = ("Northwind", "Acme Goods", "Blue Harbor", "Fieldstone", "Lumen & Co",
          "Kōbō Ceramics", "Ateliers Délice", "Nordlys")
CUSTOM_FIELDS = ("Material", "Country of origin", "Care instructions")
MATERIALS = ("Cotton", "Wool", "Stoneware", "Steel", "Paper", "Wood", "Linen")
COUNTRIES = ("Portugal", "Japan", "Sweden", "United Kingdom", "India", "Italy")

# A POS-only item named like a product the web store already has under another SKU
# (a web-only product of bcemulator/seed.py): uploading it shows BigCommerce's
# duplicate-name error.
DUPLICATE_NAME_SKU = "DEMO0155"
DUPLICATE_NAME = "Smørrebrød Board"


@dataclass(frozen=True)
class DemoVariant:
    sku: str
    options: tuple[tuple[str, str], ...]  # (option, value): Size first, then Colour
    price: Decimal  # what it sells for: the item's price, or more for size L
    barcode: str
    stock: tuple[int, ...]  # on hand per POS location, in POS_LOCATIONS order


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    name: str
    description: str
    department: str
    brand: str | None
    vendor: str | None
    price: Decimal
    cost_price: Decimal
    weight: Decimal
    width: Decimal
    height: Decimal
    depth: Decimal
    upc: str
    bin_number: str
    ecommerce_enabled: bool
    locations: tuple[str, ...]  # POS locations the item is entitled to
    custom_fields: tuple[tuple[str, str], ...]
    variants: tuple[DemoVariant, ...]
    stock: tuple[int, ...]  # on hand per POS location (items without variants)
    reserved: tuple[int, ...]
    online: bool  # also on the web store

    def stock_at(self, location: str = ONLINE_LOCATION) -> int:
        return self.stock[_location_index(location)]


@dataclass(frozen=True)
class Difference:
    """One field where the web store deliberately holds another value than the POS."""

    sku: str  # an item's SKU, or a variant's
    field: str  # a DemoProduct / DemoVariant field; "stock" is the stock at ONLINE_LOCATION
    online: Any  # the web store's value
    why: str


# The demo's deliberate differences: every other field of every shared product agrees
# (tests/demo/test_agreement.py holds both sides to exactly this list).
DIFFERENCES: tuple[Difference, ...] = (
    # Preview shows a price change; an upload (Prices: Manual) sends the POS price.
    Difference("DEMO0003", "price", Decimal("32.50"),
               "the shop raised the price in the POS (36.19); the web store has the old one"),
    # Preview shows a name change; an upload (Names: Manual) renames the product online.
    Difference("DEMO0005", "name", "Meadow Wooden Toy Train 5",
               "renamed in the POS after it was listed online"),
    # A stock count in the shop that the web store has not heard of (QOHs).
    Difference("DEMO0016", "stock", 30,
               "counted in the shop: the web store shows 30 where the POS has 32"),
    # A variant's price (Var. Prices, Manual only): one size differs online.
    Difference("DEMO0007RL", "price", Decimal("156.55"),
               "size L costs 2.00 more in the POS (158.55); online it has the item's price"),
    # Someone edited it in BigCommerce: with BinNumbers Manual or On, the POS's value wins on
    # upload; once the item has been pushed, an edit like this online is flagged as a conflict.
    Difference("DEMO0017", "bin_number", "WEB-SHELF-7",
               "edited in BigCommerce's control panel: a conflict candidate"),
)


def store_category_id(name: str) -> int:
    """The web store's id of a category of STORE_CATEGORIES (the emulator numbers them 1..)."""
    return 1 + [n for n, _ in STORE_CATEGORIES].index(name)


def demo_sku(index: int) -> str:
    return f"DEMO{index:04d}"


@cache
def demo_products() -> tuple[DemoProduct, ...]:
    """Every POS item of the demo, as the POS has it (the bundle DEMOKIT01 aside)."""
    rng = random.Random(20261123)
    dept_names = list(DEPARTMENTS)
    products: list[DemoProduct] = []
    for index in range(1, ITEM_COUNT + 1):
        sku = demo_sku(index)
        department = dept_names[index % len(dept_names)]
        if sku == DUPLICATE_NAME_SKU:
            name = DUPLICATE_NAME
        elif index % 29 == 0:
            name = f"{WORLD_NAMES[(index // 29) % len(WORLD_NAMES)]} {index}"
        else:
            names = DEPARTMENTS[department]
            base = names[(index // len(dept_names)) % len(names)]
            name = f"{ADJECTIVES[index % len(ADJECTIVES)]} {base} {index}"
        price = Decimal(rng.randrange(*PRICE_RANGES[department])) / 100
        weight = Decimal(rng.randrange(50, 3000)) / 1000
        width, height, depth = (Decimal(rng.randrange(5, 60)), Decimal(rng.randrange(2, 40)),
                                Decimal(rng.randrange(1, 30)))
        online = index <= ONLINE_COUNT
        variants = (_variants(sku, index, price) if department in SIZED_DEPARTMENTS else ())
        locs = range(len(POS_LOCATIONS))
        products.append(DemoProduct(
            sku=sku, name=name, description=f"{name}. Part of our {department.lower()} range.",
            department=department,
            brand=BRANDS[index % len(BRANDS)] if index % 4 else None,
            vendor=VENDORS[index % len(VENDORS)],
            price=price, cost_price=(price * Decimal("0.45")).quantize(Decimal("0.01")),
            weight=weight, width=width, height=height, depth=depth,
            upc=f"{400000000000 + index:012d}",
            bin_number=f"{chr(65 + index % 6)}-{index % 40:02d}",
            # Some items are sold only in the shop; none of those is on the web store.
            ecommerce_enabled=online or index % 10 != 0,
            locations=tuple(c for c, _, _ in POS_LOCATIONS) if index % 7 else ("STORE1",),
            custom_fields=(("Material", MATERIALS[index % len(MATERIALS)]),
                           ("Country of origin", COUNTRIES[index % len(COUNTRIES)])),
            variants=variants,
            stock=() if variants else tuple(
                0 if index % 13 == 0 else (index * 7 + n) % 40 for n in locs),
            # Sold but not picked: only on POS-only items, so the stock the web store shows
            # for a shared item is its on-hand count either way.
            reserved=() if variants else tuple(
                1 if index % 11 == 0 and not online else 0 for _ in locs),
            online=online,
        ))
    return tuple(products)


def _variants(sku: str, index: int, price: Decimal) -> tuple[DemoVariant, ...]:
    colours = COLOURS if index % 3 == 0 else COLOURS[:1]
    out: list[DemoVariant] = []
    for colour in colours:
        for size in SIZES:
            n = len(out)
            out.append(DemoVariant(
                sku=f"{sku}{colour[:1]}{size}", options=(("Size", size), ("Colour", colour)),
                price=price + SIZE_L_EXTRA if size == "L" else price,
                barcode=f"{500000000000 + index * 10 + n:012d}",
                stock=tuple((index + n * 3 + loc * 5) % 17
                            for loc in range(len(POS_LOCATIONS)))))
    return tuple(out)


@cache
def online_products() -> tuple[DemoProduct, ...]:
    """The shared products as the web store has them: the POS's, with DIFFERENCES applied."""
    by_sku = {p.sku: p for p in demo_products() if p.online}
    variant_owner = {v.sku: p.sku for p in by_sku.values() for v in p.variants}
    for diff in DIFFERENCES:
        owner = variant_owner.get(diff.sku, diff.sku)
        if owner not in by_sku:
            raise ValueError(f"DIFFERENCES: {diff.sku} is not a shared demo SKU")
        product = by_sku[owner]
        if owner == diff.sku:
            by_sku[owner] = _changed(product, diff)
        else:
            variants = tuple(_changed(v, diff) if v.sku == diff.sku else v
                             for v in product.variants)
            by_sku[owner] = replace(product, variants=variants)
    return tuple(by_sku.values())


def _changed(record: Any, diff: Difference) -> Any:
    if diff.field == "stock":
        stock = list(record.stock)
        stock[_location_index(ONLINE_LOCATION)] = diff.online
        return replace(record, stock=tuple(stock))
    if not hasattr(record, diff.field):
        raise ValueError(f"DIFFERENCES: {diff.sku} has no field {diff.field!r}")
    return replace(record, **{diff.field: diff.online})


def _location_index(code: str) -> int:
    return [c for c, _, _ in POS_LOCATIONS].index(code)
