"""What happens once a store is connected: webhooks registered, the local copy filled."""

from __future__ import annotations

from dataclasses import dataclass

from localcopy.models import LcStatus
from localcopy.services import DATASETS

from .client import BigCommerceError
from .lc_requests import LcBusy, lc_reload_request
from .models import StoreConnection
from .tasks import webhooks_register_enqueue
from .webhook_registration import webhooks_register


@dataclass(frozen=True)
class Onboarding:
    webhooks: str
    reloads_queued: list[str]


def connection_onboard(*, connection: StoreConnection, register_now: bool = True) -> Onboarding:
    """Register webhooks (now, or in the background when a page is waiting) and queue a Full
    Reload of each LC dataset never loaded for this store. Safe to repeat: registration is
    idempotent and loaded datasets are left to the incremental pass."""
    if register_now:
        try:
            hooks = webhooks_register(connection=connection)
        except BigCommerceError as exc:
            webhooks = (f"Webhooks not registered ({exc}); the incremental pass keeps the "
                        "local copy current without them.")
        else:
            webhooks = f"{len(hooks)} webhooks registered."
    else:
        webhooks_register_enqueue(connection_id=connection.pk)
        webhooks = "Webhook registration queued."
    loaded = set(
        LcStatus.objects.filter(store_hash=connection.store_hash,
                                last_full_reload_at__isnull=False)
        .values_list("dataset", flat=True)
    )
    queued = []
    for dataset in (name for name in DATASETS if name not in loaded):
        try:
            lc_reload_request(connection=connection, dataset=dataset)
        except LcBusy:
            continue  # being deleted: a Full Reload is for after that
        queued.append(dataset)
    return Onboarding(webhooks=webhooks, reloads_queued=queued)
