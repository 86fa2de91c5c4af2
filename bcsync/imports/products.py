"""Importing BigCommerce products into the POS, from the local copy (LC) only: no request to
BigCommerce is made.

    report = products_import(connection=conn, bc_product_ids=[…], user=request.user)
    report.counts          # {"created": 3, "linked": 1, "failed": 1}
    report.results[i]      # per product: outcome, item, and the field and message of a failure

Each product is imported in its own transaction: a failure leaves nothing half-made and the
rest goes on. The rules (issue 10):
- the POS SKU is letters and digits only; it comes from Create Item Number Using (the
  BigCommerce SKU stripped, the product id, or a sequence); a collision gets the deterministic
  suffix "X<product id>" (variants: "X<variant id>"); the BigCommerce SKU is kept in the
  item's product number;
- department: the first category in BigCommerce's order, created when missing; none: the
  default department; vendor: the default (No Vendor); brand: created when missing;
- an item that already has this product's SKU (as its SKU or product number) and is not linked
  is linked, never duplicated; a product already linked is reported linked again;
- stock only in the initial dataset or when the QOH policy is Off, at the default location,
  Skip zero quantity respected;
- the item becomes linked (ItemSync + VariantSync) with `pushed` holding the values imported,
  in push's canonical form, so the push sees it in step.
Images: the POS item has no image field, so product images are not imported (a variant's
image URL is, into Variant.image_url)."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from catalog.models import (
    Brand,
    CustomFieldDefinition,
    CustomFieldValue,
    Department,
    Item,
    Location,
    StockLevel,
    Variant,
    Vendor,
)
from localcopy.models import LcBrand, LcCategory, LcProduct, LcVariant

from ..models import (
    FieldMapping,
    ImportSettings,
    ItemNumberSource,
    ItemSync,
    Policy,
    StoreConnection,
    SyncEvent,
    SyncField,
    SyncJob,
    VariantSync,
)
from ..push.fields import bc_values, bc_variant_values, pos_values, variant_values
from ..push.outbox import outbox_mark
from ..push.policies import policies_for
from .mappings import mapping_apply, mapping_rows
from .settings import default_department, default_location, default_vendor, import_settings_for

__all__ = ["ImportReport", "ProductResult", "products_import", "unlinked_product_ids"]

CREATED, LINKED, SKIPPED, FAILED = "created", "linked", "skipped", "failed"
SKU_MAX = Item._meta.get_field("sku").max_length or 40
NAME_MAX = Item._meta.get_field("name").max_length or 250
UPC_MAX = Item._meta.get_field("upc").max_length or 14
DEPT_MAX = Department._meta.get_field("name").max_length or 100
PRODUCT_NUMBER_MAX = Item._meta.get_field("product_number").max_length or 255
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")
IMAGES_NOTE = "images not imported: the POS item has no image field"


@dataclass
class ProductResult:
    """One product's outcome. `field` and `message` say why it failed or was skipped;
    `notes` what was adjusted on the way (a shortened name, a suffixed SKU…)."""

    bc_product_id: int
    outcome: str
    name: str = ""
    item_id: int | None = None
    sku: str = ""
    field: str = ""
    message: str = ""
    notes: list[str] = dataclasses.field(default_factory=list)

    def line(self) -> str:
        what = f"product {self.bc_product_id} {self.name!r}"
        if self.outcome == FAILED:
            return f"{what}: failed on {self.field or 'record'}: {self.message}"
        extra = f" ({self.message})" if self.message else ""
        return f"{what}: {self.outcome} as {self.sku}{extra}"


@dataclass
class ImportReport:
    """What an import did, product by product; `requests` to BigCommerce (always 0)."""

    results: list[ProductResult] = dataclasses.field(default_factory=list)
    requests: int = 0
    stock_rows: int = 0
    stock_skipped_zero: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(r.outcome for r in self.results))

    @property
    def failed(self) -> list[ProductResult]:
        return [r for r in self.results if r.outcome == FAILED]

    def line(self) -> str:
        c = self.counts
        return (f"{len(self.results)} products: {c.get(CREATED, 0)} created, "
                f"{c.get(LINKED, 0)} linked, {c.get(SKIPPED, 0)} skipped, "
                f"{c.get(FAILED, 0)} failed; {self.stock_rows} stock rows "
                f"({self.stock_skipped_zero} zero skipped); {self.requests} requests")

    def as_dict(self) -> dict[str, Any]:
        return {"counts": self.counts, "requests": self.requests, "stock_rows": self.stock_rows,
                "stock_skipped_zero": self.stock_skipped_zero,
                "problems": [r.line() for r in self.results if r.outcome in (FAILED, SKIPPED)
                             or r.notes][:200]}


class ProductRefused(Exception):
    """A product that cannot be imported, naming the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def pos_sku_base(text: str | None) -> str:
    """A BigCommerce SKU with everything but letters and digits removed ("" when nothing is
    left)."""
    return _NOT_ALNUM.sub("", text or "")[:SKU_MAX]


