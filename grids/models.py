"""Per-user column layouts of the grids."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class GridLayout(models.Model):
    """One user's columns for one grid: order, visibility and width.

    `columns` is a list of {"id": str, "visible": bool, "width": int | null} in display
    order, written only through grids.layouts (which checks it against the grid's columns);
    columns the grid gained since are merged in when it is read.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="grid_layouts")
    grid_key = models.CharField(max_length=100)
    columns = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "grid_key"]
        constraints = [
            models.UniqueConstraint(fields=["user", "grid_key"], name="grid_layout_once"),
        ]

    def __str__(self) -> str:
        return f"{self.grid_key} for {self.user}"
