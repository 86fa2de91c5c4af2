"""Loads the demo shop (`demo.catalog`, shared with the emulator's demo store) into the POS.

Deterministic and idempotent: the same run twice leaves the same rows, and a run refreshes demo
rows someone edited. Written in bulk (a few queries per table), so ~300 items with their
variants and stock load in well under a second on SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from demo.catalog import (
    BRANDS,
    CUSTOM_FIELDS,
    DEPARTMENTS,
    POS_LOCATIONS,
    VENDORS,
    DemoProduct,
    DemoVariant,
    demo_products,
)

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

ITEM_FIELDS = ("name", "description", "price", "cost_price", "upc", "bin_number", "department",
               "vendor", "brand", "weight", "width", "height", "depth", "ecommerce_enabled")
VARIANT_FIELDS = ("item", "option_values", "price_mode", "price", "barcode")


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
    removed: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        line = (f"Demo catalog: {self.items.text('items')}, {self.variants.text('variants')}, "
                f"{self.stock_levels.text('stock levels')}.")
        if any(self.removed.values()):
            gone = ", ".join(f"{n} {noun}" for noun, n in self.removed.items() if n)
            line += f" Removed what the demo no longer has: {gone}."
        return line


@dataclass(frozen=True)
class _Refs:
    departments: dict[str, Department]
    vendors: dict[str, Vendor]
    brands: dict[str, Brand]
    locations: dict[str, Location]
    fields: dict[str, CustomFieldDefinition]


@transaction.atomic
def demo_catalog_load() -> DemoSummary:
    """Create or refresh the demo catalog. Safe to run any number of times."""
    refs = _refs_ensure()
    products = demo_products()
    summary = DemoSummary(items=Tally(), variants=Tally(), stock_levels=Tally())
    items = _items_save(products, refs, summary.items)
    _stale_remove(products, items, summary)
    variants = _variants_save(products, items, summary.variants)
    _stock_save(products, items, variants, refs.locations, summary.stock_levels)
    _entitlements_save(products, items, refs.locations)
    CustomFieldValue.objects.bulk_create(
        [CustomFieldValue(item=items[p.sku], definition=refs.fields[name], value=value)
         for p in products for name, value in p.custom_fields],
        update_conflicts=True, unique_fields=["item", "definition"], update_fields=["value"])
    summary.items.add(_demo_bundle(refs))
    return summary


def _refs_ensure() -> _Refs:
    return _Refs(
        departments={n: Department.objects.get_or_create(name=n)[0] for n in DEPARTMENTS},
        vendors={n: Vendor.objects.get_or_create(name=n)[0]
                 for n in (v or NO_VENDOR for v in VENDORS)},
        brands={n: Brand.objects.get_or_create(name=n)[0] for n in BRANDS},
        locations={c: Location.objects.update_or_create(code=c, defaults={"name": n,
                                                                          "kind": k})[0]
                   for c, n, k in POS_LOCATIONS},
        fields={n: CustomFieldDefinition.objects.get_or_create(
            name=n, defaults={"sort_order": i})[0] for i, n in enumerate(CUSTOM_FIELDS)},
    )


def _item_values(product: DemoProduct, refs: _Refs) -> dict[str, object]:
    return {
        "name": product.name, "description": product.description, "price": product.price,
        "cost_price": product.cost_price, "upc": product.upc, "bin_number": product.bin_number,
        "department": refs.departments[product.department],
        "vendor": refs.vendors[product.vendor or NO_VENDOR],
        "brand": refs.brands[product.brand] if product.brand else None,
        "weight": product.weight, "width": product.width, "height": product.height,
        "depth": product.depth, "ecommerce_enabled": product.ecommerce_enabled,
    }


def _items_save(products: tuple[DemoProduct, ...], refs: _Refs, tally: Tally
                ) -> dict[str, Item]:
    skus = [p.sku for p in products]
    existing = set(Item.objects.filter(sku__in=skus).values_list("sku", flat=True))
    for product in products:
        tally.add(product.sku not in existing)
    # One upsert: new SKUs are inserted, existing ones get the demo's values back.
    Item.objects.bulk_create([Item(sku=p.sku, **_item_values(p, refs)) for p in products],
                             update_conflicts=True, unique_fields=["sku"],
                             update_fields=ITEM_FIELDS)
    return Item.objects.in_bulk(skus, field_name="sku")


def _stale_remove(products: tuple[DemoProduct, ...], items: dict[str, Item],
                  summary: DemoSummary) -> None:
    """Variants and stock rows of demo items that an older demo had and this one has not."""
    skus = {v.sku for p in products for v in p.variants}
    variants = Variant.objects.filter(item__in=list(items.values())).exclude(sku__in=skus)
    sized = [items[p.sku] for p in products if p.variants]
    item_level = StockLevel.objects.filter(item__in=sized, variant__isnull=True)
    orphans = StockLevel.objects.filter(variant__in=variants)
    summary.removed["stock levels"] = item_level.delete()[0] + orphans.delete()[0]
    summary.removed["variants"] = variants.delete()[0]


def _variant_values(product: DemoProduct, variant: DemoVariant, item: Item
                    ) -> dict[str, object]:
    extra = variant.price - product.price
    change = extra != Decimal(0)
    return {"item": item, "option_values": dict(variant.options),
            "price_mode": Variant.Mode.CHANGE if change else Variant.Mode.INHERIT,
            "price": extra if change else None, "barcode": variant.barcode}


def _variants_save(products: tuple[DemoProduct, ...], items: dict[str, Item], tally: Tally
                   ) -> dict[str, Variant]:
    skus = [v.sku for p in products for v in p.variants]
    existing = set(Variant.objects.filter(sku__in=skus).values_list("sku", flat=True))
    rows = []
    for product in products:
        for variant in product.variants:
            tally.add(variant.sku not in existing)
            rows.append(Variant(sku=variant.sku,
                                **_variant_values(product, variant, items[product.sku])))
    Variant.objects.bulk_create(rows, update_conflicts=True, unique_fields=["sku"],
                                update_fields=VARIANT_FIELDS)
    return Variant.objects.in_bulk(skus, field_name="sku")


def _stock_save(products: tuple[DemoProduct, ...], items: dict[str, Item],
                variants: dict[str, Variant], locations: dict[str, Location],
                tally: Tally) -> None:
    existing = {(s.item_id, s.variant_id, s.location_id): s for s in
                StockLevel.objects.filter(item__in=list(items.values()))}
    codes = [c for c, _, _ in POS_LOCATIONS]
    new: list[StockLevel] = []
    changed: list[tuple[int, int, datetime, int]] = []
    now = timezone.now()

    def put(item: Item, variant: Variant | None, code: str, on_hand: int, reserved: int
            ) -> None:
        location = locations[code]
        level = existing.get((item.pk, variant.pk if variant else None, location.pk))
        tally.add(level is None)
        if level is None:
            new.append(StockLevel(item=item, variant=variant, location=location,
                                  on_hand=on_hand, reserved=reserved))
        elif (level.on_hand, level.reserved) != (on_hand, reserved):
            changed.append((on_hand, reserved, now, level.pk))

    for product in products:
        item = items[product.sku]
        for demo_variant in product.variants:
            for code, on_hand in zip(codes, demo_variant.stock, strict=True):
                put(item, variants[demo_variant.sku], code, on_hand, 0)
        if not product.variants:
            for code, on_hand, reserved in zip(codes, product.stock, product.reserved,
                                               strict=True):
                put(item, None, code, on_hand, reserved)
    StockLevel.objects.bulk_create(new)
    # Only levels that differ from the demo's; executemany, as Django's bulk_update builds one
    # CASE per row and field (seconds for a thousand rows).
    table = connection.ops.quote_name(StockLevel._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET on_hand = %s, reserved = %s, updated_at = %s"
                           " WHERE id = %s", changed)


def _entitlements_save(products: tuple[DemoProduct, ...], items: dict[str, Item],
                       locations: dict[str, Location]) -> None:
    through = Item.locations.through
    through.objects.filter(item__in=list(items.values())).delete()
    through.objects.bulk_create([
        through(item_id=items[p.sku].pk, location_id=locations[code].pk)
        for p in products for code in p.locations])


def _demo_bundle(refs: _Refs) -> bool:
    """The gift set (POS only); True when it was created now."""
    bundle, created = Item.objects.update_or_create(
        sku="DEMOKIT01",
        defaults={
            "name": "Breakfast Gift Set",
            "description": "Two stoneware mugs and a linen tea towel, boxed.",
            "price": Decimal("39.00"),
            "cost_price": Decimal("17.50"),
            "department": refs.departments["Home"],
            "vendor": refs.vendors[VENDORS[0] or NO_VENDOR],
        },
    )
    bundle.locations.set(refs.locations.values())
    mug = Item.objects.filter(name__contains="Stoneware Mug").order_by("sku").first()
    towel = Item.objects.filter(name__contains="Linen Tea Towel").order_by("sku").first()
    parts = [(c, q) for c, q in ((mug, 2), (towel, 1)) if c is not None]
    BundleComponent.objects.filter(bundle=bundle).exclude(
        component__in=[c for c, _ in parts]).delete()
    for component, quantity in parts:
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
    Vendor.objects.filter(name__in=[v for v in VENDORS if v]).delete()
    Brand.objects.filter(name__in=BRANDS).delete()
    Location.objects.filter(code__in=[c for c, _, _ in POS_LOCATIONS]).delete()
    CustomFieldDefinition.objects.filter(name__in=CUSTOM_FIELDS).delete()
    get_user_model().objects.filter(username="admin").delete()
