"""`make run`'s own logic: the demo store connection and the processes to supervise."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import transaction

from catalog.models import Department, Location
from demo.catalog import DEPARTMENTS, ONLINE_LOCATION, store_category_id

from .connections import ConnectionTestResult, connection_test, connection_upsert
from .models import DepartmentCategory, StoreConnection
from .onboarding import connection_onboard

# The emulator's documented defaults (bcemulator/README.md); the product does not import it.
DEMO_STORE_HASH = "bcsyncdemo"
DEMO_TOKEN = "emulator-token"


def demo_connection_ensure(*, emulator_url: str) -> StoreConnection | None:
    """Connect to the emulator's demo store, but only when no store is connected yet:
    a shop that pointed bcsync at its real store keeps that connection."""
    if StoreConnection.objects.exists():
        connection = StoreConnection.objects.filter(store_hash=DEMO_STORE_HASH,
                                                    api_url=emulator_url).first()
    else:
        connection, _ = connection_upsert(store_hash=DEMO_STORE_HASH, access_token=DEMO_TOKEN,
                                          api_url=emulator_url,
                                          description="Demo store (emulator)")
    if connection is not None:
        demo_settings_fill(connection=connection)
    return connection


@transaction.atomic
def demo_settings_fill(*, connection: StoreConnection) -> None:
    """Give the demo connection the demo shop's own settings while it has none of them (new,
    or made before the demo had them): it sells from the POS store into BigCommerce's default
    location, and each demo department's new products go to the store category of its name.
    Once either is set, on the settings page or here, nothing is changed."""
    if connection.pos_location_id is not None or connection.department_categories.exists():
        return
    store = Location.objects.filter(code=ONLINE_LOCATION).first()
    if store is not None:
        connection.pos_location = store
        connection.bc_location_id = 1
        connection.save(update_fields=["pos_location", "bc_location_id"])
    DepartmentCategory.objects.bulk_create([
        DepartmentCategory(connection=connection, department=department,
                           bc_category_ids=[store_category_id(department.name)])
        for department in Department.objects.filter(name__in=DEPARTMENTS)])


def emulator_wait(*, emulator_url: str, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{emulator_url}/_emulator/health", timeout=2) as r:
                if json.load(r).get("ok"):
                    return True
        except (OSError, urllib.error.URLError, ValueError):
            pass
        time.sleep(0.5)
    return False


def demo_connection_check(
    *, connection: StoreConnection, emulator_url: str
) -> ConnectionTestResult:
    """Wait for the emulator to listen, then test the connection (the admin shows the light)."""
    if not emulator_wait(emulator_url=emulator_url):
        return ConnectionTestResult(ok=False, message=f"The emulator at {emulator_url} did "
                                    "not start; see the 'emulator' lines above.")
    result = connection_test(connection=connection)
    if result.ok:
        onboarding = connection_onboard(connection=connection)
        message = f"{result.message} {onboarding.webhooks}"
        if onboarding.reloads_queued:
            queued = ", ".join(onboarding.reloads_queued)
            message += f" Local copy: Full Reload queued for {queued}."
        result = ConnectionTestResult(ok=True, message=message, store_name=result.store_name)
    return result


def procfile_processes() -> dict[str, str]:
    from honcho.environ import parse_procfile

    text = (Path(settings.BASE_DIR) / "Procfile").read_text()
    return dict(parse_procfile(text).processes)
