"""Fixtures for the background-work tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def quick_liveness(settings) -> dict[str, str]:
    """Clients that give up within seconds and passes that beat every second, so a pass
    whose worker was killed counts as dead after 9 s (see localcopy.claims.stale_after)
    instead of minutes, yet a healthy pass whose page write is slowed by a loaded machine
    does not. Set here for this process (and its in-process workers); returns the same as
    environment variables for worker processes."""
    env = {"BIGCOMMERCE_CONNECT_TIMEOUT": "1", "BIGCOMMERCE_READ_TIMEOUT": "4",
           "BIGCOMMERCE_MAX_RETRIES": "1", "BIGCOMMERCE_MAX_RETRY_SECONDS": "3",
           "LC_PASS_HEARTBEAT_SECONDS": "1"}
    settings.BIGCOMMERCE_CLIENT = {"timeout": (1.0, 4.0), "max_retries": 1,
                                   "max_retry_seconds": 3.0}
    settings.LC_PASS_HEARTBEAT_SECONDS = 1.0
    return env
