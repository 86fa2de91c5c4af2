"""The POS side of the catalog: items, variants, stock per location, and their reference data."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from .validators import validate_pos_sku, validate_uom_code

NO_VENDOR = "No Vendor"
SKU_REGEX = r"^[A-Za-z0-9]+$"
ZERO = Decimal("0")


class NamedModel(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(NamedModel):
    code = models.CharField(max_length=20, blank=True)

    class Meta(NamedModel.Meta):
        pass


class Vendor(NamedModel):
    """Who the shop buys an item from. Every item has one; "No Vendor" stands in when none."""

    contact_email = models.EmailField(blank=True)

    class Meta(NamedModel.Meta):
        pass

    @classmethod
    def default(cls) -> Vendor:
        vendor, _ = cls.objects.get_or_create(name=NO_VENDOR)
        return vendor


class Brand(NamedModel):
    class Meta(NamedModel.Meta):
        pass


class UnitOfMeasure(models.Model):
    """How an item is counted on the shop's documents (EA, BX, PK…); imports default to one."""

    # Unique ignoring case (a constraint on UPPER(code)); no second, case-sensitive index.
    code = models.CharField(max_length=10, validators=[validate_uom_code],
                            help_text="Letters and digits only, e.g. EA.")
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["code"]
        verbose_name = "unit of measure"
        verbose_name_plural = "units of measure"
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=SKU_REGEX), name="uom_code_alnum"),
            models.UniqueConstraint(
                Upper("code"), name="uom_code_unique_ci",
                violation_error_message="A unit of measure with this code already exists.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def clean(self) -> None:
        if self.code and UnitOfMeasure.objects.filter(code__iexact=self.code).exclude(
                pk=self.pk).exists():
            raise ValidationError(
                {"code": f"Unit of measure code {self.code!r} is already used "
                         "(letter case aside)."})


class Location(models.Model):
    class Kind(models.TextChoices):
        STORE = "store", "Store"
        WAREHOUSE = "warehouse", "Warehouse"

    code = models.CharField(max_length=20, unique=True, validators=[validate_pos_sku])
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STORE)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class CustomFieldDefinition(models.Model):
    """A named field staff can fill in on items (pushed to BC product custom fields)."""

    name = models.CharField(max_length=250, unique=True)
    help_text = models.CharField(max_length=250, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = "custom field"

    def __str__(self) -> str:
        return self.name


class Dimensions(models.Model):
    weight = models.DecimalField(
        max_digits=10, decimal_places=3, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    width = models.DecimalField(
        max_digits=10, decimal_places=3, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    height = models.DecimalField(
        max_digits=10, decimal_places=3, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    depth = models.DecimalField(
        max_digits=10, decimal_places=3, default=ZERO, validators=[MinValueValidator(ZERO)]
    )

    class Meta:
        abstract = True


class Item(Dimensions):
    sku = models.CharField(
        "SKU", max_length=40, unique=True, validators=[validate_pos_sku],
        help_text="Letters and digits only.",
    )
    product_number = models.CharField(
        max_length=255, blank=True, db_index=True,
        help_text="Free text. Holds a web SKU that is not a valid POS SKU.",
    )
    name = models.CharField(max_length=250, db_index=True)
    description = models.TextField(blank=True)
    price = models.DecimalField(
        max_digits=12, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    cost_price = models.DecimalField(
        max_digits=12, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    upc = models.CharField("UPC / barcode", max_length=14, blank=True, db_index=True)
    bin_number = models.CharField(max_length=255, blank=True)
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.SET_NULL)
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT)
    department = models.ForeignKey(Department, on_delete=models.PROTECT)
    unit_of_measure = models.ForeignKey(
        UnitOfMeasure, null=True, blank=True, on_delete=models.PROTECT,
        help_text="How the item is counted on documents; empty: each.",
    )
    ecommerce_enabled = models.BooleanField("eCommerce enabled", default=True)
    locations = models.ManyToManyField(
        Location, blank=True, related_name="entitled_items",
        help_text="Locations this item is entitled to (item sync enforcement).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sku"]
        # Sort orders the POS View grid offers, each ending in the primary key so one index
        # scan serves a page (sku, name and upc have their own indexes). Case-insensitive
        # prefix filters on sku, name, upc and bin_number have per-database indexes in
        # migration 0003_grid_indexes (UPPER(col) text_pattern_ops / col COLLATE NOCASE).
        indexes = [
            models.Index(fields=["price", "id"], name="item_price_id"),
            models.Index(fields=["cost_price", "id"], name="item_cost_price_id"),
            models.Index(fields=["bin_number", "id"], name="item_bin_number_id"),
            models.Index(fields=["updated_at", "id"], name="item_updated_at_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(sku__regex=SKU_REGEX), name="item_sku_alnum"),
            models.UniqueConstraint(Upper("sku"), name="item_sku_unique_ci"),
            models.CheckConstraint(condition=Q(price__gte=0), name="item_price_gte_0"),
            models.CheckConstraint(condition=Q(cost_price__gte=0), name="item_cost_gte_0"),
            models.CheckConstraint(
                condition=Q(weight__gte=0, width__gte=0, height__gte=0, depth__gte=0),
                name="item_dimensions_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} – {self.name}"

    def clean(self) -> None:
        if self.sku and Variant.objects.filter(sku__iexact=self.sku).exists():
            raise ValidationError({"sku": f"SKU {self.sku} is already used by a variant."})

    @property
    def is_bundle(self) -> bool:
        return self.components.exists()


class Variant(models.Model):
    """One option combination of an item (size M, colour red…), with its own SKU."""

    class Mode(models.TextChoices):
        INHERIT = "inherit", "Same as item"
        ABSOLUTE = "absolute", "Absolute"
        CHANGE = "change", "Change from item"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField("SKU", max_length=40, unique=True, validators=[validate_pos_sku])
    option_values = models.JSONField(
        default=dict, help_text='Option name → value, e.g. {"Size": "M", "Colour": "Red"}.'
    )
    price_mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.INHERIT)
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    weight_mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.INHERIT)
    weight = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    image_url = models.URLField(max_length=255, blank=True)
    barcode = models.CharField(max_length=14, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item__sku", "sku"]
        constraints = [
            models.CheckConstraint(condition=Q(sku__regex=SKU_REGEX), name="variant_sku_alnum"),
            models.UniqueConstraint(Upper("sku"), name="variant_sku_unique_ci"),
            # A value is present exactly when the mode needs one.
            models.CheckConstraint(
                condition=(Q(price_mode="inherit", price__isnull=True)
                           | (~Q(price_mode="inherit") & Q(price__isnull=False))),
                name="variant_price_matches_mode",
            ),
            models.CheckConstraint(
                condition=(Q(weight_mode="inherit", weight__isnull=True)
                           | (~Q(weight_mode="inherit") & Q(weight__isnull=False))),
                name="variant_weight_matches_mode",
            ),
            models.CheckConstraint(
                condition=~Q(price_mode="absolute") | Q(price__gte=0),
                name="variant_absolute_price_gte_0",
            ),
        ]

    def __str__(self) -> str:
        options = ", ".join(f"{k}: {v}" for k, v in self.option_values.items())
        return f"{self.sku} ({options})" if options else self.sku

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.sku and Item.objects.filter(sku__iexact=self.sku).exists():
            errors["sku"] = f"SKU {self.sku} is already used by an item."
        for field in ("price", "weight"):
            mode, value = getattr(self, f"{field}_mode"), getattr(self, field)
            if mode == self.Mode.INHERIT and value is not None:
                errors[field] = f"Leave {field} empty when it is the same as the item's."
            if mode != self.Mode.INHERIT and value is None:
                errors[field] = f"Enter a {field} for mode '{mode}'."
        if not isinstance(self.option_values, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.option_values.items()
        ):
            errors["option_values"] = "Option values map option names to text values."
        if errors:
            raise ValidationError(errors)

    def _effective(self, field: str) -> Decimal:
        base: Decimal = getattr(self.item, field)
        mode, value = getattr(self, f"{field}_mode"), getattr(self, field)
        if mode == self.Mode.ABSOLUTE:
            return value
        if mode == self.Mode.CHANGE:
            return base + value
        return base

    @property
    def effective_price(self) -> Decimal:
        return self._effective("price")

    @property
    def effective_weight(self) -> Decimal:
        return self._effective("weight")


class StockLevel(models.Model):
    """Quantities of one item (or one of its variants) at one location."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="stock_levels")
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.CASCADE, related_name="stock_levels"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="stock_levels")
    # On hand may go below zero: the POS lets a till sell what the count says is not there.
    on_hand = models.IntegerField(default=0)
    reserved = models.PositiveIntegerField(
        default=0, help_text="Sold but not yet picked (unpicked)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item__sku", "location__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "location"], condition=Q(variant__isnull=True),
                name="stock_one_row_per_item_location",
            ),
            models.UniqueConstraint(
                fields=["variant", "location"], name="stock_one_row_per_variant_location"
            ),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.variant or self.item} @ {self.location.code}: {self.on_hand}"

    def clean(self) -> None:
        if self.variant_id and self.variant is not None and self.variant.item_id != self.item_id:
            raise ValidationError({"variant": "The variant belongs to another item."})

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class BundleComponent(models.Model):
    """A master item sold as a set of child items; selling one sells its components."""

    bundle = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="components")
    component = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="in_bundles")
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["bundle__sku", "component__sku"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "component"], name="bundle_component_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="bundle_quantity_gte_1"),
            models.CheckConstraint(
                condition=~Q(bundle=models.F("component")), name="bundle_not_its_own_component"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bundle.sku} ⊃ {self.quantity} × {self.component.sku}"


class CustomFieldValue(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="custom_values")
    definition = models.ForeignKey(CustomFieldDefinition, on_delete=models.CASCADE)
    value = models.CharField(max_length=250)

    class Meta:
        ordering = ["definition__sort_order", "definition__name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "definition"], name="custom_value_once"),
        ]

    def __str__(self) -> str:
        return f"{self.definition.name}: {self.value}"


class StockMovement(models.Model):
    """One change to a stock level, with why it happened: the history behind `on_hand`.

    Written by `catalog.stock.stock_move` in the same transaction as the level it changes,
    so the movements of an item at a location add up to what its level moved by."""

    class Reason(models.TextChoices):
        SALE = "sale", "Sale"
        REFUND = "refund", "Refund"
        ORDER_EDIT = "order_edit", "Order edit"
        ADJUSTMENT = "adjustment", "Adjustment"
        IMPORT = "import", "Import"
        END_OF_DAY = "end_of_day", "End of day"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="stock_movements")
    variant = models.ForeignKey(Variant, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="stock_movements")
    location = models.ForeignKey(Location, on_delete=models.PROTECT,
                                 related_name="stock_movements")
    quantity = models.IntegerField(help_text="Change to on hand: negative when stock leaves.")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reference = models.CharField(
        max_length=255, blank=True,
        help_text="What caused it, e.g. the sales order number and line.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_movement_not_zero"),
            models.CheckConstraint(
                condition=Q(reason__in=["sale", "refund", "order_edit", "adjustment", "import",
                                        "end_of_day"]),
                name="stock_movement_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return (f"{self.variant or self.item} @ {self.location_id}: "
                f"{self.quantity:+d} ({self.reason})")
