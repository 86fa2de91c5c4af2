"""A small local copy for the Web View's tests: one store connection, its brands,
categories, products (awkward ones too) and variants, and one product linked to a POS item;
plus a product of another store, which the grid must never show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from bcsync.models import ItemSync, StoreConnection
from catalog.models import Department, Item, Vendor
from localcopy.models import LcBrand, LcCategory, LcProduct, LcVariant

STORE = "shop1"
# sku: (name, price, cost, upc, brand, visible, stock, categories)
PRODUCTS: dict[str, tuple] = {
    "TEE-001": ("Organic Tee", "19.99", "7.50", "012345678905", 1, True, 12, [10, 11]),
    "TEE-002": ("Organic Tee Long", "24.00", "9.00", "", 1, True, 0, [10]),
    "MUG-001": ("Mug", "8.50", None, "4006381333931", 2, True, 40, [12]),
    "MUG-002": ("mug, large", "11.00", "4.00", "", 2, False, 3, [12]),
    "CAP-001": ("Cap", "15.00", "5.00", "", None, True, 7, []),
    "": ("Gift card (no SKU)", "0.00", None, "", None, True, None, []),
    "ÉTÉ-01": ("Été hat ☀", "30.00", "12.00", "", 1, True, 2, [11]),
    "BAG-001": ("Tote bag", "12.50", "3.00", "", None, True, 25, [99]),
}
LINKED_SKU = "TEE-001"


@dataclass
class WebLc:
    connection: StoreConnection
    products: dict[str, LcProduct]
    item: Item


def web_lc_make(*, with_variants: bool = True) -> WebLc:
    now = timezone.now()
    connection = StoreConnection.objects.create(store_hash=STORE, access_token="t",
                                                description="Web shop",
                                                api_url="http://127.0.0.1:9")
    common = {"store_hash": STORE, "synced_at": now}
    LcBrand.objects.bulk_create([LcBrand(bc_id=1, name="Acme", **common),
                                 LcBrand(bc_id=2, name="Potter", **common)])
    LcCategory.objects.bulk_create([LcCategory(bc_id=10, name="Shirts", **common),
                                    LcCategory(bc_id=11, name="Summer", **common),
                                    LcCategory(bc_id=12, name="Kitchen", **common)])
    products = {}
    for n, (sku, (name, price, cost, upc, brand, visible, stock, cats)) in enumerate(
            PRODUCTS.items()):
        products[sku] = LcProduct.objects.create(
            bc_id=100 + n, sku=sku, name=name, price=Decimal(price),
            cost_price=Decimal(cost) if cost else None, upc=upc, brand_id=brand,
            is_visible=visible, inventory_level=stock, category_ids=cats,
            date_modified=now - timedelta(days=n), **common)
    if with_variants:
        tee = products["TEE-001"]
        for n, size in enumerate(("S", "M", "L")):
            LcVariant.objects.create(product=tee, product_bc_id=tee.bc_id, bc_id=500 + n,
                                     sku=f"TEE-001-{size}", option_label=f"Size: {size}",
                                     price=Decimal("21.00") if size == "L" else None,
                                     inventory_level=4, **common)
    LcProduct.objects.create(store_hash="other", bc_id=100, sku="TEE-001", name="Elsewhere",
                             synced_at=now)
    item = Item.objects.create(sku="TEE001", name="Organic Tee", price=Decimal("19.99"),
                               department=Department.objects.create(name="Shirts"),
                               vendor=Vendor.default())
    ItemSync.objects.create(connection=connection, item=item,
                            bc_product_id=products[LINKED_SKU].bc_id,
                            linked_by=ItemSync.LinkedBy.IMPORTED, linked_at=now)
    return WebLc(connection=connection, products=products, item=item)
