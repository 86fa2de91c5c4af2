"""Raw BigCommerce records → LC column values, never raising.

BigCommerce (or a proxy, or a buggy app writing to the store) can send anything: missing
fields, wrong types, nulls, unknown enum values, very long strings, NUL bytes, absurd numbers.
Every function here reads what it can, puts None/""/0 where it can't (whatever the column
accepts), truncates to the column's length, and lists each problem so the pass can log it with
the record's id. The column limits are read from the models so the two can't drift apart.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any

import orjson
from django.db import models

from .models import (
    LcBrand,
    LcCategory,
    LcCustomer,
    LcCustomerGroup,
    LcLocation,
    LcOrder,
    LcOrderLine,
    LcProduct,
    LcShippingAddress,
    LcShippingMethod,
    LcVariant,
)

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
MAX_PROBLEM_TEXT = 200
_SURROGATES = re.compile("[\ud800-\udfff]")
INVENTORY_TRACKING = frozenset({"none", "product", "variant"})
# Goes into every raw_hash: bump it when a parser changes what it reads from a record, so the
# next Full Reload rewrites the rows instead of skipping them as unchanged.
PARSERS_VERSION = 2
_HASH_PERSON = f"bcsync-lc-{PARSERS_VERSION}".encode()


@dataclass
class Parsed:
    """One record read: its BigCommerce id (None if unusable), column values, problems.

    `raw_json` is `raw` encoded once, as it is stored; `raw_hash` its digest (both filled
    by `encoded`, by the parser when it cleaned the record). A product is stored without its
    embedded variants (their rows hold them), but hashed with them, so a change to a variant
    alone still makes the product's page rewrite it."""

    bc_id: int | None
    fields: dict[str, Any]
    raw: Any
    problems: list[str] = field(default_factory=list)
    raw_json: str | None = None
    raw_hash: str = ""


# -- raw JSON ------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """Make a string storable on SQLite and PostgreSQL (no NUL, no lone surrogates)."""
    if value.isascii():  # O(1) in CPython: most text needs no regex
        return value.replace("\x00", "") if "\x00" in value else value
    if "\x00" in value:
        value = value.replace("\x00", "")
    if _SURROGATES.search(value):
        value = _SURROGATES.sub("\ufffd", value)
    return value


def clean_raw(value: Any) -> tuple[Any, bool]:
    """The record as received, minus what no database can store (NUL, lone surrogates,
    NaN/Infinity). Returns (value, changed)."""
    cleaned, _, changed = encode_raw(value)
    return cleaned, changed


