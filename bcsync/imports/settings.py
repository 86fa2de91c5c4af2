"""Reading and changing a store's import settings, and the initial dataset's state machine
(not run → running → done; only a settings admin re-enables it, and that is logged)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from catalog.models import Department, Location, Vendor

from ..models import ImportSettings, StoreConnection, SyncEvent
from ..roles import can_change_settings

DEFAULT_DEPARTMENT = "Web"


def import_settings_for(*, connection: StoreConnection) -> ImportSettings:
    """The store's import settings (created with the defaults on first use)."""
    found, _ = ImportSettings.objects.get_or_create(connection=connection)
    return found


def default_department(settings: ImportSettings) -> Department:
    if settings.default_department_id and settings.default_department:
        return settings.default_department
    dept, _ = Department.objects.get_or_create(name=DEFAULT_DEPARTMENT)
    return dept


def default_vendor(settings: ImportSettings) -> Vendor:
    if settings.default_vendor_id and settings.default_vendor:
        return settings.default_vendor
    return Vendor.default()


def default_location(settings: ImportSettings) -> Location | None:
    """Where imported stock goes: the configured location, else the store's POS location."""
    if settings.default_location_id and settings.default_location:
        return settings.default_location
    return settings.connection.pos_location


class InitialDatasetRefused(Exception):
    """The initial dataset already ran (or is running); only a settings admin re-enables it."""


def initial_claim(*, connection: StoreConnection, user: Any = None) -> ImportSettings:
    """Move the initial dataset from not run to running (a conditional UPDATE: two clicks
    start it once). Raises InitialDatasetRefused when it is running or done."""
    import_settings_for(connection=connection)
    moved = ImportSettings.objects.filter(
        connection=connection, initial_state=ImportSettings.InitialState.NOT_RUN,
    ).update(initial_state=ImportSettings.InitialState.RUNNING, initial_at=timezone.now(),
             initial_by=user if getattr(user, "pk", None) else None)
    settings = ImportSettings.objects.get(connection=connection)
    if not moved:
        raise InitialDatasetRefused(
            f"The initial dataset of {connection} is {settings.get_initial_state_display()}"
            f"{f' (since {settings.initial_at:%Y-%m-%d %H:%M})' if settings.initial_at else ''}"
            "; a settings admin can enable it again.")
    return settings


def initial_finish(*, connection: StoreConnection, report: dict[str, Any]) -> None:
    ImportSettings.objects.filter(connection=connection).update(
        initial_state=ImportSettings.InitialState.DONE, initial_at=timezone.now(),
        initial_report=report)


def initial_abort(*, connection: StoreConnection, error: str) -> None:
    """A run that stopped on a connection or database error may start again."""
    ImportSettings.objects.filter(
        connection=connection, initial_state=ImportSettings.InitialState.RUNNING,
    ).update(initial_state=ImportSettings.InitialState.NOT_RUN,
             initial_report={"error": error[:2000]})


@transaction.atomic
def initial_reenable(*, connection: StoreConnection, user: Any) -> ImportSettings:
    """Let the initial dataset run again (settings admins only), with a history entry."""
    if not can_change_settings(user):
        raise PermissionDenied("Only a settings admin can enable the initial dataset again.")
    settings = import_settings_for(connection=connection)
    before = settings.get_initial_state_display()
    settings.initial_state = ImportSettings.InitialState.NOT_RUN
    settings.save(update_fields=["initial_state", "updated_at"])
    SyncEvent.objects.create(
        connection=connection, label="Initial dataset", at=timezone.now(), user=user,
        action=SyncEvent.Action.UPDATED,
        fields={"initial_dataset": {"from": before, "to": "Not run (enabled again)"}})
    return settings
