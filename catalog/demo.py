"""A realistic demo catalog for a small clothing-and-home shop with a store and a warehouse.

Deterministic and idempotent: the same run twice leaves the same rows. SKUs DEMO0001..DEMO0300;
the emulator's demo store carries DEMO0001..DEMO0150 too, so matching has work to do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from .models import (
    NO_VENDOR,
    Brand,
    BundleComponent,
    CustomFieldDefinition,
    CustomFieldValue,
    Department,
    Item,
    Location,
    StockLevel,
    Variant,
    Vendor,
)

ITEM_COUNT = 300
SIZES = ("S", "M", "L")
COLOURS = ("Red", "Navy", "Grey")

DEPARTMENTS: dict[str, list[str]] = {
    "Apparel": ["Organic Cotton T-Shirt", "Merino Crew Sweater", "Linen Shirt", "Rain Jacket",
                "Denim Jacket", "Hooded Sweatshirt", "Chino Trousers", "Wool Beanie"],
    "Footwear": ["Canvas Sneaker", "Leather Chelsea Boot", "Trail Running Shoe", "Wool Slipper"],
    "Home & Kitchen": ["Stoneware Mug", "Cast Iron Skillet", "Linen Tea Towel",
                       "Bamboo Cutting Board", "Glass Storage Jar", "Enamel Teapot"],
    "Stationery": ["Dot Grid Notebook", "Fountain Pen", "Washi Tape Set", "Desk Planner"],
    "Outdoor": ["Insulated Bottle", "Camping Lantern", "Trekking Pole", "Picnic Blanket"],
    "Toys": ["Wooden Train Set", "Plush Bear", "Jigsaw Puzzle 1000", "Kite"],
}
SIZED_DEPARTMENTS = {"Apparel", "Footwear"}
ADJECTIVES = ["Classic", "Everyday", "Heritage", "Coastal", "Nordic", "Urban", "Alpine",
              "Studio", "Meadow", "Harbour"]
# Shops sell imported goods under their original names; the catalog must carry any script.
WORLD_NAMES = ["抹茶ティーカップ", "Κεραμική κούπα", "Чайник эмалированный", "فانوس نحاسي",
               "Crème brûlée Ramekin", "Smørrebrød Board", "Ñandú Poncho", "찻잔 세트",
               "Zürcher Geschirrtuch", "Čokoládová forma"]
VENDORS = ["Northwind Traders", "Harbour Supply Co.", "Atelier Lumière", "Kyoto Crafts",
           "Alpine Outfitters", NO_VENDOR]
BRANDS = ["Fjällräven", "Le Creuset", "Moleskine", "Patagonia", "Muji", "Lamy", "Stanley"]
LOCATIONS = [("STORE1", "High Street store", Location.Kind.STORE),
             ("WH1", "Warehouse", Location.Kind.WAREHOUSE)]
CUSTOM_FIELDS = ["Material", "Country of origin", "Care instructions"]
MATERIALS = ["Cotton", "Wool", "Stoneware", "Steel", "Paper", "Wood", "Linen"]
COUNTRIES = ["Portugal", "Japan", "Sweden", "United Kingdom", "India", "Italy"]


@dataclass
class Tally:
    """Rows of one kind the loader wrote: made now, or found already there."""

    created: int = 0
    existing: int = 0

    def add(self, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.existing += 1

    @property
    def total(self) -> int:
        return self.created + self.existing

    def text(self, noun: str) -> str:
        return f"{self.total} {noun} ({self.created} new, {self.existing} already there)"


@dataclass(frozen=True)
class DemoSummary:
    """What the demo consists of; other rows in the database are not counted."""

    items: Tally
    variants: Tally
    stock_levels: Tally

    def line(self) -> str:
        return (f"Demo catalog: {self.items.text('items')}, {self.variants.text('variants')}, "
                f"{self.stock_levels.text('stock levels')}.")


def demo_sku(index: int) -> str:
    return f"DEMO{index:04d}"


@transaction.atomic
def demo_catalog_load() -> DemoSummary:
    """Create or refresh the demo catalog. Safe to run any number of times."""
    rng = random.Random(20261123)
    departments = {n: Department.objects.get_or_create(name=n)[0] for n in DEPARTMENTS}
    vendors = [Vendor.objects.get_or_create(name=n)[0] for n in VENDORS]
    brands = [Brand.objects.get_or_create(name=n)[0] for n in BRANDS]
    locations = [
        Location.objects.update_or_create(code=c, defaults={"name": n, "kind": k})[0]
        for c, n, k in LOCATIONS
    ]
    fields = [
        CustomFieldDefinition.objects.get_or_create(name=n, defaults={"sort_order": i})[0]
        for i, n in enumerate(CUSTOM_FIELDS)
    ]

    dept_names = list(DEPARTMENTS)
    summary = DemoSummary(items=Tally(), variants=Tally(), stock_levels=Tally())
    for index in range(1, ITEM_COUNT + 1):
        dept_name = dept_names[index % len(dept_names)]
        if index % 29 == 0:
            name = f"{WORLD_NAMES[(index // 29) % len(WORLD_NAMES)]} {index}"
        else:
            names = DEPARTMENTS[dept_name]
            base = names[(index // len(dept_names)) % len(names)]
            name = f"{ADJECTIVES[index % len(ADJECTIVES)]} {base} {index}"
        price = Decimal(rng.randrange(300, 25000)) / 100
        item, was_created = Item.objects.update_or_create(
            sku=demo_sku(index),
            defaults={
                "name": name,
                "description": f"{name}. Part of our {dept_name.lower()} range.",
                "price": price,
                "cost_price": (price * Decimal("0.45")).quantize(Decimal("0.01")),
                "upc": f"{400000000000 + index:012d}",
                "bin_number": f"{chr(65 + index % 6)}-{index % 40:02d}",
                "department": departments[dept_name],
                "vendor": vendors[index % len(vendors)],
                "brand": brands[index % len(brands)] if index % 4 else None,
                "weight": Decimal(rng.randrange(50, 3000)) / 1000,
                "width": Decimal(rng.randrange(5, 60)),
                "height": Decimal(rng.randrange(2, 40)),
                "depth": Decimal(rng.randrange(1, 30)),
                # Some items are sold only in the shop.
                "ecommerce_enabled": index % 10 != 0,
            },
        )
        summary.items.add(was_created)
        item.locations.set(locations if index % 7 else locations[:1])
        CustomFieldValue.objects.update_or_create(
            item=item, definition=fields[0],
            defaults={"value": MATERIALS[index % len(MATERIALS)]},
        )
        CustomFieldValue.objects.update_or_create(
            item=item, definition=fields[1],
            defaults={"value": COUNTRIES[index % len(COUNTRIES)]},
        )

        variants = (_demo_variants(item, index, summary.variants)
                    if dept_name in SIZED_DEPARTMENTS else [])
        for loc_no, location in enumerate(locations):
            if variants:
                for v_no, variant in enumerate(variants):
                    _, was_created = StockLevel.objects.update_or_create(
                        item=item, variant=variant, location=location,
                        defaults={"on_hand": (index + v_no * 3 + loc_no * 5) % 17},
                    )
                    summary.stock_levels.add(was_created)
            else:
                _, was_created = StockLevel.objects.update_or_create(
                    item=item, variant=None, location=location,
                    defaults={"on_hand": 0 if index % 13 == 0 else (index * 7 + loc_no) % 40,
                              "reserved": 1 if index % 11 == 0 else 0},
                )
                summary.stock_levels.add(was_created)

    summary.items.add(_demo_bundle(departments, vendors[0], locations))
    return summary


def _demo_variants(item: Item, index: int, tally: Tally) -> list[Variant]:
    variants: list[Variant] = []
    colours = COLOURS if index % 3 == 0 else COLOURS[:1]
    for colour in colours:
        for size in SIZES:
            sku = f"{item.sku}{colour[:1]}{size}"
            price_mode = Variant.Mode.CHANGE if size == "L" else Variant.Mode.INHERIT
            variant, was_created = Variant.objects.update_or_create(
                sku=sku,
                defaults={
                    "item": item,
                    "option_values": {"Size": size, "Colour": colour},
                    "price_mode": price_mode,
                    "price": Decimal("2.00") if price_mode == Variant.Mode.CHANGE else None,
                    "barcode": f"{500000000000 + index * 10 + len(variants):012d}",
                },
            )
            tally.add(was_created)
            variants.append(variant)
    return variants


def _demo_bundle(departments: dict[str, Department], vendor: Vendor,
                 locations: list[Location]) -> bool:
    """The gift set; True when it was created now."""
    bundle, created = Item.objects.update_or_create(
        sku="DEMOKIT01",
        defaults={
            "name": "Breakfast Gift Set",
            "description": "Two stoneware mugs and a linen tea towel, boxed.",
            "price": Decimal("39.00"),
            "cost_price": Decimal("17.50"),
            "department": departments["Home & Kitchen"],
            "vendor": vendor,
        },
    )
    bundle.locations.set(locations)
    mug = Item.objects.filter(name__contains="Stoneware Mug").order_by("sku").first()
    towel = Item.objects.filter(name__contains="Linen Tea Towel").order_by("sku").first()
    for component, quantity in ((mug, 2), (towel, 1)):
        if component is not None:
            BundleComponent.objects.update_or_create(
                bundle=bundle, component=component, defaults={"quantity": quantity}
            )
    return created


@transaction.atomic
def demo_catalog_remove() -> None:
    """Delete the demo catalog and its login (tests use this; staff use the admin)."""
    from django.contrib.auth import get_user_model

    items = Item.objects.filter(sku__startswith="DEMO")
    BundleComponent.objects.filter(bundle__in=items).delete()
    items.delete()
    Department.objects.filter(name__in=DEPARTMENTS).delete()
    Vendor.objects.filter(name__in=VENDORS).exclude(name=NO_VENDOR).delete()
    Brand.objects.filter(name__in=BRANDS).delete()
    Location.objects.filter(code__in=[c for c, _, _ in LOCATIONS]).delete()
    CustomFieldDefinition.objects.filter(name__in=CUSTOM_FIELDS).delete()
    get_user_model().objects.filter(username="admin").delete()
