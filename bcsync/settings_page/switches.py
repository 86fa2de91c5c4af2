"""The switches: Product Sync and Item Sync Enforcement; the LC and Web background switches
(saved by the same service as the Local copy panel's) with the last time each background job
ran."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.db.models import Max

from localcopy.models import LcStatus

from ..lc_requests import sync_switches_set
from ..models import StoreConnection, SyncEvent, SyncJob, SyncSettings
from ..push.background import push_status
from ..push.switches import product_sync_set
from ..roles import can_switch
from .sections import Saved, SettingsSection, register


class ProductSyncForm(forms.Form):
    product_sync_enabled = forms.BooleanField(
        label="Product Sync", required=False,
        help_text="Off: no product creates or updates are pushed (stock and orders go on).")
    item_sync_enforcement = forms.BooleanField(
        label="Item Sync Enforcement", required=False,
        help_text="On: only items enabled for eCommerce and entitled to this store's POS "
                  "location are pushed or uploaded.")

    def __init__(self, *args: Any, connection: StoreConnection, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {
            "product_sync_enabled": SyncSettings.load().product_sync_enabled,
            "item_sync_enforcement": connection.item_sync_enforcement})
        super().__init__(*args, **kwargs)


@register
class ProductSyncSection(SettingsSection):
    key = "product_sync"
    title = "Product Sync"
    order = 60
    form_class = ProductSyncForm
    description = "Product Sync is shop-wide; Item Sync Enforcement is this store's."

    def form(self, *, connection: StoreConnection, data: Any = None) -> forms.BaseForm:
        return ProductSyncForm(data=data, prefix=self.key, connection=connection)

    def save(self, *, connection: StoreConnection, form: forms.BaseForm | None, user: Any,
             action: str = "save") -> Saved | None:
        assert form is not None
        marked = product_sync_set(connection=connection, **form.cleaned_data)
        due = f" {marked} linked items are due for the background push." if marked else ""
        return Saved(f"Saved Product Sync and Item Sync Enforcement.{due}")


@dataclass(frozen=True)
class LastRun:
    job: str
    at: datetime | None
    detail: str = ""


def background_last_runs(*, connection: StoreConnection) -> list[LastRun]:
    """When each background job last ran for this store, None for never: the LC's passes,
    the background push's last pass (with what waits in its outbox) and the last item it
    pushed, and the last upload or import job a person started."""
    lc = LcStatus.objects.filter(store_hash=connection.store_hash).aggregate(
        incremental=Max("last_incremental_at"), full=Max("last_full_reload_at"))
    pushed = (SyncEvent.objects.filter(connection=connection, user__isnull=True)
              .exclude(job="").order_by("-at").values_list("at", "job").first())
    push = push_status(connection=connection)
    job = (SyncJob.objects.filter(connection=connection).exclude(started_at=None)
           .order_by("-started_at").first())
    return [
        LastRun("LC incremental pass", lc["incremental"]),
        LastRun("LC Full Reload", lc["full"]),
        LastRun("Background push pass", push.last_pass_at,
                f"{push.waiting} waiting, {push.failing} failing" if push.waiting else ""),
        LastRun("Background push (last item pushed)", pushed[0] if pushed else None,
                pushed[1] if pushed else ""),
        LastRun("Upload / import job", job.finished_at or job.started_at if job else None,
                f"{job.get_kind_display()}: {job.get_state_display()}" if job else ""),
    ]


class BackgroundForm(forms.Form):
    lc_background_pull = forms.BooleanField(
        label="LC background pull", required=False,
        help_text="Incremental pulls from BigCommerce on a schedule keep the local copy "
                  "current.")
    web_background_push = forms.BooleanField(
        label="Web background push", required=False,
        help_text="Changed On fields of linked items go up in the background.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        settings = SyncSettings.load()
        kwargs.setdefault("initial", {"lc_background_pull": settings.lc_background_pull,
                                      "web_background_push": settings.web_background_push})
        super().__init__(*args, **kwargs)


@register
class BackgroundSection(SettingsSection):
    key = "background"
    title = "Background sync"
    order = 70
    template = "bcsync/settings/background.html"
    form_class = BackgroundForm
    description = "Shop-wide; the same switches as on the Local copy panel."

    def editable(self, user: Any) -> bool:
        return can_switch(user)  # the Local copy panel's rule

    def extra(self, *, connection: StoreConnection, user: Any) -> dict[str, Any]:
        return {"last_runs": background_last_runs(connection=connection)}

    def save(self, *, connection: StoreConnection, form: forms.BaseForm | None, user: Any,
             action: str = "save") -> Saved | None:
        assert form is not None
        settings = sync_switches_set(**form.cleaned_data)
        on_off = {True: "on", False: "off"}
        return Saved(f"Saved background sync: LC background pull "
                     f"{on_off[settings.lc_background_pull]}, Web background push "
                     f"{on_off[settings.web_background_push]}.")
