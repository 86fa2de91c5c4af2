"""`manage.py bc_end_of_day [--connection ID] [--dry-run] [--subtract-unpicked|--no-...]`:
push the End of Day snapshot of stock now, whatever the time and whether or not the day's
scheduled run happened (a manual run claims no day)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from bcsync.client import BigCommerceError
from bcsync.inventory.end_of_day import end_of_day_run
from bcsync.models import StoreConnection

from .lc_reload import QuietClientLog


class Command(QuietClientLog):
    help = ("Push every eCommerce item's stock at each mapped location to BigCommerce now, "
            "sending only what differs (End of Day).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--connection", type=int,
                            help="Store connection id (default: every active store).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Send nothing; say what would change.")
        parser.add_argument("--subtract-unpicked", action="store_true", default=None,
                            help="Subtract unpicked quantities (default: the store's setting).")
        parser.add_argument("--no-subtract-unpicked", action="store_false",
                            dest="subtract_unpicked")

    def handle(self, *args: Any, connection: int | None, dry_run: bool,
               subtract_unpicked: bool | None, **options: Any) -> None:
        stores = StoreConnection.objects.filter(is_active=True)
        if connection is not None:
            stores = StoreConnection.objects.filter(pk=connection)
            if not stores.exists():
                raise CommandError(f"No store connection with id {connection}.")
        elif not stores.exists():
            raise CommandError("No active store connection.")
        failed = 0
        for store in stores.order_by("pk"):
            try:
                report = end_of_day_run(connection=store, dry_run=dry_run,
                                        subtract_unpicked=subtract_unpicked)
            except BigCommerceError as exc:
                failed += 1
                self.stderr.write(self.style.ERROR(f"{store.store_hash}: {exc}"))
                continue
            for error in report.errors[:10]:
                self.stdout.write(f"  {error}")
            failed += bool(report.errors)
            style = self.style.ERROR if report.errors else self.style.SUCCESS
            self.stdout.write(style(report.line()))
        if failed:
            raise CommandError(f"End of Day had errors in {failed} store(s); see above.")