@dataclass
class _Context:
    connection: StoreConnection
    settings: ImportSettings
    rows: list[dict[str, Any]]
    stock: bool
    user: Any
    job: str
    brand_names: dict[int, str]
    category_names: dict[int, str]
    location: Location | None
    vendor: Vendor
    # SKUs (upper case) known to be used. `all_known`: the set was read whole at the start of
    # a batch, so a miss needs no query (a concurrent insert still fails the batch's write,
    # which then runs product by product against the database).
    taken: set[str] = dataclasses.field(default_factory=set)
    all_known: bool = False
    departments: dict[str, Department] = dataclasses.field(default_factory=dict)
    brands: dict[str, Brand] = dataclasses.field(default_factory=dict)
    custom_fields: dict[str, CustomFieldDefinition] = dataclasses.field(default_factory=dict)

    def snapshot(self) -> tuple[set[str], dict[str, Department], dict[str, Brand],
                                dict[str, CustomFieldDefinition]]:
        return (set(self.taken), dict(self.departments), dict(self.brands),
                dict(self.custom_fields))

    def restore(self, snap: tuple[set[str], dict[str, Department], dict[str, Brand],
                                  dict[str, CustomFieldDefinition]]) -> None:
        self.taken, self.departments, self.brands, self.custom_fields = (
            set(snap[0]), dict(snap[1]), dict(snap[2]), dict(snap[3]))


def _sku_taken(ctx: _Context, sku: str) -> bool:
    upper = sku.upper()
    if upper in ctx.taken:
        return True
    if ctx.all_known:
        return False
    return (Item.objects.filter(sku__iexact=sku).exists()
            or Variant.objects.filter(sku__iexact=sku).exists())


def _free_sku(ctx: _Context, base: str, suffix_id: int) -> str:
    """`base` when free, else base + "X<id>" (then "X<id>N<n>"): the same product gets the
    same SKU whichever batch meets it, once the base's owner (the lowest id) is decided."""
    candidate = base
    n = 1
    while not candidate or _sku_taken(ctx, candidate):
        tail = f"X{suffix_id}" if n == 1 else f"X{suffix_id}N{n}"
        candidate = f"{base[:SKU_MAX - len(tail)]}{tail}"
        n += 1
    ctx.taken.add(candidate.upper())
    return candidate


def _sequence_sku(ctx: _Context) -> str:
    # Locked, so two imports never hand out the same number.
    locked = ImportSettings.objects.select_for_update().get(pk=ctx.settings.pk)
    n = locked.sequence_next
    while _sku_taken(ctx, f"{locked.sequence_prefix}{n}"):
        n += 1
    locked.sequence_next = n + 1
    locked.save(update_fields=["sequence_next", "updated_at"])
    ctx.settings.sequence_next = n + 1
    sku = f"{locked.sequence_prefix}{n}"
    ctx.taken.add(sku.upper())
    return sku


def _new_sku(ctx: _Context, *, bc_sku: str, bc_id: int) -> str:
    source = ctx.settings.item_number_source
    if source == ItemNumberSource.SEQUENCE:
        return _sequence_sku(ctx)
    if source == ItemNumberSource.BC_SKU and pos_sku_base(bc_sku):
        return _free_sku(ctx, pos_sku_base(bc_sku), bc_id)
    # The product id; also for an SKU that is missing or punctuation only.
    return _free_sku(ctx, str(bc_id), bc_id)


