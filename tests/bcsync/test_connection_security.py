"""The access token as an attacker, a careless paste and each staff role would meet it.

Never shown (no page, for any persona, renders the token, the webhook secret or a piece of
either); bound to its host (a new API URL or store hash needs the token again; production
takes https only, plain http on loopback only); never in an error (a token with whitespace
or control characters is refused wherever it is entered, and no log line, page, command
output or traceback carries it); tested before saved (`bcconnect` keeps the stored
connection when the new credentials fail); Test connection needs change permission.
"""

from __future__ import annotations

import logging
import re
import socket
import sys
import traceback
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection as db
from django.urls import reverse
from django.utils import timezone
from django.views.debug import ExceptionReporter

from bcemulator.process import EmulatorProcess
from bcsync.client import BigCommerceClient, BigCommerceError, InvalidRequest
from bcsync.connections import client_for as api_client_for
from bcsync.connections import connection_test, connection_upsert
from bcsync.models import StoreConnection
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

TOKEN = "bcTok3nZq8RkT3mWv9xLp2N"
# A paste accident: the token with a line break inside (and its two halves to look for).
HOSTILE = "bcTOKEN-Zq8R\nkT3mWv9xLp2N"
HOSTILE_VARIANTS = [HOSTILE, "bcTOKEN-Zq8R kT3mWv9xLp2N", "bcTOKEN-Zq8R\tkT3mWv9xLp2N",
                    "bcTOKEN-Zq8R\x00kT3mWv9xLp2N", " bcTOKEN-Zq8RkT3mWv9xLp2N",
                    "bcTOKEN-Zq8RkT3mWv9xLp2N\r\n", "bcTOKEN-Zq8R\u0142kT3mWv9xLp2N"]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pieces(secret: str, size: int = 8) -> set[str]:
    """The secret, its escaped forms and every run of `size` of its characters: 'any part
    of it' made testable."""
    forms = {secret, repr(secret)[1:-1], secret.encode("unicode_escape").decode()}
    return forms | {secret[i:i + size] for i in range(len(secret) - size + 1)}


def leaked(text: str, secret: str) -> set[str]:
    return {p for p in pieces(secret) if p in text}


@pytest.fixture
def store(db) -> StoreConnection:
    conn, _ = connection_upsert(store_hash="abc123", access_token=TOKEN,
                                api_url=f"http://127.0.0.1:{closed_port()}",
                                description="Main web shop")
    return conn


def form_data(conn: StoreConnection, **changes: object) -> dict:
    data = {"description": conn.description, "store_hash": conn.store_hash,
            "api_url": conn.api_url, "client_id": "", "access_token": "",
            "bc_location_id": 1, "code_prefix": "BC", "is_active": "on"}
    data.update(changes)
    return data


def change_url(conn: StoreConnection) -> str:
    return reverse("admin:bcsync_storeconnection_change", args=[conn.pk])


# ---- never shown ---------------------------------------------------------------------------


def pages_for(conn: StoreConnection) -> list[str]:
    return [
        reverse("admin:index"),
        reverse("admin:bcsync_storeconnection_changelist"),
        reverse("admin:bcsync_storeconnection_add"),
        change_url(conn),
        reverse("admin:bcsync_storeconnection_history", args=[conn.pk]),
        reverse("admin:bcsync_storeconnection_delete", args=[conn.pk]),
        reverse("bcsync:lc_panel"),
        reverse("bcsync:lc_status"),
    ]


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave"])
def test_no_page_renders_any_part_of_the_token_or_the_webhook_secret(request, persona, store):
    browser = client_for(request.getfixturevalue(persona))
    for url in pages_for(store):
        response = browser.get(url)
        assert response.status_code in (200, 302, 403), url
        text = response.content.decode()
        assert not leaked(text, TOKEN), f"{persona} sees the token on {url}"
        assert not leaked(text, store.webhook_secret), f"{persona} sees the secret on {url}"


