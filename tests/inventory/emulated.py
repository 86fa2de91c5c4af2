"""Helpers for the inventory tests: a second inventory location on the emulator, and what
the emulator holds at each location, read over HTTP."""

from __future__ import annotations

from bcemulator.process import EmulatorProcess
from bcsync.models import ItemSync
from catalog.models import Item
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
