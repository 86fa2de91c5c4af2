"""A small catalog with known values for the grid tests (POS View's grids read it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from catalog.models import Brand, Department, Item, Location, StockLevel, Variant, Vendor


@dataclass
class Catalog:
    items: dict[str, Item]
    departments: dict[str, Department]
    vendors: dict[str, Vendor]
    brand: Brand
    store: Location
    warehouse: Location


# sku: (name, price, department, vendor, has brand, on eCommerce)
ROWS = {
    "TEE001": ("Organic Tee", "19.99", "Apparel", "Northwind", True, True),
    "TEE002": ("Organic Tee Long", "24.00", "Apparel", "Northwind", True, True),
    "TEE003": ("Striped Tee", "19.99", "Apparel", "Harbour", False, True),
    "MUG001": ("Stoneware Mug", "12.50", "Home", "Harbour", True, True),
    "MUG002": ("Enamel Mug", "9.00", "Home", "Harbour", False, False),
    "MUG003": ("Travel Mug", "19.99", "Home", "Northwind", True, True),
    "PEN001": ("Fountain Pen", "45.00", "Home", "Northwind", False, True),
    "PEN002": ("Ballpoint Pen", "3.20", "Home", "Harbour", True, False),
    "HAT001": ("Wool Beanie", "19.99", "Apparel", "Harbour", True, True),
    "HAT002": ("Sun Hat", "29.00", "Apparel", "Northwind", False, True),
    "BAG001": ("Tote Bag", "15.00", "Home", "Harbour", True, True),
    "BAG002": ("Übergröße Tasche", "55.00", "Home", "Northwind", True, True),
}


def pos_catalog_make() -> Catalog:
    departments = {n: Department.objects.create(name=n) for n in ("Apparel", "Home")}
    vendors = {n: Vendor.objects.create(name=n) for n in ("Northwind", "Harbour")}
    brand = Brand.objects.create(name="Muji")
    store = Location.objects.create(code="STORE1", name="High Street")
    warehouse = Location.objects.create(code="WH1", name="Warehouse")
    items = {}
    for number, (sku, (name, price, dept, vendor, has_brand, online)) in enumerate(ROWS.items()):
        item = Item.objects.create(
            sku=sku, name=name, price=Decimal(price), cost_price=Decimal(price) / 2,
            department=departments[dept], vendor=vendors[vendor],
            brand=brand if has_brand else None, ecommerce_enabled=online,
            upc=f"0{number:011d}", bin_number=f"A-{number:02d}")
        items[sku] = item
    # TEE001 comes in sizes: M at the item's price, L 2.00 more, S at an absolute 17.00.
    tee = items["TEE001"]
    for size, mode, price in (("M", "inherit", None), ("L", "change", "2.00"),
                              ("S", "absolute", "17.00")):
        variant = Variant.objects.create(
            item=tee, sku=f"TEE001{size}", option_values={"Size": size, "Colour": "Red"},
            price_mode=mode, price=Decimal(price) if price else None)
        StockLevel.objects.create(item=tee, variant=variant, location=store, on_hand=3)
        StockLevel.objects.create(item=tee, variant=variant, location=warehouse, on_hand=10,
                                  reserved=1)
    StockLevel.objects.create(item=items["MUG001"], location=store, on_hand=4)
    StockLevel.objects.create(item=items["MUG001"], location=warehouse, on_hand=20)
    return Catalog(items, departments, vendors, brand, store, warehouse)
