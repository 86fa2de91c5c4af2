"""Category trees (/v3/catalog/trees, /v3/catalog/trees/categories) and the deprecated
flat /v3/catalog/categories read endpoints."""

from __future__ import annotations

import functools
import uuid
from typing import TYPE_CHECKING, Any

from .errors import ApiError, v3_error, v3_not_found
from .fields import Arr, Bool, Enum, Field, Int, Obj, Str, check_body
from .routing import Handler, Request, Response, Router, placeholders, v3_list, v3_one, v3_page
from .store import dumps, loads

if TYPE_CHECKING:
    from .app import Emulator

WRITABLE = ("name", "description", "views", "sort_order", "page_title", "meta_keywords",
            "meta_description", "layout_file", "image_url", "is_visible", "search_keywords",
            "default_product_sort", "url")
DEFAULTS: dict[str, Any] = {
    "description": "", "views": 0, "sort_order": 0, "page_title": "", "meta_keywords": [],
    "meta_description": "", "layout_file": "category.html", "image_url": "",
    "is_visible": True, "search_keywords": "", "default_product_sort": "use_store_settings",
}
MAX_DEPTH = 8
SCHEMA: dict[str, Field] = {
    "name": Str(1, 50), "parent_id": Int(0), "tree_id": Int(1), "category_id": Int(1),
    "description": Str(), "views": Int(0), "sort_order": Int(-2**31, 2**31 - 1),
    "page_title": Str(), "meta_keywords": Arr(Str()), "meta_description": Str(0, 65535),
    "layout_file": Str(0, 50), "image_url": Str(), "is_visible": Bool(),
    "search_keywords": Str(0, 255),
    "default_product_sort": Enum(("use_store_settings", "featured", "newest", "best_selling",
                                  "alpha_asc", "alpha_desc", "avg_customer_review",
                                  "price_asc", "price_desc")),
    # `url.path` is optional in the spec: a missing path gets the default slug.
    "url": Obj({"path": Str(1, 255), "is_customized": Bool()}),
}


def register(router: Router) -> None:
    router.add("GET", "/v3/catalog/trees", _wrapped_errors(list_trees))
    router.add("GET", "/v3/catalog/trees/categories", _wrapped_errors(list_tree_categories))
    router.add("POST", "/v3/catalog/trees/categories", _wrapped_errors(post_tree_categories))
    router.add("PUT", "/v3/catalog/trees/categories", _wrapped_errors(put_tree_categories))
    router.add("DELETE", "/v3/catalog/trees/categories",
               _wrapped_errors(delete_tree_categories))
    router.add("GET", "/v3/catalog/trees/{tree_id}/categories", get_tree)
    router.add("GET", "/v3/catalog/categories", list_flat)
    router.add("GET", "/v3/catalog/categories/{category_id}", get_flat)


def _wrapped_errors(handler: Handler) -> Handler:
    """The category-trees spec wraps its 422s: `{"errors": {status,title,type,errors},
    "meta": {...}}` (GeneralErrorWithErrors / ErrorResponse), unlike the rest of V3."""

    @functools.wraps(handler)
    def wrapper(emu: Emulator, req: Request) -> Response:
        try:
            return handler(emu, req)
        except ApiError as exc:
            if exc.status != 422 or not isinstance(exc.body, dict) or "title" not in exc.body:
                raise
            raise ApiError(422, {"errors": exc.body, "meta": {}}, exc.headers) from exc

    return wrapper


def tree_view(cid: int, tree_id: int, parent_id: int, data: dict[str, Any]) -> dict[str, Any]:
    return {"category_id": cid, "category_uuid": data["category_uuid"], "tree_id": tree_id,
            "parent_id": parent_id, "name": data["name"],
            **{k: data.get(k, v) for k, v in DEFAULTS.items()},
            "url": _url(data, cid)}


def flat_view(cid: int, parent_id: int, data: dict[str, Any]) -> dict[str, Any]:
    url = _url(data, cid)
    return {"id": cid, "parent_id": parent_id, "name": data["name"],
            **{k: data.get(k, v) for k, v in DEFAULTS.items()},
            "custom_url": {"url": url["path"], "is_customized": url["is_customized"]}}


def _url(data: dict[str, Any], cid: int) -> dict[str, Any]:
    """The category's URL; `url.path` is optional on write and defaults to the slug."""
    given = data.get("url") or {}
    return {"path": given.get("path") or _slug(data["name"], cid),
            "is_customized": bool(given.get("is_customized", False))}


