from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from .models import (
    Carrier,
    Customer,
    CustomerAddress,
    CustomerContact,
    PriceLevel,
    PriceLevelPrice,
    SalesOrder,
    SalesOrderAddress,
    SalesOrderLine,
    Transaction,
    TransactionLine,
)
from .selectors import customers_by_email

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _City(TypedDict):
    _city: str | None


class _LevelCounts(TypedDict):
    _customers: int | None
    _prices: int | None

# A price list's page edits its prices inline up to this many; a longer list is edited in
# the price list's own changelist, which pages (each inline row costs a query for its item).
INLINE_PRICES_MAX = 100


def _count(model: Any, fk: str) -> Subquery:
    """Rows of `model` pointing at the outer row, as a subquery: two Count()s over joins
    would multiply each other."""
    return Subquery(
        model.objects.filter(**{fk: OuterRef("pk")}).order_by().values(fk)
        .annotate(n=Count("pk")).values("n")
    )


class AddressFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        defaults: set[str] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("is_default"):
                continue
            kind = data.get("kind")
            if kind in defaults:
                form.add_error("is_default",
                               f"Only one {kind} address can be the default.")
            defaults.add(kind)

    def save_existing_objects(self, commit: bool = True) -> list[Any]:
        # Rows that give up being a default are written first, so moving the default from one
        # address to another never holds two defaults of a kind, even for a moment.
        if commit:
            released = [
                form.instance.pk for form in self.initial_forms
                if form.initial.get("is_default") and (
                    form in self.deleted_forms
                    or not form.cleaned_data.get("is_default")
                    or form.cleaned_data.get("kind") != form.initial.get("kind"))
            ]
            CustomerAddress.objects.filter(pk__in=released).update(is_default=False)
        return super().save_existing_objects(commit)


class CustomerAddressInline(admin.StackedInline):
    model = CustomerAddress
    formset = AddressFormSet
    extra = 0
    fields = (("kind", "is_default"), ("name", "company"), "line1", "line2",
              ("city", "state", "postal_code", "country_code"), "phone")


class CustomerContactInline(admin.TabularInline):
    model = CustomerContact
    extra = 0
    fields = ("first_name", "last_name", "title", "email", "phone")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    # Phone, tax exemption and times are on the page and in the filters: a laptop's width
    # shows these columns without scrolling.
    list_display = ("code", "display_name", "email", "city", "price_level", "credit_limit",
                    "is_active")
    list_filter = ("is_active", "tax_exempt", "price_level")
    search_fields = ("code", "company", "first_name", "last_name", "email", "phone",
                     "contacts__email", "contacts__last_name")
    list_select_related = ("price_level",)
    readonly_fields = ("created_at", "updated_at")
    inlines = [CustomerAddressInline, CustomerContactInline]
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("code", "company", ("first_name", "last_name"), "email", "phone")}),
        ("Pricing and credit", {"fields": ("price_level", "credit_limit",
                                           ("tax_exempt", "tax_exempt_id"))}),
        ("Notes", {"fields": ("notes", "is_active")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        city = (CustomerAddress.objects
                .filter(customer=OuterRef("pk"), kind=CustomerAddress.Kind.BILLING)
                .order_by("-is_default", "pk").values("city")[:1])
        return super().get_queryset(request).annotate(_city=Subquery(city))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Customer],
                           search_term: str) -> tuple[QuerySet[Customer], bool]:
        # A whole email is looked up through the email indexes (the customer's and its
        # contacts'); anything else, or an email nobody has, searches every column.
        term = search_term.strip()
        if "@" in term and " " not in term:
            found = customers_by_email(email=term)
            if found.exists():
                return queryset.filter(pk__in=found.values("pk")), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="Name", ordering="company")
    def display_name(self, obj: Customer) -> str:
        return obj.display_name

    @admin.display(description="City (billing)", ordering="_city")
    def city(self, obj: WithAnnotations[Customer, _City]) -> str:
        return obj._city or ""


@admin.register(CustomerAddress)
class CustomerAddressAdmin(admin.ModelAdmin):
    list_display = ("customer", "kind", "is_default", "name", "line1", "city", "postal_code",
                    "country_code")
    list_filter = ("kind", "is_default", "country_code")
    search_fields = ("customer__code", "customer__company", "name", "line1", "city",
                     "postal_code")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)


@admin.register(CustomerContact)
class CustomerContactAdmin(admin.ModelAdmin):
    list_display = ("__str__", "customer", "title", "email", "phone")
    search_fields = ("first_name", "last_name", "email", "phone", "customer__code",
                     "customer__company")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)


class PriceLevelPriceInline(admin.TabularInline):
    model = PriceLevelPrice
    extra = 0
    fields = ("item", "price")
    autocomplete_fields = ("item",)


