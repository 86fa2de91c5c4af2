"""Inventory's own records: the extra POS → BigCommerce location pairs of a store, its End
of Day settings, and the log of End of Day runs."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .connections import StoreConnection

MAX_LOCATION_ID = 2_147_483_647


class LocationMapping(models.Model):
    """One more POS location whose stock is set at one more BigCommerce inventory location.

    The connection's own `pos_location` → `bc_location_id` is always the first (default)
    pair; rows here add others. A store with no rows keeps working exactly as before."""

    connection = models.ForeignKey(StoreConnection, on_delete=models.CASCADE,
                                   related_name="location_mappings")
    pos_location = models.ForeignKey("catalog.Location", on_delete=models.PROTECT,
                                     related_name="bc_location_mappings")
    bc_location_id = models.PositiveIntegerField("BigCommerce location id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["connection", "bc_location_id"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "pos_location"],
                                    name="location_mapping_pos_once",
                                    violation_error_message="This POS location is already "
                                                            "mapped for this store."),
            models.UniqueConstraint(fields=["connection", "bc_location_id"],
                                    name="location_mapping_bc_once",
                                    violation_error_message="This BigCommerce location is "
                                                            "already mapped for this store."),
            models.CheckConstraint(condition=Q(bc_location_id__gte=1),
                                   name="location_mapping_bc_id_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.pos_location_id} → BigCommerce location {self.bc_location_id}"


class InventorySettings(models.Model):
    """A store's End of Day: whether and when its snapshot of stock is pushed."""

    connection = models.OneToOneField(StoreConnection, on_delete=models.CASCADE,
                                      related_name="inventory_settings")
    end_of_day_enabled = models.BooleanField("End of Day", default=False)
    end_of_day_time = models.TimeField(
        "End of Day time", default="23:00",
        help_text="Local time (the server's time zone) after which the day's snapshot runs.")
    subtract_unpicked = models.BooleanField(
        "subtract unpicked quantity", default=False,
        help_text="Push on hand minus what open imported orders have not picked yet.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "inventory settings"

    def __str__(self) -> str:
        return f"Inventory settings of {self.connection_id}"


class EndOfDayRun(models.Model):
    """One End of Day snapshot of one store: the scheduled one of a day is its claim (the
    unique constraint makes a second one for the same day impossible), manual and dry runs
    are logged alongside."""

    connection = models.ForeignKey(StoreConnection, on_delete=models.CASCADE,
                                   related_name="end_of_day_runs")
    business_date = models.DateField()
    scheduled = models.BooleanField(default=False)
    dry_run = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    items_checked = models.PositiveIntegerField(default=0)
    items_changed = models.PositiveIntegerField(default=0)
    requests = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    error_details = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "business_date"],
                                    condition=Q(scheduled=True),
                                    name="end_of_day_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"End of Day {self.business_date} of {self.connection_id}"
