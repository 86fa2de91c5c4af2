"""Product variant options and their values (/v3/catalog/products/{id}/options).

Options live inside the product's stored JSON; variants reference them by id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .catalog_model import load_product, save_product, touch
from .errors import missing_fields, v3_error, v3_not_found
from .fields import Arr, Bool, Enum, Field, Int, Obj, Str, check_body
from .routing import Request, Response, Router, v3_list, v3_one, v3_page

if TYPE_CHECKING:
    from .app import Emulator

TYPES = {"radio_buttons", "rectangles", "dropdown", "product_list", "product_list_with_images",
         "swatch"}


def register(router: Router) -> None:
    base = "/v3/catalog/products/{product_id}/options"
    router.add("GET", base, list_options)
    router.add("POST", base, post_option)
    router.add("GET", base + "/{option_id}", get_option)
    router.add("DELETE", base + "/{option_id}", delete_option)
    router.add("GET", base + "/{option_id}/values", list_values)
    router.add("POST", base + "/{option_id}/values", post_value)


def option_view(product_id: int, option: dict[str, Any]) -> dict[str, Any]:
    return {"id": option["id"], "product_id": product_id, "name": option.get(
        "name", option["display_name"]), "display_name": option["display_name"],
        "type": option["type"], "sort_order": option.get("sort_order", 0), "config": {},
        "option_values": [value_view(v) for v in option["option_values"]]}


def value_view(value: dict[str, Any]) -> dict[str, Any]:
    return {"id": value["id"], "label": value["label"], "sort_order": value.get("sort_order", 0),
            "is_default": value.get("is_default", False),
            "value_data": value.get("value_data") or {}}


def _product(emu: Emulator, req: Request) -> dict[str, Any]:
    product = load_product(emu.store, req.params["product_id"])
    if product is None:
        raise v3_not_found("product")
    return product


def _option(product: dict[str, Any], option_id: int) -> dict[str, Any]:
    option = next((o for o in product.get("options") or [] if o["id"] == option_id), None)
    if option is None:
        raise v3_not_found("option")
    return option


VALUE_SCHEMA: dict[str, Field] = {
    "label": Str(1, 255), "sort_order": Int(-2**31, 2**31 - 1), "is_default": Bool(),
    "value_data": Obj(nullable=True)}
OPTION_SCHEMA: dict[str, Field] = {
    "display_name": Str(1, 255), "type": Enum(tuple(sorted(TYPES))), "sort_order": Int(),
    "option_values": Arr(Obj()), "config": Obj(), "image_url": Str()}


def _new_value(emu: Emulator, option: dict[str, Any], body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or not body.get("label"):
        raise missing_fields(["label"])
    check_body(body, VALUE_SCHEMA)
    if any(v["label"] == body["label"] for v in option["option_values"]):
        raise v3_error(422, "The option value label must be unique within the option",
                       {"label": "duplicate"})
    value = {"id": emu.store.next_id("option_values"), "label": body["label"],
             "sort_order": int(body.get("sort_order", len(option["option_values"]))),
             "is_default": bool(body.get("is_default", False)),
             "value_data": body.get("value_data") or {}}
    option["option_values"].append(value)
    return value


def list_options(emu: Emulator, req: Request) -> Response:
    product = _product(emu, req)
    page = v3_page(req, declared_max=250)
    options = [option_view(product["id"], o) for o in product.get("options") or []]
    return v3_list(options[page.offset:page.offset + page.limit], page, len(options))


def get_option(emu: Emulator, req: Request) -> Response:
    product = _product(emu, req)
    return v3_one(option_view(product["id"], _option(product, req.params["option_id"])))


def post_option(emu: Emulator, req: Request) -> Response:
    product = _product(emu, req)
    body = req.json()
    if not isinstance(body, dict):
        raise v3_error(422, "JSON data is missing or invalid")
    missing = [f for f in ("display_name", "type", "option_values") if not body.get(f)]
    if missing:
        raise missing_fields(missing)
    check_body(body, OPTION_SCHEMA)
    if body["type"] not in TYPES:
        raise v3_error(422, "JSON data is missing or invalid", {"type": "unknown option type"})
    options = product.setdefault("options", [])
    if any(o["display_name"] == body["display_name"] for o in options):
        raise v3_error(409, "The option display name is a duplicate",
                       {"display_name": "duplicate"})
    option = {"id": emu.store.next_id("options"), "display_name": body["display_name"],
              "type": body["type"], "sort_order": int(body.get("sort_order", len(options))),
              "option_values": []}
    for value in body["option_values"]:
        _new_value(emu, option, value)
    options.append(option)
    touch(product)
    save_product(emu.store, product)
    emu.emit("store/product/updated", {"type": "product", "id": product["id"]})
    return v3_one(option_view(product["id"], option))


def delete_option(emu: Emulator, req: Request) -> Response:
    product = _product(emu, req)
    option = _option(product, req.params["option_id"])
    in_use = emu.store.one(
        "SELECT 1 FROM variants WHERE product_id=? AND data LIKE ?",
        (product["id"], f'%"option_id":{option["id"]},%'))
    if in_use:
        raise v3_error(422, "The option is used by variants; delete them first")
    product["options"] = [o for o in product["options"] if o["id"] != option["id"]]
    touch(product)
    save_product(emu.store, product)
    emu.emit("store/product/updated", {"type": "product", "id": product["id"]})
    return Response(204)


def list_values(emu: Emulator, req: Request) -> Response:
    product = _product(emu, req)
    option = _option(product, req.params["option_id"])
    page = v3_page(req, declared_max=250)
    values = [value_view(v) for v in option["option_values"]]
    return v3_list(values[page.offset:page.offset + page.limit], page, len(values))


def post_value(emu: Emulator, req: Request) -> Response:
    product = _product(emu, req)
    option = _option(product, req.params["option_id"])
    value = _new_value(emu, option, req.json())
    touch(product)
    save_product(emu.store, product)
    return v3_one(value_view(value))
