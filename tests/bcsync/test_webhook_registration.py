"""Registering our webhooks on the emulator: every scope once, whatever was there before."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bcemulator.process import EmulatorProcess
from bcsync.connections import client_for, connection_upsert
from bcsync.models import StoreConnection, SyncSettings
from bcsync.webhook_registration import (
    SECRET_HEADER,
    WEBHOOK_SCOPES,
    webhook_receiver_url,
    webhooks_register,
)
from bcsync.webhooks import webhook_mode
from localcopy.models import LcRun
from tests.conftest import client_for as client_for_user

pytestmark = [pytest.mark.django_db]


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed=5) as emu:
        yield emu


@pytest.fixture
def connection(emulator) -> StoreConnection:
    conn, _ = connection_upsert(store_hash=emulator.store_hash, access_token=emulator.token,
                                api_url=emulator.base_url)
    return conn


@pytest.fixture
def receiver() -> str:
    # Each test its own destination: the emulator's hooks outlive a test.
    return f"http://127.0.0.1:1/webhooks/bigcommerce/{uuid.uuid4().hex[:8]}/"


def hooks_at(connection: StoreConnection, destination: str) -> list:
    with client_for(connection) as client:
        return list(client.iter_webhooks({"destination": destination}))


@pytest.mark.emulator
def test_registering_twice_creates_each_scope_once(connection, receiver):
    first = webhooks_register(connection=connection, receiver_url=receiver)
    second = webhooks_register(connection=connection, receiver_url=receiver)

    assert Counter(r.action for r in first) == {"created": len(WEBHOOK_SCOPES)}
    assert Counter(r.action for r in second) == {"unchanged": len(WEBHOOK_SCOPES)}
    hooks = hooks_at(connection, receiver)
    assert sorted(h.scope for h in hooks) == sorted(WEBHOOK_SCOPES)
    assert all(h.is_active and h.headers == {SECRET_HEADER: connection.webhook_secret}
               for h in hooks)
    connection.refresh_from_db()
    assert connection.webhooks_registered_at is not None
    assert connection.webhooks_destination == receiver


@pytest.mark.emulator
def test_a_deactivated_hook_is_reactivated_and_a_duplicate_removed(connection, receiver):
    webhooks_register(connection=connection, receiver_url=receiver)
    with client_for(connection) as client:
        [orders] = client.iter_webhooks({"destination": receiver, "scope": "store/order/*"})
        client.update_webhook(orders.id, {"is_active": False})
        client.create_webhook(scope="store/category/*", destination=receiver,
                              headers={SECRET_HEADER: connection.webhook_secret})

    results = webhooks_register(connection=connection, receiver_url=receiver)

    actions = {(r.scope, r.action) for r in results}
    assert ("store/order/*", "reactivated") in actions
    assert ("store/category/*", "removed duplicate") in actions
    hooks = hooks_at(connection, receiver)
    assert Counter(h.scope for h in hooks) == Counter(WEBHOOK_SCOPES)
    assert all(h.is_active for h in hooks)


@pytest.mark.emulator
def test_a_new_secret_is_put_on_the_existing_hooks(connection, receiver):
    webhooks_register(connection=connection, receiver_url=receiver)
    connection.webhook_secret = "rotated-secret"
    connection.save()
    results = webhooks_register(connection=connection, receiver_url=receiver)
    assert {r.action for r in results} == {"reactivated"}
    assert {h.headers[SECRET_HEADER] for h in hooks_at(connection, receiver)} == {
        "rotated-secret"}


def test_the_receiver_url_is_built_from_the_public_url(settings, db):
    settings.BCSYNC_PUBLIC_URL = "https://sync.example.com/"
    conn, _ = connection_upsert(store_hash="abc123", access_token="t",
                                api_url="http://127.0.0.1:9")
    assert webhook_receiver_url(connection=conn) == (
        "https://sync.example.com/webhooks/bigcommerce/abc123/")


def test_the_mode_says_which_mechanisms_keep_the_lc_current(db):
    conn, _ = connection_upsert(store_hash="abc123", access_token="t",
                                api_url="http://127.0.0.1:9")
    now = timezone.now()
    assert webhook_mode(connection=conn).label == "Incremental only"

    conn.webhooks_registered_at = now - timedelta(days=2)
    mode = webhook_mode(connection=conn)
    assert mode.label == "Webhooks (waiting) + incremental"
    assert mode.detail.startswith("Waiting for the first webhook")

    conn.last_webhook_at = now - timedelta(minutes=3)
    assert webhook_mode(connection=conn).label == "Webhooks + incremental"

    conn.last_webhook_at = now - timedelta(days=3)
    assert webhook_mode(connection=conn).label == "Incremental only"

    conn.last_webhook_at = now
    SyncSettings.objects.update_or_create(pk=1, defaults={"lc_background_pull": False})
    assert webhook_mode(connection=conn).label == "Webhooks only"


def incremental_run(conn: StoreConnection, dataset: str, started_at, **counts) -> LcRun:
    return LcRun.objects.create(store_hash=conn.store_hash, dataset=dataset,
                                kind=LcRun.Kind.INCREMENTAL, started_at=started_at,
                                finished_at=started_at + timedelta(seconds=2), ok=True,
                                requests=1, **counts)


def test_webhooks_are_called_unreachable_only_when_passes_found_changes_none_delivered(db):
    """On the demo nothing changes until someone edits the store, so no webhook arrives:
    that is waiting, not failing. Changes that webhooks cover, found by an incremental pass
    well after registration while no delivery came, are what says they do not reach us."""
    conn, _ = connection_upsert(store_hash="abc123", access_token="t",
                                api_url="http://127.0.0.1:9")
    registered = timezone.now() - timedelta(hours=3)
    conn.webhooks_registered_at = registered

    def mode():
        return webhook_mode(connection=conn)

    incremental_run(conn, "products", registered + timedelta(minutes=30))  # nothing changed
    incremental_run(conn, "brands", registered + timedelta(minutes=30), updated=4)  # no hooks
    incremental_run(conn, "orders", registered + timedelta(minutes=2), inserted=1)  # too soon
    incremental_run(conn, "products", registered - timedelta(minutes=5), updated=9)  # before
    assert mode().label == "Webhooks (waiting) + incremental"
    assert mode().detail.startswith("Waiting for the first webhook")
    assert not mode().webhooks_live

    incremental_run(conn, "orders", registered + timedelta(minutes=40), inserted=2)
    assert mode().label == "Incremental only"
    assert "BigCommerce may not reach this server" in mode().detail
    assert "BCSYNC_PUBLIC_URL" in mode().detail

    conn.last_webhook_at = timezone.now() - timedelta(minutes=1)
    assert mode().label == "Webhooks + incremental"
    assert mode().detail == "Webhooks are arriving."

    conn.last_webhook_at = None
    SyncSettings.objects.update_or_create(pk=1, defaults={"lc_background_pull": False})
    assert mode().label == "Manual reloads only"
    LcRun.objects.all().delete()
    assert mode().label == "Webhooks (waiting)"


@pytest.mark.emulator
def test_bob_registers_webhooks_from_the_panel_at_the_public_url(bob, connection, settings):
    settings.BCSYNC_PUBLIC_URL = f"http://127.0.0.1:1/{uuid.uuid4().hex[:8]}"
    response = client_for_user(bob).post(reverse("bcsync:webhooks_register"),
                                         {"store": connection.store_hash}, follow=True)
    assert f"{len(WEBHOOK_SCOPES)} created, 0 reactivated, 0 unchanged" in (
        response.content.decode())
    destination = webhook_receiver_url(connection=connection)
    assert destination.startswith(settings.BCSYNC_PUBLIC_URL)
    assert len(hooks_at(connection, destination)) == len(WEBHOOK_SCOPES)


def test_an_unreachable_store_is_reported_on_the_panel_not_as_an_error_page(bob):
    conn, _ = connection_upsert(store_hash="abc123", access_token="t",
                                api_url="http://127.0.0.1:9")
    response = client_for_user(bob).post(reverse("bcsync:webhooks_register"),
                                         {"store": "abc123"}, follow=True)
    assert response.status_code == 200
    assert "Webhooks were not registered: " in response.content.decode()
    conn.refresh_from_db()
    assert conn.webhooks_registered_at is None
