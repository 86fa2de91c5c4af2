"""`manage.py lc_reload products|categories|brands|orders|customers|carriers|all [--store HASH]`"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from tqdm import tqdm

from bcsync.connections import client_for
from bcsync.models import StoreConnection
from localcopy.models import Dataset, LcStatus
from localcopy.services import ALL, ReloadAlreadyRunning, RunSummary, lc_reload


def store_connection(store_hash: str | None) -> StoreConnection:
    """The connection named by --store, else the only active one; CommandError otherwise."""
    if store_hash:
        connection = StoreConnection.objects.filter(store_hash=store_hash).first()
        if connection is None:
            raise CommandError(f"No store connection for store hash {store_hash!r}; "
                               "create one with `manage.py bcconnect`.")
        return connection
    active = list(StoreConnection.objects.filter(is_active=True)[:2])
    if not active:
        raise CommandError("No store connection; create one with `manage.py bcconnect`.")
    if len(active) > 1:
        raise CommandError("Several stores are connected; name one with --store HASH.")
    return active[0]


class PageBars:
    """One tqdm bar per dataset, in records (as the panel counts them), fed by the passes'
    progress callback."""

    def __init__(self, stream: OutputWrapper) -> None:
        # tqdm redraws with "\r"; the wrapper would add a newline to every write.
        self.file = getattr(stream, "_out", sys.stderr)
        self.bars: dict[str, tqdm[Any]] = {}

    def __call__(self, status: LcStatus) -> None:
        bar = self.bars.get(status.dataset)
        if bar is None:
            bar = tqdm(desc=status.dataset, unit="record", file=self.file, leave=True,
                       total=status.items_total)
            self.bars[status.dataset] = bar
        if status.items_total is not None and bar.total != status.items_total:
            bar.total = status.items_total
        bar.n = status.items_done
        bar.refresh()
        if status.state != LcStatus.State.RUNNING:
            bar.close()  # the pass is over; its bar stops the clock

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


@contextmanager
def quiet_client_log(verbosity: int) -> Iterator[None]:
    """One log line per request would scroll the bars away; -v 2 shows them. The level is
    restored afterwards, so a command run inside a longer-lived process leaves no trace."""
    logger = logging.getLogger("bcsync.client")
    previous = logger.level
    if verbosity < 2:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(previous)


class QuietClientLog(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> str | None:
        with quiet_client_log(options["verbosity"]):
            return super().execute(*args, **options)


def report(command: BaseCommand, summaries: list[RunSummary]) -> None:
    """One line per dataset; CommandError (non-zero exit) if any failed."""
    for summary in summaries:
        style: Callable[[str], str] = (command.style.SUCCESS if summary.ok
                                       else command.style.ERROR)
        command.stdout.write(style(summary.line()))
        for problem in summary.problems[:10]:
            command.stdout.write(f"  record {problem['id']}: {problem['problem']}")
    failed = [s for s in summaries if not s.ok]
    if failed:
        raise CommandError("; ".join(f"{s.dataset} failed: {s.error}" for s in failed))


class Command(QuietClientLog):
    help = "Reload a dataset of the local copy from BigCommerce (Full Reload)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("dataset", choices=[*Dataset.values, ALL])
        parser.add_argument("--store", help="Store hash (default: the only active store).")

    def handle(self, *args, dataset: str, store: str | None, **options) -> None:
        connection = store_connection(store)
        bars = PageBars(self.stderr)
        names = list(Dataset.values) if dataset == ALL else [dataset]
        summaries: list[RunSummary] = []
        try:
            with client_for(connection) as client:
                for name in names:
                    try:
                        summaries.append(lc_reload(client=client, store_hash=connection.store_hash,
                                                   dataset=name, progress=bars))
                    except ReloadAlreadyRunning as exc:
                        if len(names) == 1:
                            raise CommandError(f"{exc}; it goes on, nothing started.") from exc
                        self.stdout.write(self.style.WARNING(f"{name}: skipped, {exc}"))
        finally:
            bars.close()
        report(self, summaries)
