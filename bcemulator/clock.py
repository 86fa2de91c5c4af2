"""Timestamps in the formats BigCommerce uses (ISO-8601 for V3, RFC-2822 for V2)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(dt: datetime) -> str:
    """V3 catalog style: ``2018-08-24T14:41:00+00:00``."""
    return dt.astimezone(UTC).replace(microsecond=0).isoformat()


def iso_z(dt: datetime) -> str:
    """V3 customers style: ``2021-11-04T15:53:25Z``."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc2822(dt: datetime) -> str:
    """V2 style, always UTC: ``Tue, 20 Nov 2012 00:00:00 +0000``."""
    return format_datetime(dt.astimezone(UTC).replace(microsecond=0))


def parse_any(value: str) -> datetime:
    """Parse ISO-8601 (with or without time/offset), RFC-2822 or a unix timestamp.

    A bare date gets the current time of day added, as BigCommerce does for
    ``date_modified:min``/``:max`` filters (DIGEST §3).
    """
    value = value.strip()
    if re.fullmatch(r"\d{9,11}", value):
        return datetime.fromtimestamp(int(value), UTC)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
        current = datetime.now(UTC)
        return day + timedelta(
            hours=current.hour, minutes=current.minute, seconds=current.second
        )
    # An unencoded "+00:00" in a query string arrives as " 00:00".
    value = re.sub(r"(T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?) (\d{2}:?\d{2})$", r"\1+\2", value)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = parsedate_to_datetime(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def after(previous: str | None) -> datetime:
    """A modification time strictly later than ``previous`` (ISO string).

    BigCommerce's timestamps have one-second resolution; two edits within the same
    second would otherwise leave ``date_modified`` unchanged, which hides the edit
    from ``date_modified:min`` polling.
    """
    current = now()
    if previous:
        prev = datetime.fromisoformat(previous)
        if current <= prev:
            return prev + timedelta(seconds=1)
    return current


def epoch() -> int:
    return int(time.time())
