"""The local copy (LC): what is on BigCommerce, mirrored row by row.

Every mirrored row carries the store it came from (`store_hash`; the LC knows nothing of
bcsync's StoreConnection, by the house's import rules), BigCommerce's id, the columns the
grids, matching and imports search or sort on (indexed), and the raw JSON as received.
"""

from __future__ import annotations

from django.db import models


class Dataset(models.TextChoices):
    """What the LC panel reloads and reports on, one row each."""

    PRODUCTS = "products", "Products"
    CATEGORIES = "categories", "Categories"
    BRANDS = "brands", "Brands"
    ORDERS = "orders", "Orders"
    CUSTOMERS = "customers", "Customers"
    CARRIERS = "carriers", "Carriers / locations"


class Mirrored(models.Model):
    store_hash = models.CharField(max_length=32)
    bc_id = models.BigIntegerField("BigCommerce id")
    raw = models.JSONField(default=dict, help_text="The record as BigCommerce sent it.")
    raw_hash = models.CharField(
        max_length=32, blank=True, default="",
        help_text="Digest of the raw JSON as written (and of the parsers' version): a record "
        "read again with the same digest is left alone.",
    )
    synced_at = models.DateTimeField(help_text="When this row was last written from BC.")

    class Meta:
        abstract = True
        ordering = ["store_hash", "bc_id"]


def _unique_per_store(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["store_hash", "bc_id"], name=f"lc_{name}_unique")


# Lookups on the LC's text columns are exact and per store (matching by SKU, name or UPC), so
# each has one (store_hash, column) index: a plain `db_index` would add a second, LIKE-only
# index per column on PostgreSQL, which no query uses and every reload pays to write.
class LcProduct(Mirrored):
    name = models.CharField(max_length=255)
    sku = models.CharField(max_length=255, blank=True)
    upc = models.CharField(max_length=32, blank=True)
    price = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    cost_price = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    inventory_level = models.IntegerField(null=True)
    inventory_tracking = models.CharField(max_length=10, blank=True)
    is_visible = models.BooleanField(null=True)
    brand_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    category_ids = models.JSONField(default=list)
    bin_picking_number = models.CharField(max_length=255, blank=True)
    date_modified = models.DateTimeField(null=True, db_index=True)

    class Meta(Mirrored.Meta):
        verbose_name = "LC product"
        constraints = [_unique_per_store("product")]
        indexes = [models.Index(fields=["store_hash", "sku"], name="lc_product_store_sku"),
                   models.Index(fields=["store_hash", "name"], name="lc_product_store_name"),
                   models.Index(fields=["store_hash", "upc"], name="lc_product_store_upc"),
                   # The Web View's sort orders (each ends with the primary key).
                   models.Index(fields=["store_hash", "price", "id"],
                                name="lc_product_store_price"),
                   models.Index(fields=["store_hash", "cost_price", "id"],
                                name="lc_product_store_cost"),
                   models.Index(fields=["store_hash", "inventory_level", "id"],
                                name="lc_product_store_stock"),
                   models.Index(fields=["store_hash", "date_modified", "id"],
                                name="lc_product_store_modified")]

    def __str__(self) -> str:
        return f"{self.sku or '(no SKU)'} – {self.name}"


class LcVariant(Mirrored):
    product = models.ForeignKey(LcProduct, on_delete=models.CASCADE, related_name="variants")
    product_bc_id = models.BigIntegerField(db_index=True)
    sku = models.CharField(max_length=255, blank=True)
    upc = models.CharField(max_length=32, blank=True)
    price = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    inventory_level = models.IntegerField(null=True)
    option_label = models.CharField(max_length=255, blank=True,
                                    help_text="e.g. 'Size: M, Colour: Red'.")
    is_base = models.BooleanField(default=False)

    class Meta(Mirrored.Meta):
        verbose_name = "LC variant"
        constraints = [_unique_per_store("variant")]
        indexes = [models.Index(fields=["store_hash", "sku"], name="lc_variant_store_sku"),
                   models.Index(fields=["store_hash", "upc"], name="lc_variant_store_upc")]

    def __str__(self) -> str:
        return f"{self.sku or '(no SKU)'} {self.option_label}".strip()


