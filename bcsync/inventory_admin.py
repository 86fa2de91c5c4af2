"""The End of Day log, read only in the admin (each run's counts and its per-item errors)."""

from __future__ import annotations

from django.contrib import admin

from .models import EndOfDayRun
from .push_admin import ReadOnly


@admin.register(EndOfDayRun)
class EndOfDayRunAdmin(ReadOnly):
    list_display = ("started_at", "connection", "business_date", "scheduled", "dry_run",
                    "items_checked", "items_changed", "requests", "errors", "finished_at")
    list_filter = ("connection", "scheduled", "dry_run")
    date_hierarchy = "started_at"
    readonly_fields = ("connection", "business_date", "scheduled", "dry_run", "started_at",
                       "finished_at", "items_checked", "items_changed", "requests", "errors",
                       "error_details")
