"""Helpers for the inventory tests: a second inventory location on the emulator, and what
the emulator holds at each location, read over HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from bcemulator.process import EmulatorProcess
from bcsync.models import ItemSync, PushRequest, StoreConnection, VariantSync
from catalog.models import Department, Item, Location, StockLevel, Variant, Vendor
from tests.bcsync.pushing import api


def bc_location_add(emulator: EmulatorProcess, code: str) -> int:
    """Create an inventory location on the emulator; returns its id."""
    with api(emulator) as client:
        client._http.send_json("POST", "/v3/inventory/locations", [{
            "code": code, "label": f"Location {code}", "type_id": "VIRTUAL"}])
        return next(int(x["id"]) for x in client.iter_locations() if x["code"] == code)


def on_hand_online(emulator: EmulatorProcess, item: Item, location_id: int) -> int:
    """The product's on hand at one BigCommerce location (0 when it has no row there)."""
    product_id = ItemSync.objects.get(item=item).bc_product_id
    with api(emulator) as client:
        rows = list(client.iter_inventory_items(
            location_id=location_id, filters={"product_id:in": str(product_id)}))
    return sum(int(r["total_inventory_onhand"]) for r in rows)


def variant_on_hand_online(emulator: EmulatorProcess, bc_variant_id: int,
                           location_id: int) -> int:
    """A variant's on hand at one BigCommerce location."""
    with api(emulator) as client:
        rows = list(client.iter_inventory_items(
            location_id=location_id, filters={"variant_id:in": str(bc_variant_id)}))
    return sum(int(r["total_inventory_onhand"]) for r in rows)


def sized_item(emulator: EmulatorProcess, connection: StoreConnection, location: Location, *,
               sizes: str = "SM") -> tuple[Item, dict[str, Any]]:
    """A product tracked by variant, online and linked in the POS (nothing on hand), its
    memory of what was pushed as it is online. Returns (item, {size: bc variant id})."""
    with api(emulator) as client:
        product = client.create_product({
            "name": "Sized tee", "type": "physical", "sku": "SIZED", "price": 20.0,
            "weight": 1.0, "inventory_tracking": "variant",
            "variants": [{"sku": f"SIZED{s}", "option_values": [
                {"option_display_name": "Size", "label": s}]} for s in sizes]})
        online_variants = list(client.iter_variants(product_id=product["id"]))
    department, _ = Department.objects.get_or_create(name="Pushed things")
    item = Item.objects.create(sku="SIZED", name="Sized tee", price=Decimal("20"),
                               department=department, vendor=Vendor.default())
    sync = ItemSync.objects.create(connection=connection, item=item,
                                   bc_product_id=product["id"], linked_by="sku",
                                   linked_at=timezone.now(), pushed={})
    ids = {}
    for online_variant in online_variants:
        size = online_variant["sku"][-1]
        variant = Variant.objects.create(item=item, sku=online_variant["sku"],
                                         option_values={"Size": size})
        StockLevel.objects.create(item=item, variant=variant, location=location, on_hand=0)
        VariantSync.objects.create(item_sync=sync, variant=variant,
                                   bc_variant_id=online_variant["id"],
                                   pushed={"inventory_level": 0})
        ids[size] = int(online_variant["id"])
    PushRequest.objects.all().delete()
    return item, ids
