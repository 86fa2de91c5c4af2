"""What staff (and onboarding) ask of the local copy: a Full Reload, the delete, the two
background switches. localcopy records each request first; the task is sent when the
transaction commits, so a lost message never loses the request (the sweeper sends it again).
"""

from __future__ import annotations

from django.db import transaction

from localcopy import services as lc
from localcopy.models import LcStatus

from .models import StoreConnection, SyncSettings
from .tasks import lc_delete_enqueue, lc_reload_enqueue

LcBusy = lc.LcBusy


@transaction.atomic
def lc_reload_request(*, connection: StoreConnection, dataset: str) -> list[LcStatus]:
    """Queue a Full Reload of one dataset (or "all"); a reload already queued or running is
    joined. Raises ValueError for an unknown dataset, LcBusy while the LC is being deleted."""
    requested = lc.lc_reload_request(store_hash=connection.store_hash, dataset=dataset)
    for each in requested:
        if each.send:
            lc_reload_enqueue(connection_id=connection.pk, dataset=each.status.dataset)
    return [each.status for each in requested]


@transaction.atomic
def lc_delete_request(*, connection: StoreConnection) -> None:
    """Queue the delete of this store's LC, done in the background with progress. Raises
    LcBusy while any pass is running or queued for the store."""
    lc.lc_delete_request(store_hash=connection.store_hash)
    lc_delete_enqueue(store_hash=connection.store_hash)


def sync_switches_set(*, lc_background_pull: bool, web_background_push: bool) -> SyncSettings:
    """The panel's two background switches."""
    settings = SyncSettings.load()
    settings.lc_background_pull = lc_background_pull
    settings.web_background_push = web_background_push
    settings.save(update_fields=["lc_background_pull", "web_background_push", "updated_at"])
    return settings
