"""Manual upload of POS items to BigCommerce, and its dry run (the preview).

Per item: not linked → link to the one matching product in the LC (by the store's match_by),
else create it with every Manual and On field plus what BigCommerce requires, description,
custom fields, categories and variants; linked → update the Manual and On fields whose value
online (the LC, or what we last pushed when the LC has not seen our push yet) differs from the
POS. Off fields are never sent on an update.

Requests: a create is one POST per product (BigCommerce has no batch create); updates go 10
products and 50 variants per PUT; stock goes in one absolute adjustment per 2,000 items at the
connection's inventory location; links cost nothing. Every item gets a history entry
(SyncEvent); a failing item records its field and message on its ItemSync and the rest goes on.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from catalog.models import Item, Variant
from localcopy.models import LcBrand, LcProduct

from ..client import BigCommerceClient, BigCommerceError, DuplicateSku
from ..inventory.locations import (
    extra_locations,
    extra_stock_values,
    is_stock_key,
    location_of_key,
    stock_key,
)
from ..models import (
    DepartmentCategory,
    ItemSync,
    Policy,
    StoreConnection,
    SyncEvent,
    SyncField,
    VariantSync,
)
from .conflicts import conflicts_found, conflicts_record, lc_is_fresh
from .exclusion import exclusion_reason, product_sync_problem
from .fields import (
    INVENTORY_KEY,
    REQUIRED_ON_CREATE,
    bc_values,
    bc_variant_values,
    diff,
    inventory_adjustment,
    item_export_rows,
    keys_of,
    product_payload,
    variant_inherits,
    variant_keys_of,
    variant_payload,
    variant_values,
    web_sku,
)
from .fields import pos_values as item_pos_values
from .matching import AmbiguousMatch, product_match
from .policies import fields_with, policies_for

logger = logging.getLogger("bcsync.push")

CHUNK = 100  # items planned, sent and recorded together (progress moves per chunk)
Progress = Callable[["UploadSummary"], None]


# -- what an upload would do ------------------------------------------------------------------


@dataclass
class VariantPlan:
    variant: Variant
    variant_sync: VariantSync | None
    bc_variant_id: int | None
    online: dict[str, Any]
    target: dict[str, Any]
    changes: dict[str, dict[str, Any]]
    found_online: bool = False  # linked now to a variant already online


@dataclass
class ItemPlan:
    """One item's upload, decided before anything is sent (the preview shows it as is)."""

    item: Item
    item_sync: ItemSync
    action: str  # create | link | update | unchanged | skip | fail
    label: str
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    variants: list[VariantPlan] = field(default_factory=list)
    conflicts: dict[str, dict[str, Any]] = field(default_factory=dict)
    online: dict[str, Any] = field(default_factory=dict)
    target: dict[str, Any] = field(default_factory=dict)
    linked_by: str = ""
    bc_product_id: int | None = None
    reason: str = ""
    error_field: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.item.pk, "sku": self.item.sku, "name": self.item.name,
            "action": self.action, "bc_product_id": self.bc_product_id,
            "linked_by": self.linked_by, "changes": self.changes,
            "variants": [{"sku": v.variant.sku, "bc_variant_id": v.bc_variant_id,
                          "changes": v.changes} for v in self.variants if v.changes],
            "conflicts": self.conflicts, "reason": self.reason,
            "error_field": self.error_field,
        }


@dataclass
class Context:
    connection: StoreConnection
    manual_on: frozenset[str]
    brand_names: dict[int, str]
    sync_problem: str | None


def _context(connection: StoreConnection) -> Context:
    policies = policies_for(connection=connection)
    item_export_rows(connection, fresh=True)  # the mapping as chosen now, for every item
    return Context(
        connection=connection,
        manual_on=fields_with(policies, {Policy.MANUAL, Policy.ON}),
        brand_names=dict(LcBrand.objects.filter(store_hash=connection.store_hash)
                         .values_list("bc_id", "name")),
        sync_problem=product_sync_problem(),
    )


def _label(item: Item) -> str:
    return f"{item.sku} – {item.name}"[:300]


