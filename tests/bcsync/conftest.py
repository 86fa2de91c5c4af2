"""Fixtures for the background-work tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def quick_liveness(settings) -> dict[str, str]:
    """Clients that give up within seconds and passes that beat twice a second, so a pass
    whose worker was killed counts as dead after 4.5 s (see localcopy.claims.stale_after)
    instead of minutes. Set here for this process (and its in-process workers); returns the
    same as environment variables for worker processes."""
    env = {"BIGCOMMERCE_CONNECT_TIMEOUT": "1", "BIGCOMMERCE_READ_TIMEOUT": "2",
           "BIGCOMMERCE_MAX_RETRIES": "1", "BIGCOMMERCE_MAX_RETRY_SECONDS": "1",
           "LC_PASS_HEARTBEAT_SECONDS": "0.5"}
    settings.BIGCOMMERCE_CLIENT = {"timeout": (1.0, 2.0), "max_retries": 1,
                                   "max_retry_seconds": 1.0}
    settings.LC_PASS_HEARTBEAT_SECONDS = 0.5
    return env
