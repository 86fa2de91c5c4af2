"""Store connections: build the API client for one, test one, create or update one."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .client import BigCommerceClient, BigCommerceError, LocalBudget, RateBudget, RedisBudget
from .models import StoreConnection

_local_budgets: dict[str, LocalBudget] = {}
_budgets_lock = threading.Lock()


def rate_budget_for(store_hash: str) -> RateBudget:
    """One budget per store: in Redis when configured (shared by every worker process),
    else one per process (shared by its threads)."""
    if settings.REDIS_URL:
        return RedisBudget(settings.REDIS_URL, "bcsync:ratelimit", store_hash)
    with _budgets_lock:
        return _local_budgets.setdefault(store_hash, LocalBudget())


def client_for(connection: StoreConnection, **kwargs) -> BigCommerceClient:
    """The API client for a connection: timeouts and retries from BIGCOMMERCE_CLIENT (which
    also set how long a silent pass may live), the store's shared rate budget."""
    for name, value in settings.BIGCOMMERCE_CLIENT.items():
        kwargs.setdefault(name, value)
    kwargs.setdefault("budget", rate_budget_for(connection.store_hash))
    return BigCommerceClient.from_connection(connection, **kwargs)


@dataclass(frozen=True)
class ConnectionTestResult:
    ok: bool
    message: str
    store_name: str = ""


def connection_test(*, connection: StoreConnection) -> ConnectionTestResult:
    """Ask the store for its name; on failure, say exactly why (never showing the token)."""
    try:
        with client_for(connection, max_retries=1, max_retry_seconds=10) as client:
            info = client.store_information()
    except BigCommerceError as exc:
        result = ConnectionTestResult(ok=False, message=f"Failed ({connection.api_url}): {exc}")
    else:
        result = ConnectionTestResult(
            ok=True, store_name=info.name,
            message=f"Connected to {info.name!r} ({info.domain or info.secure_url}).",
        )
    StoreConnection.objects.filter(pk=connection.pk).update(
        last_tested_at=timezone.now(), last_test_ok=result.ok,
        last_test_message=result.message[:500],
    )
    return result


@transaction.atomic
def connection_upsert(
    *,
    store_hash: str,
    access_token: str,
    api_url: str | None = None,
    description: str | None = None,
    client_id: str | None = None,
) -> tuple[StoreConnection, bool]:
    """Create the connection for a store hash, or update its credentials."""
    connection = StoreConnection.objects.select_for_update().filter(store_hash=store_hash).first()
    created = connection is None
    if created:
        connection = StoreConnection(store_hash=store_hash,
                                     description=description or f"Store {store_hash}")
    elif description:
        connection.description = description
    connection.access_token = access_token
    if api_url:
        connection.api_url = api_url
    if client_id is not None:
        connection.client_id = client_id
    connection.full_clean()
    connection.save()
    return connection, created
