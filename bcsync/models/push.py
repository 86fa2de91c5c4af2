"""What push needs to remember: field policies, each item's sync record with a store (its link
to a BigCommerce product and what was last pushed), the outbox of the background push, jobs a
person started, the history of every change the sync made, and notifications for staff."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .connections import StoreConnection


class SyncField(models.TextChoices):
    """The thirteen fields a shop decides on, as its staff know them."""

    NAMES = "names", "Names"
    PRICES = "prices", "Prices"
    COST_PRICES = "cost_prices", "Cost Prices"
    UPCS = "upcs", "UPCs"
    BIN_NUMBERS = "bin_numbers", "BinNumbers"
    QOHS = "qohs", "QOHs"
    BRANDS = "brands", "Brands"
    WEIGHTS = "weights", "Weights"
    DIMENSIONS = "dimensions", "Dimensions"
    SKUS = "skus", "SKUs"
    VAR_PRICES = "var_prices", "Var. Prices"
    VAR_WEIGHTS = "var_weights", "Var. Weights"
    VAR_IMAGES = "var_images", "Var. Images"


class Policy(models.TextChoices):
    OFF = "off", "Off"
    MANUAL = "manual", "Manual"
    ON = "on", "On"


# Fields a background push must never change on its own: an SKU change re-keys the product
# online, and variant values are per-variant edits staff make deliberately.
MANUAL_ONLY_FIELDS: frozenset[str] = frozenset({
    SyncField.SKUS, SyncField.VAR_PRICES, SyncField.VAR_WEIGHTS, SyncField.VAR_IMAGES,
})
DEFAULT_POLICY = Policy.MANUAL


class FieldPolicy(models.Model):
    """How much control the POS has over one field online, per store. A missing row is the
    default (Manual): nothing moves in the background until the shop turns a field On."""

    connection = models.ForeignKey(StoreConnection, on_delete=models.CASCADE,
                                   related_name="field_policies")
    field = models.CharField(max_length=20, choices=SyncField.choices)
    policy = models.CharField(max_length=10, choices=Policy.choices, default=DEFAULT_POLICY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["connection", "field"]
        verbose_name = "field websync policy"
        verbose_name_plural = "field websync policies"
        constraints = [
            models.UniqueConstraint(fields=["connection", "field"], name="field_policy_once"),
            models.CheckConstraint(condition=Q(field__in=SyncField.values),
                                   name="field_policy_known_field"),
            models.CheckConstraint(condition=Q(policy__in=Policy.values),
                                   name="field_policy_known_policy"),
            models.CheckConstraint(
                condition=~(Q(field__in=sorted(MANUAL_ONLY_FIELDS)) & Q(policy=Policy.ON)),
                name="field_policy_manual_only_never_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.get_policy_display()}"


class DepartmentCategory(models.Model):
    """The BigCommerce categories a new product of this department is created in."""

    connection = models.ForeignKey(StoreConnection, on_delete=models.CASCADE,
                                   related_name="department_categories")
    department = models.ForeignKey("catalog.Department", on_delete=models.CASCADE,
                                   related_name="web_categories")
    bc_category_ids = models.JSONField(default=list,
                                       help_text="BigCommerce category ids, in order.")

    class Meta:
        ordering = ["connection", "department__name"]
        verbose_name = "department → category mapping"
        constraints = [
            models.UniqueConstraint(fields=["connection", "department"],
                                    name="department_category_once"),
        ]

    def __str__(self) -> str:
        return f"{self.department} → {self.bc_category_ids}"


class ItemSync(models.Model):
    """One POS item's standing with one store: its link to a BigCommerce product (none: not
    linked), what the POS last pushed (the memory a diff is taken against), fields edited
    online since (conflicts), and the last error."""

    class LinkedBy(models.TextChoices):
        SKU = "sku", "Matched by SKU"
        NAME = "name", "Matched by name"
        UPC = "upc", "Matched by UPC"
        CREATED = "created", "Created by upload"
        IMPORTED = "imported", "Imported from BigCommerce"

    connection = models.ForeignKey(StoreConnection, on_delete=models.CASCADE,
                                   related_name="item_syncs")
    item = models.ForeignKey("catalog.Item", on_delete=models.CASCADE, related_name="web_syncs")
    bc_product_id = models.PositiveBigIntegerField("BigCommerce product id", null=True,
                                                   blank=True)
    linked_by = models.CharField(max_length=10, choices=LinkedBy.choices, blank=True)
    linked_at = models.DateTimeField(null=True, blank=True)
    bc_category_ids = models.JSONField(
        null=True, blank=True,
        help_text="Categories chosen for this item; empty: those of its department.",
    )
    pushed = models.JSONField(
        default=dict, blank=True,
        help_text="BigCommerce field → the value the POS last sent (or found when linking).",
    )
    pushed_at = models.DateTimeField(null=True, blank=True)
    conflicts = models.JSONField(
        default=dict, blank=True,
        help_text="BigCommerce field → {pushed, online, seen_at}: edited online since the "
                  "POS last set it.",
    )
    error = models.TextField(blank=True)
    error_field = models.CharField(max_length=100, blank=True)
    error_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["connection", "item__sku"]
        verbose_name = "item sync record"
        constraints = [
            models.UniqueConstraint(fields=["connection", "item"], name="item_sync_once"),
            models.UniqueConstraint(fields=["connection", "bc_product_id"],
                                    condition=Q(bc_product_id__isnull=False),
                                    name="item_sync_product_linked_once"),
            models.CheckConstraint(
                condition=Q(bc_product_id__isnull=True) | ~Q(linked_by=""),
                name="item_sync_linked_says_how",
            ),
        ]

    def __str__(self) -> str:
        state = f"linked to {self.bc_product_id}" if self.is_linked else "not linked"
        return f"{self.item_id} @ {self.connection_id}: {state}"

    @property
    def is_linked(self) -> bool:
        return self.bc_product_id is not None


class VariantSync(models.Model):
    """A POS variant's link to a BigCommerce variant of its item's product."""

    item_sync = models.ForeignKey(ItemSync, on_delete=models.CASCADE,
                                  related_name="variant_syncs")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE,
                                related_name="web_syncs")
    bc_variant_id = models.PositiveBigIntegerField("BigCommerce variant id")
    pushed = models.JSONField(default=dict, blank=True)
    pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item_sync", "variant__sku"]
        verbose_name = "variant sync record"
        constraints = [
            models.UniqueConstraint(fields=["item_sync", "variant"], name="variant_sync_once"),
            models.UniqueConstraint(fields=["item_sync", "bc_variant_id"],
                                    name="variant_sync_bc_variant_once"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} → {self.bc_variant_id}"


class PushRequest(models.Model):
    """The background push's outbox: this item changed in the POS and may need pushing.

    One row per store and item, however many edits: a later edit moves `requested_at`. The
    pass claims rows with a conditional UPDATE (claim token + time), so two workers never push
    the same item; a row is deleted only when the push it made covered its latest request."""

    connection = models.ForeignKey(StoreConnection, on_delete=models.CASCADE,
                                   related_name="push_requests")
    item = models.ForeignKey("catalog.Item", on_delete=models.CASCADE,
                             related_name="push_requests")
    requested_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claim_token = models.CharField(max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "pk"]
        verbose_name = "push request"
        constraints = [
            models.UniqueConstraint(fields=["connection", "item"], name="push_request_once"),
        ]
        indexes = [models.Index(fields=["connection", "next_attempt_at"],
                                name="push_request_due")]

    def __str__(self) -> str:
        return f"push item {self.item_id} to {self.connection_id}"


class SyncJob(models.Model):
    """Work a person started that runs in the background with a progress bar (a bulk upload;
    later a bulk import or the initial dataset). Recorded before it is queued, so a lost
    message or a killed worker is re-queued by the sweeper, never lost."""

    class Kind(models.TextChoices):
        UPLOAD = "upload", "Upload to BigCommerce"
        IMPORT = "import", "Import from BigCommerce"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    connection = models.ForeignKey(StoreConnection, on_delete=models.CASCADE,
                                   related_name="sync_jobs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    params = models.JSONField(default=dict, blank=True,
                              help_text="What to work on: ids, or a grid filter; options.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    run_token = models.CharField(max_length=40, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True,
                              help_text="Outcome → how many, e.g. created, linked, updated.")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "sync job"
        indexes = [models.Index(fields=["state", "created_at"], name="sync_job_state")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_state_display()})"


class SyncEvent(models.Model):
    """The history: one entry per record the sync linked, created, updated or failed on —
    when, who or which job, the fields and values sent, and the result."""

    class Action(models.TextChoices):
        LINKED = "linked", "Linked"
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        UNCHANGED = "unchanged", "Nothing to send"
        CONFLICT = "conflict", "Edited online"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    connection = models.ForeignKey(StoreConnection, on_delete=models.CASCADE,
                                   related_name="sync_events")
    item = models.ForeignKey("catalog.Item", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="sync_events")
    label = models.CharField(max_length=300, help_text="The record as it was named then.")
    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    job = models.CharField(max_length=100, blank=True,
                           help_text="The background job, when no person started it.")
    class Direction(models.TextChoices):
        PUSH = "push", "POS → BigCommerce"
        IMPORT = "import", "BigCommerce → POS"

    action = models.CharField(max_length=10, choices=Action.choices)
    # Which way the record moved: the dashboard counts pushes and imports apart (an action
    # alone cannot tell: both push and import create and link).
    direction = models.CharField(max_length=10, choices=Direction.choices,
                                 default=Direction.PUSH)
    fields = models.JSONField(default=dict, blank=True,
                              help_text="BigCommerce field → {from, to}.")
    ok = models.BooleanField(default=True)
    error = models.TextField(blank=True)
    error_field = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "sync history entry"
        verbose_name_plural = "sync history"
        indexes = [models.Index(fields=["item", "-at"], name="sync_event_item_recent")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.label}"


class Notification(models.Model):
    """Something a sync job wants a person to know or do."""

    class Kind(models.TextChoices):
        ERROR = "error", "Error"
        ALERT = "alert", "Alert"
        ELECTION = "election", "Election"
        WARNING = "warning", "Warning"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    connection = models.ForeignKey(StoreConnection, null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  help_text="Empty: whoever the settings name, or all staff.")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="Where to look (a page path).")
    key = models.CharField(
        max_length=200, blank=True,
        help_text="Same key while unread: the same problem again updates one notification.",
    )
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(read_at__isnull=True) & ~Q(key=""),
                                    name="notification_unread_key_once"),
        ]
        indexes = [models.Index(fields=["read_at", "-updated_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"