def _slug(name: str, cid: int) -> str:
    return f"/{'-'.join(name.lower().split()) or 'category'}-{cid}/"


def list_trees(emu: Emulator, req: Request) -> Response:
    page = v3_page(req, declared_max=250)
    rows = emu.store.all("SELECT id, data FROM trees ORDER BY id")
    data = [{"id": tid, **loads(d)} for tid, d in rows]
    return v3_list(data[page.offset:page.offset + page.limit], page, len(data))


def _filters(req: Request) -> tuple[str, list[Any]]:
    where, args = [], []
    for name, column in (("category_id:in", "id"), ("tree_id:in", "tree_id"),
                         ("parent_id:in", "parent_id")):
        if (ids := req.int_csv(name)) is not None:
            where.append(f"{column} IN ({placeholders(ids) or 'NULL'})")
            args.extend(ids)
        if (ids := req.int_csv(name.replace(":in", ":not_in"))):
            where.append(f"{column} NOT IN ({placeholders(ids)})")
            args.extend(ids)
    return (f" WHERE {' AND '.join(where)}" if where else ""), args


def _matches(req: Request, data: dict[str, Any]) -> bool:
    if (v := req.get("name")) is not None and data["name"] != v:
        return False
    if (v := req.get("name:like")) is not None and v.lower() not in data["name"].lower():
        return False
    if (v := req.get("keyword")) is not None and v.lower() not in data["name"].lower():
        return False
    visible = req.bool("is_visible")
    return visible is None or data.get("is_visible", True) == visible


def list_tree_categories(emu: Emulator, req: Request) -> Response:
    page = v3_page(req, declared_max=250)
    where, args = _filters(req)
    rows = emu.store.all(
        f"SELECT id, tree_id, parent_id, data FROM categories{where} ORDER BY id", args)
    data = [tree_view(cid, tid, par, d) for cid, tid, par, raw in rows
            if _matches(req, d := loads(raw))]
    return v3_list(data[page.offset:page.offset + page.limit], page, len(data))


def get_tree(emu: Emulator, req: Request) -> Response:
    """The nested tree as BigCommerce returns it (children inline)."""
    tid = req.params["tree_id"]
    if not emu.store.one("SELECT 1 FROM trees WHERE id=?", (tid,)):
        raise v3_not_found("tree")
    rows = emu.store.all("SELECT id, parent_id, data FROM categories WHERE tree_id=? ORDER BY id",
                         (tid,))
    nodes = {cid: {"id": cid, "parent_id": par, "depth": 0, "path": [],
                   "name": (d := loads(raw))["name"], "is_visible": d.get("is_visible", True),
                   "url": _url(d, cid)["path"],
                   "children": []} for cid, par, raw in rows}
    roots: list[dict[str, Any]] = []
    for node in nodes.values():
        parent = nodes.get(node["parent_id"])
        (parent["children"] if parent else roots).append(node)
    return Response(200, {"data": roots, "meta": {}})


def _depth(emu: Emulator, parent_id: int) -> int:
    depth = 0
    while parent_id:
        row = emu.store.one("SELECT parent_id FROM categories WHERE id=?", (parent_id,))
        if not row:
            break
        depth += 1
        parent_id = row[0]
    return depth


