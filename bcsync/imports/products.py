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
from django.utils import timezone

from catalog.models import (
    Brand,
    CustomFieldDefinition,
    CustomFieldValue,
    Department,
    Item,
    StockLevel,
    Variant,
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
from ..push.policies import policies_for
from .mappings import mapping_apply, mapping_rows
from .settings import default_department, default_location, default_vendor, import_settings_for

__all__ = ["ImportReport", "ProductResult", "products_import", "unlinked_product_ids"]

CREATED, LINKED, SKIPPED, FAILED = "created", "linked", "skipped", "failed"
SKU_MAX = Item._meta.get_field("sku").max_length or 40
NAME_MAX = Item._meta.get_field("name").max_length or 250
UPC_MAX = Item._meta.get_field("upc").max_length or 14
DEPT_MAX = Department._meta.get_field("name").max_length or 100
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


def _sku_taken(sku: str, *, taken: set[str]) -> bool:
    upper = sku.upper()
    if upper in taken:
        return True
    return (Item.objects.filter(sku__iexact=sku).exists()
            or Variant.objects.filter(sku__iexact=sku).exists())


def _free_sku(base: str, suffix_id: int, *, taken: set[str]) -> str:
    """`base` when free, else base + "X<id>" (then "X<id>N"): the same product gets the same
    SKU whichever order a bulk import meets it in, once the base's owner is decided."""
    if base and not _sku_taken(base, taken=taken):
        return base
    tail = f"X{suffix_id}"
    candidate = f"{base[:SKU_MAX - len(tail)]}{tail}"
    n = 1
    while _sku_taken(candidate, taken=taken):
        n += 1
        tail = f"X{suffix_id}N{n}"
        candidate = f"{base[:SKU_MAX - len(tail)]}{tail}"
    return candidate


def _sequence_sku(settings: ImportSettings, *, taken: set[str]) -> str:
    # Locked, so two imports never hand out the same number.
    locked = ImportSettings.objects.select_for_update().get(pk=settings.pk)
    n = locked.sequence_next
    while _sku_taken(f"{locked.sequence_prefix}{n}", taken=taken):
        n += 1
    locked.sequence_next = n + 1
    locked.save(update_fields=["sequence_next", "updated_at"])
    settings.sequence_next = n + 1
    return f"{locked.sequence_prefix}{n}"


def _new_sku(settings: ImportSettings, *, bc_sku: str, bc_id: int, taken: set[str]) -> str:
    source = settings.item_number_source
    if source == ItemNumberSource.SEQUENCE:
        return _sequence_sku(settings, taken=taken)
    if source == ItemNumberSource.BC_SKU and pos_sku_base(bc_sku):
        return _free_sku(pos_sku_base(bc_sku), bc_id, taken=taken)
    # The product id; also for an SKU that is missing or punctuation only.
    return _free_sku(str(bc_id), bc_id, taken=taken)


def _money(raw: Mapping[str, Any], key: str, *, required: bool = False) -> Decimal:
    value = raw.get(key)
    if value in (None, ""):
        return Decimal("0")
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ProductRefused(key, f"{key} {value!r} is not a number") from None
    if not amount.is_finite():
        raise ProductRefused(key, f"{key} {value!r} is not a number")
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


def _option_values(raw: Mapping[str, Any]) -> dict[str, str]:
    return {str(o.get("option_display_name") or o.get("option_id") or "Option")[:100]:
            str(o.get("label") or "") for o in raw.get("option_values") or []
            if isinstance(o, Mapping)}


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
    taken: set[str] = dataclasses.field(default_factory=set)


def _department(ctx: _Context, category_ids: Iterable[Any]) -> Department:
    for cid in category_ids or []:
        name = ctx.category_names.get(int(cid)) if str(cid).lstrip("-").isdigit() else None
        if name and name.strip():
            name = name.strip()[:DEPT_MAX]
            found = Department.objects.filter(name__iexact=name).first()
            return found or Department.objects.create(name=name)
    return default_department(ctx.settings)


def _brand(ctx: _Context, brand_id: Any) -> Brand | None:
    name = (ctx.brand_names.get(int(brand_id)) or "").strip()[:100] if brand_id else ""
    if not name:
        return None
    return Brand.objects.filter(name__iexact=name).first() or Brand.objects.create(name=name)


def _existing_item(bc_sku: str) -> Item | None:
    """An item that already stands for this product by SKU: its product number holds the
    BigCommerce SKU, or its SKU is the stripped one."""
    if not bc_sku.strip():
        return None
    base = pos_sku_base(bc_sku)
    query = Q(product_number=bc_sku.strip())
    if base:
        query |= Q(sku__iexact=base)
    return Item.objects.filter(query).order_by("pk").first()


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
    result.outcome, result.item_id, result.sku = LINKED, item.pk, item.sku
    result.message = "an item with this SKU already existed"
    SyncEvent.objects.create(
        connection=ctx.connection, item=item, label=f"{item.sku} – {item.name}"[:300], at=now,
        user=ctx.user if getattr(ctx.user, "pk", None) else None, job=ctx.job,
        action=SyncEvent.Action.LINKED, fields={"bc_product_id": {"from": None,
                                                                  "to": lc.bc_id}})


def _stock(ctx: _Context, report: ImportReport, item: Item, variant: Variant | None,
           quantity: Any) -> None:
    location = default_location(ctx.settings)
    if location is None:
        raise ProductRefused("inventory_level", "no default location to put stock at "
                                                "(set one in the import settings)")
    try:
        qty = int(quantity or 0)
    except (TypeError, ValueError):
        raise ProductRefused("inventory_level", f"quantity {quantity!r} is not a number") from None
    if qty <= 0 and ctx.settings.skip_zero_quantity:
        report.stock_skipped_zero += 1
        return
    StockLevel.objects.create(item=item, variant=variant, location=location, on_hand=qty)
    report.stock_rows += 1


def _create(ctx: _Context, report: ImportReport, lc: LcProduct, result: ProductResult) -> None:
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
    if len(bc_sku) > Item._meta.get_field("product_number").max_length:  # type: ignore[operator]
        raise ProductRefused("sku", "SKU is longer than the product number holds")
    if not pos_sku_base(bc_sku):
        result.notes.append("no letters or digits in the BigCommerce SKU: numbered by "
                            "product id" if bc_sku else "no BigCommerce SKU")
    sku = _new_sku(ctx.settings, bc_sku=bc_sku, bc_id=lc.bc_id, taken=ctx.taken)
    if pos_sku_base(bc_sku) and ctx.settings.item_number_source == ItemNumberSource.BC_SKU \
            and sku != pos_sku_base(bc_sku):
        result.notes.append(f"SKU {pos_sku_base(bc_sku)} taken: {sku}")
    ctx.taken.add(sku.upper())
    item = Item(
        sku=sku, product_number=bc_sku, name=name,
        description=mapped.get("description", ""),
        price=_money(raw, "price"), cost_price=_money(raw, "cost_price"), upc=upc,
        bin_number=mapped.get("bin_number", "")[:255], brand=_brand(ctx, raw.get("brand_id")),
        vendor=default_vendor(ctx.settings), department=_department(ctx, lc.category_ids),
        unit_of_measure=ctx.settings.default_unit_of_measure,
        weight=_measure(raw, "weight"), width=_measure(raw, "width"),
        height=_measure(raw, "height"), depth=_measure(raw, "depth"),
    )
    item.save()
    location = default_location(ctx.settings)
    if location is not None:
        item.locations.add(location)
    if raw.get("images"):
        result.notes.append(IMAGES_NOTE)
    for cf in raw.get("custom_fields") or []:
        cf_name = str(cf.get("name") or "").strip()[:250]
        if not cf_name:
            continue
        definition = (CustomFieldDefinition.objects.filter(name=cf_name).first()
                      or CustomFieldDefinition.objects.create(name=cf_name))
        CustomFieldValue.objects.update_or_create(
            item=item, definition=definition, defaults={"value": str(cf.get("value") or "")[:250]})
    product_stock = raw.get("inventory_tracking") != "variant"
    pairs: list[tuple[LcVariant, Variant]] = []
    for lv in lc.variants.all():
        options = _option_values(lv.raw)
        if not options:
            continue  # the base variant of a product without options is the product itself
        if ctx.settings.item_number_source == ItemNumberSource.SEQUENCE:
            vsku = _sequence_sku(ctx.settings, taken=ctx.taken)
        elif (ctx.settings.item_number_source == ItemNumberSource.BC_SKU
              and pos_sku_base(lv.sku)):
            vsku = _free_sku(pos_sku_base(lv.sku), lv.bc_id, taken=ctx.taken)
        else:
            vsku = _free_sku(str(lv.bc_id), lv.bc_id, taken=ctx.taken)
        ctx.taken.add(vsku.upper())
        vraw = lv.raw
        price = vraw.get("price")
        weight = vraw.get("weight")
        image = str(vraw.get("image_url") or "")
        variant = Variant.objects.create(
            item=item, sku=vsku, option_values=options,
            price_mode=Variant.Mode.INHERIT if price is None else Variant.Mode.ABSOLUTE,
            price=None if price is None else _money(vraw, "price"),
            weight_mode=Variant.Mode.INHERIT if weight is None else Variant.Mode.ABSOLUTE,
            weight=None if weight is None else _measure(vraw, "weight"),
            image_url=image if len(image) <= 255 else "",
            barcode=str(vraw.get("upc") or "")[:14])
        pairs.append((lv, variant))
        if ctx.stock and not product_stock:
            _stock(ctx, report, item, variant, vraw.get("inventory_level"))
    if ctx.stock and product_stock:
        _stock(ctx, report, item, None, raw.get("inventory_level"))
    now = timezone.now()
    item = Item.objects.prefetch_related("variants", "stock_levels").select_related(
        "brand").get(pk=item.pk)
    sync, _ = ItemSync.objects.update_or_create(
        connection=ctx.connection, item=item,
        defaults={"bc_product_id": lc.bc_id, "linked_by": ItemSync.LinkedBy.IMPORTED,
                  "linked_at": now, "pushed": pos_values(item, connection=ctx.connection),
                  "pushed_at": now})
    VariantSync.objects.bulk_create([
        VariantSync(item_sync=sync, variant=v, bc_variant_id=lv.bc_id, pushed_at=now,
                    pushed=variant_values(v, connection=ctx.connection)) for lv, v in pairs])
    result.outcome, result.item_id, result.sku = CREATED, item.pk, item.sku
    result.message = "; ".join(result.notes)
    SyncEvent.objects.create(
        connection=ctx.connection, item=item, label=f"{item.sku} – {item.name}"[:300], at=now,
        user=ctx.user if getattr(ctx.user, "pk", None) else None, job=ctx.job,
        action=SyncEvent.Action.CREATED, fields={"bc_product_id": {"from": None,
                                                                   "to": lc.bc_id}})


def _import_one(ctx: _Context, report: ImportReport, bc_id: int, lc: LcProduct | None
                ) -> ProductResult:
    result = ProductResult(bc_product_id=bc_id, outcome=FAILED)
    if lc is None:
        result.field, result.message = "id", "not in the local copy (reload products first)"
        return result
    result.name = lc.name
    linked = (ItemSync.objects.filter(connection=ctx.connection, bc_product_id=bc_id)
              .select_related("item").first())
    if linked is not None:
        result.outcome, result.item_id, result.sku = LINKED, linked.item_id, linked.item.sku
        result.message = "already linked"
        return result
    stock_before = (report.stock_rows, report.stock_skipped_zero)
    try:
        with transaction.atomic():
            existing = _existing_item(str(lc.raw.get("sku") or lc.sku or ""))
            if existing is not None and not ItemSync.objects.filter(
                    connection=ctx.connection, item=existing, bc_product_id__isnull=False
            ).exists():
                _link_existing(ctx, lc, existing, result)
            else:
                _create(ctx, report, lc, result)
    except ProductRefused as exc:
        result.outcome, result.field, result.message = FAILED, exc.field, exc.message
    except ValidationError as exc:
        fields = getattr(exc, "message_dict", {}) or {"record": exc.messages}
        first = next(iter(fields))
        result.outcome, result.field = FAILED, first
        result.message = "; ".join(fields[first])
    except (IntegrityError, DatabaseError) as exc:
        result.outcome, result.field = FAILED, "record"
        result.message = f"the database refused it: {str(exc).splitlines()[0][:300]}"
    if result.outcome == FAILED:
        report.stock_rows, report.stock_skipped_zero = stock_before
        result.item_id = None
        ctx.taken.clear()  # names reserved by the rolled-back product are free again
        SyncEvent.objects.create(
            connection=ctx.connection, label=f"BigCommerce product {bc_id} {lc.name}"[:300],
            at=timezone.now(), user=ctx.user if getattr(ctx.user, "pk", None) else None,
            job=ctx.job, action=SyncEvent.Action.FAILED, ok=False, error=result.message,
            error_field=result.field)
    return result


def stock_imported(*, connection: StoreConnection, initial: bool) -> bool:
    """Stock comes in with the initial dataset, or when the POS does not own stock (QOH
    policy Off)."""
    return initial or policies_for(connection=connection)[SyncField.QOHS] == Policy.OFF


def products_import(*, connection: StoreConnection, bc_product_ids: Iterable[int],
                    user: Any = None, job: SyncJob | str | None = None, initial: bool = False,
                    progress: Callable[[ImportReport], None] | None = None,
                    progress_every: int = 50) -> ImportReport:
    """Import these BigCommerce products (ids of the store's LC) into the POS and link them.

    Reads only the local copy: 0 requests to BigCommerce. Each product in its own
    transaction; the report has one `ProductResult` per id (created / linked / skipped /
    failed with the field and message), in ascending id order — so the lowest id keeps a
    contested SKU and the others get the suffix. `initial=True` imports stock too (the
    initial dataset); otherwise stock comes only when the QOH policy is Off. `job` names the
    background job in the history; `progress` is called every `progress_every` products."""
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
                            .values_list("bc_id", "name")))
    ids = sorted({int(i) for i in bc_product_ids})
    report = ImportReport()
    chunk = 500
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        found = {p.bc_id: p for p in LcProduct.objects.filter(store_hash=store, bc_id__in=part)
                 .prefetch_related("variants")}
        for bc_id in part:
            report.results.append(_import_one(ctx, report, bc_id, found.get(bc_id)))
            if progress is not None and len(report.results) % progress_every == 0:
                progress(report)
    if progress is not None:
        progress(report)
    return report


def unlinked_product_ids(*, connection: StoreConnection) -> list[int]:
    """The LC's products no POS item is linked to, for this store."""
    linked = ItemSync.objects.filter(connection=connection, bc_product_id__isnull=False
                                     ).values("bc_product_id")
    return list(LcProduct.objects.filter(store_hash=connection.store_hash)
                .exclude(bc_id__in=linked).order_by("bc_id").values_list("bc_id", flat=True))