def _money(raw: Mapping[str, Any], key: str) -> Decimal:
    value = raw.get(key)
    if value in (None, ""):
        return Decimal("0")
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ProductRefused(key, f"{key} {value!r} is not a number") from None
    if amount < 0:
        raise ProductRefused(key, f"{key} {value} is negative; the POS takes 0 or more")
    return amount


def _measure(raw: Mapping[str, Any], key: str) -> Decimal:
    value = raw.get(key)
    if value in (None, ""):
        return Decimal("0")  # a missing weight (or dimension) is 0, as BigCommerce shows it
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError):
        raise ProductRefused(key, f"{key} {value!r} is not a number") from None
    if amount < 0:
        raise ProductRefused(key, f"{key} {value} is negative")
    return amount


def _quantity(raw: Mapping[str, Any]) -> int:
    value = raw.get("inventory_level")
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        raise ProductRefused("inventory_level",
                             f"quantity {value!r} is not a number") from None


def _option_values(raw: Mapping[str, Any]) -> dict[str, str]:
    return {str(o.get("option_display_name") or o.get("option_id") or "Option")[:100]:
            str(o.get("label") or "") for o in raw.get("option_values") or []
            if isinstance(o, Mapping)}


def _department(ctx: _Context, category_ids: Iterable[Any]) -> Department:
    for cid in category_ids or []:
        name = ctx.category_names.get(int(cid)) if str(cid).lstrip("-").isdigit() else None
        if name and name.strip():
            name = name.strip()[:DEPT_MAX]
            key = name.lower()
            if key not in ctx.departments:
                ctx.departments[key] = (Department.objects.filter(name__iexact=name).first()
                                        or Department.objects.create(name=name))
            return ctx.departments[key]
    return default_department(ctx.settings)


def _brand(ctx: _Context, brand_id: Any) -> Brand | None:
    name = (ctx.brand_names.get(int(brand_id)) or "").strip()[:100] if brand_id else ""
    if not name:
        return None
    key = name.lower()
    if key not in ctx.brands:
        ctx.brands[key] = (Brand.objects.filter(name__iexact=name).first()
                           or Brand.objects.create(name=name))
    return ctx.brands[key]


def _custom_field(ctx: _Context, name: str) -> CustomFieldDefinition:
    if name not in ctx.custom_fields:
        ctx.custom_fields[name] = (CustomFieldDefinition.objects.filter(name=name).first()
                                   or CustomFieldDefinition.objects.create(name=name))
    return ctx.custom_fields[name]


def _existing_items(bc_skus: Iterable[str]) -> dict[str, Item]:
    """Items that already stand for these BigCommerce SKUs: a product number holding the SKU,
    or a POS SKU that is the stripped one. Keyed by the BigCommerce SKU."""
    skus = {s.strip() for s in bc_skus if s and s.strip()}
    if not skus:
        return {}
    bases = {pos_sku_base(s).upper(): s for s in skus if pos_sku_base(s)}
    found: dict[str, Item] = {}
    # Upper(sku) is what the unique index holds: one index lookup per SKU, any letter case.
    query = Q(product_number__in=skus) | Q(sku_upper__in=list(bases))
    for item in Item.objects.annotate(sku_upper=Upper("sku")).filter(query).order_by("pk"):
        key = item.product_number if item.product_number in skus else bases.get(item.sku.upper())
        if key and key not in found:
            found[key] = item
    return found


