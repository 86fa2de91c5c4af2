"""`manage.py bc_import_initial [--store HASH]`: the initial dataset now — every product of
the local copy with its stock, and carriers — once per store (a settings admin enables it
again). Ends with the report: created, linked, skipped and why."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from bcsync.imports.job_requests import initial_dataset_request
from bcsync.imports.jobs import import_job_run
from bcsync.imports.products import ImportReport
from bcsync.imports.settings import InitialDatasetRefused, import_settings_for

from .lc_reload import store_connection


class Command(BaseCommand):
    help = "Import the initial dataset (products, inventory, carriers) from the local copy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--store", metavar="HASH", help="The store (default: the only one).")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = store_connection(options["store"])
        try:
            job = initial_dataset_request(connection=connection, user=None, enqueue=False)
        except InitialDatasetRefused as exc:
            raise CommandError(str(exc)) from exc
        file = getattr(self.stderr, "_out", sys.stderr)
        bar = tqdm(total=job.total, unit="product", desc="initial dataset", file=file,
                   disable=options["verbosity"] == 0)

        def progress(report: ImportReport, total: int) -> None:
            bar.total, bar.n = total, len(report.results)
            bar.refresh()

        try:
            done = import_job_run(job_id=job.pk, on_progress=progress)
        finally:
            bar.close()
        if done is None:
            raise CommandError(f"Import job #{job.pk} was taken by a worker.")
        report = import_settings_for(connection=connection).initial_report
        for line in report.get("problems", []):
            self.stderr.write(f"  {line}")
        carriers = report.get("carriers", {})
        if line := carriers.get("note") or carriers.get("line"):
            self.stderr.write(f"  carriers: {line}")
        c = done.counts
        self.stdout.write(
            f"{done.done} products: {c.get('created', 0)} created, {c.get('linked', 0)} linked, "
            f"{c.get('skipped', 0)} skipped, {c.get('failed', 0)} failed; "
            f"{c.get('stock_rows', 0)} stock rows ({c.get('stock_skipped_zero', 0)} zero "
            f"skipped); {c.get('requests', 0)} requests")
        if done.failed:
            sys.exit(1)
