"""Read the next page while the current one is written.

A Full Reload spends its time in two places, waiting for BigCommerce and writing to the
database; with the next page fetched by a helper thread the two overlap. The queue holds one
page, so memory stays bounded by three pages (being written, queued, being fetched).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def prefetched(source: Iterator[T], *, depth: int = 1, idle: Callable[[], None] | None = None,
               idle_every: float = 1.0) -> Iterator[T]:
    """Yield what `source` yields, fetching ahead in one thread. `source` must not share
    anything that is not thread-safe with the consumer (its client is used by that thread
    only while this runs). Exceptions from `source` are re-raised here, in order. `idle` is
    called every `idle_every` seconds while the consumer waits for the next item (a pass
    shows it is alive while the helper thread's request is retried)."""
    box: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in source:
                if not put(item):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, who re-raises
            put(_Failed(exc))
            return
        put(_DONE)

    worker = threading.Thread(target=produce, name="lc-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            try:
                item = box.get(timeout=idle_every)
            except queue.Empty:
                if idle is not None:
                    idle()
                continue
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join(timeout=30)