class LcCategory(Mirrored):
    name = models.CharField(max_length=255, db_index=True)
    parent_bc_id = models.BigIntegerField(null=True, blank=True)
    tree_id = models.BigIntegerField(null=True, blank=True)
    is_visible = models.BooleanField(null=True)

    class Meta(Mirrored.Meta):
        verbose_name = "LC category"
        verbose_name_plural = "LC categories"
        constraints = [_unique_per_store("category")]

    def __str__(self) -> str:
        return self.name


class LcBrand(Mirrored):
    name = models.CharField(max_length=255, db_index=True)

    class Meta(Mirrored.Meta):
        verbose_name = "LC brand"
        constraints = [_unique_per_store("brand")]

    def __str__(self) -> str:
        return self.name


class LcOrder(Mirrored):
    status_id = models.IntegerField(db_index=True)
    status = models.CharField(max_length=100, blank=True)
    customer_bc_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    email = models.CharField(max_length=255, blank=True, db_index=True)
    total_inc_tax = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    currency_code = models.CharField(max_length=3, blank=True)
    date_created = models.DateTimeField(null=True, db_index=True)
    date_modified = models.DateTimeField(null=True, db_index=True)

    class Meta(Mirrored.Meta):
        verbose_name = "LC order"
        constraints = [_unique_per_store("order")]

    def __str__(self) -> str:
        return f"Order {self.bc_id} ({self.status})"


class LcOrderLine(Mirrored):
    order = models.ForeignKey(LcOrder, on_delete=models.CASCADE, related_name="lines")
    product_bc_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    variant_bc_id = models.BigIntegerField(null=True, blank=True)
    sku = models.CharField(max_length=255, blank=True, db_index=True)
    name = models.CharField(max_length=255, blank=True)
    quantity = models.IntegerField(default=0)
    price_inc_tax = models.DecimalField(max_digits=14, decimal_places=4, null=True)

    class Meta(Mirrored.Meta):
        verbose_name = "LC order line"
        constraints = [_unique_per_store("orderline")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku or self.name}"


class LcShippingAddress(Mirrored):
    order = models.ForeignKey(LcOrder, on_delete=models.CASCADE,
                              related_name="shipping_addresses")
    name = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country_iso2 = models.CharField(max_length=2, blank=True)
    shipping_method = models.CharField(max_length=255, blank=True)

    class Meta(Mirrored.Meta):
        verbose_name = "LC shipping address"
        constraints = [_unique_per_store("shippingaddress")]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


class LcCustomer(Mirrored):
    email = models.CharField(max_length=255, db_index=True)
    first_name = models.CharField(max_length=255, blank=True)
    last_name = models.CharField(max_length=255, blank=True, db_index=True)
    company = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    customer_group_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    date_modified = models.DateTimeField(null=True, db_index=True)

    class Meta(Mirrored.Meta):
        verbose_name = "LC customer"
        constraints = [_unique_per_store("customer")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} <{self.email}>"


class LcCustomerGroup(Mirrored):
    name = models.CharField(max_length=255)

    class Meta(Mirrored.Meta):
        verbose_name = "LC customer group"
        constraints = [_unique_per_store("customergroup")]

    def __str__(self) -> str:
        return self.name


class LcShippingMethod(Mirrored):
    """BigCommerce has no carrier list; a zone's shipping methods are the nearest thing."""

    zone_bc_id = models.BigIntegerField()
    zone_name = models.CharField(max_length=255, blank=True)
    name = models.CharField(max_length=255)
    method_type = models.CharField(max_length=100, blank=True)
    enabled = models.BooleanField(null=True)

    class Meta(Mirrored.Meta):
        verbose_name = "LC shipping method"
        constraints = [_unique_per_store("shippingmethod")]

    def __str__(self) -> str:
        return f"{self.zone_name}: {self.name}"


class LcLocation(Mirrored):
    code = models.CharField(max_length=100, blank=True)
    label = models.CharField(max_length=255, blank=True)
    type_id = models.CharField(max_length=20, blank=True)
    enabled = models.BooleanField(null=True)

    class Meta(Mirrored.Meta):
        verbose_name = "LC inventory location"
        constraints = [_unique_per_store("location")]

    def __str__(self) -> str:
        return f"{self.code} – {self.label}"


