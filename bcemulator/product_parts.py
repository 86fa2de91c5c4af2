"""Product custom fields and images (images by URL only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import clock
from .catalog_model import image_view, load_product, save_product, touch
from .errors import missing_fields, v3_error, v3_not_found
from .fields import Bool, Field, Int, Str, check_body
from .routing import Request, Response, Router, v3_list, v3_one, v3_page
from .store import dumps, loads

if TYPE_CHECKING:
    from .app import Emulator

MAX_CUSTOM_FIELDS = 200


def register(router: Router) -> None:
    cf = "/v3/catalog/products/{product_id}/custom-fields"
    router.add("GET", cf, list_custom_fields)
    router.add("POST", cf, post_custom_field)
    router.add("GET", cf + "/{custom_field_id}", get_custom_field)
    router.add("PUT", cf + "/{custom_field_id}", put_custom_field)
    router.add("DELETE", cf + "/{custom_field_id}", delete_custom_field)
    im = "/v3/catalog/products/{product_id}/images"
    router.add("GET", im, list_images)
    router.add("POST", im, post_image)
    router.add("GET", im + "/{image_id}", get_image)
    router.add("DELETE", im + "/{image_id}", delete_image)


def _product(emu: Emulator, req: Request) -> dict[str, Any]:
    product = load_product(emu.store, req.params["product_id"])
    if product is None:
        raise v3_not_found("product")
    return product


def _changed(emu: Emulator, product: dict[str, Any]) -> None:
    touch(product)
    save_product(emu.store, product)
    emu.emit("store/product/updated", {"type": "product", "id": product["id"]})


# ---- custom fields -------------------------------------------------------------------


def _check_field(emu: Emulator, pid: int, name: Any, value: Any, own_id: int | None) -> None:
    errors = {}
    for key, text in (("name", name), ("value", value)):
        if not isinstance(text, str) or not 1 <= len(text) <= 250:
            errors[key] = "must be a string of 1 to 250 characters"
    if errors:
        raise v3_error(422, "JSON data is missing or invalid", errors)
    for fid, data in emu.store.all("SELECT id, data FROM custom_fields WHERE product_id=?",
                                   (pid,)):
        field = loads(data)
        if fid != own_id and field["name"] == name and field["value"] == value:
            raise v3_error(422, "The name-value pair of a custom field must be unique for a "
                                "product", {"name": "duplicate name-value pair"})


def add_custom_field(emu: Emulator, product: dict[str, Any], body: Any,
                     touch_product: bool = True) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise v3_error(422, "JSON data is missing or invalid")
    missing = [f for f in ("name", "value") if f not in body]
    if missing:
        raise missing_fields(missing)
    pid = product["id"]
    _check_field(emu, pid, body["name"], body["value"], None)
    count = emu.store.one("SELECT COUNT(*) FROM custom_fields WHERE product_id=?", (pid,))[0]
    if count >= MAX_CUSTOM_FIELDS:
        raise v3_error(422, f"A product can have at most {MAX_CUSTOM_FIELDS} custom fields")
    fid = emu.store.next_id("custom_fields")
    field = {"name": body["name"], "value": body["value"]}
    emu.store.conn.execute("INSERT INTO custom_fields(id, product_id, data) VALUES(?,?,?)",
                           (fid, pid, dumps(field)))
    if touch_product:
        _changed(emu, product)
    return {"id": fid, **field}


def update_custom_field(emu: Emulator, product: dict[str, Any], fid: int, body: Any,
                        touch_product: bool = True) -> dict[str, Any]:
    row = emu.store.one("SELECT data FROM custom_fields WHERE id=? AND product_id=?",
                        (fid, product["id"]))
    if not row:
        raise v3_not_found("custom field")
    field = loads(row[0])
    if isinstance(body, dict):
        field.update({k: body[k] for k in ("name", "value") if k in body})
    _check_field(emu, product["id"], field["name"], field["value"], fid)
    emu.store.conn.execute("UPDATE custom_fields SET data=? WHERE id=?", (dumps(field), fid))
    if touch_product:
        _changed(emu, product)
    return {"id": fid, **field}


def list_custom_fields(emu: Emulator, req: Request) -> Response:
    product = _product(emu, req)
    page = v3_page(req, declared_max=250)
    rows = emu.store.all("SELECT id, data FROM custom_fields WHERE product_id=? ORDER BY id",
                         (product["id"],))
    data = [{"id": fid, **loads(d)} for fid, d in rows]
    return v3_list(data[page.offset:page.offset + page.limit], page, len(data))


def get_custom_field(emu: Emulator, req: Request) -> Response:
    product = _product(emu, req)
    row = emu.store.one("SELECT data FROM custom_fields WHERE id=? AND product_id=?",
                        (req.params["custom_field_id"], product["id"]))
    if not row:
        raise v3_not_found("custom field")
    return v3_one({"id": req.params["custom_field_id"], **loads(row[0])})


def post_custom_field(emu: Emulator, req: Request) -> Response:
    return v3_one(add_custom_field(emu, _product(emu, req), req.json()))


def put_custom_field(emu: Emulator, req: Request) -> Response:
    return v3_one(update_custom_field(emu, _product(emu, req), req.params["custom_field_id"],
                                      req.json()))


def delete_custom_field(emu: Emulator, req: Request) -> Response:
    product = _product(emu, req)
    cur = emu.store.conn.execute("DELETE FROM custom_fields WHERE id=? AND product_id=?",
                                 (req.params["custom_field_id"], product["id"]))
    if cur.rowcount == 0:
        raise v3_not_found("custom field")
    _changed(emu, product)
    return Response(204)


# ---- images --------------------------------------------------------------------------


IMAGE_SCHEMA: dict[str, Field] = {
    "image_url": Str(1, 255), "is_thumbnail": Bool(), "sort_order": Int(-2**31, 2**31 - 1),
    "description": Str()}


def add_image(emu: Emulator, product: dict[str, Any], body: Any,
              touch_product: bool = True) -> dict[str, Any]:
    if not isinstance(body, dict) or not body.get("image_url"):
        raise missing_fields(["image_url"])
    check_body(body, IMAGE_SCHEMA)
    url = body["image_url"]
    if not isinstance(url, str) or len(url) > 255 or not url.startswith(("http://", "https://")):
        raise v3_error(422, "JSON data is missing or invalid",
                       {"image_url": "must be an http(s) URL of at most 255 characters"})
    pid = product["id"]
    iid = emu.store.next_id("images")
    count = emu.store.one("SELECT COUNT(*) FROM images WHERE product_id=?", (pid,))[0]
    image = {
        "product_id": pid, "image_url": url, "is_thumbnail": bool(body.get("is_thumbnail")),
        "sort_order": int(body.get("sort_order", count)), "description": body.get(
            "description", ""),
        "url_zoom": url, "url_standard": url, "url_thumbnail": url, "url_tiny": url,
        "date_modified": clock.iso(clock.now()),
    }
    emu.store.conn.execute("INSERT INTO images(id, product_id, data) VALUES(?,?,?)",
                           (iid, pid, dumps(image)))
    if touch_product:
        _changed(emu, product)
    return image_view({"id": iid, **image}, pid)


def list_images(emu: Emulator, req: Request) -> Response:
    product = _product(emu, req)
    rows = emu.store.all("SELECT id, data FROM images WHERE product_id=? ORDER BY id",
                         (product["id"],))
    if not rows:
        return Response(204)
    page = v3_page(req, declared_max=250)
    data = [image_view({"id": iid, **loads(d)}, product["id"]) for iid, d in rows]
    return v3_list(data[page.offset:page.offset + page.limit], page, len(data))


def get_image(emu: Emulator, req: Request) -> Response:
    product = _product(emu, req)
    row = emu.store.one("SELECT data FROM images WHERE id=? AND product_id=?",
                        (req.params["image_id"], product["id"]))
    if not row:
        raise v3_not_found("image")
    return v3_one(image_view({"id": req.params["image_id"], **loads(row[0])}, product["id"]))


def post_image(emu: Emulator, req: Request) -> Response:
    return v3_one(add_image(emu, _product(emu, req), req.json()))


def delete_image(emu: Emulator, req: Request) -> Response:
    product = _product(emu, req)
    cur = emu.store.conn.execute("DELETE FROM images WHERE id=? AND product_id=?",
                                 (req.params["image_id"], product["id"]))
    if cur.rowcount:
        _changed(emu, product)
    return Response(204)
