"""The POS View's two grids: every POS item (top) and the selected item's variants with their
stock per location (bottom). Selectors and column declarations only; paging, sorting,
filtering, layouts and selections are the grids app's.

Extension points for the push work (issue #9):
- Columns: add link status / sync state as `Column(..., expression=...)` in
  `PosItemsGrid.get_columns` (the expression is annotated only for this grid; give it a
  filter only if an index serves it). The client draws a new `kind` once the page registers
  a formatter for it (BcGrid.registerFormatter, see static/grids/grid.js).
- Actions: return Upload / Preview from `PosItemsGrid.get_actions` as
  `RowAction(method="post", scope="both", url=...)`; their views read the rows with
  `grids.views.selection_from_request(request, PosItemsGrid)`. A linked row's "open in
  BigCommerce" is a `RowAction(method="link", new_tab=True, when=<boolean column>)`.
- The details grid: last pushes can be one more grid on the page, mounted like these two.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse

from catalog.models import Brand, Department, Item, Location, StockLevel, Variant, Vendor
from grids.columns import Column, RowAction
from grids.errors import GridParamError
from grids.filters import BoolFilter, ChoiceFilter, DateTimeFilter, NumberFilter, TextFilter
from grids.grid import Grid

from .models import ItemSync, StoreConnection, SyncSettings
from .push.exclusion import PRODUCT_SYNC_OFF
from .roles import can_preview, can_upload

VIEW_ITEMS = "catalog.view_item"
MAX_CHOICES = 500
MAX_LOCATION_COLUMNS = 50
MONEY = DecimalField(max_digits=12, decimal_places=2)
WEIGHT = DecimalField(max_digits=10, decimal_places=3)


def _choices(model: type[Department | Vendor | Brand]) -> Callable[[], list[tuple[int, str]]]:
    return lambda: list(model.objects.order_by("name").values_list("pk", "name")[:MAX_CHOICES])


def _admin_url(name: str) -> str:
    """An admin URL with {id} where the object id goes (filled in per row by the page)."""
    marker = "{id}"
    return reverse(name, args=[marker]).replace(quote(marker), marker)


def _admin_url_with_id(name: str, kwarg: str) -> str:
    marker = "{id}"
    return reverse(name, kwargs={kwarg: 0}).replace("/0/", f"/{marker}/")


def pos_connection(store_hash: str | None) -> StoreConnection | None:
    """The store the page shows stock for: the one named, else the first active one."""
    connections = StoreConnection.objects.select_related("pos_location")
    if store_hash:
        connection = connections.filter(store_hash=store_hash).first()
        if connection is None:
            raise GridParamError("store", f"there is no store connection {store_hash!r}.")
        return connection
    return connections.order_by("-is_active", "description").first()


def _stock(*, of: dict[str, Any], location: Location | None, field: str = "on_hand"
           ) -> Coalesce:
    """The sum of one stock field over the StockLevel rows matching `of` (e.g. {"item":
    OuterRef("pk")}), at one location or all: a subquery the database runs for the rows of
    one page only."""
    levels = StockLevel.objects.filter(**of)
    if location is not None:
        levels = levels.filter(location=location)
    group = next(iter(of))
    total = levels.order_by().values(group).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def _sync_columns(connection: StoreConnection | None, *, sync_on: bool) -> list[Column]:
    """Link status and sync state for the rows of a page: subqueries on the item's sync
    record with the grid's store (no index could serve sorting or filtering on them)."""
    if connection is None:
        return []
    syncs = ItemSync.objects.filter(connection=connection, item=OuterRef("pk"))
    state = syncs.annotate(state=Case(
        When(~Q(error=""), then=Value("error")),
        When(~Q(conflicts={}), then=Value("conflict")),
        When(bc_product_id__isnull=True, then=Value("not uploaded")),
        When(Q(pushed_at__isnull=True) | Q(pushed_at__lt=OuterRef("updated_at")),
             then=Value("pending")),
        default=Value("in step"), output_field=CharField())).values("state")[:1]
    reason = syncs.annotate(reason=Case(
        When(~Q(error="") & ~Q(error_field=""),
             then=Concat(F("error_field"), Value(": "), F("error"), output_field=CharField())),
        When(~Q(error=""), then=F("error")),
        When(~Q(conflicts={}), then=Value("Edited in BigCommerce since the last upload.")),
        default=Value(""), output_field=CharField())).values("reason")[:1]
    excluded: list[tuple[Any, str]] = []
    if not sync_on:
        excluded.append((Q(pk__isnull=False), PRODUCT_SYNC_OFF))
    if connection.item_sync_enforcement:
        excluded.append((Q(ecommerce_enabled=False), "Not enabled for eCommerce."))
        if connection.pos_location_id:
            entitled = Item.locations.through.objects.filter(
                item=OuterRef("pk"), location_id=connection.pos_location_id)
            excluded.append((~Exists(entitled),
                             f"Not entitled to location {connection.pos_location}."))
    state_expr: Any = Coalesce(Subquery(state, output_field=CharField()),
                               Value("not uploaded"))
    reason_expr: Any = Coalesce(Subquery(reason, output_field=CharField()), Value(""))
    if excluded:
        state_expr = Case(*[When(q, then=Value("excluded")) for q, _ in excluded],
                          default=state_expr, output_field=CharField())
        reason_expr = Case(*[When(q, then=Value(text)) for q, text in excluded],
                           default=reason_expr, output_field=CharField())
    return [
        Column("linked", "Linked", expression=Exists(syncs.filter(bc_product_id__isnull=False)),
               kind="bool", align="center", description="Linked to a BigCommerce product"),
        Column("bc_product_id", "BC id", expression=Subquery(
            syncs.values("bc_product_id")[:1], output_field=IntegerField()),
            kind="number", align="right", visible=False,
            description="The BigCommerce product id"),
        Column("sync_state", "Sync state", expression=state_expr, width=110,
               description="in step, pending, error, conflict, excluded or not uploaded"),
        Column("sync_reason", "Why", expression=reason_expr, width=220,
               description="The error, conflict or exclusion in words"),
    ]


