"""The thirteen sync fields, side by side: how the POS reads each one, how BigCommerce's value is
read from the local copy (LC), and where each goes in a write.

The contract, for manual uploads and the background push alike:

    values = pos_values(item, connection=conn)          # BC key → canonical value
    online = bc_values(lc_product, brand_names=…)       # the same keys, as BigCommerce has them
    fields = fields_with(policies_for(connection=conn), {"on"})   # which SyncFields may move
    send = changed_fields(item_sync.pushed, values, fields)       # only what differs from
                                                                  # what was last pushed
    product_payload(send, fields) → PUT /v3/catalog/products body (add "id" for a batch)
    inventory_level in `send` → inventory_adjustment(…) at connection.bc_location_id
    (the other mapped locations: `inventory.locations`, keys `inventory_level@<id>`)
    then: item_sync.pushed |= send  (the new memory a later diff is taken against)

Variants work the same with `variant_values(variant, …)`, `bc_variant_values(raw,
product=…)`, `VariantSync.pushed` and `variant_payload(…, inherit=variant_inherits(variant))`.

Canonical values are JSON-able and compare exactly: text stripped; numbers as decimal strings
without trailing zeros ("19.99", "1.5", "0"), so POS Decimal("19.990") and BigCommerce's 19.99
are the same value; quantities as ints. A variant's price and weight are its effective values
on both sides (BigCommerce answers null, or the product's value, for an inherited one); a
variant that inherits in the POS is sent null, so it keeps following the product online.
Each key below is the BigCommerce field it writes, except `inventory_level` (the inventory API
at the connection's location, never the catalog field) and `brand_name` (BigCommerce finds the
brand by name, case-insensitively, and creates it if missing).

The text keys (name, upc, bin_picking_number) go through the import settings' Item Export
mapping (empty: Automatic, which gives the item's own name, upc and bin number): a chosen
mapping's rows replace Automatic's for the targets they name, so "name ← name +
product_number" changes what an upload sends, what Preview shows and what `pushed` remembers.
A mapped name that comes out empty falls back to the item's name (BigCommerce needs one).
Targets the push does not send (description, mpn, search_keywords) are not applied here."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ..models import SyncField

if TYPE_CHECKING:
    from catalog.models import Item, Variant

    from ..models import StoreConnection

__all__ = [
    "FIELDS",
    "INVENTORY_KEY",
    "REQUIRED_ON_CREATE",
    "FieldSpec",
    "bc_values",
    "bc_variant_values",
    "changed_fields",
    "diff",
    "field_of_key",
    "inventory_adjustment",
    "item_export_rows",
    "keys_of",
    "number",
    "pos_values",
    "product_payload",
    "stock_for",
    "variant_inherits",
    "variant_keys_of",
    "variant_payload",
    "variant_values",
    "web_sku",
]

INVENTORY_KEY = "inventory_level"
BRAND_KEY = "brand_name"

# A new product has no online value to protect: these go on every create whatever the
# policies (BigCommerce requires name, price and weight; the SKU is how a lost create is found).
REQUIRED_ON_CREATE: frozenset[str] = frozenset({
    SyncField.NAMES, SyncField.PRICES, SyncField.WEIGHTS, SyncField.SKUS,
})


def number(value: Any) -> str | None:
    """A number as its canonical decimal string ("19.99", "0"); None stays None."""
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not d.is_finite():
        return str(value)
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _quantity(value: Any) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def _payload_number(value: Any) -> Any:
    # BigCommerce takes floats for money and measures; canonical strings go back to numbers.
    if value is None:
        return None
    return float(Decimal(value))


@dataclass(frozen=True)
class FieldSpec:
    """One SyncField: the BigCommerce keys it writes on a product and on a variant, and the
    writer of each value into a payload (numbers as floats, text as is)."""

    field: SyncField
    product_keys: tuple[str, ...]
    variant_keys: tuple[str, ...] = ()
    numeric: bool = False


FIELDS: dict[str, FieldSpec] = {spec.field: spec for spec in (
    FieldSpec(SyncField.NAMES, ("name",)),
    FieldSpec(SyncField.PRICES, ("price",), numeric=True),
    FieldSpec(SyncField.COST_PRICES, ("cost_price",), numeric=True),
    FieldSpec(SyncField.UPCS, ("upc",)),
    FieldSpec(SyncField.BIN_NUMBERS, ("bin_picking_number",)),
    FieldSpec(SyncField.QOHS, (INVENTORY_KEY,), (INVENTORY_KEY,)),
    FieldSpec(SyncField.BRANDS, (BRAND_KEY,)),
    FieldSpec(SyncField.WEIGHTS, ("weight",), numeric=True),
    FieldSpec(SyncField.DIMENSIONS, ("width", "height", "depth"), numeric=True),
    FieldSpec(SyncField.SKUS, ("sku",), ("sku",)),
    FieldSpec(SyncField.VAR_PRICES, (), ("price",), numeric=True),
    FieldSpec(SyncField.VAR_WEIGHTS, (), ("weight",), numeric=True),
    FieldSpec(SyncField.VAR_IMAGES, (), ("image_url",)),
)}
assert set(FIELDS) == set(SyncField.values), "every SyncField needs an entry"

_NUMERIC_PRODUCT_KEYS = frozenset(k for s in FIELDS.values() if s.numeric for k in s.product_keys)
_NUMERIC_VARIANT_KEYS = frozenset(k for s in FIELDS.values() if s.numeric for k in s.variant_keys)
_FIELD_OF_PRODUCT_KEY = {k: s.field for s in FIELDS.values() for k in s.product_keys}
_FIELD_OF_VARIANT_KEY = {k: s.field for s in FIELDS.values() for k in s.variant_keys}


def keys_of(fields: Iterable[str]) -> tuple[str, ...]:
    """The product keys the given SyncFields write, in table order."""
    wanted = set(fields)
    return tuple(k for s in FIELDS.values() if s.field in wanted for k in s.product_keys)


def variant_keys_of(fields: Iterable[str]) -> tuple[str, ...]:
    """The variant keys the given SyncFields write, in table order."""
    wanted = set(fields)
    return tuple(k for s in FIELDS.values() if s.field in wanted for k in s.variant_keys)


def field_of_key(key: str, *, variant: bool = False) -> str | None:
    """The SyncField a product (or variant) key belongs to."""
    return (_FIELD_OF_VARIANT_KEY if variant else _FIELD_OF_PRODUCT_KEY).get(key)


# -- the POS side -----------------------------------------------------------------------------


_CONNECTION_LOCATION: Any = object()


def stock_for(item: Item, *, connection: StoreConnection, variant: Variant | None = None,
              location_id: int | None = _CONNECTION_LOCATION) -> int:
    """On hand at the connection's POS location (every location when it names none; or at
    `location_id`, for another mapped location), never below zero: BigCommerce takes no
    negative stock. Uses prefetched stock_levels if any. A bundle master's is what its
    children allow (`inventory.bundles`), not its own level."""
    if location_id is _CONNECTION_LOCATION:
        location_id = connection.pos_location_id
    if variant is None:
        from ..inventory.bundles import bundle_available, is_master

        if is_master(item):
            return bundle_available(item, location_id=location_id)
    levels = item.stock_levels.all()
    total = sum(
        level.on_hand for level in levels
        if (level.variant_id == (variant.pk if variant else None))
        and (location_id is None or level.location_id == location_id)
    )
    return _quantity(total)


def web_sku(item: Item) -> str:
    """The SKU online: the product number when it holds a web SKU the POS cannot, else the
    POS SKU."""
    return _text(item.product_number) or item.sku


_EXPORT_ROWS_CACHE = "_bcsync_item_export_rows"


def item_export_rows(connection: StoreConnection, *, fresh: bool = False
                     ) -> list[dict[str, Any]]:
    """The Item Export rows: Automatic's, with the chosen mapping's in place of Automatic's
    for each target they name. Kept on the connection instance so a push of many items costs
    one query, not one per item; a pass, preview or upload starts with `fresh=True`."""
    cached = getattr(connection, _EXPORT_ROWS_CACHE, None)
    if cached is not None and not fresh:
        return cached
    from ..imports.mappings import AUTOMATIC_ROWS, mapping_rows
    from ..models import FieldMapping, ImportSettings

    kind = FieldMapping.Kind.ITEM_EXPORT
    settings = (ImportSettings.objects.filter(connection_id=connection.pk)
                .select_related("item_export_mapping").first())
    chosen = mapping_rows(mapping=settings.item_export_mapping if settings else None, kind=kind)
    named = {row["target"] for row in chosen}
    rows = [row for row in AUTOMATIC_ROWS[kind] if row["target"] not in named] + chosen
    setattr(connection, _EXPORT_ROWS_CACHE, rows)
    return rows


def _mapped_text(item: Item, connection: StoreConnection) -> dict[str, str]:
    from ..imports.mappings import mapping_apply

    record = {key: getattr(item, key, "") for key in
              ("name", "description", "upc", "bin_number", "product_number", "sku")}
    mapped = mapping_apply(item_export_rows(connection), record)
    return {"name": mapped.get("name", "") or _text(item.name),
            "upc": mapped.get("upc", ""),
            "bin_picking_number": mapped.get("bin_picking_number", "")}


def pos_values(item: Item, *, connection: StoreConnection) -> dict[str, Any]:
    """The item as BigCommerce should have it, every product key of every field. An item with
    variants keeps its stock on the variants (see `variant_values`)."""
    has_variants = bool(item.variants.all())
    text = _mapped_text(item, connection)
    values: dict[str, Any] = {
        "name": text["name"],
        "price": number(item.price),
        "cost_price": number(item.cost_price),
        "upc": text["upc"],
        "bin_picking_number": text["bin_picking_number"],
        BRAND_KEY: item.brand.name if item.brand_id and item.brand else "",
        "weight": number(item.weight),
        "width": number(item.width),
        "height": number(item.height),
        "depth": number(item.depth),
        "sku": web_sku(item),
    }
    if not has_variants:
        values[INVENTORY_KEY] = stock_for(item, connection=connection)
    return values


def variant_values(variant: Variant, *, connection: StoreConnection) -> dict[str, Any]:
    """A variant as BigCommerce should have it, with its effective price and weight."""
    return {
        "sku": variant.sku,
        "price": number(variant.effective_price),
        "weight": number(variant.effective_weight),
        "image_url": _text(variant.image_url),
        INVENTORY_KEY: stock_for(variant.item, connection=connection, variant=variant),
    }


# -- the BigCommerce side (from the LC's raw records) -----------------------------------------


def bc_values(raw: Mapping[str, Any], *,
              brand_names: Mapping[int, str] | Callable[[int], str | None] | None = None,
              ) -> dict[str, Any]:
    """A product record (LcProduct.raw or an API answer) in the canonical form of
    `pos_values`. `brand_names` maps brand ids to names (LcBrand); an unknown id reads as
    "#<id>" so it differs from any POS brand."""
    brand_id = raw.get("brand_id") or 0
    brand = ""
    if brand_id:
        found = (brand_names(brand_id) if callable(brand_names)
                 else (brand_names or {}).get(brand_id))
        brand = found or f"#{brand_id}"
    values: dict[str, Any] = {
        "name": _text(raw.get("name")),
        "price": number(raw.get("price")),
        "cost_price": number(raw.get("cost_price")),
        "upc": _text(raw.get("upc")),
        "bin_picking_number": _text(raw.get("bin_picking_number")),
        BRAND_KEY: brand,
        "weight": number(raw.get("weight")),
        "width": number(raw.get("width")),
        "height": number(raw.get("height")),
        "depth": number(raw.get("depth")),
        "sku": _text(raw.get("sku")),
    }
    if raw.get("inventory_tracking") != "variant":
        values[INVENTORY_KEY] = _quantity(raw.get("inventory_level"))
    return values


def variant_inherits(variant: Variant) -> frozenset[str]:
    """The variant keys the POS leaves to the product (sent as null)."""
    inherit = variant.Mode.INHERIT
    return frozenset(k for k, mode in (("price", variant.price_mode),
                                       ("weight", variant.weight_mode)) if mode == inherit)


def bc_variant_values(raw: Mapping[str, Any], *, product: Mapping[str, Any] | None = None
                      ) -> dict[str, Any]:
    """A variant record (LcVariant.raw or an API answer) in the form of `variant_values`;
    a null price or weight is the product's (`product`: its record)."""
    product = product or {}
    price = raw.get("price")
    weight = raw.get("weight")
    return {
        "sku": _text(raw.get("sku")),
        "price": number(product.get("price") if price is None else price),
        "weight": number(product.get("weight") if weight is None else weight),
        "image_url": _text(raw.get("image_url")),
        INVENTORY_KEY: _quantity(raw.get("inventory_level")),
    }


