"""The POS's sales side: price levels, customers with their addresses and contacts, carriers,
sales orders with their lines and transactions.

Links to BigCommerce (a customer's id on a store, a price level's customer group) are not
kept here: like an item's `ItemSync`, they belong to bcsync, per store connection.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Lower, Upper

from catalog.models import Item, Variant

from .validators import (
    CODE_REGEX,
    COUNTRY_CODE_REGEX,
    validate_carrier_code,
    validate_country_code,
    validate_customer_code,
    validate_order_number,
)

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")


class EmailQuerySet(models.QuerySet):
    def with_email(self, email: str) -> Self:
        """Rows whose email is `email`, letter case ignored.

        Both sides go through the database's LOWER(), the expression the email index is
        built on, so the lookup is an index search and the same string always matches
        itself (SQLite's LOWER folds ASCII letters only; PostgreSQL's folds all)."""
        email = (email or "").strip()
        if not email:
            return self.none()
        return self.alias(_email_lower=Lower("email")).filter(_email_lower=Lower(Value(email)))


class PriceLevel(models.Model):
    """What a customer pays: a percentage off the item's price, or a list of prices per item
    (an item not on the list sells at its own price)."""

    class Kind(models.TextChoices):
        PERCENT_OFF = "percent_off", "Percentage off"
        PRICE_LIST = "price_list", "Price list"

    # Unique ignoring case (a constraint on LOWER(name)); no second, case-sensitive index.
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERCENT_OFF)
    percent = models.DecimalField(
        "percent off", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(HUNDRED)],
        help_text="0 to 100; only for a percentage off.",
    )
    description = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100),
                name="price_level_percent_0_100",
            ),
            # A percentage exactly when the kind is a percentage off.
            models.CheckConstraint(
                condition=(Q(kind="percent_off", percent__isnull=False)
                           | Q(kind="price_list", percent__isnull=True)),
                name="price_level_percent_matches_kind",
            ),
            models.UniqueConstraint(
                Lower("name"), name="price_level_name_unique_ci",
                violation_error_message="A price level of this name already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == self.Kind.PERCENT_OFF and self.percent is None:
            errors["percent"] = "Enter the percentage off (0 to 100)."
        if self.kind == self.Kind.PRICE_LIST and self.percent is not None:
            errors["percent"] = "Leave the percentage empty for a price list."
        if self.kind == self.Kind.PERCENT_OFF and self.pk and self.prices.exists():
            errors["kind"] = (f"Price level {self.name!r} holds item prices: remove them "
                              "before making it a percentage off.")
        if self.name and PriceLevel.objects.filter(name__iexact=self.name).exclude(
                pk=self.pk).exists():
            errors["name"] = f"A price level named {self.name!r} already exists."
        if errors:
            raise ValidationError(errors)

    def price_for(self, item: Item) -> Decimal:
        """The item's price at this level, to the cent (half up)."""
        if self.kind == self.Kind.PRICE_LIST:
            listed = self.prices.filter(item=item).values_list("price", flat=True).first()
            return item.price if listed is None else listed
        off = item.price * (self.percent or ZERO) / HUNDRED
        return (item.price - off).quantize(CENT, rounding=ROUND_HALF_UP)