def items_for_upload(items: Iterable[Item] | QuerySet[Item]) -> QuerySet[Item]:
    """The items with what planning reads, fetched in a few queries per chunk."""
    ids: Any = items.values("pk") if isinstance(items, QuerySet) else [i.pk for i in items]
    return (Item.objects.filter(pk__in=ids).order_by("pk")
            .select_related("brand", "department")
            .prefetch_related(Prefetch("variants", queryset=Variant.objects.order_by("sku")),
                              "variants__item", "stock_levels", "locations",
                              "custom_values__definition",
                              "components"))  # a bundle master's stock (inventory.bundles)


def _item_sync(item: Item, connection: StoreConnection) -> ItemSync:
    """The item's sync record with this store; a new one is saved only when recorded."""
    known = getattr(item, "_syncs", None)
    if known is None:
        known = list(ItemSync.objects.filter(connection=connection, item=item)
                     .prefetch_related("variant_syncs"))
    found = next((s for s in known if s.connection_id == connection.pk), None)
    return found or ItemSync(connection=connection, item=item)


def _lc_products(connection: StoreConnection, ids: Iterable[int]) -> dict[int, LcProduct]:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    return {p.bc_id: p for p in LcProduct.objects.filter(
        store_hash=connection.store_hash, bc_id__in=wanted).prefetch_related("variants")}


def _variant_plans(plan: ItemPlan, ctx: Context, online_variants: Iterable[dict[str, Any]],
                   fields: frozenset[str], *, fresh: bool,
                   product: dict[str, Any] | None = None) -> None:
    """Each POS variant against its variant online (`online_variants`: LcVariant.raw records
    or API answers), matched by its link, else by SKU."""
    syncs = {vs.variant_id: vs for vs in plan.item_sync.variant_syncs.all()} \
        if plan.item_sync.pk else {}
    records = [r for r in online_variants if isinstance(r, dict) and r.get("id")]
    by_id = {int(r["id"]): r for r in records}
    by_sku = {str(r["sku"]).lower(): r for r in records if r.get("sku")}
    for variant in plan.item.variants.all():
        target = variant_values(variant, connection=ctx.connection)
        vs = syncs.get(variant.pk)
        lcv = None
        found_online = False
        if vs is not None:
            lcv = by_id.get(vs.bc_variant_id)
        elif plan.bc_product_id:
            lcv = by_sku.get(variant.sku.lower())
            found_online = lcv is not None
        online = bc_variant_values(lcv, product=product) if lcv is not None else {}
        if vs is not None and (lcv is None or not fresh):
            online = {**online, **vs.pushed}
        bc_variant_id = vs.bc_variant_id if vs else (int(lcv["id"]) if lcv else None)
        if bc_variant_id is None and plan.bc_product_id:
            # Not online yet: everything it needs goes with its create.
            changes = {k: {"from": None, "to": v} for k, v in target.items()
                       if k in variant_keys_of(fields) or k == "sku"}
        else:
            changes = diff(online, target, fields, variant=True)
        plan.variants.append(VariantPlan(variant, vs, bc_variant_id, online, target, changes,
                                         found_online))


