"""What import needs to remember: each store's import settings (how item numbers are made,
the defaults imported records land in, the initial dataset's state) and the named field
mappings staff choose per job."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .connections import StoreConnection


class ItemNumberSource(models.TextChoices):
    """Create Item Number Using: where an imported item's POS SKU comes from."""

    BC_SKU = "bc_sku", "BigCommerce SKU (letters and digits only)"
    BC_PRODUCT_ID = "bc_product_id", "BigCommerce product id"
    SEQUENCE = "sequence", "Next number in a sequence"


class ImportSettings(models.Model):
    """One store's import settings. A missing row reads as the defaults (see
    `bcsync.imports.settings.import_settings_for`)."""

    class InitialState(models.TextChoices):
        NOT_RUN = "not_run", "Not run"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    connection = models.OneToOneField(StoreConnection, on_delete=models.CASCADE,
                                      related_name="import_settings")
    item_number_source = models.CharField(
        "create item number using", max_length=20, choices=ItemNumberSource.choices,
        default=ItemNumberSource.BC_SKU,
        help_text="The BigCommerce SKU is kept in the item's product number either way.")
    sequence_next = models.PositiveBigIntegerField(
        default=1, help_text="The next number a sequence-numbered item gets.")
    sequence_prefix = models.CharField(max_length=10, blank=True, default="",
                                       help_text="Letters and digits before the number.")
    default_department = models.ForeignKey(
        "catalog.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Products without a category; empty: a department named 'Web'.")
    default_vendor = models.ForeignKey(
        "catalog.Vendor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Empty: No Vendor.")
    default_location = models.ForeignKey(
        "catalog.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Where imported stock goes; empty: the store's POS location.")
    default_unit_of_measure = models.ForeignKey(
        "catalog.UnitOfMeasure", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+")
    skip_zero_quantity = models.BooleanField(
        default=True, help_text="Stock rows with quantity 0 or less are not created.")
    product_mapping = models.ForeignKey(
        "FieldMapping", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Item fields of imported products; empty: Automatic.")
    customer_mapping = models.ForeignKey(
        "FieldMapping", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    order_mapping = models.ForeignKey(
        "FieldMapping", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    item_export_mapping = models.ForeignKey(
        "FieldMapping", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    initial_state = models.CharField(max_length=10, choices=InitialState.choices,
                                     default=InitialState.NOT_RUN)
    initial_at = models.DateTimeField(null=True, blank=True)
    initial_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    initial_report = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "import settings"
        verbose_name_plural = "import settings"

    def __str__(self) -> str:
        return f"import settings of {self.connection_id}"


class FieldMapping(models.Model):
    """A named mapping: which BigCommerce field(s) fill which POS field for one job. A row
    with several sources combines them with its separator (first + last name → name)."""

    class Kind(models.TextChoices):
        PRODUCT_IMPORT = "product_import", "Product Import"
        CUSTOMER_IMPORT = "customer_import", "Customer Import"
        ORDER_IMPORT = "order_import", "Order Import"
        ITEM_EXPORT = "item_export", "Item Export"

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    rows = models.JSONField(
        default=list, blank=True,
        help_text='[{"sources": ["first_name", "last_name"], "target": "name", '
                  '"separator": " "}, …]')
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "field mapping"
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="field_mapping_name_once"),
            models.CheckConstraint(condition=~Q(name=""), name="field_mapping_named"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"