class PosItemsGrid(Grid):
    """Every POS item, with its key fields and stock at the store connection's location."""

    key = "pos.items"
    title = "POS items"
    permission = VIEW_ITEMS
    default_sort = (("sku", "asc"),)
    selectable = True
    params = ("store",)
    empty_text = "No item matches."

    def setup(self) -> None:
        self.connection = pos_connection(self.args.get("store"))
        if self.connection is not None:
            self.args["store"] = self.connection.store_hash
        self.location = self.connection.pos_location if self.connection else None

    def get_columns(self) -> Sequence[Column]:
        stock_title = (f"Stock at {self.location.code}" if self.location
                       else "Stock (all locations)")
        return [
            Column("sku", "SKU", sortable=True, filter=TextFilter(), hideable=False, width=130),
            Column("name", "Name", sortable=True, filter=TextFilter(contains_with_star=True),
                   width=280),
            # Linked and in step or not: what staff look for first, so next to the name.
            *_sync_columns(self.connection, sync_on=SyncSettings.load().product_sync_enabled),
            Column("department", "Department", source="department__name",
                   filter=ChoiceFilter(choices=_choices(Department), source="department")),
            Column("vendor", "Vendor", source="vendor__name",
                   filter=ChoiceFilter(choices=_choices(Vendor), source="vendor")),
            Column("brand", "Brand", source="brand__name",
                   filter=ChoiceFilter(choices=_choices(Brand), none_label="(no brand)",
                                       source="brand")),
            Column("price", "Price", sortable=True, filter=NumberFilter(), kind="money",
                   align="right"),
            Column("cost_price", "Cost", sortable=True, filter=NumberFilter(), kind="money",
                   align="right"),
            Column("upc", "UPC", sortable=True, filter=TextFilter()),
            Column("bin_number", "Bin", sortable=True, filter=TextFilter()),
            Column("ecommerce_enabled", "eCommerce", filter=BoolFilter(), kind="bool",
                   align="center", description="Enabled for eCommerce"),
            # Computed for the rows of a page only: neither sortable nor filterable, as no
            # index could serve it.
            Column("stock", stock_title, expression=_stock(of={"item": OuterRef("pk")},
                                                           location=self.location),
                   kind="number", align="right",
                   description="On hand, items and their variants together"),
            Column("updated_at", "Updated", sortable=True, filter=DateTimeFilter(),
                   kind="datetime"),
        ]

    def get_queryset(self) -> QuerySet[Item]:
        return Item.objects.all()

    def get_actions(self) -> Sequence[RowAction]:
        actions: list[RowAction] = []
        if self.user.has_perm("catalog.change_item"):
            actions.append(RowAction("edit", "Edit", _admin_url("admin:catalog_item_change")))
        else:
            actions.append(RowAction("open", "View", _admin_url("admin:catalog_item_change")))
        if self.connection is None:
            return actions
        if can_upload(self.user):
            actions.append(RowAction("upload", "Upload", reverse("bcsync:pos_upload"),
                                     method="post", scope="both"))
        if can_preview(self.user):
            actions.append(RowAction("preview", "Preview", reverse("bcsync:pos_preview"),
                                     method="post", scope="both"))
        open_url = _admin_url_with_id("bcsync:pos_open_in_bigcommerce", "item_id")
        actions.append(RowAction("bigcommerce", "BigCommerce",
                                 f"{open_url}?store={quote(self.connection.store_hash)}",
                                 new_tab=True, when="linked"))
        return actions