def item_plan(item: Item, ctx: Context, *, lc_products: dict[int, LcProduct] | None = None
              ) -> ItemPlan:
    """What uploading this item would do now; reads only the database (the LC)."""
    connection = ctx.connection
    item_sync = _item_sync(item, connection)
    plan = ItemPlan(item=item, item_sync=item_sync, action="update", label=_label(item),
                    bc_product_id=item_sync.bc_product_id, linked_by=item_sync.linked_by)
    if ctx.sync_problem:
        plan.action, plan.reason = "skip", ctx.sync_problem
        return plan
    if reason := exclusion_reason(item, connection=connection):
        plan.action, plan.reason = "skip", reason
        return plan
    plan.target = item_pos_values(item, connection=connection)
    lc_products = lc_products if lc_products is not None else _lc_products(
        connection, [item_sync.bc_product_id or 0])
    lc: LcProduct | None = None
    fresh = False
    if item_sync.is_linked:
        lc = lc_products.get(item_sync.bc_product_id or 0) or _lc_products(
            connection, [item_sync.bc_product_id or 0]).get(item_sync.bc_product_id or 0)
    else:
        try:
            match = product_match(item, connection=connection)
        except AmbiguousMatch as exc:
            plan.action, plan.reason, plan.error_field = "fail", str(exc), exc.match_by
            return plan
        if match is None:
            plan.action = "create"
            fields = ctx.manual_on | REQUIRED_ON_CREATE
            # What a new product gets; empty values are left to BigCommerce's defaults.
            plan.changes = {k: {"from": None, "to": plan.target[k]} for k in keys_of(fields)
                            if plan.target.get(k) not in (None, "")}
            for variant in item.variants.all():
                target = variant_values(variant, connection=connection)
                plan.variants.append(VariantPlan(
                    variant, None, None, {}, target,
                    {k: {"from": None, "to": target[k]}
                     for k in variant_keys_of(fields | {"skus"})
                     if target.get(k) not in (None, "")}))
            return plan
        lc = match.product
        plan.action, plan.linked_by, plan.bc_product_id = "link", match.match_by, lc.bc_id
    if lc is not None:
        plan.online = bc_values(lc.raw, brand_names=ctx.brand_names)
        fresh = lc_is_fresh(synced_at=lc.synced_at, pushed_at=item_sync.pushed_at)
        if item_sync.is_linked and fresh:
            plan.conflicts = conflicts_found(item_sync.pushed, plan.online, ctx.manual_on)
    if item_sync.is_linked and not fresh:
        # The LC has not seen our last push (or lost the product): as far as we know, online
        # holds what we sent.
        plan.online = {**plan.online, **item_sync.pushed}
    plan.changes = diff(plan.online, plan.target, ctx.manual_on)
    _variant_plans(plan, ctx, [v.raw for v in lc.variants.all()] if lc else [],
                   ctx.manual_on, fresh=fresh, product=lc.raw if lc else None)
    if plan.action == "update" and not plan.changes and not any(v.changes for v in plan.variants):
        plan.action = "unchanged"
    return plan


def items_preview(*, items: Iterable[Item] | QuerySet[Item], connection: StoreConnection
                  ) -> list[ItemPlan]:
    """The dry run: for each item, what an upload would do and which fields would change
    from what (online, per the LC) to what (the POS). Sends nothing, writes nothing but the
    item's sync record when it had none."""
    ctx = _context(connection)
    plans = []
    for item in items_for_upload(items):
        plans.append(item_plan(item, ctx))
    return plans


# -- doing it ---------------------------------------------------------------------------------


@dataclass
class UploadSummary:
    total: int = 0
    done: int = 0
    failed: int = 0
    requests: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        counts = ", ".join(f"{n} {a}" for a, n in sorted(self.counts.items()))
        return (f"{self.done} items, {self.requests} requests, {self.failed} errors"
                + (f" ({counts})" if counts else ""))


def _error_of(exc: BigCommerceError) -> tuple[str, str]:
    """(field, message) of a BigCommerce error, the field BigCommerce named first."""
    if exc.errors:
        name, message = next(iter(exc.errors.items()))
        return str(name)[:100], f"{message} ({exc.status} {exc.title})".strip()
    return "", str(exc.message or exc.title)


def _categories(item: Item, item_sync: ItemSync, connection: StoreConnection,
                mapping: dict[int, list[int]]) -> list[int]:
    if item_sync.bc_category_ids:
        return [int(c) for c in item_sync.bc_category_ids]
    return mapping.get(item.department_id, [])


def _create_payload(plan: ItemPlan, categories: list[int], fields: frozenset[str]
                    ) -> dict[str, Any]:
    item = plan.item
    body: dict[str, Any] = {"type": "physical", **product_payload(plan.target, fields)}
    if item.description:
        body["description"] = item.description
    if categories:
        body["categories"] = categories
    customs = [{"name": cv.definition.name, "value": cv.value}
               for cv in item.custom_values.all() if cv.value.strip()]
    if customs:
        body["custom_fields"] = customs
    if plan.variants:
        body["variants"] = [
            {**variant_payload({k: v for k, v in vp.target.items()
                                if v not in (None, "") and (k == "sku" or k in vp.changes)
                                and k not in variant_inherits(vp.variant)}),
             "option_values": [{"option_display_name": name, "label": value}
                               for name, value in vp.variant.option_values.items()]}
            for vp in plan.variants]
    if "qohs" in fields:
        body["inventory_tracking"] = "variant" if plan.variants else "product"
    return body


