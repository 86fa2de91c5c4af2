"""Webhook registration and delivery to a small local receiver."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .conftest import Api

pytestmark = pytest.mark.emulator


class Receiver:
    """Records callbacks; answers 500 to the first ``fail_first`` of them."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.calls: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.calls.append({"headers": dict(self.headers),
                                           "body": json.loads(body)})
                    failing = len(receiver.calls) <= receiver.fail_first
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, predicate, timeout: float = 10) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                matched = [c for c in self.calls if predicate(c)]
            if matched:
                return matched
            time.sleep(0.02)
        raise AssertionError(f"no matching callback; got {self.calls}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def register(api: Api, scope: str, url: str, **extra) -> dict:
    r = api.post("/v3/hooks", json={"scope": scope, "destination": url, "is_active": True,
                                    **extra})
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_hook_crud_and_validation(api, receiver):
    hook = register(api, "store/order/*", receiver.url, headers={"X-Secret": "s3cr3t"})
    assert hook["store_hash"] == api.emu.store_hash and hook["headers"] == {"X-Secret": "s3cr3t"}
    assert isinstance(hook["created_at"], int)
    assert api.get(f"/v3/hooks/{hook['id']}").json()["data"]["scope"] == "store/order/*"
    listed = api.get("/v3/hooks", params={"scope": "store/order/*"}).json()["data"]
    assert hook["id"] in [h["id"] for h in listed]
    r = api.put(f"/v3/hooks/{hook['id']}", json={"is_active": False})
    assert r.json()["data"]["is_active"] is False
    r = api.post("/v3/hooks", json={"scope": "store/product/updated"})
    assert r.status_code == 422 and "destination" in r.json()["errors"]
    assert api.delete(f"/v3/hooks/{hook['id']}").status_code == 200
    assert api.get(f"/v3/hooks/{hook['id']}").status_code == 404


def test_product_update_is_delivered_with_custom_headers(api, emulator, receiver):
    hook = register(api, "store/product/updated", receiver.url,
                    headers={"X-Shared-Secret": "abc123"})
    try:
        emulator.update_product(5, price=77.0)
        calls = receiver.wait(lambda c: c["body"]["data"] == {"type": "product", "id": 5})
        call = calls[0]
        assert call["headers"]["X-Shared-Secret"] == "abc123"
        body = call["body"]
        assert body["producer"] == f"stores/{api.emu.store_hash}"
        assert body["scope"] == "store/product/updated"
        assert len(body["hash"]) == 40 and body["store_id"].isdigit()
        assert isinstance(body["created_at"], int)
    finally:
        api.delete(f"/v3/hooks/{hook['id']}")


def test_wildcard_scope_and_inventory_payload(api, emulator, receiver):
    hook = register(api, "store/product/*", receiver.url)
    try:
        pid = api.get("/v3/catalog/products", params={"sku": "DEMO0020"}).json()["data"][0]["id"]
        emulator.place_order([{"product_id": pid, "variant_id": None, "quantity": 1}])
        call = receiver.wait(lambda c: c["body"]["scope"] ==
                             "store/product/inventory/order/updated"
                             and c["body"]["data"]["id"] == pid)[0]
        assert call["body"]["data"]["inventory"] == {"product_id": pid, "method": "relative",
                                                     "value": -1}
    finally:
        api.delete(f"/v3/hooks/{hook['id']}")


def test_failed_delivery_is_retried(api, emulator):
    flaky = Receiver(fail_first=1)
    hook = register(api, "store/order/created", flaky.url)
    try:
        order = emulator.place_order([{"product_id": 1, "variant_id": None, "quantity": 1}])
        calls = flaky.wait(lambda c: c["body"]["data"]["id"] == order["id"], timeout=10)
        deadline = time.monotonic() + 10
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
            calls = [c for c in flaky.calls if c["body"]["data"]["id"] == order["id"]]
        assert len(calls) == 2
        # A retry is the same event: BigCommerce keeps the hash for duplicates.
        assert calls[0]["body"]["hash"] == calls[1]["body"]["hash"]
        log = emulator.webhook_deliveries()["deliveries"]
        attempts = [d for d in log if d["hook_id"] == hook["id"]]
        assert [d["ok"] for d in attempts[:2]] == [False, True]
    finally:
        api.delete(f"/v3/hooks/{hook['id']}")
        flaky.close()


def test_inactive_hooks_get_nothing(api, emulator, receiver):
    hook = register(api, "store/product/deleted", receiver.url, is_active=False)
    try:
        product = api.post("/v3/catalog/products", json={
            "name": f"Doomed {time.time_ns()}", "type": "physical", "weight": 1, "price": 1,
        }).json()["data"]
        emulator.delete_product(product["id"])
        time.sleep(0.5)
        assert receiver.calls == []
    finally:
        api.delete(f"/v3/hooks/{hook['id']}")


def test_order_wildcard_delivers_edits_and_refunds(api, emulator, receiver):
    # bcsync registers `store/order/*` only (webhook_registration.WEBHOOK_SCOPES): it must
    # carry an edit's store/order/updated and a refund's store/order/refund/created.
    hook = register(api, "store/order/*", receiver.url)
    try:
        pid = api.get("/v3/catalog/products", params={"sku": "DEMO0020"}).json()["data"][0]["id"]
        order = emulator.place_order([{"product_id": pid, "variant_id": None, "quantity": 2}])
        oid = order["id"]
        line = api.get(f"/v2/orders/{oid}/products").json()[0]
        emulator.edit_order(oid, [{"id": line["id"], "quantity": 1}])
        receiver.wait(lambda c: c["body"]["scope"] == "store/order/updated"
                      and c["body"]["data"] == {"type": "order", "id": oid})
        items = [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}]
        amount = api.post(f"/v3/orders/{oid}/payment_actions/refund_quotes",
                          json={"items": items}).json()["data"]["total_refund_amount"]
        refund = api.post(f"/v3/orders/{oid}/payment_actions/refunds", json={
            "items": items, "payments": [{"provider_id": "custom", "amount": amount,
                                          "offline": True}]}).json()["data"]
        call = receiver.wait(lambda c: c["body"]["scope"] == "store/order/refund/created")[0]
        assert call["body"]["data"] == {"type": "order", "id": oid,
                                        "refund": {"refund_id": refund["id"]}}
    finally:
        api.delete(f"/v3/hooks/{hook['id']}")
