"""Notifications end to end through Django's test client: who receives them (the store's
Notifications settings), email once per new notification (locmem backend) and never when
off, dedupe by key, the inbox's filters and mark read, the unread count in bcsync's nav and
the admin header, who may see what, and hostile parameters answered 400/404, never 500.

Personas (tests/conftest.py): bob a sync operator, carol a catalog editor, dave a settings
admin; erin is staff without a role."""

from __future__ import annotations

import logging
import re
import socket

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from bcsync.connections import connection_upsert
from bcsync.models import Notification, NotificationSettings, StoreConnection
from bcsync.notifications import notification_email_send, notify
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db
INBOX = "/notifications/"


@pytest.fixture
def store() -> StoreConnection:
    conn, _ = connection_upsert(store_hash="abc123", access_token="tok-SECRET-inbox-1",
                                api_url="http://127.0.0.1:9", description="Main web shop")
    return conn


@pytest.fixture
def erin(db) -> User:
    return User.objects.create_user("erin", "erin@example.com", PASSWORD, is_staff=True)


@pytest.fixture
def emailing(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_EMAIL = True
    return settings


def addressed_to(store: StoreConnection, user: User | None, **kinds: bool
                 ) -> NotificationSettings:
    return NotificationSettings.objects.create(connection=store, recipient=user, **kinds)


# ---- notify(): recipient, email, dedupe ----------------------------------------------------


def test_notify_addresses_the_recipient_the_store_settings_name(store, bob):
    addressed_to(store, bob)
    n = notify(Notification.Kind.ALERT, title="Order 101: a line matches no item",
               connection=store)
    assert n.recipient_id == bob.pk


def test_notify_without_settings_addresses_nobody(store):
    n = notify(Notification.Kind.ALERT, title="Nobody chosen", connection=store)
    assert n.recipient_id is None


def test_notify_naming_no_store_uses_the_only_store_settings(store, bob):
    addressed_to(store, bob)
    assert notify("warning", title="Stock below zero").recipient_id == bob.pk
    connection_upsert(store_hash="def456", access_token="tok-2", api_url="http://127.0.0.1:9",
                      description="Second shop")
    # With two stores a job that names none speaks for neither.
    assert notify("warning", title="Which store?").recipient_id is None


def test_a_new_notification_is_emailed_once_and_repeats_only_count_up(
        store, bob, emailing, django_capture_on_commit_callbacks):
    addressed_to(store, bob, email_errors=True)
    with django_capture_on_commit_callbacks(execute=True):
        first = notify("error", title="Tee fails to push", body="429 Too Many Requests",
                       url="/admin/catalog/item/1/change/", key="push-failed:1:1",
                       connection=store)
    with django_capture_on_commit_callbacks(execute=True):
        again = notify("error", title="Tee fails to push", body="500", key="push-failed:1:1",
                       connection=store)
    assert again.pk == first.pk and again.count == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bob@example.com"]
    assert "Tee fails to push" in message.subject and "Error" in message.subject
    assert "/admin/catalog/item/1/change/" in message.body
    assert "tok-SECRET" not in message.body + message.subject

    # Once read, the next occurrence is a new notification, and is emailed again.
    Notification.objects.filter(pk=first.pk).update(read_at=first.created_at)
    with django_capture_on_commit_callbacks(execute=True):
        third = notify("error", title="Tee fails to push", key="push-failed:1:1",
                       connection=store)
    assert third.pk != first.pk
    assert len(mail.outbox) == 2


def test_no_email_when_the_kind_is_off_or_no_mail_server(
        store, bob, emailing, django_capture_on_commit_callbacks):
    addressed_to(store, bob, email_errors=True, email_elections=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify("election", title="Two items share SKU TEE1", connection=store)
    assert mail.outbox == []
    emailing.NOTIFICATION_EMAIL = False
    with django_capture_on_commit_callbacks(execute=True):
        notify("error", title="Failed while no server", connection=store)
    assert mail.outbox == []


def test_no_email_before_the_job_commits(store, bob, emailing,
                                         django_capture_on_commit_callbacks):
    addressed_to(store, bob, email_errors=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify("error", title="Raised inside a transaction", connection=store)
    assert mail.outbox == [] and len(callbacks) == 1


def test_a_failing_mail_server_is_logged_without_secrets_and_never_raised(
        store, bob, settings, caplog):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: the connection is refused
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "mailer", "smtp-SECRET-pw"
    settings.EMAIL_USE_TLS = False
    addressed_to(store, bob, email_errors=True)
    n = notify("error", title="Push failed", connection=store)
    with caplog.at_level(logging.WARNING, logger="bcsync.notifications"):
        assert notification_email_send(notification_id=n.pk) is False
    assert f"Notification {n.pk} could not be emailed" in caplog.text
    assert "smtp-SECRET-pw" not in caplog.text


# ---- the settings section ------------------------------------------------------------------


def settings_url(store: StoreConnection) -> str:
    return reverse("bcsync:settings", args=[store.pk])


def test_a_settings_admin_chooses_the_recipient_and_the_emailed_kinds(store, dave, bob):
    client = client_for(dave)
    page = client.get(settings_url(store)).content.decode()
    assert 'id="settings-notifications"' in page
    response = client.post(settings_url(store), {
        "section": "notifications", "notifications-recipient": str(bob.pk),
        "notifications-email_errors": "on", "notifications-email_warnings": "on"})
    assert response.status_code == 302
    prefs = NotificationSettings.objects.get(connection=store)
    assert prefs.recipient == bob
    assert (prefs.email_errors, prefs.email_alerts, prefs.email_warnings) == (True, False, True)
    assert notify("error", title="x", connection=store).recipient_id == bob.pk


def test_only_active_staff_may_receive_notifications(store, dave):
    outsider = User.objects.create_user("frank", "frank@example.com", PASSWORD, is_staff=False)
    response = client_for(dave).post(settings_url(store), {
        "section": "notifications", "notifications-recipient": str(outsider.pk)})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationSettings.objects.exists()


def test_a_sync_operator_may_not_change_the_recipient(store, bob):
    response = client_for(bob).post(settings_url(store), {
        "section": "notifications", "notifications-recipient": str(bob.pk)})
    assert response.status_code == 403


# ---- the inbox -----------------------------------------------------------------------------


@pytest.fixture
def raised(store, bob, dave) -> dict[str, Notification]:
    """bob's error and alert, dave's warning, and an election addressed to nobody."""
    prefs = addressed_to(store, bob)
    made = {"error": notify("error", title="Push failed: Tee", connection=store,
                            url="/admin/catalog/item/1/change/"),
            "alert": notify("alert", title="Order 7: unmatched line", connection=store)}
    prefs.recipient = dave
    prefs.save()
    made["warning"] = notify("warning", title="Stock below zero: Mug", connection=store)
    prefs.recipient = None
    prefs.save()
    made["election"] = notify("election", title="Two items share SKU CAP1", connection=store)
    return made


def test_the_inbox_shows_what_is_addressed_to_the_user_or_to_nobody(raised, bob):
    page = client_for(bob).get(INBOX).content.decode()
    for kind in ("error", "alert", "election"):
        assert f'id="notification-{raised[kind].pk}"' in page
    assert f'id="notification-{raised["warning"].pk}"' not in page
    assert 'href="/admin/catalog/item/1/change/"' in page


def test_the_inbox_filters_by_kind_and_by_unread(raised, bob):
    client = client_for(bob)
    errors = client.get(INBOX, {"kind": "error"}).content.decode()
    assert f'id="notification-{raised["error"].pk}"' in errors
    assert f'id="notification-{raised["alert"].pk}"' not in errors
    Notification.objects.filter(pk=raised["alert"].pk).update(read_at=raised["alert"].created_at)
    unread = client.get(INBOX, {"show": "unread"}).content.decode()
    assert f'id="notification-{raised["alert"].pk}"' not in unread
    assert f'id="notification-{raised["error"].pk}"' in unread
    for label in ("Errors", "Alerts", "Elections", "Warnings"):
        assert f"{label} <span" in unread


def nav_unread(page: str) -> int:
    match = re.search(r'id="nav-unread" data-unread="(\d+)"', page)
    assert match, "no unread count in the nav"
    return int(match.group(1))


def test_marking_read_lowers_the_unread_count_in_the_nav(raised, bob):
    client = client_for(bob)
    assert nav_unread(client.get(INBOX).content.decode()) == 3
    response = client.post(reverse("bcsync:inbox_read", args=[raised["error"].pk]),
                           {"kind": "error"})
    assert response.status_code == 302 and response["Location"] == f"{INBOX}?kind=error"
    assert Notification.objects.get(pk=raised["error"].pk).read_at is not None
    # Every bcsync page and the admin header show the new count.
    assert nav_unread(client.get(reverse("bcsync:lc_panel")).content.decode()) == 2
    admin_page = client.get("/admin/").content.decode()
    assert re.search(r'id="header-inbox"[^>]*>Inbox <span[^>]*data-unread="2"', admin_page)


def test_mark_all_read_marks_only_what_the_user_sees(raised, bob):
    client = client_for(bob)
    response = client.post(reverse("bcsync:inbox_read_all"), {},
                           HTTP_ACCEPT="application/json")
    assert response.json() == {"unread": 0}
    assert Notification.objects.get(pk=raised["warning"].pk).read_at is None  # dave's


def test_mark_all_read_of_one_kind(raised, bob):
    client_for(bob).post(reverse("bcsync:inbox_read_all"), {"kind": "alert"})
    assert Notification.objects.filter(read_at__isnull=True).count() == 3


def test_another_persons_notification_cannot_be_marked_read(raised, bob):
    response = client_for(bob).post(reverse("bcsync:inbox_read", args=[raised["warning"].pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=raised["warning"].pk).read_at is None


def test_anonymous_is_sent_to_login_and_a_user_without_a_role_is_refused(raised, erin):
    anonymous = Client()
    for response in (anonymous.get(INBOX),
                     anonymous.post(reverse("bcsync:inbox_read", args=[raised["error"].pk]))):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client = client_for(erin)
    assert client.get(INBOX).status_code == 403
    assert client.post(reverse("bcsync:inbox_read_all")).status_code == 403
    assert 'id="nav-unread"' not in client.get(reverse("bcsync:lc_panel")).content.decode()
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_every_sync_role_has_an_inbox(raised, carol, dave):
    assert client_for(carol).get(INBOX).status_code == 200
    assert nav_unread(client_for(dave).get(INBOX).content.decode()) == 2  # warning + election


@pytest.mark.parametrize("query", [
    {"kind": "errors"}, {"kind": "x" * 5000}, {"show": "read"}, {"page": "abc"}, {"page": "0"},
    {"page": "-1"}, {"page": "9" * 40}, {"page": "1.5"}, {"page": "１"},
])
def test_hostile_inbox_parameters_are_400(raised, bob, query):
    assert client_for(bob).get(INBOX, query).status_code == 400


def test_a_page_past_the_end_or_an_unknown_id_is_404(raised, bob):
    client = client_for(bob)
    assert client.get(INBOX, {"page": "7"}).status_code == 404
    assert client.post(f"{INBOX}{'9' * 30}/read/").status_code == 404
    assert client.post(f"{INBOX}999999/read/").status_code == 404
    assert client.get(reverse("bcsync:inbox_read", args=[raised["error"].pk])).status_code == 405
    assert client.post(reverse("bcsync:inbox_read_all"), {"kind": "nope"}).status_code == 400


def test_marking_read_needs_the_csrf_token(raised, bob):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    response = client.post(reverse("bcsync:inbox_read", args=[raised["error"].pk]))
    assert response.status_code == 403
    assert Notification.objects.get(pk=raised["error"].pk).read_at is None


def test_a_hostile_title_is_escaped_and_a_foreign_link_not_followed(store, bob):
    notify("alert", title="<script>alert(1)</script>", url="javascript:alert(1)",
           connection=store)
    notify("alert", title="off site", url="//evil.example/", connection=store)
    page = client_for(bob).get(INBOX).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "javascript:alert" not in page and "//evil.example/" not in page