class _Run:
    """One upload: plans sent in chunks, outcomes recorded item by item."""

    def __init__(self, *, connection: StoreConnection, client: BigCommerceClient,
                 user: Any, job: str, summary: UploadSummary) -> None:
        self.connection = connection
        self.client = client
        self.user = user if getattr(user, "pk", None) else None
        self.job = job
        self.summary = summary
        self.ctx = _context(connection)
        self.categories = {dc.department_id: [int(c) for c in dc.bc_category_ids]
                           for dc in DepartmentCategory.objects.filter(connection=connection)}
        self.location_id = connection.bc_location_id or 1
        extra_locations(connection, fresh=True)  # the other location pairs, as mapped now

    # ---- per chunk ----

    def chunk(self, items: Sequence[Item]) -> None:
        syncs = ItemSync.objects.filter(connection=self.connection, item__in=items) \
            .prefetch_related("variant_syncs")
        by_item: dict[int, list[ItemSync]] = {}
        for s in syncs:
            by_item.setdefault(s.item_id, []).append(s)
        for item in items:
            item._syncs = by_item.get(item.pk, [])  # type: ignore[attr-defined]
        linked_ids = [s.bc_product_id for s in syncs if s.bc_product_id]
        lc = _lc_products(self.connection, linked_ids)
        plans = [item_plan(item, self.ctx, lc_products=lc) for item in items]
        sent: dict[int, dict[str, Any]] = {}  # item pk → product keys sent
        vsent: dict[int, dict[int, dict[str, Any]]] = {}  # item pk → variant pk → keys sent
        errors: dict[int, tuple[str, str]] = {}
        created_with_variants: dict[int, ItemPlan] = {}
        updates: list[dict[str, Any]] = []
        variant_updates: list[tuple[ItemPlan, VariantPlan, dict[str, Any]]] = []
        stock: list[tuple[ItemPlan, dict[str, Any]]] = []
        # Stock at the store's other mapped locations: an item whose only change is there
        # is uploaded too (the preview, which reads the LC, does not show it).
        extra = {id(p): self._extra_location_stock(p) for p in plans
                 if p.action in ("link", "update", "unchanged")}
        for plan in plans:
            if plan.action == "unchanged" and extra.get(id(plan)):
                plan.action = "update"

        for plan in plans:
            if plan.action in ("skip", "fail", "unchanged"):
                continue
            if plan.action == "create" and plan.item_sync.error:
                # A previous create may have reached BigCommerce with its answer lost.
                self._find_lost_create(plan)
            if plan.action == "create":
                self._create(plan, sent, vsent, errors, created_with_variants, stock)
                continue
            if plan.action == "link":
                self._link(plan)
            payload = product_payload({k: c["to"] for k, c in plan.changes.items()},
                                      self.ctx.manual_on)
            if payload:
                updates.append({"id": plan.bc_product_id, **payload})
            sent[plan.item.pk] = {k: c["to"] for k, c in plan.changes.items()
                                  if k != INVENTORY_KEY}
            if INVENTORY_KEY in plan.changes:
                stock.append((plan, inventory_adjustment(
                    plan.changes[INVENTORY_KEY]["to"], location_id=self.location_id,
                    product_id=plan.bc_product_id)))
            for vp in plan.variants:
                self._variant_update(plan, vp, variant_updates, stock, vsent)

        if created_with_variants:
            self._created_variant_ids(created_with_variants, vsent, stock)
        for plan in plans:
            if plan.action in ("create", "link", "update") and plan.bc_product_id:
                adjustments = (self._extra_location_stock(plan) if plan.action == "create"
                               else extra.get(id(plan), []))
                stock.extend((plan, adj) for adj in adjustments)
        self._send_updates(updates, plans, errors)
        self._send_variant_updates(variant_updates, errors, vsent)
        self._send_stock(stock, errors, sent, vsent)
        for plan in plans:
            self._record(plan, sent.get(plan.item.pk, {}), vsent.get(plan.item.pk, {}),
                         errors.get(plan.item.pk))

    def _find_lost_create(self, plan: ItemPlan) -> None:
        try:
            found = self.client.find_product(sku=web_sku(plan.item))
        except BigCommerceError:
            return
        if found and not ItemSync.objects.filter(connection=self.connection,
                                                 bc_product_id=found["id"]).exists():
            plan.action, plan.linked_by = "link", ItemSync.LinkedBy.CREATED
            plan.bc_product_id = int(found["id"])
            plan.online = bc_values(found, brand_names=self.ctx.brand_names)
            plan.changes = diff(plan.online, plan.target, self.ctx.manual_on)
            plan.variants = []
            _variant_plans(plan, self.ctx, self._variants_online(plan), self.ctx.manual_on,
                           fresh=False, product=found)

    def _create(self, plan: ItemPlan, sent: dict[int, dict[str, Any]],
                vsent: dict[int, dict[int, dict[str, Any]]],
                errors: dict[int, tuple[str, str]], with_variants: dict[int, ItemPlan],
                stock: list[tuple[ItemPlan, dict[str, Any]]]) -> None:
        fields = self.ctx.manual_on | REQUIRED_ON_CREATE
        categories = _categories(plan.item, plan.item_sync, self.connection, self.categories)
        body = _create_payload(plan, categories, fields)
        try:
            product = self.client.create_product(body)
        except DuplicateSku as exc:
            if self._link_existing_sku(plan):
                return self._after_link_by_sku(plan, sent, vsent, errors, stock)
            errors[plan.item.pk] = _error_of(exc)
            return None
        except BigCommerceError as exc:
            field_name, message = _error_of(exc)
            if "categor" in (field_name + message).lower() and not categories:
                field_name, message = "categories", (
                    f"{plan.item.sku}: BigCommerce requires a category and none is chosen: map "
                    f"department {plan.item.department} to categories on the sync settings "
                    f"page, or choose the item's categories. ({message})")
            errors[plan.item.pk] = (field_name, message)
            return None
        plan.bc_product_id = int(product["id"])
        plan.linked_by = ItemSync.LinkedBy.CREATED
        sent[plan.item.pk] = {k: plan.target[k] for k in keys_of(fields)
                              if k in plan.target and k != INVENTORY_KEY}
        if plan.variants:
            with_variants[plan.bc_product_id] = plan
        elif INVENTORY_KEY in plan.target and "qohs" in fields:
            stock.append((plan, inventory_adjustment(plan.target[INVENTORY_KEY],
                                                     location_id=self.location_id,
                                                     product_id=plan.bc_product_id)))
        return None

    def _link_existing_sku(self, plan: ItemPlan) -> bool:
        try:
            found = self.client.find_product(sku=web_sku(plan.item))
        except BigCommerceError:
            return False
        if not found or ItemSync.objects.filter(connection=self.connection,
                                                bc_product_id=found["id"]).exists():
            return False
        plan.action, plan.linked_by = "link", ItemSync.LinkedBy.SKU
        plan.bc_product_id = int(found["id"])
        plan.online = bc_values(found, brand_names=self.ctx.brand_names)
        plan.changes = diff(plan.online, plan.target, self.ctx.manual_on)
        plan.variants = []
        _variant_plans(plan, self.ctx, self._variants_online(plan), self.ctx.manual_on,
                       fresh=False, product=found)
        return True

    def _variants_online(self, plan: ItemPlan) -> list[dict[str, Any]]:
        """The variants of a product found online outside the LC (a lost create, an SKU
        taken): read only when the item has variants to match."""
        if not plan.item.variants.all() or not plan.bc_product_id:
            return []
        try:
            return list(self.client.iter_variants(product_id=plan.bc_product_id))
        except BigCommerceError as exc:
            logger.warning("variants of product %s not read: %s", plan.bc_product_id, exc)
            return []

    def _after_link_by_sku(self, plan: ItemPlan, sent: dict[int, dict[str, Any]],
                           vsent: dict[int, dict[int, dict[str, Any]]],
                           errors: dict[int, tuple[str, str]],
                           stock: list[tuple[ItemPlan, dict[str, Any]]]) -> None:
        self._link(plan)
        payload = product_payload({k: c["to"] for k, c in plan.changes.items()},
                                  self.ctx.manual_on)
        if payload:
            try:
                self.client.update_product(plan.bc_product_id or 0, payload)
            except BigCommerceError as exc:
                errors[plan.item.pk] = _error_of(exc)
                return
        sent[plan.item.pk] = {k: c["to"] for k, c in plan.changes.items()
                              if k != INVENTORY_KEY}
        if INVENTORY_KEY in plan.changes:
            stock.append((plan, inventory_adjustment(
                plan.changes[INVENTORY_KEY]["to"], location_id=self.location_id,
                product_id=plan.bc_product_id)))

    def _link(self, plan: ItemPlan) -> None:
        """The link itself, before anything is sent: what was found online is what the diff
        of the next push is taken against."""
        sync = plan.item_sync
        sync.bc_product_id = plan.bc_product_id
        sync.linked_by = plan.linked_by or ItemSync.LinkedBy.SKU
        sync.linked_at = sync.pushed_at = timezone.now()
        sync.pushed = {k: v for k, v in plan.online.items()}
        sync.conflicts = {}

    def _variant_update(self, plan: ItemPlan, vp: VariantPlan,
                        variant_updates: list[tuple[ItemPlan, VariantPlan, dict[str, Any]]],
                        stock: list[tuple[ItemPlan, dict[str, Any]]],
                        vsent: dict[int, dict[int, dict[str, Any]]]) -> None:
        changes = {k: c["to"] for k, c in vp.changes.items()}
        if vp.bc_variant_id is None:
            body = {**variant_payload({k: v for k, v in changes.items()
                                       if v not in (None, "")
                                       and k not in variant_inherits(vp.variant)}),
                    "sku": vp.variant.sku, "product_id": plan.bc_product_id,
                    "option_values": [{"option_display_name": n, "label": v}
                                      for n, v in vp.variant.option_values.items()]}
            variant_updates.append((plan, vp, body))
            return
        body = variant_payload(changes, inherit=variant_inherits(vp.variant))
        if body:
            variant_updates.append((plan, vp, {"id": vp.bc_variant_id, **body}))
        vsent.setdefault(plan.item.pk, {})[vp.variant.pk] = {
            k: v for k, v in changes.items() if k != INVENTORY_KEY}
        if INVENTORY_KEY in changes:
            stock.append((plan, inventory_adjustment(changes[INVENTORY_KEY],
                                                     location_id=self.location_id,
                                                     variant_id=vp.bc_variant_id)))

    def _created_variant_ids(self, created: dict[int, ItemPlan],
                             vsent: dict[int, dict[int, dict[str, Any]]],
                             stock: list[tuple[ItemPlan, dict[str, Any]]]) -> None:
        """Variant ids of the products just created (a POST answers without them): one list
        request for up to 50 products."""
        ids = list(created)
        for start in range(0, len(ids), 50):
            part = ids[start:start + 50]
            try:
                records = list(self.client.iter_variants(filters={"product_id:in": part}))
            except BigCommerceError as exc:
                logger.warning("variants of created products not read: %s", exc)
                continue
            by_sku = {(int(r["product_id"]), str(r.get("sku", "")).lower()): r for r in records}
            for pid in part:
                plan = created[pid]
                for vp in plan.variants:
                    record = by_sku.get((pid, vp.variant.sku.lower()))
                    if record is None:
                        continue
                    vp.bc_variant_id = int(record["id"])
                    # Everything else is BigCommerce's default now (empty, or the
                    # product's value): the memory the next diff is taken against.
                    vsent.setdefault(plan.item.pk, {})[vp.variant.pk] = {
                        k: v for k, v in vp.target.items() if k != INVENTORY_KEY}
                    if INVENTORY_KEY in vp.changes:
                        stock.append((plan, inventory_adjustment(
                            vp.target[INVENTORY_KEY], location_id=self.location_id,
                            variant_id=vp.bc_variant_id)))

    def _extra_location_stock(self, plan: ItemPlan) -> list[dict[str, Any]]:
        """The adjustments at the store's other mapped locations (`inventory.locations`)
        whose quantity differs from what was last pushed there (the LC holds no
        per-location stock to diff against), when QOHs are Manual or On."""
        if SyncField.QOHS not in self.ctx.manual_on or not extra_locations(self.connection):
            return []
        found: list[dict[str, Any]] = []
        if not plan.item.variants.all():
            if not plan.bc_product_id:
                return []
            pushed = plan.item_sync.pushed if plan.action != "create" else {}
            for key, quantity in extra_stock_values(plan.item,
                                                    connection=self.connection).items():
                if pushed.get(key) != quantity:
                    found.append(inventory_adjustment(
                        quantity, product_id=plan.bc_product_id,
                        location_id=location_of_key(key, connection=self.connection)))
            return found
        for vp in plan.variants:
            if vp.bc_variant_id is None:
                continue
            vp.variant.item = plan.item
            vpushed = vp.variant_sync.pushed if vp.variant_sync is not None else {}
            for key, quantity in extra_stock_values(plan.item, connection=self.connection,
                                                    variant=vp.variant).items():
                if vpushed.get(key) != quantity:
                    found.append(inventory_adjustment(
                        quantity, variant_id=vp.bc_variant_id,
                        location_id=location_of_key(key, connection=self.connection)))
        return found

    def _send_updates(self, updates: list[dict[str, Any]], plans: list[ItemPlan],
                      errors: dict[int, tuple[str, str]]) -> None:
        if not updates:
            return
        by_product = {p.bc_product_id: p for p in plans if p.bc_product_id}
        result = self.client.update_products(updates, isolate_invalid=True)
        for failure in result.failed:
            plan = by_product.get(int(failure.item.get("id") or 0))
            if plan is None or failure.partial:
                continue
            if failure.error is not None:
                errors[plan.item.pk] = _error_of(failure.error)
            else:
                errors[plan.item.pk] = (next(iter(failure.errors), ""), failure.title)

    def _send_variant_updates(self, variant_updates: list[tuple[ItemPlan, VariantPlan,
                                                                dict[str, Any]]],
                              errors: dict[int, tuple[str, str]],
                              vsent: dict[int, dict[int, dict[str, Any]]]) -> None:
        if not variant_updates:
            return
        result = self.client.update_variants([body for _, _, body in variant_updates],
                                             isolate_invalid=True)
        by_sku = {str(r.get("sku", "")).lower(): r for r in result.succeeded}
        for plan, vp, body in variant_updates:
            failure = next((f for f in result.failed if f.item == body), None)
            if failure is not None and not failure.partial:
                errors.setdefault(plan.item.pk, (
                    f"variant {vp.variant.sku}: " + next(iter(failure.errors), ""),
                    failure.title))
                vsent.get(plan.item.pk, {}).pop(vp.variant.pk, None)
                continue
            if vp.bc_variant_id is None:
                record = by_sku.get(vp.variant.sku.lower())
                if record is not None:
                    vp.bc_variant_id = int(record["id"])
                    vsent.setdefault(plan.item.pk, {})[vp.variant.pk] = {
                        k: c["to"] for k, c in vp.changes.items() if k != INVENTORY_KEY}

    def _send_stock(self, stock: list[tuple[ItemPlan, dict[str, Any]]],
                    errors: dict[int, tuple[str, str]], sent: dict[int, dict[str, Any]],
                    vsent: dict[int, dict[int, dict[str, Any]]]) -> None:
        stock = [(plan, adj) for plan, adj in stock if plan.item.pk not in errors]
        if not stock:
            return
        result = self.client.adjust_inventory_absolute([adj for _, adj in stock],
                                                       reason="POS upload",
                                                       isolate_invalid=True)
        failed = [f.item for f in result.failed]
        for plan, adj in stock:
            if adj in failed:
                failure = result.failed[failed.index(adj)]
                errors.setdefault(plan.item.pk, ("inventory_level", failure.title))
                continue
            # Remembered under the location's key (`inventory_level` at the store's own).
            key = stock_key(adj["location_id"], connection=self.connection)
            if "variant_id" in adj:
                vp = next(v for v in plan.variants if v.bc_variant_id == adj["variant_id"])
                vsent.setdefault(plan.item.pk, {}).setdefault(vp.variant.pk, {})[
                    key] = adj["quantity"]
            else:
                sent.setdefault(plan.item.pk, {})[key] = adj["quantity"]

    # ---- per item ----

    def _record(self, plan: ItemPlan, sent: dict[str, Any], vsent: dict[int, dict[str, Any]],
                error: tuple[str, str] | None) -> None:
        summary = self.summary
        now = timezone.now()
        sync = plan.item_sync
        if plan.action == "skip":
            action, ok, message, err_field = SyncEvent.Action.SKIPPED, True, plan.reason, ""
        elif plan.action == "fail":
            action, ok, message, err_field = (SyncEvent.Action.FAILED, False, plan.reason,
                                              plan.error_field)
        elif error is not None and plan.action == "create" and not plan.bc_product_id:
            action, ok = SyncEvent.Action.FAILED, False
            err_field, message = error
        else:
            action = {"create": SyncEvent.Action.CREATED, "link": SyncEvent.Action.LINKED,
                      "update": SyncEvent.Action.UPDATED,
                      "unchanged": SyncEvent.Action.UNCHANGED}[plan.action]
            ok = error is None
            err_field, message = error or ("", "")
        if error is not None and plan.action != "create":
            sent, vsent = {}, {}  # the write failed: nothing new is online
        elif error is not None:
            sent = {k: v for k, v in sent.items() if not is_stock_key(k)}
        fields = {k: {"from": plan.online.get(k), "to": v} for k, v in sent.items()}
        for vp in plan.variants:
            for k, v in vsent.get(vp.variant.pk, {}).items():
                fields[f"{vp.variant.sku}.{k}"] = {"from": vp.online.get(k), "to": v}
        if not ok and not fields:
            fields = dict(plan.changes)  # what was tried
        with transaction.atomic():
            if plan.action == "create" and plan.bc_product_id:
                sync.bc_product_id, sync.linked_by = plan.bc_product_id, plan.linked_by
                sync.linked_at = now
            if plan.conflicts:
                conflicts_record(sync, plan.conflicts, label=plan.label, user=self.user,
                                 job=self.job)
            if sent or vsent:
                sync.pushed = {**sync.pushed, **sent}
                sync.pushed_at = now
                sync.conflicts = {k: v for k, v in sync.conflicts.items() if k not in sent}
            if ok and plan.action != "skip":
                sync.error, sync.error_field, sync.error_at = "", "", None
            elif not ok:
                sync.error, sync.error_field, sync.error_at = message, err_field, now
            if sync.bc_product_id is None:
                sync.linked_by = ""
            sync.save()
            for vp in plan.variants:
                if vp.bc_variant_id is None or not sync.bc_product_id:
                    continue
                values = vsent.get(vp.variant.pk)
                vs = vp.variant_sync
                if vs is None:
                    vs = VariantSync(item_sync=sync, variant=vp.variant,
                                     bc_variant_id=vp.bc_variant_id, pushed=dict(vp.online))
                if values:
                    vs.pushed = {**vs.pushed, **values}
                    vs.pushed_at = now
                if vs.pk is None or values:
                    vs.save()
            SyncEvent.objects.create(
                connection=self.connection, item=plan.item, label=plan.label, at=now,
                user=self.user, job=self.job, action=action, fields=fields, ok=ok,
                error=message, error_field=err_field[:100])
        summary.done += 1
        summary.counts[str(action)] += 1
        if not ok:
            summary.failed += 1
            if len(summary.errors) < 50:
                summary.errors.append(f"{plan.item.sku}: {err_field + ': ' if err_field else ''}"
                                      f"{message}")


