"""`manage.py lc_sync [--store HASH] [--dataset products ...]`: one incremental pass."""

from __future__ import annotations

from django.core.management.base import CommandError

from bcsync.connections import client_for
from localcopy.models import Dataset
from localcopy.services import ReloadAlreadyRunning, lc_sync

from .lc_reload import PageBars, QuietClientLog, report, store_connection


class Command(QuietClientLog):
    help = ("Bring the local copy up to date: what changed since the last pass (a dataset "
            "never reloaded gets a Full Reload).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--store", help="Store hash (default: the only active store).")
        parser.add_argument("--dataset", action="append", choices=Dataset.values,
                            help="Only this dataset (repeatable; default all).")

    def handle(self, *args, store: str | None, dataset: list[str] | None, **options) -> None:
        connection = store_connection(store)
        bars = PageBars(self.stderr)
        try:
            with client_for(connection) as client:
                summaries = lc_sync(client=client, store_hash=connection.store_hash,
                                    datasets=dataset, progress=bars)
        except ReloadAlreadyRunning as exc:
            raise CommandError(f"{exc}; it goes on, nothing started.") from exc
        finally:
            bars.close()
        for summary in summaries:
            if summary.error and summary.ok:
                self.stdout.write(self.style.WARNING(f"{summary.dataset}: {summary.error}"))
        report(self, [s for s in summaries if not (s.ok and s.error)])
