"""SQLite storage: one row per record, indexed columns for filters plus a JSON body.

All access goes through one connection guarded by ``Store.lock`` (an RLock): the
emulator serialises requests, which keeps every handler a simple transaction and
makes ``:memory:`` databases safe to share across the server's threads.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS seq (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS products (
    id INTEGER PRIMARY KEY, name_key TEXT NOT NULL UNIQUE, name TEXT, sku_key TEXT, sku TEXT,
    upc TEXT, date_modified TEXT, is_visible INTEGER, brand_id INTEGER, price REAL,
    total_sold INTEGER DEFAULT 0, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS products_sku ON products(sku_key);
CREATE INDEX IF NOT EXISTS products_dm ON products(date_modified);
CREATE INDEX IF NOT EXISTS products_brand ON products(brand_id);
CREATE TABLE IF NOT EXISTS product_categories (
    product_id INTEGER NOT NULL, category_id INTEGER NOT NULL,
    PRIMARY KEY (product_id, category_id));
CREATE INDEX IF NOT EXISTS product_categories_cat ON product_categories(category_id);
CREATE TABLE IF NOT EXISTS variants (
    id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, sku_key TEXT, upc TEXT,
    data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS variants_product ON variants(product_id);
CREATE INDEX IF NOT EXISTS variants_sku ON variants(sku_key);
CREATE TABLE IF NOT EXISTS custom_fields (
    id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS custom_fields_product ON custom_fields(product_id);
CREATE TABLE IF NOT EXISTS images (
    id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS images_product ON images(product_id);
CREATE TABLE IF NOT EXISTS brands (
    id INTEGER PRIMARY KEY, name_key TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trees (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS categories (
    id INTEGER PRIMARY KEY, tree_id INTEGER NOT NULL, parent_id INTEGER NOT NULL,
    data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS categories_parent ON categories(parent_id);
CREATE TABLE IF NOT EXISTS customer_groups (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS customers (
    id INTEGER PRIMARY KEY, email_key TEXT NOT NULL UNIQUE, group_id INTEGER,
    date_created TEXT, date_modified TEXT, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS customers_dm ON customers(date_modified);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY, customer_id INTEGER, status_id INTEGER, email_key TEXT,
    created_ts INTEGER, modified_ts INTEGER, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS orders_modified ON orders(modified_ts);
CREATE TABLE IF NOT EXISTS order_products (
    id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS order_products_order ON order_products(order_id);
CREATE TABLE IF NOT EXISTS order_shipping_addresses (
    id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS order_addresses_order ON order_shipping_addresses(order_id);
CREATE TABLE IF NOT EXISTS refunds (
    id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, created_ts INTEGER NOT NULL,
    data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS refunds_order ON refunds(order_id);
CREATE TABLE IF NOT EXISTS locations (
    id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
-- variant_id 0 is the product-level stock (simple products, or tracking by product).
CREATE TABLE IF NOT EXISTS inventory (
    location_id INTEGER NOT NULL, product_id INTEGER NOT NULL, variant_id INTEGER NOT NULL,
    on_hand INTEGER NOT NULL DEFAULT 0, safety_stock INTEGER NOT NULL DEFAULT 0,
    warning_level INTEGER NOT NULL DEFAULT 0, bin_picking_number TEXT NOT NULL DEFAULT '',
    absolute_set INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (location_id, product_id, variant_id));
CREATE INDEX IF NOT EXISTS inventory_item ON inventory(product_id, variant_id);
CREATE TABLE IF NOT EXISTS shipping_zones (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS shipping_methods (
    id INTEGER PRIMARY KEY, zone_id INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hooks (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
"""

TABLES = [
    "products", "product_categories", "variants", "custom_fields", "images", "brands", "trees",
    "categories", "customer_groups", "customers", "orders", "order_products",
    "order_shipping_addresses", "refunds", "locations", "inventory", "shipping_zones",
    "shipping_methods", "hooks", "seq", "meta",
]


# One encoder for all: json.dumps with options builds a new encoder on every call, which
# dominates the cost of seeding 100k products.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def dumps(obj: Any) -> str:
    return _encode(obj)


loads = json.loads


class Store:
    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA synchronous=OFF")
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(SCHEMA)

    def is_empty(self) -> bool:
        return self.one("SELECT COUNT(*) FROM locations")[0] == 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Serialise and make atomic: a failed request leaves no half-written state."""
        with self.lock:
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")

    def wipe(self) -> None:
        with self.transaction() as c:
            for table in TABLES:
                c.execute(f"DELETE FROM {table}")

    def next_id(self, name: str, count: int = 1) -> int:
        """Allocate ``count`` ids and return the first; ids are never handed out twice."""
        row = self.conn.execute("SELECT value FROM seq WHERE name=?", (name,)).fetchone()
        first = (row[0] if row else 0) + 1
        self.conn.execute(
            "INSERT INTO seq(name, value) VALUES(?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value=excluded.value",
            (name, first + count - 1),
        )
        return first

    def bump_seq(self, name: str, value: int) -> None:
        self.conn.execute(
            "INSERT INTO seq(name, value) VALUES(?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value=max(value, excluded.value)",
            (name, value),
        )

    def one(self, sql: str, params: Iterable[Any] = ()) -> Any:
        return self.conn.execute(sql, tuple(params)).fetchone()

    def all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        return self.conn.execute(sql, tuple(params)).fetchall()

    def get_json(self, table: str, record_id: int) -> dict[str, Any] | None:
        row = self.one(f"SELECT data FROM {table} WHERE id=?", (record_id,))
        return loads(row[0]) if row else None

    def set_meta(self, key: str, value: Any) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES(?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, dumps(value)),
        )

    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self.one("SELECT value FROM meta WHERE key=?", (key,))
        return loads(row[0]) if row else default