def _link_existing(ctx: _Context, lc: LcProduct, item: Item, result: ProductResult) -> None:
    now = timezone.now()
    online = bc_values(lc.raw, brand_names=ctx.brand_names)
    sync, _ = ItemSync.objects.update_or_create(
        connection=ctx.connection, item=item,
        defaults={"bc_product_id": lc.bc_id, "linked_by": ItemSync.LinkedBy.IMPORTED,
                  "linked_at": now, "pushed": online, "pushed_at": now})
    by_sku = {v.sku.upper(): v for v in item.variants.all()}
    for lv in lc.variants.all():
        pos_variant = by_sku.get(pos_sku_base(lv.sku).upper()) if lv.sku else None
        if pos_variant is not None:
            VariantSync.objects.update_or_create(
                item_sync=sync, variant=pos_variant,
                defaults={"bc_variant_id": lv.bc_id,
                          "pushed": bc_variant_values(lv.raw, product=lc.raw),
                          "pushed_at": now})
    # The POS item keeps its values; where they differ from what is online (the `pushed`
    # memory above), the background push decides by the policies, like any edit.
    outbox_mark(item_ids=[item.pk])
    result.outcome, result.item_id, result.sku = LINKED, item.pk, item.sku
    result.message = "an item with this SKU already existed"
    SyncEvent.objects.create(
        connection=ctx.connection, item=item, label=f"{item.sku} – {item.name}"[:300], at=now,
        user=ctx.user if getattr(ctx.user, "pk", None) else None, job=ctx.job,
        action=SyncEvent.Action.LINKED, direction=SyncEvent.Direction.IMPORT,
        fields={"bc_product_id": {"from": None, "to": lc.bc_id}})


@dataclass
class _Built:
    """One product as POS rows not yet written."""

    lc: LcProduct
    result: ProductResult
    item: Item
    variants: list[tuple[LcVariant, Variant]]
    custom: list[tuple[CustomFieldDefinition, str]]
    stock: list[StockLevel]
    skipped_zero: int = 0


def _build(ctx: _Context, lc: LcProduct, result: ProductResult) -> _Built:
    """The POS rows of one product, checked (ProductRefused names the field) before any
    reference data (department, brand) is looked up or made."""
    raw = lc.raw
    bc_sku = str(raw.get("sku") or "").strip()
    mapped = mapping_apply(ctx.rows, raw)
    name = (mapped.get("name") or "").strip() or str(raw.get("name") or "").strip()
    if not name:
        raise ProductRefused("name", "the product has no name")
    if len(name) > NAME_MAX:
        result.notes.append(f"name shortened from {len(name)} to {NAME_MAX} characters")
        name = name[:NAME_MAX - 1] + "…"
    upc = mapped.get("upc", "").strip()
    if len(upc) > UPC_MAX:
        raise ProductRefused("upc", f"UPC {upc!r} is longer than the POS's {UPC_MAX} "
                                    "characters")
    if len(bc_sku) > PRODUCT_NUMBER_MAX:
        raise ProductRefused("sku", "SKU is longer than the product number holds")
    prices = {k: _money(raw, k) for k in ("price", "cost_price")}
    measures = {k: _measure(raw, k) for k in ("weight", "width", "height", "depth")}
    product_stock = raw.get("inventory_tracking") != "variant"
    rows: list[tuple[LcVariant, dict[str, str], Any, Any, str]] = []
    for lv in lc.variants.all():
        options = _option_values(lv.raw)
        if not options:
            continue  # the base variant of a product without options is the product itself
        vraw = lv.raw
        price = None if vraw.get("price") is None else _money(vraw, "price")
        weight = None if vraw.get("weight") is None else _measure(vraw, "weight")
        rows.append((lv, options, price, weight, str(vraw.get("image_url") or "")))
    quantities = ([_quantity(raw)] if product_stock else [_quantity(lv.raw) for lv, *_ in rows]
                  ) if ctx.stock else []
    if ctx.stock and ctx.location is None:
        raise ProductRefused("inventory_level", "no default location to put stock at "
                                                "(set one in the import settings)")

    if not pos_sku_base(bc_sku):
        result.notes.append("no letters or digits in the BigCommerce SKU: numbered by "
                            "product id" if bc_sku else "no BigCommerce SKU")
    sku = _new_sku(ctx, bc_sku=bc_sku, bc_id=lc.bc_id)
    if (ctx.settings.item_number_source == ItemNumberSource.BC_SKU and pos_sku_base(bc_sku)
            and sku != pos_sku_base(bc_sku)):
        result.notes.append(f"SKU {pos_sku_base(bc_sku)} taken: {sku}")
    if raw.get("images"):
        result.notes.append(IMAGES_NOTE)
    item = Item(
        sku=sku, product_number=bc_sku, name=name, description=mapped.get("description", ""),
        upc=upc, bin_number=mapped.get("bin_number", "")[:255],
        brand=_brand(ctx, raw.get("brand_id")), vendor=ctx.vendor,
        department=_department(ctx, lc.category_ids),
        unit_of_measure=ctx.settings.default_unit_of_measure, **prices, **measures)
    built = _Built(lc=lc, result=result, item=item, variants=[], custom=[], stock=[])
    for cf in raw.get("custom_fields") or []:
        cf_name = str(cf.get("name") or "").strip()[:250]
        if cf_name:
            built.custom.append((_custom_field(ctx, cf_name), str(cf.get("value") or "")[:250]))
    source = ctx.settings.item_number_source
    for lv, options, price, weight, image in rows:
        if source == ItemNumberSource.SEQUENCE:
            vsku = _sequence_sku(ctx)
        elif source == ItemNumberSource.BC_SKU and pos_sku_base(lv.sku):
            vsku = _free_sku(ctx, pos_sku_base(lv.sku), lv.bc_id)
        else:
            vsku = _free_sku(ctx, str(lv.bc_id), lv.bc_id)
        built.variants.append((lv, Variant(
            item=item, sku=vsku, option_values=options,
            price_mode=Variant.Mode.INHERIT if price is None else Variant.Mode.ABSOLUTE,
            price=price,
            weight_mode=Variant.Mode.INHERIT if weight is None else Variant.Mode.ABSOLUTE,
            weight=weight, image_url=image if len(image) <= 255 else "",
            barcode=str(lv.raw.get("upc") or "")[:14])))
    targets: list[Variant | None] = ([None] if product_stock
                                     else [v for _, v in built.variants])
    for variant, qty in zip(targets, quantities, strict=False):
        if qty <= 0 and ctx.settings.skip_zero_quantity:
            built.skipped_zero += 1
        else:
            built.stock.append(StockLevel(item=item, variant=variant, location=ctx.location,
                                          on_hand=qty))
    return built


