"""Webhooks: /v3/hooks CRUD and asynchronous delivery with quick retries."""

from __future__ import annotations

import hashlib
import heapq
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import clock
from .errors import missing_fields, v3_error, v3_not_found
from .routing import Request, Response, Router, v3_list, v3_one, v3_page
from .store import dumps, loads

if TYPE_CHECKING:
    from .app import Emulator

CLIENT_ID = "bcemulator-client"


def register(router: Router) -> None:
    router.add("GET", "/v3/hooks", list_hooks)
    router.add("POST", "/v3/hooks", post_hook)
    router.add("GET", "/v3/hooks/{webhook_id}", get_hook)
    router.add("PUT", "/v3/hooks/{webhook_id}", put_hook)
    router.add("DELETE", "/v3/hooks/{webhook_id}", delete_hook)


def hook_view(hid: int, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": hid, **data}


def _validate(body: dict[str, Any], partial: bool) -> None:
    if not partial:
        missing = [f for f in ("scope", "destination") if not body.get(f)]
        if missing:
            raise missing_fields(missing)
    errors = {}
    if "scope" in body and not (isinstance(body["scope"], str)
                                and body["scope"].startswith("store/")):
        errors["scope"] = "must be a store/... scope"
    if "destination" in body:
        try:
            parts = urlsplit(body["destination"]) if isinstance(body["destination"], str) else None
        except ValueError:  # e.g. an unclosed IPv6 bracket
            parts = None
        # Real BigCommerce wants https on port 443; plain http is accepted for local tests.
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            errors["destination"] = "must be an http(s) URL"
    if "headers" in body and body["headers"] is not None and not (
        isinstance(body["headers"], dict)
        and all(isinstance(v, str) for v in body["headers"].values())
    ):
        errors["headers"] = "must be an object of string values"
    if "is_active" in body and not isinstance(body["is_active"], bool):
        errors["is_active"] = "must be a boolean"
    if errors:
        raise v3_error(422, "JSON data is missing or invalid", errors)


def list_hooks(emu: Emulator, req: Request) -> Response:
    hooks = [hook_view(hid, loads(d)) for hid, d in
             emu.store.all("SELECT id, data FROM hooks ORDER BY id")]
    if (active := req.bool("is_active")) is not None:
        hooks = [h for h in hooks if h["is_active"] == active]
    if (scope := req.get("scope")) is not None:
        hooks = [h for h in hooks if h["scope"] == scope]
    if (dest := req.get("destination")) is not None:
        hooks = [h for h in hooks if h["destination"] == dest]
    page = v3_page(req)
    return v3_list(hooks[page.offset:page.offset + page.limit], page, len(hooks))


def post_hook(emu: Emulator, req: Request) -> Response:
    body = req.json()
    if not isinstance(body, dict):
        raise v3_error(422, "JSON data is missing or invalid")
    _validate(body, partial=False)
    now = clock.epoch()
    data = {"client_id": CLIENT_ID, "store_hash": emu.store_hash, "scope": body["scope"],
            "destination": body["destination"], "headers": body.get("headers"),
            "is_active": body.get("is_active", True), "created_at": now, "updated_at": now}
    hid = emu.store.next_id("hooks")
    emu.store.conn.execute("INSERT INTO hooks(id, data) VALUES(?, ?)", (hid, dumps(data)))
    return v3_one(hook_view(hid, data))


def get_hook(emu: Emulator, req: Request) -> Response:
    data = emu.store.get_json("hooks", req.params["webhook_id"])
    if data is None:
        raise v3_not_found("webhook")
    return v3_one(hook_view(req.params["webhook_id"], data))


def put_hook(emu: Emulator, req: Request) -> Response:
    hid = req.params["webhook_id"]
    data = emu.store.get_json("hooks", hid)
    if data is None:
        raise v3_not_found("webhook")
    body = req.json()
    if not isinstance(body, dict):
        raise v3_error(422, "JSON data is missing or invalid")
    _validate(body, partial=True)
    data.update({k: body[k] for k in ("scope", "destination", "headers", "is_active")
                 if k in body})
    data["updated_at"] = clock.epoch()
    emu.store.conn.execute("UPDATE hooks SET data=? WHERE id=?", (dumps(data), hid))
    return v3_one(hook_view(hid, data))


def delete_hook(emu: Emulator, req: Request) -> Response:
    hid = req.params["webhook_id"]
    data = emu.store.get_json("hooks", hid)
    if data is None:
        raise v3_not_found("webhook")
    emu.store.conn.execute("DELETE FROM hooks WHERE id=?", (hid,))
    return v3_one(hook_view(hid, data))


def scope_matches(hook_scope: str, event_scope: str) -> bool:
    if hook_scope == event_scope:
        return True
    return hook_scope.endswith("/*") and event_scope.startswith(hook_scope[:-1])


# ---- delivery ------------------------------------------------------------------------


@dataclass(order=True)
class Delivery:
    due: float
    seq: int
    hook_id: int = field(compare=False)
    destination: str = field(compare=False)
    headers: dict[str, str] = field(compare=False)
    body: bytes = field(compare=False)
    scope: str = field(compare=False)
    attempt: int = field(compare=False, default=1)


class Dispatcher:
    """Delivers callbacks from a background thread.

    BigCommerce retries over ~48 hours (60 s, 180 s, ... 86400 s); here the schedule is
    ``retry_delays`` seconds (default 0.2, 0.5, 1, 2) so tests can watch a retry happen.
    """

    def __init__(self, emu: Emulator, retry_delays: list[float]) -> None:
        self.emu = emu
        self.retry_delays = list(retry_delays)
        self._heap: list[Delivery] = []
        self._cond = threading.Condition()
        self._seq = itertools.count()
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhook")
        self.log: deque[dict[str, Any]] = deque(maxlen=2000)
        self._thread = threading.Thread(target=self._run, name="webhook-scheduler",
                                        daemon=True)
        self._thread.start()

    def publish(self, scope: str, data: dict[str, Any]) -> None:
        with self.emu.store.lock:
            hooks = [(hid, loads(d)) for hid, d in
                     self.emu.store.all("SELECT id, data FROM hooks ORDER BY id")]
        targets = [(hid, h) for hid, h in hooks
                   if h.get("is_active") and scope_matches(h["scope"], scope)]
        if not targets:
            return
        created = clock.epoch()
        digest = hashlib.sha1(json.dumps([scope, data, created], sort_keys=True).encode())
        payload = {"producer": f"stores/{self.emu.store_hash}", "hash": digest.hexdigest(),
                   "created_at": created, "store_id": self.emu.store_id, "scope": scope,
                   "data": data}
        body = json.dumps(payload).encode()
        with self._cond:
            for hid, hook in targets:
                heapq.heappush(self._heap, Delivery(
                    time.monotonic(), next(self._seq), hid, hook["destination"],
                    dict(hook.get("headers") or {}), body, scope))
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap or self._heap[0].due > time.monotonic():
                    timeout = self._heap[0].due - time.monotonic() if self._heap else None
                    self._cond.wait(timeout)
                delivery = heapq.heappop(self._heap)
            self._pool.submit(self._send, delivery)

    def _send(self, delivery: Delivery) -> None:
        headers = {"Content-Type": "application/json", "User-Agent": "bcemulator-webhooks",
                   **delivery.headers}
        request = urllib.request.Request(delivery.destination, data=delivery.body,
                                         headers=headers, method="POST")
        status: int | str
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (OSError, ValueError) as exc:
            status = type(exc).__name__
        ok = isinstance(status, int) and 200 <= status < 300
        self.log.append({"hook_id": delivery.hook_id, "scope": delivery.scope,
                         "destination": delivery.destination, "attempt": delivery.attempt,
                         "status": status, "ok": ok, "at": time.time()})
        if ok or delivery.attempt > len(self.retry_delays):
            return
        delay = self.retry_delays[delivery.attempt - 1]
        with self._cond:
            delivery.attempt += 1
            delivery.due = time.monotonic() + delay
            delivery.seq = next(self._seq)
            heapq.heappush(self._heap, delivery)
            self._cond.notify()

    def pending(self) -> int:
        with self._cond:
            return len(self._heap)
