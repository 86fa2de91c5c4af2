"""The demo's admin login, generated once and kept in var/ so `make run` can print it."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model

DEMO_USERNAME = "admin"


def demo_admin_ensure() -> tuple[str, str, bool]:
    """Return (username, password, created). An existing user's password is never changed,
    except that a missing password file is written anew with a fresh password."""
    path = settings.VAR_DIR / "demo_admin_password.txt"
    User = get_user_model()
    user = User.objects.filter(username=DEMO_USERNAME).first()
    if path.exists() and user is not None:
        return DEMO_USERNAME, path.read_text().strip(), False
    password = secrets.token_urlsafe(12)
    created = user is None
    if user is None:
        user = User.objects.create_superuser(DEMO_USERNAME, "admin@example.com", password)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    path.write_text(password)
    path.chmod(0o600)
    return DEMO_USERNAME, password, created
