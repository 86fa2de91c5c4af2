"""Linked items for the push tests: products created on the emulator over HTTP, POS items
with the same values, and the ItemSync links an upload would have left (what was pushed =
the item as it is), so the outbox starts empty and every test makes its own edits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from bcemulator.process import EmulatorProcess
from bcsync.client import BigCommerceClient
from bcsync.connections import connection_upsert
from bcsync.models import ItemSync, PushRequest, StoreConnection
from bcsync.push.fields import pos_values
from catalog.models import Department, Item, Location, StockLevel, Vendor


def store_connection(emulator: EmulatorProcess, location: Location) -> StoreConnection:
    connection, _ = connection_upsert(store_hash=emulator.store_hash,
                                      access_token=emulator.token, api_url=emulator.base_url)
    connection.pos_location = location
    connection.bc_location_id = 1
    connection.save(update_fields=["pos_location", "bc_location_id"])
    return connection


def api(emulator: EmulatorProcess) -> BigCommerceClient:
    return BigCommerceClient(api_url=emulator.base_url, store_hash=emulator.store_hash,
                             access_token=emulator.token, max_retries=1)


def linked_items(connection: StoreConnection, emulator: EmulatorProcess, count: int, *,
                 location: Location, stock: int = 5, prefix: str = "PUSH") -> list[Item]:
    department, _ = Department.objects.get_or_create(name="Pushed things")
    vendor = Vendor.default()
    items = []
    with api(emulator) as client:
        for i in range(count):
            sku, name, price = f"{prefix}{i:04d}", f"Pushed thing {prefix} {i}", Decimal("10.00")
            product = client.create_product({
                "name": name, "type": "physical", "sku": sku, "price": float(price),
                "weight": 1.0, "inventory_tracking": "product"})
            client.adjust_inventory_absolute([{"location_id": 1, "product_id": product["id"],
                                               "quantity": stock}])
            item = Item.objects.create(sku=sku, name=name, price=price, weight=Decimal("1"),
                                       department=department, vendor=vendor)
            item.locations.add(location)
            StockLevel.objects.create(item=item, location=location, on_hand=stock)
            ItemSync.objects.create(connection=connection, item=item,
                                    bc_product_id=product["id"],
                                    linked_by=ItemSync.LinkedBy.CREATED,
                                    linked_at=timezone.now(),
                                    pushed=pos_values(item, connection=connection))
            items.append(item)
    PushRequest.objects.all().delete()  # the creates above were not edits to push
    return items


def online(emulator: EmulatorProcess, item: Item) -> dict[str, Any]:
    sync = ItemSync.objects.get(item=item)
    with api(emulator) as client:
        return client.get_product(sync.bc_product_id)


def endpoint_counts(emulator: EmulatorProcess) -> dict[str, int]:
    return {k: v for k, v in emulator.stats()["by_endpoint"].items()
            if not k.startswith("GET")}
