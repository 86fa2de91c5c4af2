"""Configuration from the environment; a production secret that is missing fails loudly."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def var_dir() -> Path:
    """The folder for local state (SQLite database, broker files, generated dev secrets)."""
    path = Path(env.str("BCSYNC_VAR_DIR", default=str(BASE_DIR / "var")))
    path.mkdir(parents=True, exist_ok=True)
    return path


def dev_secret(name: str, *, debug: bool, generate: Callable[[], str]) -> str:
    """The secret from the environment; in development, one generated once into var/.

    With DEBUG off a missing secret is a configuration error, never a silent default.
    """
    value = env.str(name, default="")
    if value:
        return value
    if not debug:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")
    path = var_dir() / f"{name.lower()}.txt"
    if not path.exists():
        path.write_text(generate())
        path.chmod(0o600)
    return path.read_text().strip()


def new_secret_key() -> str:
    return secrets.token_urlsafe(50)


def new_fernet_key() -> str:
    return Fernet.generate_key().decode()


def check_fernet_keys(value: str) -> str:
    """Fail at start-up, naming the variable, rather than at the first token read."""
    for number, key in enumerate(value.split(","), start=1):
        try:
            Fernet(key.strip().encode())
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEY key #{number} is not a valid Fernet key (32 url-safe "
                "base64-encoded bytes); generate one with "
                "`python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`."
            ) from exc
    return value
