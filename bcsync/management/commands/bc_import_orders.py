"""`manage.py bc_import_orders [--connection ID]`: pull the orders that changed into the local
copy, then import those in the Get statuses (each store, or one). Ends with a summary per
store: imported, already imported, skipped, failed (with the reasons)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bcsync.connections import client_for
from bcsync.models import StoreConnection
from bcsync.orders.importing import FAILED, SKIPPED
from bcsync.orders.passes import orders_pass
from localcopy.services import ReloadAlreadyRunning, lc_sync


class Command(BaseCommand):
    help = "Pull changed BigCommerce orders into the local copy, then import them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--connection", type=int, metavar="ID",
                            help="The store connection's id (default: every active one).")

    def handle(self, *args: Any, **options: Any) -> None:
        connections = StoreConnection.objects.filter(is_active=True)
        if options["connection"] is not None:
            connections = StoreConnection.objects.filter(pk=options["connection"])
            if not connections.exists():
                raise CommandError(f"No store connection with id {options['connection']}.")
        failed = False
        for connection in connections:
            with client_for(connection) as client:
                try:
                    for summary in lc_sync(client=client, store_hash=connection.store_hash,
                                           datasets=["orders"]):
                        self.stderr.write(f"  LC: {summary.line()}")
                except ReloadAlreadyRunning:
                    self.stderr.write("  LC: a pass of the orders is running; importing what "
                                      "the local copy has")
                report = orders_pass(connection=connection, force=True, client=client)
            if report is None:
                self.stdout.write(f"{connection.description}: another pass is running.")
                continue
            for result in report.results:
                if result.outcome in (FAILED, SKIPPED) or result.flags:
                    self.stderr.write(f"  {result.line()}")
            failed = failed or any(r.outcome == FAILED for r in report.results)
            self.stdout.write(f"{connection.description} ({connection.store_hash}): "
                              f"{report.line()}")
        if failed:
            sys.exit(1)
