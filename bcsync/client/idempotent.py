"""Creating a record exactly once when the answer to the POST got lost."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from .errors import BigCommerceError, ServerError, Unreachable

__all__ = ["create_or_find"]

logger = logging.getLogger("bcsync.client")

T = TypeVar("T")


def create_or_find(create: Callable[[], T], lookup: Callable[[], T | None], *, what: str) -> T:
    """Run `create`; if it failed in a way where it may still have happened, ask `lookup`.

    A POST that timed out, was reset, or got a 5xx may have been processed. Repeating it could
    make a duplicate, so instead look for the record by a unique key: found means the create
    did happen. Not found (or the lookup failing too) re-raises the original error and leaves
    the decision to retry later to the caller.
    """
    try:
        return create()
    except (ServerError, Unreachable) as exc:
        if not exc.request_sent:
            raise
        try:
            found = lookup()
        except BigCommerceError:
            logger.warning("lookup after failed %s create failed too", what)
            raise exc from None
        if found is None:
            raise
        logger.info("%s create failed with %s but the record exists; using it", what, exc.title)
        return found