def items_upload(*, items: Iterable[Item] | QuerySet[Item], connection: StoreConnection,
                 client: BigCommerceClient | None = None, user: Any = None, job: str = "",
                 progress: Progress | None = None, chunk: int = CHUNK) -> UploadSummary:
    """Upload these items now (see the module docstring). Never raises for one item's
    failure: it is recorded on the item and in the summary."""
    from ..connections import client_for

    own_client = client is None
    client = client or client_for(connection)
    summary = UploadSummary()
    queryset = items_for_upload(items)
    summary.total = queryset.count()
    start = client.request_count
    run = _Run(connection=connection, client=client, user=user, job=job, summary=summary)
    try:
        batch: list[Item] = []
        for item in queryset.iterator(chunk_size=chunk):
            batch.append(item)
            if len(batch) >= chunk:
                run.chunk(batch)
                batch = []
                summary.requests = client.request_count - start
                if progress:
                    progress(summary)
        if batch:
            run.chunk(batch)
        summary.requests = client.request_count - start
        if progress:
            progress(summary)
    finally:
        if own_client:
            client.close()
    return summary


def item_upload(*, item: Item, connection: StoreConnection, client: BigCommerceClient | None
                = None, user: Any = None, job: str = "") -> UploadSummary:
    """Upload one item (the grid's row button, the item's admin page)."""
    return items_upload(items=[item], connection=connection, client=client, user=user, job=job)