class PriceLevelPrice(models.Model):
    """One item's price on a price list."""

    # The unique (price_level, item) index serves lookups by level; no index of its own.
    price_level = models.ForeignKey(PriceLevel, on_delete=models.CASCADE, related_name="prices",
                                    db_index=False)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="price_level_prices")
    price = models.DecimalField(max_digits=12, decimal_places=2,
                                validators=[MinValueValidator(ZERO)])

    class Meta:
        ordering = ["price_level__name", "item__sku"]
        verbose_name = "price level price"
        constraints = [
            models.UniqueConstraint(fields=["price_level", "item"],
                                    name="price_level_price_once"),
            models.CheckConstraint(condition=Q(price__gte=0), name="price_level_price_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.price_level_id}: {self.item_id} at {self.price}"

    def clean(self) -> None:
        level = self.price_level if self.price_level_id else None
        if level is not None and level.kind != PriceLevel.Kind.PRICE_LIST:
            # Not keyed to price_level: the level's own page edits prices without that field.
            raise ValidationError(
                f"Price level {level.name!r} is a percentage off: only a price list holds "
                "prices per item."
            )


class Customer(models.Model):
    # Unique ignoring case (a constraint on UPPER(code)); no second, case-sensitive index.
    code = models.CharField(
        max_length=30, validators=[validate_customer_code],
        help_text="Letters, digits and dashes, e.g. BC-1042.",
    )
    company = models.CharField(max_length=255, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(max_length=255, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    price_level = models.ForeignKey(
        PriceLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="customers",
        help_text="Empty: the item's own price.",
    )
    credit_limit = models.DecimalField(
        max_digits=12, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)],
        help_text="What the customer may owe on account; 0: no credit.",
    )
    tax_exempt = models.BooleanField(default=False)
    tax_exempt_id = models.CharField(
        "tax exempt id", max_length=50, blank=True,
        help_text="The exemption certificate's number; only for a tax-exempt customer.",
    )
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(Lower("email"), name="customer_email_lower")]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=CODE_REGEX),
                                   name="customer_code_shape"),
            models.UniqueConstraint(
                Upper("code"), name="customer_code_unique_ci",
                violation_error_message="A customer with this code already exists.",
            ),
            models.CheckConstraint(condition=Q(credit_limit__gte=0),
                                   name="customer_credit_limit_gte_0"),
            models.CheckConstraint(
                condition=~Q(company="", first_name="", last_name=""),
                name="customer_has_a_name",
                violation_error_message="Enter a company or a first or last name.",
            ),
            models.CheckConstraint(
                condition=Q(tax_exempt=True) | Q(tax_exempt_id=""),
                name="customer_tax_exempt_id_only_if_exempt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.display_name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not (self.company.strip() or self.first_name.strip() or self.last_name.strip()):
            errors["last_name"] = "Enter a company or a first or last name."
        if self.tax_exempt_id and not self.tax_exempt:
            errors["tax_exempt_id"] = ("A tax exempt id needs the customer to be tax exempt: "
                                       "tick tax exempt or clear the id.")
        if self.code and Customer.objects.filter(code__iexact=self.code).exclude(
                pk=self.pk).exists():
            errors["code"] = f"Customer code {self.code!r} is already used (letter case aside)."
        if errors:
            raise ValidationError(errors)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def display_name(self) -> str:
        return self.company or self.full_name

    def default_address(self, kind: str) -> CustomerAddress | None:
        return self.addresses.filter(kind=kind).order_by("-is_default", "pk").first()


class PostalAddress(models.Model):
    """An address as shops' documents print it; orders keep their own copies of this shape."""

    name = models.CharField(max_length=255, blank=True,
                            help_text="Who the address is for (first and last name).")
    company = models.CharField(max_length=255, blank=True)
    line1 = models.CharField("address line 1", max_length=255)
    line2 = models.CharField("address line 2", max_length=255, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField("state / province", max_length=100, blank=True)
    postal_code = models.CharField(max_length=30, blank=True)
    country_code = models.CharField(
        max_length=2, validators=[validate_country_code],
        help_text="ISO 3166-1 alpha-2, e.g. US.",
    )
    phone = models.CharField(max_length=50, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        # Imports may bring "us"; the check constraint holds capitals.
        self.country_code = (self.country_code or "").upper()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.country_code = (self.country_code or "").upper()

    @property
    def one_line(self) -> str:
        parts = (self.line1, self.line2, self.city, self.state, self.postal_code,
                 self.country_code)
        return ", ".join(p for p in parts if p)


class CustomerAddress(PostalAddress):
    """One of a customer's addresses. BigCommerce keeps any number per customer; the POS
    bills to the default billing address and ships to the default shipping one."""

    class Kind(models.TextChoices):
        BILLING = "billing", "Billing"
        SHIPPING = "shipping", "Shipping"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    is_default = models.BooleanField(
        default=False, help_text="The customer's address of this kind on new documents.",
    )

    class Meta:
        ordering = ["customer__code", "kind", "-is_default", "pk"]
        verbose_name_plural = "customer addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind"], condition=Q(is_default=True),
                name="customer_address_one_default_per_kind",
                violation_error_message="The customer already has a default address of "
                                        "this kind.",
            ),
            models.CheckConstraint(condition=Q(kind__in=["billing", "shipping"]),
                                   name="customer_address_kind_valid"),
            models.CheckConstraint(condition=Q(country_code__regex=COUNTRY_CODE_REGEX),
                                   name="customer_address_country_iso2"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.one_line}"


class CustomerContact(models.Model):
    """Another person at a customer, with an email of their own (matched like the
    customer's)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=100, blank=True, help_text="e.g. Buyer, Accounts.")
    email = models.EmailField(max_length=255, blank=True)
    phone = models.CharField(max_length=50, blank=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["customer__code", "last_name", "first_name", "pk"]
        indexes = [models.Index(Lower("email"), name="customer_contact_email_lower")]
        constraints = [
            models.CheckConstraint(condition=~Q(first_name="", last_name=""),
                                   name="customer_contact_has_a_name",
                                   violation_error_message="Enter a first or last name."),
        ]

    def __str__(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    def clean(self) -> None:
        if not (self.first_name.strip() or self.last_name.strip()):
            raise ValidationError({"last_name": "Enter the contact's first or last name."})


class Carrier(models.Model):
    """A way the shop ships (UPS Ground); BigCommerce's shipping methods import as these."""

    name = models.CharField(max_length=100, help_text="e.g. UPS.")
    service = models.CharField(max_length=100, blank=True, help_text="e.g. Ground.")
    code = models.CharField(max_length=20, validators=[validate_carrier_code],
                            help_text="Letters, digits and dashes, e.g. UPS-GND.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "service"]
        constraints = [
            models.UniqueConstraint(fields=["name", "service"], name="carrier_name_service_once"),
            models.UniqueConstraint(
                Upper("code"), name="carrier_code_unique_ci",
                violation_error_message="A carrier with this code already exists.",
            ),
            models.CheckConstraint(condition=Q(code__regex=CODE_REGEX),
                                   name="carrier_code_shape"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.service}".strip()

    def clean(self) -> None:
        if self.code and Carrier.objects.filter(code__iexact=self.code).exclude(
                pk=self.pk).exists():
            raise ValidationError(
                {"code": f"Carrier code {self.code!r} is already used (letter case aside)."})


CURRENCY_REGEX = r"^[A-Z]{3}$"


class SalesOrder(models.Model):
    """A sale to a customer, from the till or imported from a BigCommerce order.

    An imported order names its source by plain fields (the store's hash and BigCommerce's
    order id), not a link into bcsync: orders know nothing of the sync. The unique pair is
    what makes the import exactly-once."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PICKED = "picked", "Picked"
        SHIPPED = "shipped", "Shipped"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    # Unique ignoring case (a constraint on UPPER(number)), like customer codes.
    number = models.CharField(
        max_length=40, validators=[validate_order_number],
        help_text="Letters, digits and dashes, e.g. WEB-1042.",
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="sales_orders",
        help_text="Empty: a sale to no customer on file.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO,
                                   validators=[MinValueValidator(ZERO)])
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO,
                                   validators=[MinValueValidator(ZERO)])
    shipping = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO,
                                   validators=[MinValueValidator(ZERO)])
    tax = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO,
                              validators=[MinValueValidator(ZERO)])
    total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO,
                                validators=[MinValueValidator(ZERO)])
    currency_code = models.CharField(max_length=3, default="USD",
                                     help_text="ISO 4217, e.g. USD.")
    source_store_hash = models.CharField(
        "source store", max_length=50, blank=True,
        help_text="The BigCommerce store hash the order came from; empty for a POS sale.",
    )
    bc_order_id = models.PositiveBigIntegerField(
        "BigCommerce order id", null=True, blank=True,
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=CODE_REGEX),
                                   name="sales_order_number_shape"),
            models.UniqueConstraint(
                Upper("number"), name="sales_order_number_unique_ci",
                violation_error_message="A sales order with this number already exists.",
            ),
            # Exactly once: one POS order per BigCommerce order of a store.
            models.UniqueConstraint(
                fields=["source_store_hash", "bc_order_id"],
                condition=Q(bc_order_id__isnull=False),
                name="sales_order_once_per_bc_order",
                violation_error_message="This BigCommerce order is already imported.",
            ),
            models.CheckConstraint(
                condition=Q(bc_order_id__isnull=True) | ~Q(source_store_hash=""),
                name="sales_order_bc_id_has_store",
                violation_error_message="A BigCommerce order id needs its source store.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "picked", "shipped", "completed",
                                        "cancelled"]),
                name="sales_order_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0, discount__gte=0, shipping__gte=0, tax__gte=0,
                            total__gte=0),
                name="sales_order_amounts_gte_0",
            ),
            models.CheckConstraint(condition=Q(currency_code__regex=CURRENCY_REGEX),
                                   name="sales_order_currency_iso"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        self.currency_code = (self.currency_code or "").upper()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.currency_code = (self.currency_code or "").upper()
        if self.bc_order_id is not None and not self.source_store_hash.strip():
            errors["source_store_hash"] = (f"Order {self.number}: a BigCommerce order id "
                                           "needs the store it came from.")
        if self.number and SalesOrder.objects.filter(number__iexact=self.number).exclude(
                pk=self.pk).exists():
            errors["number"] = f"Order number {self.number!r} is already used (letter case aside)."
        if errors:
            raise ValidationError(errors)

    @property
    def source(self) -> str:
        if self.bc_order_id is None:
            return ""
        return f"{self.source_store_hash} #{self.bc_order_id}"


class SalesOrderAddress(PostalAddress):
    """A copy of an address as it was when the order was placed: later edits to the
    customer's addresses leave the order's alone. BigCommerce allows several shipping
    addresses on one order, hence rows, not columns on the order."""

    class Kind(models.TextChoices):
        BILLING = "billing", "Billing"
        SHIPPING = "shipping", "Shipping"

    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    email = models.EmailField(max_length=255, blank=True)

    class Meta:
        ordering = ["order", "kind", "pk"]
        verbose_name_plural = "sales order addresses"
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(kind="billing"),
                                    name="sales_order_one_billing_address",
                                    violation_error_message="The order already has a billing "
                                                            "address."),
            models.CheckConstraint(condition=Q(kind__in=["billing", "shipping"]),
                                   name="sales_order_address_kind_valid"),
            models.CheckConstraint(condition=Q(country_code__regex=COUNTRY_CODE_REGEX),
                                   name="sales_order_address_country_iso2"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.one_line}"


class SalesOrderLine(models.Model):
    """One line as sold. SKU, name and price are kept as sold; a line whose SKU matched no
    POS item is kept with no item and flagged unmatched, never dropped."""

    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="sales_order_lines")
    variant = models.ForeignKey(Variant, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="sales_order_lines")
    sku = models.CharField("SKU as sold", max_length=255, blank=True)
    name = models.CharField("name as sold", max_length=255)
    # 0: the line was removed on BigCommerce; it stays for the transactions that refer to it.
    quantity = models.PositiveIntegerField(
        help_text="0 once the line is removed from the order (its refund stays on record).",
    )
    picked_quantity = models.PositiveIntegerField(default=0)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO,
                                     validators=[MinValueValidator(ZERO)])
    line_total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO,
                                     validators=[MinValueValidator(ZERO)])
    unmatched = models.BooleanField(
        default=False, help_text="The SKU sold matched no POS item: the line has no item.",
    )
    bc_line_id = models.PositiveBigIntegerField("BigCommerce line id", null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "bc_line_id"],
                                    condition=Q(bc_line_id__isnull=False),
                                    name="sales_order_line_bc_id_once"),
            models.CheckConstraint(condition=Q(quantity__gte=0),
                                   name="sales_order_line_quantity_gte_0"),
            models.CheckConstraint(condition=Q(picked_quantity__lte=F("quantity")),
                                   name="sales_order_line_picked_lte_quantity",
                                   violation_error_message="Picked quantity cannot exceed "
                                                           "the quantity sold."),
            models.CheckConstraint(condition=Q(unit_price__gte=0, line_total__gte=0),
                                   name="sales_order_line_amounts_gte_0"),
            models.CheckConstraint(condition=Q(unmatched=False) | Q(item__isnull=True),
                                   name="sales_order_line_unmatched_has_no_item"),
            models.CheckConstraint(condition=Q(variant__isnull=True) | Q(item__isnull=False),
                                   name="sales_order_line_variant_has_item"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.quantity} × {self.sku or self.name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        label = f"Line {self.sku or self.name!r}"
        if (self.picked_quantity or 0) > (self.quantity or 0):
            errors["picked_quantity"] = (f"{label}: picked {self.picked_quantity} is more "
                                         f"than the {self.quantity} sold.")
        if self.variant_id and self.variant is not None and self.variant.item_id != self.item_id:
            errors["variant"] = f"{label}: variant {self.variant.sku} belongs to another item."
        if self.unmatched and self.item_id:
            errors["unmatched"] = f"{label}: a line with an item is not unmatched."
        if errors:
            raise ValidationError(errors)


class Transaction(models.Model):
    """Money moved on an order: a sale, or a refund. An edit on BigCommerce becomes one of
    these for just the change; `reason` says which change."""

    class Kind(models.TextChoices):
        SALE = "sale", "Sale"
        REFUND = "refund", "Refund"

    # PROTECT: an order whose money has moved is not deleted with its history.
    order = models.ForeignKey(SalesOrder, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(ZERO)],
                                 help_text="Always ≥ 0; the kind says which way it went.")
    reason = models.CharField(max_length=500, blank=True,
                              help_text="What caused it, e.g. line 12 quantity 3 → 1.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["sale", "refund"]),
                                   name="transaction_kind_valid"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="transaction_amount_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} on {self.order_id}"


class TransactionLine(models.Model):
    """How much of one order line a transaction sold or refunded."""

    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(SalesOrderLine, on_delete=models.PROTECT,
                             related_name="transaction_lines")
    quantity = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(ZERO)])
    restock = models.BooleanField(default=False, help_text="A refund put the stock back.")

    class Meta:
        ordering = ["transaction", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0),
                                   name="transaction_line_amount_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of line {self.line_id}"