def _write(ctx: _Context, report: ImportReport, batch: list[_Built]) -> None:
    """Write built products (inside the caller's transaction): a few bulk inserts per table
    for the whole batch. No outbox mark: an imported item is in step by construction
    (`pushed` is its own values), and a pull's write must never queue a push back."""
    if not batch:
        return
    now = timezone.now()
    items = Item.objects.bulk_create([b.item for b in batch])
    if ctx.location is not None:
        through = Item.locations.through
        through.objects.bulk_create([through(item_id=i.pk, location_id=ctx.location.pk)
                                     for i in items])
    for b in batch:
        for _, v in b.variants:
            v.item = b.item
        for level in b.stock:
            level.item = b.item
    Variant.objects.bulk_create([v for b in batch for _, v in b.variants])
    StockLevel.objects.bulk_create([s for b in batch for s in b.stock])
    CustomFieldValue.objects.bulk_create([
        CustomFieldValue(item=b.item, definition=d, value=value)
        for b in batch for d, value in b.custom])
    syncs = []
    for b in batch:
        # What pos_values reads, from memory: no query per product.
        b.item._prefetched_objects_cache = {  # type: ignore[attr-defined]
            "variants": [v for _, v in b.variants], "stock_levels": b.stock,
            "components": []}  # a new item is no bundle master (push.fields.stock_for)
        syncs.append(ItemSync(connection=ctx.connection, item=b.item, bc_product_id=b.lc.bc_id,
                              linked_by=ItemSync.LinkedBy.IMPORTED, linked_at=now,
                              pushed=pos_values(b.item, connection=ctx.connection),
                              pushed_at=now))
    ItemSync.objects.bulk_create(syncs)
    VariantSync.objects.bulk_create([
        VariantSync(item_sync=sync, variant=v, bc_variant_id=lv.bc_id, pushed_at=now,
                    pushed=variant_values(v, connection=ctx.connection))
        for sync, b in zip(syncs, batch, strict=True) for lv, v in b.variants])
    user = ctx.user if getattr(ctx.user, "pk", None) else None
    SyncEvent.objects.bulk_create([
        SyncEvent(connection=ctx.connection, item=b.item,
                  label=f"{b.item.sku} – {b.item.name}"[:300], at=now, user=user, job=ctx.job,
                  action=SyncEvent.Action.CREATED, direction=SyncEvent.Direction.IMPORT,
                  fields={"bc_product_id": {"from": None, "to": b.lc.bc_id}})
        for b in batch])
    for b in batch:
        b.result.outcome, b.result.item_id, b.result.sku = CREATED, b.item.pk, b.item.sku
        b.result.message = "; ".join(b.result.notes)
        report.stock_rows += len(b.stock)
        report.stock_skipped_zero += b.skipped_zero


