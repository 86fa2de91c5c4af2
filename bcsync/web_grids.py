"""The Web View's two grids: the LC's products of one store connection (top), linked or not
to a POS item, and the selected product's LC variants (bottom). Selectors and column
declarations only; paging, sorting, filtering, layouts and selections are the grids app's.

Every sortable or filterable column is served by an index leading with store_hash (the
grid always filters on the store): (store_hash, sku / name / upc) and their prefix indexes
(localcopy/indexes.py), (store_hash, price / cost_price / inventory_level / date_modified,
id) and the (store_hash, bc_id) unique constraint. Link status, the brand's and categories'
names are computed for the rows of a page only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse

from grids.columns import Column, RowAction
from grids.errors import GridParamError
from grids.filters import BoolFilter, ChoiceFilter, DateTimeFilter, NumberFilter, TextFilter
from grids.grid import Grid
from localcopy.models import LcBrand, LcCategory, LcProduct, LcVariant

from .models import ItemSync, StoreConnection
from .pos_grids import pos_connection
from .roles import can_import

VIEW_LC_PRODUCTS = "localcopy.view_lcproduct"
MAX_CHOICES = 500
# A store's category names are read once per request to name a page's categories; beyond
# this many, the rest show as their ids.
MAX_CATEGORY_NAMES = 20_000


@dataclass(frozen=True)
class CategoryNamesColumn(Column):
    """The product's category ids (a JSON list) shown as their LC names, in BigCommerce's
    order (the first is the department an import chooses)."""

    names: Mapping[int, str] = field(default_factory=dict)

    def value(self, raw: Any) -> Any:
        if not isinstance(raw, list):
            return ""
        return ", ".join(self.names.get(i, f"#{i}") if isinstance(i, int) else str(i)
                         for i in raw)


def _brand_choices(store_hash: str) -> Callable[[], list[tuple[int, str]]]:
    return lambda: list(LcBrand.objects.filter(store_hash=store_hash).order_by("name")
                        .values_list("bc_id", "name")[:MAX_CHOICES])


def _with_id(name: str, kwarg: str) -> str:
    """A URL with {id} where the row's id goes (filled in per row by the page)."""
    marker = "{id}"
    return reverse(name, kwargs={kwarg: 0}).replace("/0/", f"/{marker}/")


