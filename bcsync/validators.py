"""Checks on a store connection's credentials and host, shared by the model, its forms and the
client factory. Messages name the problem, never the value: the value may be a token."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from .client.auth import access_token_problem

LOOPBACK_NAMES = frozenset({"localhost"})


def validate_access_token(value: str) -> None:
    problem = access_token_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_token")


def is_loopback(host: str | None) -> bool:
    """127.0.0.0/8, ::1 or localhost: this machine (the emulator), never the network."""
    if not host:
        return False
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def api_url_problem(value: str) -> str | None:
    """Why the token may not be sent to `value`, or None. In production (DEBUG off) only
    https://, plain http:// to this machine; in development http:// anywhere."""
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return "The API URL is not a valid URL."
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and (settings.DEBUG or is_loopback(host)):
        return None
    return ("The API URL must start with https:// (the access token travels in every "
            "request); plain http:// is allowed only for this machine (127.0.0.1, ::1, "
            "localhost), e.g. the BigCommerce emulator.")


def validate_api_url(value: str) -> None:
    problem = api_url_problem(value)
    if problem:
        raise ValidationError(problem, code="insecure_api_url")
