"""Every request the client sends, validated against BigCommerce's OpenAPI specs.

The client talks to the emulator over real HTTP through a transport that records each
request as sent; afterwards each one (path, query parameters, headers, JSON body) is
validated with openapi-core against the spec operation it belongs to. Route-level checks
(tests/client/conftest.py) catch a wrong path; these catch a wrong parameter or body.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests
from openapi_core.contrib.requests import RequestsOpenAPIRequest
from requests.adapters import HTTPAdapter

from bcemulator.process import EmulatorProcess
from bcsync.client import BigCommerceClient
from tests.specs import Specs, require_specs

from .spec_routes import find_route

pytestmark = pytest.mark.emulator
BC_HOST = "https://api.bigcommerce.com"


class RecordingAdapter(HTTPAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request, *args, **kwargs):
        self.sent.append(request.copy())
        return super().send(request, *args, **kwargs)


@pytest.fixture(scope="module")
def specs() -> Specs:
    return Specs(require_specs())


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed="demo") as emu:
        yield emu


@pytest.fixture
def recorded(emulator) -> Iterator[tuple[BigCommerceClient, RecordingAdapter]]:
    adapter = RecordingAdapter()
    session = requests.Session()
    session.mount("http://", adapter)
    with BigCommerceClient(api_url=emulator.base_url, store_hash=emulator.store_hash,
                           access_token=emulator.token, session=session,
                           max_retries=0) as client:
        yield client, adapter


def exercise(client: BigCommerceClient) -> None:
    """One call of each kind the sync makes, with the filters it uses."""
    since = datetime.now(UTC) - timedelta(days=3650)
    client.store_information()
    client.server_time()
    first = next(client.iter_product_pages(filters={"date_modified:min": since}))
    ids = [p["id"] for p in first.items[:3]]
    next(client.iter_product_pages(filters={"id:in": ids}))
    next(client.iter_product_pages(filters={"sku": "DEMO0001"}, include=()))
    product = client.get_product(ids[0])
    client.update_product(product["id"], {"price": 12.5, "bin_picking_number": "A-01"})
    client.update_products([{"id": i, "is_visible": True} for i in ids])
    created = client.create_product({"name": f"Conformance {datetime.now(UTC).timestamp()}",
                                     "type": "physical", "weight": 1, "price": 3,
                                     "sku": f"CONF{int(datetime.now(UTC).timestamp())}"})
    client.create_custom_field(created["id"], {"name": "Material", "value": "Cotton"})
    for field in client.iter_custom_fields(created["id"]):
        client.update_custom_field(created["id"], field["id"], {"value": "Wool"})
        client.delete_custom_field(created["id"], field["id"])
    client.create_product_image(created["id"], "https://example.com/a.jpg", is_thumbnail=True)
    variants = next(client.iter_variant_pages(product_id=ids[0])).items
    next(client.iter_variant_pages(filters={"sku": variants[0]["sku"] or "X"}))
    client.update_variant(ids[0], variants[0]["id"], {"price": 9})
    client.update_variants([{"id": v["id"], "product_id": ids[0], "price": 8}
                            for v in variants[:2]])
    client.delete_product(created["id"])
    next(client.iter_category_tree_pages())
    next(client.iter_tree_category_pages())
    next(client.iter_category_pages())
    next(client.iter_brand_pages())
    orders = next(client.iter_order_pages(filters={"min_date_modified": since,
                                                   "status_id": 11}), None)
    order = orders.items[0] if orders else client.get_order(1)
    client.get_order(order["id"])
    client.get_order(order["id"], consignments=True)
    next(client.iter_order_pages(filters={"status_id": 11}, limit=5, consignments=True), None)
    list(client.iter_order_products(order["id"]))
    client.list_order_shipping_addresses(order["id"])
    client.list_order_statuses()
    client.count_orders()
    client.update_order_status(order["id"], 11)
    line = next(client.iter_order_products(order["id"]))
    refund_items = [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}]
    quote = client.quote_refund(order["id"], refund_items)
    refund = client.create_refund(order["id"], refund_items, [
        {"provider_id": "custom", "amount": quote["total_refund_amount"], "offline": True}])
    client.list_order_refunds(order["id"], transaction_id=refund["payments"][0]["transaction_id"])
    next(client.iter_refund_pages(filters={"order_id:in": [order["id"]], "created:min": since}))
    client.get_refund(refund["id"])
    customers = next(client.iter_customer_pages(filters={"date_modified:min": since},
                                                include=("addresses",))).items
    client.update_customers([{"id": customers[0]["id"], "company": "Acme"}])
    client.create_customers([{"first_name": "Ada", "last_name": "Lovelace",
                              "email": f"ada{datetime.now(UTC).timestamp()}@example.com"}])
    list(client.iter_customer_groups())
    group = client.create_customer_group({
        "name": f"Trade {datetime.now(UTC).timestamp()}",
        "discount_rules": [{"type": "all", "method": "percent", "amount": "15.0000"}]})
    client.update_customer_group(group["id"], {"discount_rules": [
        {"type": "all", "method": "percent", "amount": "0.0000"}]})
    client.get_customer_group(group["id"])
    next(client.iter_location_pages())
    next(client.iter_inventory_item_pages(location_id=1), None)
    client.adjust_inventory_absolute([{"location_id": 1, "product_id": ids[0], "quantity": 5}],
                                     reason="conformance")
    zones = list(client.iter_shipping_zones())
    client.list_shipping_methods(zones[0]["id"])
    hook = client.create_webhook(scope="store/product/updated",
                                 destination="https://example.com/hook",
                                 headers={"X-Secret": "s"})
    list(client.iter_webhooks())
    client.update_webhook(hook.id, {"is_active": False})
    client.delete_webhook(hook.id)


def batch_id_quirk(method: str, path: str, exc: Exception) -> bool:
    """The batch PUT /v3/catalog/products needs each item's `id` (the operation's own
    description: "id is required"; DIGEST §4), but its item schema marks `id` readOnly, so
    any valid batch fails "Tried to write read-only property". Only that is let through."""
    text = f"{exc} {exc.__cause__ or ''}"
    errors = re.findall(r"ValidationError: '([^']*)'", text)
    return (method, path) == ("PUT", "/v3/catalog/products") and bool(errors) and all(
        e.startswith("Tried to write read-only property") for e in errors)


def test_every_request_the_client_sends_conforms_to_the_specs(recorded, specs, emulator):
    client, adapter = recorded
    exercise(client)
    prefix = f"{emulator.base_url}/stores/{emulator.store_hash}"
    checked, problems = set(), []
    for sent in adapter.sent:
        assert sent.url.startswith(prefix), sent.url
        path_and_query = sent.url[len(prefix):]
        path = path_and_query.split("?", 1)[0]
        route = find_route(sent.method, path)
        assert route, f"{sent.method} {path} is not an operation in the specs"
        spec_file = route.split(":", 1)[0]
        spec_name = next(str(p.relative_to(specs.folder))
                         for p in specs.folder.rglob(spec_file))
        bc = sent.copy()
        bc.url = f"{BC_HOST}/stores/{emulator.store_hash}{path_and_query}"
        try:
            specs[spec_name].validate_request(RequestsOpenAPIRequest(bc))
        except Exception as exc:  # noqa: BLE001 - every kind of violation is reported below
            if batch_id_quirk(sent.method, path, exc):
                checked.add(f"{sent.method} {route}")
                continue
            problems.append(f"{sent.method} {path_and_query[:120]}: {type(exc).__name__}: "
                            f"{exc} {getattr(exc, '__cause__', '') or ''}")
        checked.add(f"{sent.method} {route}")
    assert not problems, "\n".join(problems)
    # One of each operation exercise() makes (method + spec path).
    assert len(checked) >= 40, sorted(checked)