class WebProductsGrid(Grid):
    """The LC's products of one store, with their link to POS items."""

    key = "web.products"
    title = "BigCommerce products"
    permission = VIEW_LC_PRODUCTS
    default_sort = (("sku", "asc"),)
    selectable = True
    params = ("store",)
    empty_text = "No product matches (reload the local copy if it is empty)."

    def setup(self) -> None:
        self.connection: StoreConnection | None = pos_connection(self.args.get("store"))
        if self.connection is not None:
            self.args["store"] = self.connection.store_hash
        self.store_hash = self.connection.store_hash if self.connection else ""

    def _link_columns(self) -> list[Column]:
        syncs = ItemSync.objects.filter(connection=self.connection,
                                        bc_product_id=OuterRef("bc_id"))
        return [
            Column("linked", "Linked", expression=Exists(syncs), kind="bool",
                   align="center", width=80,
                   description="Linked to a POS item (imported, uploaded or matched)"),
            # The Import action's `when`: never shown, never sorted (no index serves it).
            Column("importable", "Not linked", expression=~Exists(syncs), kind="bool",
                   align="center", visible=False,
                   description="Not linked yet: Import creates or links its POS item"),
            Column("pos_item", "POS item", expression=Subquery(
                syncs.values("item__sku")[:1]), visible=False,
                description="The SKU of the POS item it is linked to"),
        ]

    def get_columns(self) -> Sequence[Column]:
        categories = dict(LcCategory.objects.filter(store_hash=self.store_hash)
                          .values_list("bc_id", "name")[:MAX_CATEGORY_NAMES])
        brand = LcBrand.objects.filter(store_hash=OuterRef("store_hash"),
                                       bc_id=OuterRef("brand_id")).values("name")[:1]
        return [
            *self._link_columns(),
            Column("sku", "SKU", sortable=True, filter=TextFilter(), hideable=False,
                   width=140),
            Column("name", "Name", sortable=True, filter=TextFilter(), width=280),
            Column("price", "Price", sortable=True, filter=NumberFilter(), kind="money",
                   align="right", decimals=2),
            Column("cost_price", "Cost", sortable=True, filter=NumberFilter(), kind="money",
                   align="right", decimals=2),
            Column("upc", "UPC", sortable=True, filter=TextFilter()),
            Column("brand", "Brand", expression=Subquery(brand),
                   filter=ChoiceFilter(choices=_brand_choices(self.store_hash),
                                       none_label="(no brand)", source="brand_id")),
            Column("is_visible", "Visible", filter=BoolFilter(), kind="bool", align="center",
                   description="Visible on the storefront"),
            Column("inventory_level", "Stock", sortable=True, filter=NumberFilter(),
                   kind="number", align="right",
                   description="BigCommerce's inventory level (products and variants)"),
            CategoryNamesColumn("categories", "Categories", source="category_ids", width=220,
                                names=categories,
                                description="In BigCommerce's order; the first becomes the "
                                "department of an imported item"),
            Column("date_modified", "Modified", sortable=True, filter=DateTimeFilter(),
                   kind="datetime", description="Last changed on BigCommerce"),
            Column("bc_id", "BC id", sortable=True, filter=NumberFilter(), kind="number",
                   align="right", visible=False, description="The BigCommerce product id"),
        ]

    def get_queryset(self) -> QuerySet[LcProduct]:
        if self.connection is None:
            return LcProduct.objects.none()
        return LcProduct.objects.filter(store_hash=self.store_hash)

    def get_actions(self) -> Sequence[RowAction]:
        actions: list[RowAction] = []
        if self.connection is None:
            return actions
        store = f"?store={quote(self.connection.store_hash)}"
        if can_import(self.user):
            actions.append(RowAction("import", "Import", reverse("bcsync:web_import_summary"),
                                     method="post", scope="both", when="importable"))
        if self.user.has_perm("catalog.view_item"):
            actions.append(RowAction("pos_item", "POS item",
                                     _with_id("bcsync:web_pos_item", "product_id") + store,
                                     when="linked"))
        actions.append(RowAction("bigcommerce", "BigCommerce",
                                 _with_id("bcsync:web_open_in_bigcommerce", "product_id")
                                 + store, new_tab=True))
        return actions


class WebProductVariantsGrid(Grid):
    """The selected LC product's variants: SKU, options, price, stock."""

    key = "web.product_variants"
    title = "Variants"
    permission = VIEW_LC_PRODUCTS
    default_sort = (("sku", "asc"),)
    params = ("product",)
    empty_text = "No variants."

    def setup(self) -> None:
        raw = self.args.get("product")
        self.product: LcProduct | None = None
        if raw is not None:
            if not raw.isdigit() or len(raw) > 18:
                raise GridParamError("product", f"{raw!r} is not a product id.")
            self.product = LcProduct.objects.filter(pk=int(raw)).first()
            if self.product is None:
                raise GridParamError("product", f"there is no LC product with id {raw}.")

    def get_columns(self) -> Sequence[Column]:
        return [
            Column("sku", "SKU", sortable=True, hideable=False, width=140),
            Column("option_label", "Options", width=240),
            Column("price", "Price", kind="money", align="right", decimals=2,
                   description="Empty: the product's price"),
            Column("inventory_level", "Stock", kind="number", align="right"),
            Column("upc", "UPC"),
            Column("is_base", "Base", kind="bool", align="center", visible=False,
                   description="The product's own (base) variant"),
            Column("bc_id", "BC id", kind="number", align="right", visible=False),
        ]

    def get_queryset(self) -> QuerySet[LcVariant]:
        if self.product is None:
            raise GridParamError("product", "is required: the product whose variants to show.")
        return LcVariant.objects.filter(product=self.product)
