"""Splitting writes into the batch sizes BigCommerce accepts and collecting partial results."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .errors import (
    AuthError,
    BigCommerceError,
    PayloadTooLarge,
    Unreachable,
    ValidationError,
    parse_error_body,
)

__all__ = ["BatchItemError", "BatchResult", "chunked", "run_batches"]

logger = logging.getLogger("bcsync.client")

T = TypeVar("T")


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class BatchItemError:
    """Why one input item was not (fully) written.

    `partial` is True for 207 Multi-Status: the record was saved but part of it (inventory,
    URL...) was not; such records also appear in `BatchResult.succeeded`.
    """

    item: dict[str, Any]
    status: int | None
    title: str
    errors: dict[str, str] = field(default_factory=dict)
    transient: bool = False
    partial: bool = False
    error: BigCommerceError | None = None


@dataclass
class BatchResult:
    succeeded: list[dict[str, Any]] = field(default_factory=list)
    failed: list[BatchItemError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def transaction_ids(self) -> list[str]:
        """For inventory adjustments: one transaction id per accepted chunk."""
        return [str(r["transaction_id"]) for r in self.succeeded if "transaction_id" in r]


# A chunk sender returns (records written, problem object of a 207 or None).
ChunkSender = Callable[[list[dict[str, Any]]], tuple[list[dict[str, Any]], Any]]


def run_batches(
    items: Sequence[dict[str, Any]] | Iterable[dict[str, Any]],
    size: int,
    send: ChunkSender,
    *,
    what: str,
    isolate_invalid: bool = False,
) -> BatchResult:
    """Send `items` in chunks of `size`; one failing chunk does not stop the others.

    An auth failure or an unreachable API is the same for every chunk, so the remaining items
    are marked failed with that error instead of each burning a full retry cycle.

    A 413 halves the chunk and tries again (nothing was processed, and BigCommerce says some
    limits are "subject to change"). With `isolate_invalid` a 400/422 chunk is halved too,
    down to single items, so one bad record doesn't hold back its neighbours; only for
    idempotent writes (PUT), since a rejected chunk is sent again in parts.
    """
    result = BatchResult()
    pending = deque(chunked(items, size))
    sent = 0
    while pending:
        chunk = pending.popleft()
        sent += 1
        try:
            written, problem = send(chunk)
        except BigCommerceError as exc:
            splittable = isinstance(exc, PayloadTooLarge) or (
                isolate_invalid and isinstance(exc, ValidationError)
            )
            if splittable and len(chunk) > 1:
                half = len(chunk) // 2
                pending.extendleft((chunk[half:], chunk[:half]))
                logger.info("%s batch of %d split after %s", what, len(chunk), exc.status)
                continue
            logger.warning("%s batch %d failed: %s", what, sent, exc)
            result.failed.extend(_item_error(item, exc) for item in chunk)
            if isinstance(exc, AuthError | Unreachable):
                for rest in pending:
                    result.failed.extend(_item_error(item, exc) for item in rest)
                break
            continue
        result.succeeded.extend(written)
        if problem:
            title, _, errors = parse_error_body(problem)
            status = problem.get("status", 207) if isinstance(problem, dict) else 207
            logger.warning("%s batch %d partially failed: %s %s", what, sent, title, errors)
            result.failed.extend(
                BatchItemError(item=item, status=status, title=title, errors=errors, partial=True)
                for item in chunk
            )
    return result


def _item_error(item: dict[str, Any], exc: BigCommerceError) -> BatchItemError:
    return BatchItemError(
        item=item,
        status=exc.status,
        title=exc.title,
        errors=exc.errors,
        transient=exc.transient,
        error=exc,
    )