class LcStatus(models.Model):
    """One row per store and dataset: the state machine the LC panel shows, the lock a pass
    holds, and the incremental watermark.

    A pass claims the row (state=running, its run token, a heartbeat on time); a Full Reload
    or delete a person asks for is recorded in `queued` before any broker message is sent,
    so it survives a lost message or a killed worker (see `claims` and `queueing`).
    """

    class State(models.TextChoices):
        IDLE = "idle", "Current"
        RUNNING = "running", "Running"
        FAILED = "failed", "Failed"

    store_hash = models.CharField(max_length=32)
    dataset = models.CharField(max_length=20, choices=Dataset.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.IDLE)
    run_kind = models.CharField(max_length=20, blank=True, help_text="full / incremental / delete")
    run_token = models.CharField(max_length=40, blank=True,
                                 help_text="Identifies the run that holds the claim.")
    heartbeat_at = models.DateTimeField(null=True, blank=True,
                                        help_text="A running pass touches this as it goes; "
                                        "a stale one is abandoned and may be taken over.")
    queued = models.CharField(
        max_length=20, blank=True,
        help_text="A Full Reload (full) or a delete asked for and not started yet.")
    queued_at = models.DateTimeField(null=True, blank=True)
    queued_due_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the task sent for the queued request is due (now, or a retry's "
        "countdown later); the sweeper sends it again if no worker has taken it by a while "
        "after that.")
    row_count = models.PositiveIntegerField(
        default=0, help_text="Records of this dataset in the LC (every model it owns); kept "
        "by every write, recounted at the end of each pass.")
    items_done = models.PositiveIntegerField(default=0, help_text="Records read (or deleted) "
                                             "by the current or last pass.")
    items_total = models.PositiveIntegerField(null=True, blank=True,
                                              help_text="How many there are, when known.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_full_reload_at = models.DateTimeField(null=True, blank=True)
    last_incremental_at = models.DateTimeField(null=True, blank=True)
    watermark = models.DateTimeField(
        null=True, blank=True,
        help_text="Changes up to this moment are in the LC; the next pass asks from here "
        "(less a small overlap).",
    )
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["store_hash", "dataset"]
        verbose_name = "LC status"
        verbose_name_plural = "LC status"
        constraints = [
            models.UniqueConstraint(fields=["store_hash", "dataset"], name="lc_status_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.store_hash}/{self.dataset}: {self.get_state_display()}"


class LcRun(models.Model):
    """The log of every pass: what it did and what it cost, for people and benchmarks."""

    class Kind(models.TextChoices):
        FULL = "full", "Full reload"
        INCREMENTAL = "incremental", "Incremental pass"
        WEBHOOK = "webhook", "Webhook refresh"
        RECONCILE = "reconcile", "Id reconciliation"
        DELETE = "delete", "Delete"

    store_hash = models.CharField(max_length=32)
    dataset = models.CharField(max_length=20, choices=Dataset.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    run_token = models.CharField(max_length=40, blank=True, db_index=True,
                                 help_text="The claim's token, for passes that hold one.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)
    abandoned = models.BooleanField(default=False,
                                    help_text="Its worker stopped; the sweeper closed it.")
    requests = models.PositiveIntegerField(default=0)
    inserted = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0, help_text="Rows read but left unchanged.")
    problems = models.JSONField(default=list, help_text="Malformed records: id and problem.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "LC run"
        indexes = [models.Index(fields=["store_hash", "dataset", "-started_at"],
                                name="lc_run_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.dataset} at {self.started_at:%Y-%m-%d %H:%M}"


class LcRefresh(models.Model):
    """A webhook's request to re-read one record: one row per record, however many
    deliveries arrive (BigCommerce repeats them), written in the delivery's transaction.

    The refresh task takes the row when it starts (`taken_at`); a delivery arriving during
    the fetch puts it back, so it costs one more read and no more (see `pending`).
    """

    store_hash = models.CharField(max_length=32)
    resource = models.CharField(max_length=20)
    bc_id = models.BigIntegerField("BigCommerce id")
    deleted = models.BooleanField(default=False,
                                  help_text="A delivery said the record is gone.")
    requested_at = models.DateTimeField(help_text="The latest delivery.")
    due_at = models.DateTimeField(help_text="When the task last sent for it is due.")
    taken_at = models.DateTimeField(null=True, blank=True,
                                    help_text="When a task took it (its fetch is under way).")

    class Meta:
        ordering = ["requested_at"]
        verbose_name = "LC pending refresh"
        constraints = [models.UniqueConstraint(fields=["store_hash", "resource", "bc_id"],
                                               name="lc_refresh_unique")]

    def __str__(self) -> str:
        return f"{self.store_hash}/{self.resource} {self.bc_id}"