def encode_raw(value: Any) -> tuple[Any, bytes, bool]:
    """`clean_raw` plus the cleaned value as compact JSON (UTF-8), ready to store and hash.

    Nearly every record is clean: one orjson dump (C speed; it refuses lone surrogates and
    integers past 64 bits) and a walk over the floats prove it. orjson writes NaN and
    Infinity as null without a word, hence the walk: such a record is reported like any
    other that had to be cleaned.
    """
    try:
        data = orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is one
        pass
    else:
        if b"\\u0000" not in data and _finite(value):
            return value, data, False
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        if "\\u0000" not in text:
            return value, text.encode(), False  # lone surrogates raise here
    except (ValueError, TypeError, RecursionError):
        pass
    cleaned, changed = _clean_walk(value)
    text = json.dumps(cleaned, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return cleaned, text.encode(), changed


def raw_digest(data: bytes) -> str:
    """What `raw_hash` holds: 128 bits of BLAKE2b over the stored JSON and PARSERS_VERSION."""
    return hashlib.blake2b(data, digest_size=16, person=_HASH_PERSON).hexdigest()


def encoded(row: Parsed) -> tuple[str, str]:
    """The row's raw JSON as stored, and its digest; computed once, kept on the row.

    A row parsed with `clean=False` is part of a record already cleaned (a product's
    variants): whatever could need reporting was reported for the whole record, so only
    what no database could store is checked again here.
    """
    if row.raw_json is None:
        try:
            data = orjson.dumps(row.raw)
        except TypeError:
            data = b"\\u0000"
        if b"\\u0000" in data:
            row.raw, data, _ = encode_raw(row.raw)
        row.raw_json, row.raw_hash = data.decode(), raw_digest(data)
    return row.raw_json, row.raw_hash


def _finite(value: Any) -> bool:
    """No NaN or infinity anywhere in a decoded JSON document."""
    kind = type(value)
    if kind is dict:
        items: Any = value.values()
    elif kind is list or kind is tuple:
        items = value
    elif kind is float:
        return bool(value - value == 0.0)
    else:
        return True
    for item in items:
        kind = type(item)
        if kind is float:
            if item - item != 0.0:  # NaN - NaN and inf - inf are NaN
                return False
        elif (kind is dict or kind is list or kind is tuple) and not _finite(item):
            return False
    return True


def _clean_walk(value: Any) -> tuple[Any, bool]:
    if isinstance(value, str):
        cleaned = clean_text(value)
        return cleaned, cleaned != value
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value, False
    if isinstance(value, float):
        return (None, True) if not math.isfinite(value) else (value, False)
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        changed = False
        for key, item in value.items():
            k = clean_text(str(key))
            v, c = _clean_walk(item)
            out[k] = v
            changed = changed or c or k != key
        return out, changed
    if isinstance(value, list | tuple):
        items = [_clean_walk(item) for item in value]
        return [v for v, _ in items], any(c for _, c in items) or isinstance(value, tuple)
    return str(value), True  # not JSON at all; keep something readable


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- scalar readers --------------------------------------------------------------------------


def read_int(value: Any, lo: int = INT64[0], hi: int = INT64[1]) -> int | None:
    """An integer from an int, an integral float or a string of digits; None otherwise."""
    if type(value) is int:  # the usual case, first
        return value if lo <= value <= hi else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[+-]?\d{1,20}", text):
            return None
        number = int(text)
    else:
        return None
    return number if lo <= number <= hi else None


def read_decimal(value: Any, max_digits: int, places: int) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        text = repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > 60:
            return None
    else:
        return None
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number.adjusted() >= max_digits - places:
        return None
    try:
        return number.quantize(_quantum(places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None


_quanta: dict[int, Decimal] = {}


def _quantum(places: int) -> Decimal:
    quantum = _quanta.get(places)
    if quantum is None:
        quantum = _quanta[places] = Decimal(1).scaleb(-places)
    return quantum


def read_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in (0, 1) and isinstance(value, int):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def read_datetime(value: Any) -> datetime | None:
    """ISO-8601 (V3) or RFC-2822 (V2), as an aware UTC datetime; naive means UTC."""
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    text = value.strip()
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


# -- a record reader bound to a model's columns ------------------------------------------------

_columns: dict[tuple[type[models.Model], str], Any] = {}


def _column(model: type[models.Model], name: str) -> Any:
    key = (model, name)
    column = _columns.get(key)
    if column is None:
        column = _columns[key] = model._meta.get_field(name)
    return column



class _Reader:
    def __init__(self, raw: Any, model: type[models.Model]) -> None:
        self.raw = raw if isinstance(raw, dict) else {}
        self.model = model
        self.fields: dict[str, Any] = {}
        self.problems: list[str] = []
        if not isinstance(raw, dict):
            self.problems.append(f"record is not an object: {_show(raw)}")

    def problem(self, text: str) -> None:
        self.problems.append(text[:MAX_PROBLEM_TEXT])

    def get(self, key: str | tuple[str, ...]) -> Any:
        if isinstance(key, str):
            return self.raw.get(key)
        value: Any = self.raw
        for part in key:
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def _column(self, name: str) -> Any:
        return _column(self.model, name)

    def text(self, column: str, key: str | tuple[str, ...] | None = None, *,
             required: bool = False, value: Any = None) -> str:
        if value is None:
            value = self.get(key or column)
        limit = _column(self.model, column).max_length
        if type(value) is str and value.isascii() and len(value) <= limit \
                and "\x00" not in value:
            self.fields[column] = value  # the usual case, without the checks below
            return value
        if value is None:
            if required:
                self.problem(f"{column}: missing")
            text = ""
        elif isinstance(value, str):
            text = clean_text(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            text = str(value)
        else:
            self.problem(f"{column}: not text: {_show(value)}")
            text = ""
        if len(text) > limit:
            self.problem(f"{column}: {len(text)} characters, cut to {limit}")
            text = text[:limit]
        self.fields[column] = text
        return text

    def integer(self, column: str, key: str | None = None, *, default: int | None = None,
                lo: int | None = None) -> int | None:
        value = self.get(key or column)
        bounds = INT64 if isinstance(self._column(column), models.BigIntegerField) else INT32
        number = read_int(value, lo if lo is not None else bounds[0], bounds[1])
        if number is None and value is not None:
            self.problem(f"{column}: not a usable integer: {_show(value)}")
        if number is None:
            number = default
        self.fields[column] = number
        return number

    def ref(self, column: str, key: str | None = None) -> int | None:
        """A BigCommerce id of another record: 0 and absent both mean none."""
        number = self.integer(column, key, lo=0)
        if number == 0:
            self.fields[column] = None
        return self.fields[column]

    def decimal(self, column: str, key: str | None = None) -> None:
        col = self._column(column)
        value = self.get(key or column)
        number = read_decimal(value, col.max_digits, col.decimal_places)
        if number is None and value is not None:
            self.problem(f"{column}: not a usable amount: {_show(value)}")
        self.fields[column] = number

    def boolean(self, column: str, key: str | None = None) -> None:
        value = self.get(key or column)
        flag = read_bool(value)
        if flag is None and value is not None:
            self.problem(f"{column}: not true/false: {_show(value)}")
        col = self._column(column)
        self.fields[column] = flag if flag is not None or col.null else False

    def moment(self, column: str, key: str | None = None) -> None:
        value = self.get(key or column)
        when = read_datetime(value)
        if when is None and value not in (None, ""):
            self.problem(f"{column}: not a date: {_show(value)}")
        self.fields[column] = when

    def done(self, id_key: str = "id", *, clean: bool = True) -> Parsed:
        value = self.raw.get(id_key)
        bc_id = read_int(value, 1, INT64[1])
        if bc_id is None:
            self.problem(f"{id_key}: no usable id: {_show(value)}")
        parsed = Parsed(bc_id=bc_id, fields=self.fields, raw=self.raw, problems=self.problems)
        if clean:
            parsed.raw, data, changed = encode_raw(self.raw if isinstance(self.raw, dict)
                                                   else {})
            if changed:
                self.problem("raw: characters or numbers no database can store were replaced")
            parsed.raw_json, parsed.raw_hash = data.decode(), raw_digest(data)
        return parsed


# -- one parser per mirrored model -----------------------------------------------------------


def parse_product(raw: Any) -> Parsed:
    r = _Reader(raw, LcProduct)
    r.text("name", required=True)
    r.text("sku")
    r.text("upc")
    r.decimal("price")
    r.decimal("cost_price")
    r.integer("inventory_level")
    tracking = r.text("inventory_tracking")
    if tracking and tracking not in INVENTORY_TRACKING:
        r.problem(f"inventory_tracking: unknown value {_show(tracking)}")
    r.boolean("is_visible")
    r.ref("brand_id")
    r.fields["category_ids"] = _id_list(r, "categories")
    r.text("bin_picking_number")
    r.moment("date_modified")
    parsed = r.done()
    if isinstance(parsed.raw, dict) and "variants" in parsed.raw:
        # Each raw document is kept once: the variants' own rows hold theirs.
        _, data, _ = encode_raw({k: v for k, v in parsed.raw.items() if k != "variants"})
        parsed.raw_json = data.decode()
    return parsed


def _id_list(r: _Reader, key: str) -> list[int]:
    value = r.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        r.problem(f"{key}: not a list: {_show(value)}")
        return []
    ids = [read_int(v, 1, INT64[1]) for v in value[:1000]]
    if len(value) > 1000 or None in ids:
        r.problem(f"{key}: unusable ids dropped")
    return [i for i in ids if i is not None]


def product_variants(raw: Any) -> tuple[list[Any], str | None]:
    """The variants embedded in a product (include=variants), and a problem if malformed."""
    if not isinstance(raw, dict):
        return [], None
    value = raw.get("variants")
    if value is None:
        return [], None
    if not isinstance(value, list):
        return [], f"variants: not a list: {_show(value)}"
    return value, None


def parse_variant(raw: Any, *, product_bc_id: int | None = None, clean: bool = True) -> Parsed:
    """A variant; `clean=False` when it comes from a product record already cleaned."""
    r = _Reader(raw, LcVariant)
    owner = read_int(r.get("product_id"), 1, INT64[1])
    if owner is None or (product_bc_id is not None and owner != product_bc_id):
        if r.get("product_id") is not None and owner != product_bc_id:
            r.problem(f"product_id: {_show(r.get('product_id'))} is not the owning product")
        owner = product_bc_id
    r.fields["product_bc_id"] = owner
    r.text("sku")
    r.text("upc")
    r.decimal("price")
    r.integer("inventory_level")
    values = r.get("option_values")
    labels: list[str] = []
    if isinstance(values, list):
        for ov in values:
            if isinstance(ov, dict):
                name, label = ov.get("option_display_name"), ov.get("label")
                labels.append(f"{name}: {label}" if name else str(label))
    elif values is not None:
        r.problem(f"option_values: not a list: {_show(values)}")
    r.text("option_label", value=", ".join(labels) if labels else "")
    r.fields["is_base"] = not labels
    if owner is None:
        r.problem("product_id: missing")
    return r.done(clean=clean)


def parse_category(raw: Any) -> Parsed:
    """A category from /v3/catalog/trees/categories (`category_id`) or the old list (`id`)."""
    r = _Reader(raw, LcCategory)
    id_key = "category_id" if "category_id" in r.raw or "id" not in r.raw else "id"
    r.text("name", required=True)
    r.ref("parent_bc_id", "parent_id")
    r.ref("tree_id")
    r.boolean("is_visible")
    return r.done(id_key)


def parse_brand(raw: Any) -> Parsed:
    r = _Reader(raw, LcBrand)
    r.text("name", required=True)
    return r.done()


def parse_order(raw: Any) -> Parsed:
    r = _Reader(raw, LcOrder)
    r.integer("status_id", default=0)
    if r.get("status_id") is None:
        r.problem("status_id: missing")
    r.text("status")
    r.ref("customer_bc_id", "customer_id")
    email = r.get("email")
    if email is None:
        email = r.get(("billing_address", "email"))
    r.text("email", value=email)
    r.decimal("total_inc_tax")
    r.text("currency_code")
    r.moment("date_created")
    r.moment("date_modified")
    return r.done()


def parse_order_line(raw: Any) -> Parsed:
    r = _Reader(raw, LcOrderLine)
    r.ref("product_bc_id", "product_id")
    r.ref("variant_bc_id", "variant_id")
    r.text("sku")
    r.text("name")
    r.integer("quantity", default=0)
    r.decimal("price_inc_tax")
    return r.done()


def parse_shipping_address(raw: Any) -> Parsed:
    r = _Reader(raw, LcShippingAddress)
    first, last = r.get("first_name"), r.get("last_name")
    parts = [p for p in (first, last) if isinstance(p, str) and p]
    r.text("name", value=" ".join(parts) if parts else None)
    r.text("city")
    r.text("country_iso2")
    r.text("shipping_method")
    return r.done()


def parse_customer(raw: Any) -> Parsed:
    r = _Reader(raw, LcCustomer)
    r.text("email", required=True)
    r.text("first_name")
    r.text("last_name")
    r.text("company")
    r.text("phone")
    r.ref("customer_group_id")
    r.moment("date_modified")
    return r.done()


def parse_customer_group(raw: Any) -> Parsed:
    r = _Reader(raw, LcCustomerGroup)
    r.text("name", required=True)
    return r.done()


def parse_shipping_method(raw: Any, *, zone: Any) -> Parsed:
    r = _Reader(raw, LcShippingMethod)
    zone = zone if isinstance(zone, dict) else {}
    zone_id = read_int(zone.get("id"), 1, INT64[1])
    r.fields["zone_bc_id"] = zone_id if zone_id is not None else 0
    r.text("zone_name", value=zone.get("name"))
    r.text("name", required=True)
    r.text("method_type", "type")
    r.boolean("enabled")
    return r.done()


def parse_location(raw: Any) -> Parsed:
    r = _Reader(raw, LcLocation)
    r.text("code")
    r.text("label")
    r.text("type_id")
    r.boolean("enabled")
    return r.done()