@pytest.mark.parametrize("persona", ["alice", "bob", "dave"])
def test_the_connection_page_says_whether_and_when_each_secret_was_set(request, persona, store):
    page = client_for(request.getfixturevalue(persona)).get(change_url(store))
    text = page.content.decode()
    assert page.status_code == 200
    assert re.search(r"Access token:.*?set on ", text, re.S), text
    assert re.search(r"Webhook secret:.*?set on ", text, re.S)


def test_bob_views_the_connection_read_only_without_the_token(bob, store):
    page = client_for(bob).get(change_url(store)).content.decode()
    assert "Main web shop" in page  # he does see the connection
    assert 'name="access_token"' not in page
    assert TOKEN not in page


def test_a_new_connection_says_not_set(dave):
    text = client_for(dave).get(reverse("admin:bcsync_storeconnection_add")).content.decode()
    assert re.search(r"Access token:.*?not set", text, re.S)


def test_a_token_stored_before_times_were_recorded_says_so(dave, store):
    StoreConnection.objects.filter(pk=store.pk).update(token_set_at=None)
    text = client_for(dave).get(change_url(store)).content.decode()
    assert re.search(r"Access token:.*?set \(before bcsync recorded when\)", text, re.S)


def test_token_set_at_moves_only_when_a_token_is_entered(dave, store):
    assert store.token_set_at is not None and store.webhook_secret_set_at is not None
    long_ago = timezone.now() - timedelta(days=30)
    StoreConnection.objects.filter(pk=store.pk).update(token_set_at=long_ago)
    browser = client_for(dave)
    assert browser.post(change_url(store), form_data(store, description="Renamed")
                        ).status_code == 302
    store.refresh_from_db()
    assert store.token_set_at == long_ago and store.access_token == TOKEN
    assert browser.post(change_url(store), form_data(store, access_token="n3wTok3n")
                        ).status_code == 302
    store.refresh_from_db()
    assert store.access_token == "n3wTok3n"
    assert store.token_set_at > timezone.now() - timedelta(minutes=1)


# ---- bound to its host ---------------------------------------------------------------------


@pytest.mark.parametrize("change", [{"api_url": "http://127.0.0.1:9"},
                                    {"store_hash": "other1"}])
def test_a_new_host_or_store_hash_needs_the_token_again(dave, store, change):
    browser = client_for(dave)
    response = browser.post(change_url(store), form_data(store, **change))
    assert response.status_code == 200
    assert "Enter the access token again" in response.content.decode()
    fresh = StoreConnection.objects.get(pk=store.pk)
    assert (fresh.api_url, fresh.store_hash) == (store.api_url, store.store_hash)
    # Entering it (even the same one) is what moves it.
    response = browser.post(change_url(store), form_data(store, access_token=TOKEN, **change))
    assert response.status_code == 302
    fresh.refresh_from_db()
    assert all(getattr(fresh, key) == value for key, value in change.items())


def test_the_model_refuses_a_new_host_with_the_old_token(store):
    store = StoreConnection.objects.get(pk=store.pk)
    store.api_url = "https://api.example.com"
    with pytest.raises(ValidationError) as caught:
        store.full_clean()
    assert "access_token" in caught.value.message_dict
    store.set_access_token(TOKEN)
    store.full_clean()


@pytest.mark.parametrize(("url", "debug", "ok"), [
    ("https://api.bigcommerce.com", False, True),
    ("http://127.0.0.1:8765", False, True),
    ("http://127.9.9.9:8765", False, True),
    ("http://localhost:8765", False, True),
    ("http://[::1]:8765", False, True),
    ("http://api.bigcommerce.com", False, False),
    ("http://10.0.0.5:8765", False, False),
    ("http://127.0.0.1.example.com", False, False),
    ("ftp://api.bigcommerce.com", False, False),
    ("http://api.bigcommerce.com", True, True),
    ("ftp://api.bigcommerce.com", True, False),
])
def test_production_takes_https_and_plain_http_only_on_loopback(settings, url, debug, ok):
    settings.DEBUG = debug
    conn = StoreConnection(description="x", store_hash="abc123", api_url=url)
    conn.set_access_token(TOKEN)
    if ok:
        conn.full_clean()
    else:
        with pytest.raises(ValidationError, match="https://") as caught:
            conn.full_clean()
        assert list(caught.value.message_dict) == ["api_url"]


