"""Store connections: build the API client for one, test one, create or update one."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .client import (
    BigCommerceClient,
    BigCommerceError,
    InvalidRequest,
    LocalBudget,
    RateBudget,
    RedisBudget,
)
from .models import StoreConnection
from .validators import api_url_problem

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
    also set how long a silent pass may live), the store's shared rate budget. A connection
    stored before its API URL was checked (plain http:// to another machine in production)
    gets none: its token stays home."""
    problem = api_url_problem(connection.api_url)
    if problem:
        raise InvalidRequest(problem, request_sent=False)
    for name, value in settings.BIGCOMMERCE_CLIENT.items():
        kwargs.setdefault(name, value)
    kwargs.setdefault("budget", rate_budget_for(connection.store_hash))
    return BigCommerceClient.from_connection(connection, **kwargs)


@dataclass(frozen=True)
class ConnectionTestResult:
    ok: bool
    message: str
    store_name: str = ""


class ConnectionTestFailed(Exception):
    """New credentials failed their test; nothing was saved."""

    def __init__(self, result: ConnectionTestResult) -> None:
        super().__init__(result.message)
        self.result = result


def connection_probe(*, connection: StoreConnection) -> ConnectionTestResult:
    """Ask the store for its name; on failure, say exactly why (never showing the token).
    Records nothing: the connection may not be saved yet."""
    try:
        with client_for(connection, max_retries=1, max_retry_seconds=10) as client:
            info = client.store_information()
    except BigCommerceError as exc:
        return ConnectionTestResult(ok=False, message=f"Failed ({connection.api_url}): {exc}")
    return ConnectionTestResult(
        ok=True, store_name=info.name,
        message=f"Connected to {info.name!r} ({info.domain or info.secure_url}).",
    )


def _record_test(connection: StoreConnection, result: ConnectionTestResult) -> None:
    connection.last_tested_at = timezone.now()
    connection.last_test_ok = result.ok
    connection.last_test_message = result.message[:500]


def connection_test(*, connection: StoreConnection) -> ConnectionTestResult:
    """Test a stored connection and record the outcome on it (the admin's status light)."""
    result = connection_probe(connection=connection)
    _record_test(connection, result)
    StoreConnection.objects.filter(pk=connection.pk).update(
        last_tested_at=connection.last_tested_at, last_test_ok=result.ok,
        last_test_message=connection.last_test_message,
    )
    return result


def _with_credentials(
    connection: StoreConnection, *, access_token: str, api_url: str | None,
    description: str | None, client_id: str | None,
) -> StoreConnection:
    if description:
        connection.description = description
    connection.set_access_token(access_token)
    if api_url:
        connection.api_url = api_url
    if client_id is not None:
        connection.client_id = client_id
    return connection


def connection_upsert(
    *,
    store_hash: str,
    access_token: str,
    api_url: str | None = None,
    description: str | None = None,
    client_id: str | None = None,
    test_first: bool = False,
) -> tuple[StoreConnection, bool]:
    """Create the connection for a store hash, or update its credentials.

    With `test_first`, the new credentials are tried against the store before anything is
    saved; on failure ConnectionTestFailed is raised and the stored connection (if any) is
    left exactly as it was, so a typo never replaces a working token."""
    with_changes = partial(_with_credentials, access_token=access_token, api_url=api_url,
                           description=description, client_id=client_id)
    result = None
    if test_first:
        # Outside the transaction: the store may take seconds to answer.
        existing = StoreConnection.objects.filter(store_hash=store_hash).first()
        candidate = with_changes(
            existing or StoreConnection(store_hash=store_hash,
                                        description=description or f"Store {store_hash}"))
        candidate.full_clean()
        result = connection_probe(connection=candidate)
        if not result.ok:
            raise ConnectionTestFailed(result)
    with transaction.atomic():
        connection = (StoreConnection.objects.select_for_update()
                      .filter(store_hash=store_hash).first())
        created = connection is None
        if connection is None:
            connection = StoreConnection(store_hash=store_hash,
                                         description=description or f"Store {store_hash}")
        with_changes(connection)
        if result is not None:
            _record_test(connection, result)
        connection.full_clean()
        connection.save()
    return connection, created


def connection_move(
    *,
    connection: StoreConnection,
    store_hash: str,
    access_token: str,
    api_url: str,
    description: str | None = None,
    client_id: str | None = None,
) -> StoreConnection:
    """Point a stored connection at another store hash, its token entered again, tested
    first like `connection_upsert(test_first=True)` (which finds a connection by its store
    hash, so cannot change one). On failure ConnectionTestFailed is raised and nothing is
    saved."""
    with_changes = partial(_with_credentials, access_token=access_token, api_url=api_url,
                           description=description, client_id=client_id)
    candidate = StoreConnection.objects.get(pk=connection.pk)
    candidate.store_hash = store_hash
    with_changes(candidate)
    candidate.full_clean()
    result = connection_probe(connection=candidate)
    if not result.ok:
        raise ConnectionTestFailed(result)
    with transaction.atomic():
        stored = StoreConnection.objects.select_for_update().get(pk=connection.pk)
        stored.store_hash = store_hash
        with_changes(stored)
        _record_test(stored, result)
        stored.full_clean()
        stored.save()
    return stored
