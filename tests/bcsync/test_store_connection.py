"""The store connection: token encrypted at rest and never shown; create/update by command;
Test connection reports the exact reason for a failure."""

import socket

import pytest
from django.core.management import CommandError, call_command
from django.db import connection as db
from django.urls import reverse

from bcemulator.process import EmulatorProcess
from bcsync.connections import connection_test, connection_upsert
from bcsync.models import StoreConnection
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
TOKEN = "tok-SECRET-abcdef123456"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def store(db) -> StoreConnection:
    conn, _ = connection_upsert(store_hash="abc123", access_token=TOKEN,
                                api_url=f"http://127.0.0.1:{closed_port()}")
    return conn


def test_the_token_is_encrypted_at_rest(store):
    with db.cursor() as cursor:
        cursor.execute("SELECT access_token, webhook_secret FROM bcsync_storeconnection")
        raw_token, raw_secret = cursor.fetchone()
    assert TOKEN not in raw_token
    assert raw_secret.startswith("gAAAA")
    assert raw_token.startswith("gAAAA")  # a Fernet token
    assert StoreConnection.objects.get().access_token == TOKEN
    assert len(StoreConnection.objects.get().webhook_secret) >= 32
    assert TOKEN not in repr(store) and TOKEN not in str(store)


@pytest.mark.parametrize("refused", ["x" * 201, "tok\nen"])
def test_a_refused_token_leaves_every_stored_secret_readable(store, refused):
    """encrypted_fields' clean() sets a "don't decrypt" flag on the field, which every
    instance and thread shares, and left it set when a validator refused the value: from then
    on every read returned ciphertext (and a save would have encrypted it twice)."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        StoreConnection(description="x", store_hash="zz9", access_token=refused).full_clean()
    fresh = StoreConnection.objects.get(pk=store.pk)
    assert fresh.access_token == TOKEN
    assert not fresh.webhook_secret.startswith("gAAAA")


def test_upsert_updates_rather_than_duplicates(store):
    conn, created = connection_upsert(store_hash="abc123", access_token="new-token",
                                      description="Web shop")
    assert not created
    assert StoreConnection.objects.count() == 1
    assert conn.access_token == "new-token" and conn.description == "Web shop"


def test_a_bad_store_hash_is_refused_by_name():
    with pytest.raises(CommandError, match="store_hash: A store hash holds lowercase"):
        call_command("bcconnect", "--store-hash", "ABC-1", "--token", "t", "--no-test")
    assert not StoreConnection.objects.exists()


def test_bcconnect_creates_then_updates(capsys):
    call_command("bcconnect", "--store-hash", "xyz9", "--token", "t1", "--no-test",
                 "--api-url", "http://127.0.0.1:8765")
    call_command("bcconnect", "--store-hash", "xyz9", "--token", "t2", "--no-test")
    out = capsys.readouterr().out
    assert "Created" in out and "Updated" in out
    conn = StoreConnection.objects.get()
    assert (conn.access_token, conn.api_url) == ("t2", "http://127.0.0.1:8765")


def test_an_unreachable_store_fails_with_the_reason_and_no_token(store):
    result = connection_test(connection=store)
    assert not result.ok
    assert "Failed" in result.message and "127.0.0.1" in result.message
    assert TOKEN not in result.message
    store.refresh_from_db()
    assert store.last_test_ok is False and store.last_tested_at is not None


def test_the_admin_never_renders_the_token(alice, store):
    page = client_for(alice).get(reverse("admin:bcsync_storeconnection_change", args=[store.pk]))
    assert page.status_code == 200
    assert TOKEN not in page.content.decode()


def test_saving_the_admin_form_without_a_token_keeps_the_stored_one(alice, store):
    url = reverse("admin:bcsync_storeconnection_change", args=[store.pk])
    response = client_for(alice).post(url, {
        "description": "Renamed", "store_hash": "abc123", "api_url": store.api_url,
        "client_id": "", "access_token": "", "bc_location_id": 1, "code_prefix": "BC",
        "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    store.refresh_from_db()
    assert store.description == "Renamed" and store.access_token == TOKEN


def test_the_admin_action_reports_the_failure(alice, store):
    response = client_for(alice).post(
        reverse("admin:bcsync_storeconnection_changelist"),
        {"action": "test_connection", "_selected_action": [store.pk]}, follow=True)
    text = response.content.decode()
    assert "Failed" in text and TOKEN not in text


@pytest.fixture(scope="module")
def emulator():
    with EmulatorProcess(seed="demo") as emu:
        yield emu


@pytest.mark.emulator
def test_bcconnect_to_the_emulator_registers_webhooks_and_queues_the_lc(emulator, capsys):
    from localcopy.models import Dataset, LcStatus

    call_command("bcconnect", "--store-hash", emulator.store_hash, "--token", emulator.token,
                 "--api-url", emulator.base_url)
    out = capsys.readouterr().out
    assert "Connected to 'bcsync demo store'" in out
    assert "webhooks registered" in out
    assert "Full Reload queued for products" in out
    conn = StoreConnection.objects.get()
    assert conn.last_test_ok is True and conn.webhooks_registered_at is not None
    queued = LcStatus.objects.filter(store_hash=emulator.store_hash, queued="full")
    assert set(queued.values_list("dataset", flat=True)) == set(Dataset.values)


def test_bcconnect_with_a_wrong_token_says_so(emulator):
    with pytest.raises(CommandError, match="401"):
        call_command("bcconnect", "--store-hash", emulator.store_hash, "--token", "wrong",
                     "--api-url", emulator.base_url)