@admin.register(PriceLevel)
class PriceLevelAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "percent", "customer_count", "price_count", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "description")
    readonly_fields = ("prices_link", "created_at", "updated_at")
    fields = ("name", "kind", "percent", "description", "prices_link", "created_at",
              "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[PriceLevel]:
        return super().get_queryset(request).annotate(
            _customers=_count(Customer, "price_level"),
            _prices=_count(PriceLevelPrice, "price_level"),
        )

    def get_inlines(self, request: HttpRequest, obj: PriceLevel | None) -> list[Any]:
        if obj is None or obj.kind != PriceLevel.Kind.PRICE_LIST:
            return []
        if obj.prices.count() > INLINE_PRICES_MAX:
            return []
        return [PriceLevelPriceInline]

    @admin.display(description="Customers", ordering="_customers")
    def customer_count(self, obj: WithAnnotations[PriceLevel, _LevelCounts]) -> int:
        return obj._customers or 0

    @admin.display(description="Item prices", ordering="_prices")
    def price_count(self, obj: WithAnnotations[PriceLevel, _LevelCounts]) -> int:
        return obj._prices or 0

    @admin.display(description="Item prices")
    def prices_link(self, obj: PriceLevel) -> str:
        if obj.pk is None or obj.kind != PriceLevel.Kind.PRICE_LIST:
            return "—"
        url = reverse("admin:orders_pricelevelprice_changelist")
        return format_html('<a href="{}?price_level__id__exact={}">{} item prices</a>',
                           url, obj.pk, obj.prices.count())


@admin.register(PriceLevelPrice)
class PriceLevelPriceAdmin(admin.ModelAdmin):
    list_display = ("price_level", "item", "item_price", "price")
    list_filter = ("price_level",)
    search_fields = ("item__sku", "item__name", "price_level__name")
    list_select_related = ("price_level", "item")
    autocomplete_fields = ("item",)
    list_per_page = 100

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest,
                                 **kwargs: Any) -> Any:
        if db_field.name == "price_level":
            kwargs["queryset"] = PriceLevel.objects.filter(kind=PriceLevel.Kind.PRICE_LIST)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Item's own price", ordering="item__price")
    def item_price(self, obj: PriceLevelPrice) -> str:
        return str(obj.item.price)


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "service", "is_active")
    list_filter = ("is_active", "name")
    search_fields = ("code", "name", "service")


class _ReadOnlyInline:
    """An inline shown, never edited: what it lists is written by the order's history."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SalesOrderAddressInline(admin.StackedInline):
    model = SalesOrderAddress
    extra = 0
    fields = (("kind", "email"), ("name", "company"), "line1", "line2",
              ("city", "state", "postal_code", "country_code"), "phone")


class _KnownChoiceAutocomplete(AutocompleteSelect):
    """An autocomplete that shows its row's current choice from the row already loaded:
    Django's own looks each row's choice up again, a query per order line."""

    known: dict[str, str] | None = None

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.known is None or not chosen or any(v not in self.known for v in chosen):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        options += [self.create_option(name, v, self.known[v], True, len(options) + i)
                    for i, v in enumerate(chosen)]
        return [(None, options, 0)]


class SalesOrderLineFormSet(BaseInlineFormSet):
    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        line = form.instance
        for name in ("item", "variant"):
            related = getattr(line, name) if getattr(line, f"{name}_id") else None
            widget = form.fields[name].widget
            inner = getattr(widget, "widget", widget)
            if related is not None and isinstance(inner, _KnownChoiceAutocomplete):
                inner.known = {str(related.pk): str(related)}


class SalesOrderLineInline(admin.TabularInline):
    model = SalesOrderLine
    formset = SalesOrderLineFormSet
    extra = 0
    fields = ("item", "variant", "sku", "name", "quantity", "picked_quantity", "unit_price",
              "line_total", "unmatched", "bc_line_id")
    autocomplete_fields = ("item", "variant")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SalesOrderLine]:
        return super().get_queryset(request).select_related("item", "variant")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest,
                                 **kwargs: Any) -> Any:
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = _KnownChoiceAutocomplete(db_field, self.admin_site,
                                                        using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TransactionInline(_ReadOnlyInline, admin.TabularInline):
    model = Transaction
    fields = ("created_at", "kind", "amount", "reason", "detail_link")
    readonly_fields = fields
    show_change_link = False

    @admin.display(description="Lines")
    def detail_link(self, obj: Transaction) -> str:
        url = reverse("admin:orders_transaction_change", args=[obj.pk])
        return format_html('<a href="{}">lines</a>', url)


@admin.register(SalesOrder)
class SalesOrderAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "status", "total", "currency_code", "source",
                    "created_at")
    list_filter = ("status", "source_store_hash")
    # "=" : an exact id, found through the (store, order id) index, not a LIKE.
    search_fields = ("number", "=bc_order_id", "customer__email", "customer__code")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)
    readonly_fields = ("created_at", "updated_at")
    inlines = [SalesOrderAddressInline, SalesOrderLineInline, TransactionInline]
    list_per_page = 50
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("number", "customer", "status", "currency_code")}),
        ("Totals", {"fields": (("subtotal", "discount"), ("shipping", "tax"), "total")}),
        ("Source", {"fields": ("source_store_hash", "bc_order_id")}),
        ("Notes", {"fields": ("notes",)}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description="Source", ordering="bc_order_id")
    def source(self, obj: SalesOrder) -> str:
        return obj.source or "POS"


class TransactionLineInline(_ReadOnlyInline, admin.TabularInline):
    model = TransactionLine
    fields = ("line", "quantity", "amount", "restock")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[TransactionLine]:
        return super().get_queryset(request).select_related("line")


@admin.register(Transaction)
class TransactionAdmin(admin.ModelAdmin):
    """Read only: transactions are the record of what was sold and refunded."""

    list_display = ("created_at", "order", "kind", "amount", "reason")
    list_filter = ("kind",)
    search_fields = ("order__number", "=order__bc_order_id", "reason")
    list_select_related = ("order",)
    inlines = [TransactionLineInline]
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
