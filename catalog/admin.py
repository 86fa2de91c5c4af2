from typing import TYPE_CHECKING, ClassVar, TypedDict

from django.contrib import admin
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.http import HttpRequest

from .forms import VariantForm
from .models import (
    Brand,
    BundleComponent,
    CustomFieldDefinition,
    CustomFieldValue,
    Department,
    Item,
    Location,
    StockLevel,
    StockMovement,
    UnitOfMeasure,
    Variant,
    Vendor,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _OnHand(TypedDict):
    _on_hand: int | None


class _Items(TypedDict):
    _items: int


class VariantInline(admin.TabularInline):
    model = Variant
    form = VariantForm
    extra = 0
    fields = ("sku", "option_values", "price_mode", "price", "weight_mode", "weight", "barcode")


class StockInline(admin.TabularInline):
    model = StockLevel
    extra = 0
    fields = ("location", "variant", "on_hand", "reserved")
    autocomplete_fields = ("variant",)


class ComponentInline(admin.TabularInline):
    model = BundleComponent
    fk_name = "bundle"
    extra = 0
    autocomplete_fields = ("component",)
    verbose_name = "bundle component"


class CustomValueInline(admin.TabularInline):
    model = CustomFieldValue
    extra = 0


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = (
        "sku", "name", "department", "vendor", "brand", "price", "on_hand",
        "ecommerce_enabled", "updated_at",
    )
    list_filter = ("ecommerce_enabled", "department", "vendor", "brand", "locations")
    search_fields = ("sku", "name", "upc", "product_number", "variants__sku", "variants__barcode")
    list_select_related = ("department", "vendor", "brand")
    autocomplete_fields = ("brand", "vendor", "department")
    filter_horizontal = ("locations",)
    readonly_fields = ("created_at", "updated_at")
    inlines = [VariantInline, StockInline, ComponentInline, CustomValueInline]
    list_per_page = 50

    class Media:
        css = {"all": ["catalog/item_admin.css"]}

    fieldsets = (
        (None, {"fields": ("sku", "product_number", "name", "description")}),
        ("Pricing", {"fields": ("price", "cost_price")}),
        ("Classification", {"fields": ("department", "vendor", "brand", "unit_of_measure", "upc",
                                       "bin_number")}),
        ("Shipping", {"fields": ("weight", "width", "height", "depth")}),
        ("eCommerce", {"fields": ("ecommerce_enabled", "locations")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Item]:
        # A subquery, not Sum() over a join: search joins variants, which would multiply a sum.
        on_hand = (
            StockLevel.objects.filter(item=OuterRef("pk"))
            .values("item")
            .annotate(total=Sum("on_hand"))
            .values("total")
        )
        return super().get_queryset(request).annotate(_on_hand=Subquery(on_hand))

    @admin.display(description="On hand", ordering="_on_hand")
    def on_hand(self, obj: "WithAnnotations[Item, _OnHand]") -> int:
        return obj._on_hand or 0


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    form = VariantForm
    list_display = ("sku", "item", "option_values", "price_mode", "price", "barcode")
    search_fields = ("sku", "barcode", "item__sku", "item__name")
    list_filter = ("price_mode", "item__department")
    list_select_related = ("item",)
    autocomplete_fields = ("item",)


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin):
    list_display = ("item", "variant", "location", "on_hand", "reserved", "updated_at")
    list_filter = ("location",)
    search_fields = ("item__sku", "item__name", "variant__sku", "item__upc")
    list_select_related = ("item", "variant", "location")
    autocomplete_fields = ("item", "variant")


@admin.register(BundleComponent)
class BundleComponentAdmin(admin.ModelAdmin):
    list_display = ("bundle", "component", "quantity")
    search_fields = ("bundle__sku", "bundle__name", "component__sku", "component__name")
    list_select_related = ("bundle", "component")
    autocomplete_fields = ("bundle", "component")


@admin.register(Department, Brand)
class NamedAdmin(admin.ModelAdmin):
    # Subclasses list other fields.
    list_display: tuple[str, ...] = ("name", "item_count")
    search_fields: ClassVar[tuple[str, ...]] = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_items=Count("item"))

    @admin.display(description="Items", ordering="_items")
    def item_count(self, obj) -> int:
        return obj._items


@admin.register(Vendor)
class VendorAdmin(NamedAdmin):
    list_display = ("name", "contact_email", "item_count")
    search_fields = ("name", "contact_email")


@admin.register(UnitOfMeasure)
class UnitOfMeasureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "item_count")
    search_fields = ("code", "name")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_items=Count("item"))

    @admin.display(description="Items", ordering="_items")
    def item_count(self, obj: "WithAnnotations[UnitOfMeasure, _Items]") -> int:
        return obj._items


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")


@admin.register(CustomFieldDefinition)
class CustomFieldDefinitionAdmin(admin.ModelAdmin):
    list_display = ("name", "help_text", "sort_order")
    search_fields = ("name",)


@admin.register(CustomFieldValue)
class CustomFieldValueAdmin(admin.ModelAdmin):
    list_display = ("item", "definition", "value")
    list_filter = ("definition",)
    search_fields = ("item__sku", "item__name", "value")
    list_select_related = ("item", "definition")
    autocomplete_fields = ("item",)


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    """The stock history, read only: movements are written with their level by
    `catalog.stock.stock_move`, never by hand."""

    list_display = ("created_at", "item", "variant", "location", "quantity", "reason",
                    "reference")
    list_filter = ("reason", "location")
    search_fields = ("item__sku", "item__name", "variant__sku", "reference")
    list_select_related = ("item", "variant", "location")
    date_hierarchy = "created_at"
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
