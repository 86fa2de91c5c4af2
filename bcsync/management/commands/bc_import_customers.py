"""`manage.py bc_import_customers [--store HASH] [--id ID …]`: import the LC's customers into
the POS (link by email, else create with the store's code prefix; with B2B on, customer groups
as price levels first). Reads only the LC. Ends with a summary line; exits 1 if any failed."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from bcsync.imports.customers import customers_import
from bcsync.imports.report import FAILED

from .lc_reload import store_connection


class Command(BaseCommand):
    help = "Import BigCommerce customers from the local copy into the POS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--store", metavar="HASH", help="The store (default: the only one).")
        parser.add_argument("--id", type=int, nargs="+", metavar="ID", dest="ids",
                            help="Only these BigCommerce customer ids.")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = store_connection(options["store"])
        file = getattr(self.stderr, "_out", sys.stderr)
        bar = tqdm(unit="customer", desc="customers", file=file,
                   disable=options["verbosity"] == 0)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            report = customers_import(connection=connection, bc_ids=options["ids"],
                                      progress=progress)
        finally:
            bar.close()
        for part in (*report.parts, report):
            for record in part.of(FAILED):
                self.stderr.write(f"  {record.line()}")
        self.stdout.write(report.line())
        if not report.ok:
            sys.exit(1)