def _failed(ctx: _Context, result: ProductResult, field: str, message: str) -> None:
    result.outcome, result.field, result.message, result.item_id = FAILED, field, message, None
    SyncEvent.objects.create(
        connection=ctx.connection,
        label=f"BigCommerce product {result.bc_product_id} {result.name}"[:300],
        at=timezone.now(), user=ctx.user if getattr(ctx.user, "pk", None) else None,
        job=ctx.job, action=SyncEvent.Action.FAILED, direction=SyncEvent.Direction.IMPORT,
        ok=False, error=message,
        error_field=field)


def _refusal(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, ProductRefused):
        return exc.field, exc.message
    if isinstance(exc, ValidationError):
        fields = getattr(exc, "message_dict", {}) or {"record": exc.messages}
        first = next(iter(fields))
        return first, "; ".join(fields[first])
    return "record", f"the database refused it: {str(exc).splitlines()[0][:300]}"


def _import_one(ctx: _Context, report: ImportReport, lc: LcProduct, result: ProductResult
                ) -> None:
    """One product in its own transaction, every SKU checked against the database."""
    ctx.all_known = False
    linked = (ItemSync.objects.filter(connection=ctx.connection, bc_product_id=lc.bc_id)
              .select_related("item").first())
    if linked is not None:  # another import (a second click, a worker) got there first
        result.outcome, result.item_id, result.sku = LINKED, linked.item_id, linked.item.sku
        result.message, result.notes = "already linked", []
        return
    snap = ctx.snapshot()
    try:
        with transaction.atomic():
            existing = _existing_items([str(lc.raw.get("sku") or "")]).get(
                str(lc.raw.get("sku") or "").strip())
            if existing is not None and not ItemSync.objects.filter(
                    connection=ctx.connection, item=existing, bc_product_id__isnull=False
            ).exists():
                _link_existing(ctx, lc, existing, result)
            else:
                _write(ctx, report, [_build(ctx, lc, result)])
    except (ProductRefused, ValidationError, IntegrityError, DatabaseError) as exc:
        ctx.restore(snap)  # names and rows of the rolled-back product are free again
        _failed(ctx, result, *_refusal(exc))


def _import_batch(ctx: _Context, report: ImportReport, lcs: list[LcProduct],
                  results: dict[int, ProductResult]) -> None:
    """Products with nothing to link, built in memory and written in one transaction; a
    refused product is left out, named. Should the write fail (a row another process wrote
    meanwhile), the batch is rolled back and each product goes again on its own."""
    snap = ctx.snapshot()
    built: list[_Built] = []
    try:
        with transaction.atomic():
            ctx.all_known = True
            for lc in lcs:
                try:
                    built.append(_build(ctx, lc, results[lc.bc_id]))
                except (ProductRefused, ValidationError) as exc:
                    results[lc.bc_id].outcome = FAILED
                    results[lc.bc_id].field, results[lc.bc_id].message = _refusal(exc)
            _write(ctx, report, built)
    except (IntegrityError, DatabaseError):
        ctx.restore(snap)
        for b in built:
            b.result.notes.clear()
        for lc in lcs:
            results[lc.bc_id].outcome, results[lc.bc_id].notes = FAILED, []
            _import_one(ctx, report, lc, results[lc.bc_id])
        return
    finally:
        ctx.all_known = False
    for lc in lcs:
        r = results[lc.bc_id]
        if r.outcome == FAILED:
            _failed(ctx, r, r.field, r.message)


def stock_imported(*, connection: StoreConnection, initial: bool) -> bool:
    """Stock comes in with the initial dataset, or when the POS does not own stock (QOH
    policy Off)."""
    return initial or policies_for(connection=connection)[SyncField.QOHS] == Policy.OFF


