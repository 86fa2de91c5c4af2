"""The control API under /_emulator/: no token, never faulted, never rate limited."""

from __future__ import annotations

import json
import os
import traceback
from typing import TYPE_CHECKING, Any

from .errors import ApiError

if TYPE_CHECKING:
    from .app import Emulator


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def handle(emu: Emulator, method: str, path: str, query: dict[str, list[str]], raw: bytes
           ) -> tuple[int, Any]:
    path = path.strip("/")
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError:
        return 400, {"error": "body is not valid JSON"}
    route = ROUTES.get((method, path))
    if route is None:
        return 404, {"error": f"no control endpoint {method} /_emulator/{path}",
                     "endpoints": sorted(f"{m} /_emulator/{p}" for m, p in ROUTES)}
    emu.begin_events()
    ok = False
    try:
        result = route(emu, body if isinstance(body, dict) else {"items": body})
        ok = True
        return 200, result
    except ControlError as exc:
        return exc.status, {"error": str(exc)}
    except ApiError as exc:
        return exc.status, {"error": exc.body}
    except (KeyError, TypeError, ValueError) as exc:
        return 400, {"error": f"{type(exc).__name__}: {exc}"}
    except Exception as exc:  # noqa: BLE001 - report emulator bugs to the caller
        traceback.print_exc()
        return 500, {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        emu.end_events(ok)


def health(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "store_hash": emu.store_hash, "pid": os.getpid()}


def stats(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    return emu.stats.snapshot()


def reset_stats(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    emu.stats.reset()
    return {"ok": True}


def reset(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    from .seed import seed_store

    return {"ok": True, **seed_store(emu, 0)}


def seed(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    from .seed import seed_store

    value = body.get("seed", "demo")
    if str(value) != "demo" and not str(value).isdigit():
        raise ControlError(400, "seed must be 'demo' or a non-negative integer")
    return {"ok": True, **seed_store(emu, value)}


def faults(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    try:
        settings = emu.faults.update(**body)
    except ValueError as exc:
        raise ControlError(400, str(exc)) from exc
    return {"ok": True, "faults": settings.__dict__}


def get_faults(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    return emu.faults.as_dict()


def ratelimit(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    emu.ratelimit.configure(int(body.get("quota", emu.ratelimit.quota)),
                            int(body.get("window_ms", emu.ratelimit.window_ms)))
    return {"ok": True, "quota": emu.ratelimit.quota, "window_ms": emu.ratelimit.window_ms}


def _write(emu: Emulator, func: Any, *args: Any) -> Any:
    with emu.store.transaction():
        return func(*args)


def place_order(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    from .orders import place_order as place

    return _write(emu, place, emu, body)


def edit_order(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    from .orders import edit_order as edit

    if "order_id" not in body:
        raise ControlError(400, "order_id is required")
    return _write(emu, edit, emu, int(body["order_id"]), body.get("lines") or [])


def update_product(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    from .catalog_model import load_product, product_view
    from .products import update_product as update

    fields = dict(body)
    pid = int(fields.pop("id"))

    def run() -> dict[str, Any]:
        update(emu, pid, fields)
        return product_view(emu.store, load_product(emu.store, pid) or {}, {"variants"})

    return _write(emu, run)


def delete_product(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    from .products import delete_product as delete

    pid = int(body["id"])
    if not _write(emu, delete, emu, pid):
        raise ControlError(404, f"product {pid} does not exist")
    return {"ok": True, "id": pid}


def deliveries(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    return {"pending": emu.dispatcher.pending(), "deliveries": list(emu.dispatcher.log)}


def summary(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    from .seed import summary as seed_summary

    return seed_summary(emu)


ROUTES = {
    ("GET", "health"): health,
    ("GET", "stats"): stats,
    ("POST", "stats/reset"): reset_stats,
    ("POST", "reset"): reset,
    ("POST", "seed"): seed,
    ("GET", "faults"): get_faults,
    ("POST", "faults"): faults,
    ("POST", "ratelimit"): ratelimit,
    ("POST", "place-order"): place_order,
    ("POST", "edit-order"): edit_order,
    ("POST", "update-product"): update_product,
    ("POST", "delete-product"): delete_product,
    ("GET", "webhooks/deliveries"): deliveries,
    ("GET", "summary"): summary,
}
