"""`manage.py bc_push [--store HASH]`: one background push pass now, whether or not the Web
switch is on."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError
from tqdm import tqdm

from bcsync.client import BigCommerceError
from bcsync.push.background import push_pass

from .lc_reload import QuietClientLog, store_connection


class Command(QuietClientLog):
    help = ("Push what changed in the POS to BigCommerce now (the background push's pass: "
            "On fields of linked items, only what differs from what was last pushed).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--store", help="Store hash (default: the only active store).")

    def handle(self, *args: Any, store: str | None, **options: Any) -> None:
        connection = store_connection(store)
        bar: tqdm[Any] | None = None
        # tqdm redraws with "\r"; the wrapper would add a newline to every write.
        file = getattr(self.stderr, "_out", sys.stderr)

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, unit="item", desc="push", file=file,
                           disable=options["verbosity"] < 1)
            bar.total = total
            bar.update(done - bar.n)

        try:
            summary = push_pass(connection=connection, force=True, progress=progress)
        except BigCommerceError as exc:
            raise CommandError(f"{connection.store_hash}: {exc}") from exc
        finally:
            if bar is not None:
                bar.close()
        if not summary.ran:
            raise CommandError(summary.line())
        for error in summary.errors[:10]:
            self.stdout.write(f"  {error}")
        style = self.style.ERROR if summary.failed else self.style.SUCCESS
        self.stdout.write(style(summary.line()))
        if summary.failed:
            raise CommandError(f"{summary.failed} items failed; they stay queued and are "
                               "retried with backoff.")