def create_category(emu: Emulator, item: Any, index: int = 0) -> dict[str, Any]:
    if not isinstance(item, dict) or not item.get("name"):
        raise v3_error(422, "JSON data is missing or invalid", {f"{index}.name":
                                                                 "error.path.missing"})
    check_body(item, SCHEMA, f"{index}.")
    parent_id = item.get("parent_id") or 0
    tree_id = item.get("tree_id")
    if parent_id:
        row = emu.store.one("SELECT tree_id FROM categories WHERE id=?", (parent_id,))
        if not row:
            raise v3_error(422, "Parent category does not exist",
                           {f"{index}.parent_id": f"Category {parent_id} does not exist"})
        tree_id = tree_id or row[0]
    if not tree_id:
        raise v3_error(422, "JSON data is missing or invalid",
                       {f"{index}.tree_id": "tree_id or parent_id is required"})
    if not emu.store.one("SELECT 1 FROM trees WHERE id=?", (tree_id,)):
        raise v3_error(422, "Tree does not exist", {f"{index}.tree_id": "unknown tree"})
    if _depth(emu, parent_id) + 1 > MAX_DEPTH:
        raise v3_error(422, f"Categories can be nested at most {MAX_DEPTH} levels deep")
    cid = emu.store.next_id("categories")
    data = {k: item[k] for k in WRITABLE if k in item}
    data["category_uuid"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bcemulator/category/{cid}"))
    emu.store.conn.execute(
        "INSERT INTO categories(id, tree_id, parent_id, data) VALUES(?,?,?,?)",
        (cid, tree_id, parent_id, dumps(data)))
    emu.emit("store/category/created", {"type": "category", "id": cid})
    return tree_view(cid, tree_id, parent_id, data)


def post_tree_categories(emu: Emulator, req: Request) -> Response:
    body = req.json()
    items = body if isinstance(body, list) else [body]
    data = [create_category(emu, item, i) for i, item in enumerate(items)]
    return Response(201, {"data": data,
                          "meta": {"total": len(data), "success": len(data), "failed": 0}})


def put_tree_categories(emu: Emulator, req: Request) -> Response:
    body = req.json()
    if not isinstance(body, list):
        raise v3_error(422, "JSON data is missing or invalid", {"body": "must be an array"})
    for i, item in enumerate(body):
        if not isinstance(item, dict) or not item.get("category_id"):
            raise v3_error(422, "JSON data is missing or invalid",
                           {f"{i}.category_id": "error.path.missing"})
        check_body(item, SCHEMA, f"{i}.")
        cid = item["category_id"]
        row = emu.store.one("SELECT tree_id, parent_id, data FROM categories WHERE id=?", (cid,))
        if not row:
            raise v3_error(422, f"Category {cid} does not exist",
                           {f"{i}.category_id": "unknown category"})
        data = loads(row[2])
        data.update({k: item[k] for k in WRITABLE if k in item})
        parent_id = item.get("parent_id", row[1]) or 0
        if parent_id == cid:
            raise v3_error(422, "A category cannot be its own parent")
        emu.store.conn.execute("UPDATE categories SET parent_id=?, data=? WHERE id=?",
                               (parent_id, dumps(data), cid))
        emu.emit("store/category/updated", {"type": "category", "id": cid})
    return Response(200, {"meta": {"total": len(body), "success": len(body), "failed": 0}})


def delete_categories(emu: Emulator, ids: list[int]) -> int:
    """Delete categories and their descendants; products lose the assignment."""
    from .catalog_model import load_product, save_product

    todo, done = list(ids), []
    while todo:
        cid = todo.pop()
        if cid in done or not emu.store.one("SELECT 1 FROM categories WHERE id=?", (cid,)):
            continue
        done.append(cid)
        todo.extend(r[0] for r in emu.store.all(
            "SELECT id FROM categories WHERE parent_id=?", (cid,)))
    for cid in done:
        for (pid,) in emu.store.all(
                "SELECT product_id FROM product_categories WHERE category_id=?", (cid,)):
            product = load_product(emu.store, pid)
            if product:
                product["categories"] = [c for c in product["categories"] if c != cid]
                save_product(emu.store, product)
        emu.store.conn.execute("DELETE FROM categories WHERE id=?", (cid,))
        emu.emit("store/category/deleted", {"type": "category", "id": cid})
    return len(done)


def delete_tree_categories(emu: Emulator, req: Request) -> Response:
    where, args = _filters(req)
    if not where:
        raise v3_error(422, "At least one filter is required",
                       {"category_id:in": "error.path.missing"})
    ids = [r[0] for r in emu.store.all(f"SELECT id FROM categories{where}", args)]
    count = delete_categories(emu, ids)
    return Response(202, {"meta": {"total": count, "success": count, "failed": 0}})


def list_flat(emu: Emulator, req: Request) -> Response:
    page = v3_page(req)
    where, args = [], []
    if (v := req.int("id")) is not None:
        where.append("id = ?")
        args.append(v)
    if (ids := req.int_csv("id:in")) is not None:
        where.append(f"id IN ({placeholders(ids) or 'NULL'})")
        args.extend(ids)
    if (v := req.int("parent_id")) is not None:
        where.append("parent_id = ?")
        args.append(v)
    sql = f" WHERE {' AND '.join(where)}" if where else ""
    rows = emu.store.all(f"SELECT id, parent_id, data FROM categories{sql} ORDER BY id", args)
    data = [flat_view(cid, par, d) for cid, par, raw in rows if _matches(req, d := loads(raw))]
    return v3_list(data[page.offset:page.offset + page.limit], page, len(data))


def get_flat(emu: Emulator, req: Request) -> Response:
    cid = req.params["category_id"]
    row = emu.store.one("SELECT parent_id, data FROM categories WHERE id=?", (cid,))
    if not row:
        raise v3_not_found("category")
    return v3_one(flat_view(cid, row[0], loads(row[1])))