def test_bcconnect_refuses_plain_http_to_a_remote_host(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match=r"api_url: .*https://"):
        call_command("bcconnect", "--store-hash", "abc123", "--token", TOKEN,
                     "--api-url", "http://api.example.com", "--no-test")
    assert not StoreConnection.objects.exists()


def test_a_stored_plain_http_url_is_not_used_in_production(settings, store):
    settings.DEBUG = False
    StoreConnection.objects.filter(pk=store.pk).update(api_url="http://api.example.com")
    store.refresh_from_db()
    with pytest.raises(InvalidRequest, match="https://"):
        api_client_for(store)
    result = connection_test(connection=store)
    assert not result.ok and "https://" in result.message


# ---- never in an error ---------------------------------------------------------------------


@pytest.fixture
def every_log_line(caplog) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG into caplog (SQL with its parameters too)."""
    loggers = [logging.getLogger(), *(logger for logger in logging.root.manager.loggerDict
                                      .values() if isinstance(logger, logging.Logger))]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    extra = [logger for logger in loggers if not logger.propagate]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
    for logger in extra:
        logger.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)
    db.force_debug_cursor = True
    try:
        yield caplog
    finally:
        db.force_debug_cursor = False
        for logger in extra:
            logger.removeHandler(caplog.handler)
        for logger, level, disabled in saved:
            logger.setLevel(level)
            logger.disabled = disabled


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(f"{formatter.format(r)} {r.args!r} {vars(r)!r}" for r in caplog.records)


def traceback_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc.args)


@pytest.mark.parametrize("token", HOSTILE_VARIANTS)
def test_a_hostile_token_is_refused_everywhere_and_appears_nowhere(
        alice, store, token, every_log_line, capsys):
    seen: list[str] = []
    browser = client_for(alice)

    # The admin: change and add forms refuse it, by field, and save nothing.
    response = browser.post(change_url(store), form_data(store, access_token=token))
    assert response.status_code == 200
    seen.append(response.content.decode())
    assert 'id="id_access_token_error"' in seen[-1]
    response = browser.post(reverse("admin:bcsync_storeconnection_add"),
                            form_data(store, store_hash="new1", access_token=token))
    assert response.status_code == 200
    seen.append(response.content.decode())
    assert StoreConnection.objects.get().access_token == TOKEN

    # bcconnect: refused before anything is saved or sent.
    with pytest.raises(CommandError) as caught:
        call_command("bcconnect", "--store-hash", "abc123", "--token", token,
                     "--api-url", store.api_url)
    assert "access_token" in str(caught.value)
    seen.append(traceback_text(caught.value))
    assert StoreConnection.objects.get().access_token == TOKEN

    # The model and the client directly.
    with pytest.raises(ValidationError) as invalid:
        StoreConnection(description="x", store_hash="zz9", access_token=token).full_clean()
    seen.append(traceback_text(invalid.value) + str(invalid.value.message_dict))
    with pytest.raises(InvalidRequest) as refused:
        BigCommerceClient(api_url=store.api_url, store_hash="abc123",
                          access_token=token).server_time()
    seen.append(traceback_text(refused.value))

    out = capsys.readouterr()
    seen += [out.out, out.err, logged_text(every_log_line)]
    for text in seen:
        assert not leaked(text, token)


def test_test_connection_on_a_stored_hostile_token_fails_cleanly(alice, store, every_log_line):
    """A token stored before it was checked (older data): the action reports, never 500s."""
    StoreConnection.objects.filter(pk=store.pk).update(access_token=HOSTILE)
    response = client_for(alice).post(
        reverse("admin:bcsync_storeconnection_changelist"),
        {"action": "test_connection", "_selected_action": [store.pk]}, follow=True)
    text = response.content.decode()
    assert response.status_code == 200 and "Failed" in text
    assert not leaked(text + logged_text(every_log_line), HOSTILE)


def test_the_debug_page_masks_the_token_of_an_admin_post(alice, store, settings):
    """Django's DEBUG page (and the error mail to admins) lists POST data: the token field is
    masked even with DEBUG on."""
    settings.DEBUG = True
    response = client_for(alice).post(change_url(store), form_data(store, access_token=TOKEN))
    assert response.status_code == 302
    try:
        raise RuntimeError("a crash while handling the admin's POST")
    except RuntimeError:
        html = ExceptionReporter(response.wsgi_request, *sys.exc_info()).get_traceback_html()
    assert "access_token" in html and "a crash while" in html
    assert not leaked(html, TOKEN)


def test_an_error_in_a_worker_reaching_the_debug_page_shows_no_token(store, rf, settings):
    settings.DEBUG = True

    def refresh_task(connection_id: int) -> None:
        connection = StoreConnection.objects.get(pk=connection_id)
        with api_client_for(connection, max_retries=0) as client:
            client.store_information()

    try:
        refresh_task(store.pk)
    except BigCommerceError:
        html = ExceptionReporter(rf.get("/"), *sys.exc_info()).get_traceback_html()
    assert "Unreachable" in html
    assert not leaked(html, TOKEN)


# ---- tested before saved -------------------------------------------------------------------


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(seed="demo") as emu:
        yield emu


@pytest.fixture
def connected(emulator) -> StoreConnection:
    call_command("bcconnect", "--store-hash", emulator.store_hash, "--token", emulator.token,
                 "--api-url", emulator.base_url)
    return StoreConnection.objects.get()


def stored(conn: StoreConnection) -> tuple:
    fresh = StoreConnection.objects.get(pk=conn.pk)
    return (fresh.access_token, fresh.api_url, fresh.token_set_at, fresh.last_test_ok)


@pytest.mark.emulator
def test_bcconnect_with_a_typo_keeps_the_working_token(emulator, connected):
    before = stored(connected)
    with pytest.raises(CommandError, match="401") as caught:
        call_command("bcconnect", "--store-hash", emulator.store_hash, "--token", "typo",
                     "--api-url", emulator.base_url)
    assert "unchanged" in str(caught.value)
    assert stored(connected) == before
    assert connection_test(connection=connected).ok


@pytest.mark.emulator
def test_bcconnect_to_a_host_that_fails_keeps_the_stored_host(emulator, connected):
    before = stored(connected)
    with pytest.raises(CommandError, match="unchanged"):
        call_command("bcconnect", "--store-hash", emulator.store_hash, "--token",
                     emulator.token, "--api-url", f"http://127.0.0.1:{closed_port()}")
    assert stored(connected) == before


@pytest.mark.emulator
def test_bcconnect_with_a_wrong_token_creates_nothing(emulator):
    with pytest.raises(CommandError, match="401"):
        call_command("bcconnect", "--store-hash", emulator.store_hash, "--token", "wrong",
                     "--api-url", emulator.base_url)
    assert not StoreConnection.objects.exists()


@pytest.mark.emulator
def test_bcconnect_saves_what_it_tested(emulator, connected):
    assert connected.last_test_ok is True and connected.last_tested_at is not None
    assert connected.access_token == emulator.token


# ---- test connection needs change permission -----------------------------------------------


def run_test_action(user, conn: StoreConnection):
    return client_for(user).post(
        reverse("admin:bcsync_storeconnection_changelist"),
        {"action": "test_connection", "_selected_action": [conn.pk]}, follow=True)


def test_bob_can_neither_see_nor_run_test_connection(bob, store):
    changelist = client_for(bob).get(reverse("admin:bcsync_storeconnection_changelist"))
    assert changelist.status_code == 200
    assert "test_connection" not in changelist.content.decode()
    run_test_action(bob, store)
    store.refresh_from_db()
    assert store.last_tested_at is None


def test_dave_runs_test_connection(dave, store):
    response = run_test_action(dave, store)
    assert "Failed" in response.content.decode()
    store.refresh_from_db()
    assert store.last_tested_at is not None and store.last_test_ok is False
