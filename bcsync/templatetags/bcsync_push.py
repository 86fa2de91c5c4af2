"""The item admin page's sync panel: link per store, Upload button, recent history."""

from __future__ import annotations

from typing import Any

from django import template

from ..models import ItemSync, SyncEvent
from ..roles import can_upload

register = template.Library()

HISTORY_ROWS = 20


@register.inclusion_tag("bcsync/push/item_sync_panel.html", takes_context=True)
def item_sync_panel(context: dict[str, Any], item: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if item is None or getattr(item, "pk", None) is None:
        return {"item": None}
    from ..views.push import bigcommerce_product_url

    syncs = [
        {"sync": s, "url": bigcommerce_product_url(s.connection, s.bc_product_id)
         if s.bc_product_id else ""}
        for s in ItemSync.objects.filter(item=item).select_related("connection")
    ]
    events = (SyncEvent.objects.filter(item=item).select_related("user", "connection")
              [:HISTORY_ROWS])
    return {"item": item, "syncs": syncs, "events": events,
            "can_upload": bool(user and can_upload(user))}