class PosItemDetailsGrid(Grid):
    """The selected item's variants (SKU, options, price, weight, barcode) with stock per
    location; an item without variants shows as one row of its own."""

    key = "pos.item_details"
    title = "Variants and stock"
    permission = VIEW_ITEMS
    default_sort = (("sku", "asc"),)
    params = ("item",)
    empty_text = "No variants."

    def setup(self) -> None:
        raw = self.args.get("item")
        self.item: Item | None = None
        if raw is not None:
            if not raw.isdigit() or len(raw) > 18:
                raise GridParamError("item", f"{raw!r} is not an item id.")
            self.item = Item.objects.filter(pk=int(raw)).first()
            if self.item is None:
                raise GridParamError("item", f"there is no item with id {raw}.")
        self.has_variants = self.item is not None and self.item.variants.exists()
        self.locations = list(Location.objects.filter(is_active=True)
                              .order_by("code")[:MAX_LOCATION_COLUMNS])

    def _values(self) -> dict[str, Any]:
        if self.has_variants:
            item_price, item_weight = F("item__price"), F("item__weight")
            return {
                "options": F("option_values"),
                "price_mode": Case(*[When(price_mode=m, then=Value(label))
                                     for m, label in Variant.Mode.choices],
                                   output_field=CharField()),
                "price": Case(When(price_mode="absolute", then=F("price")),
                              When(price_mode="change", then=item_price + F("price")),
                              default=item_price, output_field=MONEY),
                "weight": Case(When(weight_mode="absolute", then=F("weight")),
                               When(weight_mode="change", then=item_weight + F("weight")),
                               default=item_weight, output_field=WEIGHT),
                "barcode": F("barcode"),
                "image_url": F("image_url"),
                "stock_of": {"variant": OuterRef("pk")},
            }
        return {
            "options": Value({}, output_field=JSONField()),
            "price_mode": Value("Item (no variants)", output_field=CharField()),
            "price": F("price"),
            "weight": F("weight"),
            "barcode": F("upc"),
            "image_url": Value("", output_field=CharField()),
            "stock_of": {"item": OuterRef("pk"), "variant__isnull": True},
        }

    def get_columns(self) -> Sequence[Column]:
        values = self._values()
        stock_of = values.pop("stock_of")
        titles = {"options": "Options", "price_mode": "Price mode", "price": "Price",
                  "weight": "Weight", "barcode": "Barcode", "image_url": "Image"}
        kinds = {"options": "options", "price": "money", "weight": "number",
                 "image_url": "url"}
        columns = [Column("sku", "SKU", sortable=True, filter=TextFilter(), hideable=False)]
        columns += [Column(name, titles[name], expression=expression,
                           kind=kinds.get(name, "text"),
                           decimals={"price": 2, "weight": 3}.get(name),
                           align="right" if name in ("price", "weight") else "left",
                           sortable=name == "price", visible=name != "image_url")
                    for name, expression in values.items()]
        columns += [Column(f"loc_{location.pk}", f"{location.code}",
                           expression=_stock(of=stock_of, location=location),
                           kind="number", align="right",
                           description=f"On hand at {location.name}")
                    for location in self.locations]
        columns += [
            Column("on_hand", "On hand", expression=_stock(of=stock_of, location=None),
                   kind="number", align="right", description="On hand, all locations"),
            Column("reserved", "Reserved",
                   expression=_stock(of=stock_of, location=None, field="reserved"),
                   kind="number", align="right", visible=False,
                   description="Sold but not yet picked, all locations"),
        ]
        return columns

    def get_queryset(self) -> QuerySet[Any]:
        if self.item is None:
            raise GridParamError("item", "is required: the item whose details to show.")
        if self.has_variants:
            return Variant.objects.filter(item=self.item)
        return Item.objects.filter(pk=self.item.pk)
