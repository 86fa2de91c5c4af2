"""What the workers run for order import: a connection id turned into a store connection,
then the import service. Called by the tasks only; nothing here sends a task."""

from __future__ import annotations

from ..models import StoreConnection
from .importing import OrderResult, order_import


def order_import_run(*, connection_id: int, bc_order_id: int) -> OrderResult | None:
    """Import one order of an active connection (None: the connection is gone or off)."""
    connection = StoreConnection.objects.filter(pk=connection_id, is_active=True).first()
    if connection is None:
        return None
    return order_import(connection=connection, bc_order_id=bc_order_id)