# -- comparing --------------------------------------------------------------------------------


def changed_fields(pushed: Mapping[str, Any], values: Mapping[str, Any], fields: Iterable[str],
                   *, variant: bool = False) -> dict[str, Any]:
    """The keys of `fields` whose value differs from `pushed` (ItemSync.pushed, or
    VariantSync.pushed with variant=True), with the value to send. A key never pushed counts
    as changed."""
    keys = variant_keys_of(fields) if variant else keys_of(fields)
    return {k: values[k] for k in keys
            if k in values and (k not in pushed or pushed[k] != values[k])}


def diff(current: Mapping[str, Any], target: Mapping[str, Any], fields: Iterable[str], *,
         variant: bool = False) -> dict[str, dict[str, Any]]:
    """Key → {"from": current, "to": target} for the keys of `fields` that differ (a preview,
    a history entry, a conflict)."""
    keys = variant_keys_of(fields) if variant else keys_of(fields)
    return {k: {"from": current.get(k), "to": target[k]} for k in keys
            if k in target and current.get(k) != target[k]}


# -- writing ----------------------------------------------------------------------------------


def product_payload(values: Mapping[str, Any], fields: Iterable[str] | None = None
                    ) -> dict[str, Any]:
    """The product body for the given values (only keys of `fields`, when given). Stock is
    left out: it goes through the inventory API (`inventory_adjustment`)."""
    keys = keys_of(fields) if fields is not None else tuple(values)
    body: dict[str, Any] = {}
    for key in keys:
        if key not in values or key == INVENTORY_KEY:
            continue
        value = values[key]
        if key == BRAND_KEY:
            # brand_name finds or creates the brand; no brand at all is brand_id 0.
            if value:
                body[BRAND_KEY] = value
            else:
                body["brand_id"] = 0
        elif key in _NUMERIC_PRODUCT_KEYS:
            body[key] = _payload_number(value) if value is not None else 0.0
        else:
            body[key] = value
    return body


