"""`manage.py bc_import --product-id ID … | --all-unlinked [--store HASH]`: import BigCommerce
products into the POS from the local copy now (0 requests to BigCommerce), each linked.
Ends with a summary line: created, linked, skipped, failed."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from bcsync.imports.products import ImportReport, products_import, unlinked_product_ids

from .lc_reload import store_connection


class Command(BaseCommand):
    help = "Import BigCommerce products (from the local copy) into the POS and link them."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--product-id", nargs="+", type=int, metavar="ID",
                           help="BigCommerce product ids.")
        which.add_argument("--all-unlinked", action="store_true",
                           help="Every product of the local copy no POS item is linked to.")
        parser.add_argument("--store", metavar="HASH", help="The store (default: the only one).")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = store_connection(options["store"])
        ids = (unlinked_product_ids(connection=connection) if options["all_unlinked"]
               else options["product_id"])
        file = getattr(self.stderr, "_out", sys.stderr)
        bar = tqdm(total=len(ids), unit="product", desc="import", file=file,
                   disable=options["verbosity"] == 0)

        def progress(report: ImportReport) -> None:
            bar.n = len(report.results)
            bar.refresh()

        try:
            report = products_import(connection=connection, bc_product_ids=ids,
                                     job="bc_import command", progress=progress)
        finally:
            bar.close()
        for result in report.results:
            if result.outcome in ("failed", "skipped") or result.notes:
                self.stderr.write(f"  {result.line()}")
        self.stdout.write(report.line())
        if report.failed:
            sys.exit(1)
