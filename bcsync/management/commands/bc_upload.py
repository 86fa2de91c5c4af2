"""`manage.py bc_upload --sku SKU … | --all [--dry-run] [--store HASH]`: upload POS items to
BigCommerce now (link by match, create, or update the Manual and On fields), or show what
would change. Ends with a summary line: items, requests, errors."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db.models import QuerySet
from django.db.models.functions import Upper
from tqdm import tqdm

from bcsync.client import BigCommerceError
from bcsync.connections import client_for
from bcsync.push.upload import UploadSummary, items_preview, items_upload
from catalog.models import Item

from .lc_reload import QuietClientLog, store_connection


class Command(QuietClientLog):
    help = "Upload POS items to BigCommerce (or preview the changes with --dry-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--sku", nargs="+", metavar="SKU", help="The items' POS SKUs.")
        which.add_argument("--all", action="store_true", help="Every POS item.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Show which fields would change, from what to what; send "
                                 "nothing.")
        parser.add_argument("--store", metavar="HASH", help="The store (default: the only one).")

    def _items(self, options: dict[str, Any]) -> QuerySet[Item]:
        if options["all"]:
            return Item.objects.order_by("pk")
        wanted = {s.upper() for s in options["sku"]}
        items = Item.objects.annotate(sku_upper=Upper("sku")).filter(sku_upper__in=wanted)
        found = {sku.upper() for sku in items.values_list("sku", flat=True)}
        if missing := sorted(wanted - found):
            raise CommandError(f"No POS item with SKU {', '.join(missing)}.")
        return items.order_by("pk")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = store_connection(options["store"])
        items = self._items(options)
        if options["dry_run"]:
            self._preview(items, connection)
            return
        file = getattr(self.stderr, "_out", sys.stderr)
        bar = tqdm(total=items.count(), unit="item", desc="upload", file=file,
                   disable=options["verbosity"] == 0)

        def progress(summary: UploadSummary) -> None:
            bar.total = summary.total
            bar.n = summary.done
            bar.refresh()

        try:
            with client_for(connection) as client:
                summary = items_upload(items=items, connection=connection, client=client,
                                       job="bc_upload command", progress=progress)
        except BigCommerceError as exc:
            raise CommandError(f"BigCommerce: {exc}") from exc
        finally:
            bar.close()
        for error in summary.errors:
            self.stderr.write(f"  {error}")
        self.stdout.write(f"{summary.done} items, {summary.requests} requests, "
                          f"{summary.failed} errors ("
                          + ", ".join(f"{n} {a}" for a, n in sorted(summary.counts.items()))
                          + ")")
        if summary.failed:
            sys.exit(1)

    def _preview(self, items: QuerySet[Item], connection: Any) -> None:
        plans = items_preview(items=items, connection=connection)
        changing = 0
        for plan in plans:
            head = f"{plan.item.sku}: {plan.action}"
            if plan.bc_product_id:
                head += f" (product #{plan.bc_product_id})"
            if plan.reason:
                head += f" – {plan.reason}"
            self.stdout.write(head)
            changes = list(plan.changes.items()) + [
                (f"{vp.variant.sku}.{k}", v) for vp in plan.variants
                for k, v in vp.changes.items()]
            if changes and plan.action not in ("skip", "fail"):
                changing += 1
                for key, change in changes:
                    self.stdout.write(f"    {key}: {change['from']!r} → {change['to']!r}")
        failed = sum(1 for p in plans if p.action == "fail")
        self.stdout.write(f"{len(plans)} items, 0 requests, {failed} errors "
                          f"(dry run: {changing} would change)")