def variant_payload(values: Mapping[str, Any], fields: Iterable[str] | None = None, *,
                    inherit: Iterable[str] = ()) -> dict[str, Any]:
    """The variant body for the given values (stock left out, as for products). Keys in
    `inherit` (see `variant_inherits`) go as null: the variant follows the product's."""
    keys = variant_keys_of(fields) if fields is not None else tuple(values)
    inherited = set(inherit)
    body: dict[str, Any] = {}
    for key in keys:
        if key not in values or key == INVENTORY_KEY:
            continue
        value = values[key]
        if key in inherited:
            body[key] = None
        else:
            body[key] = _payload_number(value) if key in _NUMERIC_VARIANT_KEYS else value
    return body


def inventory_adjustment(quantity: int, *, location_id: int, product_id: int | None = None,
                         variant_id: int | None = None) -> dict[str, Any]:
    """One item of PUT /v3/inventory/adjustments/absolute: a product tracked at product level
    by product_id, a variant by variant_id."""
    if (product_id is None) == (variant_id is None):
        raise ValueError("an inventory adjustment names a product or a variant")
    item: dict[str, Any] = {"location_id": int(location_id), "quantity": _quantity(quantity)}
    if variant_id is not None:
        item["variant_id"] = int(variant_id)
    else:
        item["product_id"] = int(product_id)  # type: ignore[arg-type]
    return item