def _used_skus() -> set[str]:
    return ({s.upper() for s in Item.objects.values_list("sku", flat=True).iterator()}
            | {s.upper() for s in Variant.objects.values_list("sku", flat=True).iterator()})


def products_import(*, connection: StoreConnection, bc_product_ids: Iterable[int],
                    user: Any = None, job: SyncJob | str | None = None, initial: bool = False,
                    progress: Callable[[ImportReport], None] | None = None,
                    batch_size: int = 200) -> ImportReport:
    """Import these BigCommerce products (ids of the store's LC) into the POS and link them.

    Reads only the local copy: 0 requests to BigCommerce. The report has one
    `ProductResult` per id (created / linked / failed with the field and message), in
    ascending id order — so the lowest id keeps a contested SKU and the others get the
    suffix. Each product is all or nothing: products are written in batches of
    `batch_size` in one transaction; a refused product is left out of its batch, and a batch
    whose write fails is rolled back and imported product by product, each in its own
    transaction. `initial=True` imports stock too (the initial dataset); otherwise stock
    comes only when the QOH policy is Off. `job` names the background job in the history;
    `progress(report)` is called after each batch."""
    settings = import_settings_for(connection=connection)
    mapping: FieldMapping | None = settings.product_mapping
    store = connection.store_hash
    ctx = _Context(
        connection=connection, settings=settings,
        rows=mapping_rows(mapping=mapping, kind=FieldMapping.Kind.PRODUCT_IMPORT),
        stock=stock_imported(connection=connection, initial=initial), user=user,
        job=(f"import job #{job.pk}" if isinstance(job, SyncJob) else (job or ""))[:100],
        brand_names=dict(LcBrand.objects.filter(store_hash=store).values_list("bc_id", "name")),
        category_names=dict(LcCategory.objects.filter(store_hash=store)
                            .values_list("bc_id", "name")),
        location=default_location(settings), vendor=default_vendor(settings))
    ids = sorted({int(i) for i in bc_product_ids})
    report = ImportReport()
    for start in range(0, len(ids), batch_size):
        part = ids[start:start + batch_size]
        found = {p.bc_id: p for p in LcProduct.objects.filter(store_hash=store, bc_id__in=part)
                 .prefetch_related("variants")}
        linked = dict(ItemSync.objects.filter(connection=connection, bc_product_id__in=part)
                      .values_list("bc_product_id", "item__sku"))
        linked_items = dict(ItemSync.objects.filter(connection=connection, bc_product_id__in=part)
                            .values_list("bc_product_id", "item_id"))
        existing = _existing_items(str(p.raw.get("sku") or "") for p in found.values())
        results = {i: ProductResult(bc_product_id=i, outcome=FAILED) for i in part}
        fresh: list[LcProduct] = []
        one_by_one: list[LcProduct] = []
        for bc_id in part:
            r, lc = results[bc_id], found.get(bc_id)
            if lc is None:
                r.field, r.message = "id", "not in the local copy (reload products first)"
                continue
            r.name = lc.name
            if bc_id in linked:
                r.outcome, r.item_id, r.sku = LINKED, linked_items[bc_id], linked[bc_id]
                r.message = "already linked"
            elif str(lc.raw.get("sku") or "").strip() in existing:
                one_by_one.append(lc)
            else:
                fresh.append(lc)
        if fresh:
            ctx.taken = _used_skus() if not ctx.taken or start == 0 else ctx.taken
            _import_batch(ctx, report, fresh, results)
        for lc in one_by_one:
            _import_one(ctx, report, lc, results[lc.bc_id])
        report.results.extend(results[i] for i in part)
        if progress is not None:
            progress(report)
    return report


def unlinked_product_ids(*, connection: StoreConnection) -> list[int]:
    """The LC's products no POS item is linked to, for this store."""
    linked = ItemSync.objects.filter(connection=connection, bc_product_id__isnull=False
                                     ).values("bc_product_id")
    return list(LcProduct.objects.filter(store_hash=connection.store_hash)
                .exclude(bc_id__in=linked).order_by("bc_id").values_list("bc_id", flat=True))
