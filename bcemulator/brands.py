"""/v3/catalog/brands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import missing_fields, v3_error, v3_not_found
from .fields import Arr, Bool, Field, Obj, Str, check_body
from .routing import Request, Response, Router, placeholders, v3_list, v3_one, v3_page
from .store import dumps, loads

if TYPE_CHECKING:
    from .app import Emulator

WRITABLE = ("name", "page_title", "meta_keywords", "meta_description", "search_keywords",
            "image_url", "custom_url")
SCHEMA: dict[str, Field] = {
    "name": Str(1, 255), "page_title": Str(0, 255), "meta_keywords": Arr(Str()),
    "meta_description": Str(0, 65535), "search_keywords": Str(0, 65535), "image_url": Str(),
    "custom_url": Obj({"url": Str(1, 1024), "is_customized": Bool()})}


def register(router: Router) -> None:
    router.add("GET", "/v3/catalog/brands", list_brands)
    router.add("POST", "/v3/catalog/brands", post_brand)
    router.add("DELETE", "/v3/catalog/brands", delete_brands)
    router.add("GET", "/v3/catalog/brands/{brand_id}", get_brand)
    router.add("PUT", "/v3/catalog/brands/{brand_id}", put_brand)
    router.add("DELETE", "/v3/catalog/brands/{brand_id}", delete_brand)


def brand_view(bid: int, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": bid, "name": data["name"], "page_title": data.get("page_title", ""),
        "meta_keywords": data.get("meta_keywords", []),
        "meta_description": data.get("meta_description", ""),
        "search_keywords": data.get("search_keywords", ""),
        "image_url": data.get("image_url", ""),
        "custom_url": data.get("custom_url") or {
            "url": "/brands/" + "-".join(data["name"].split()) + ".html",
            "is_customized": False},
    }


def _where(req: Request) -> tuple[str, list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if (v := req.int("id")) is not None:
        where.append("id = ?")
        args.append(v)
    if (ids := req.int_csv("id:in")) is not None:
        where.append(f"id IN ({placeholders(ids) or 'NULL'})")
        args.extend(ids)
    if (text := req.get("name")) is not None:
        where.append("name_key = ?")
        args.append(text.strip().lower())
    if (text := req.get("name:like")) is not None:
        where.append("name_key LIKE ?")
        args.append(f"%{text.strip().lower()}%")
    return (f" WHERE {' AND '.join(where)}" if where else ""), args


def list_brands(emu: Emulator, req: Request) -> Response:
    page = v3_page(req)
    where, args = _where(req)
    total = emu.store.one(f"SELECT COUNT(*) FROM brands{where}", args)[0]
    rows = emu.store.all(f"SELECT id, data FROM brands{where} ORDER BY id LIMIT ? OFFSET ?",
                         [*args, page.limit, page.offset])
    return v3_list([brand_view(bid, loads(d)) for bid, d in rows], page, total)


def _check(emu: Emulator, name: Any, own: int | None) -> None:
    if not isinstance(name, str) or not name.strip() or len(name) > 255:
        raise v3_error(422, "JSON data is missing or invalid",
                       {"name": "must be a string of 1 to 255 characters"})
    row = emu.store.one("SELECT id FROM brands WHERE name_key=?", (name.strip().lower(),))
    if row and row[0] != own:
        raise v3_error(409, "Brand name is a duplicate",
                       {"name": f"The brand name '{name}' is a duplicate"})


def post_brand(emu: Emulator, req: Request) -> Response:
    body = req.json()
    if not isinstance(body, dict) or not body.get("name"):
        raise missing_fields(["name"])
    check_body(body, SCHEMA)
    _check(emu, body["name"], None)
    bid = emu.store.next_id("brands")
    data = {k: body[k] for k in WRITABLE if k in body}
    emu.store.conn.execute("INSERT INTO brands(id, name_key, data) VALUES(?,?,?)",
                           (bid, data["name"].strip().lower(), dumps(data)))
    return v3_one(brand_view(bid, data))


def get_brand(emu: Emulator, req: Request) -> Response:
    data = emu.store.get_json("brands", req.params["brand_id"])
    if data is None:
        raise v3_not_found("brand")
    return v3_one(brand_view(req.params["brand_id"], data))


def put_brand(emu: Emulator, req: Request) -> Response:
    bid = req.params["brand_id"]
    data = emu.store.get_json("brands", bid)
    if data is None:
        raise v3_not_found("brand")
    body = req.json()
    check_body(body, SCHEMA)
    if "name" in body:
        _check(emu, body["name"], bid)
    data.update({k: body[k] for k in WRITABLE if k in body})
    emu.store.conn.execute("UPDATE brands SET name_key=?, data=? WHERE id=?",
                           (data["name"].strip().lower(), dumps(data), bid))
    return v3_one(brand_view(bid, data))


def _remove(emu: Emulator, ids: list[int]) -> None:
    for bid in ids:
        emu.store.conn.execute("DELETE FROM brands WHERE id=?", (bid,))
        # Products keep existing without a brand, as in the control panel.
        for pid, data in emu.store.all("SELECT id, data FROM products WHERE brand_id=?", (bid,)):
            product = loads(data)
            product.pop("brand_id", None)
            emu.store.conn.execute("UPDATE products SET brand_id=0, data=? WHERE id=?",
                                   (dumps(product), pid))


def delete_brand(emu: Emulator, req: Request) -> Response:
    if emu.store.get_json("brands", req.params["brand_id"]) is None:
        raise v3_not_found("brand")
    _remove(emu, [req.params["brand_id"]])
    return Response(204)


def delete_brands(emu: Emulator, req: Request) -> Response:
    where, args = _where(req)
    if not where:
        raise v3_error(422, "At least one filter is required")
    _remove(emu, [r[0] for r in emu.store.all(f"SELECT id FROM brands{where}", args)])
    return Response(204)
