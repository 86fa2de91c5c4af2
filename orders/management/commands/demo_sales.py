from django.core.management.base import BaseCommand

from orders.demo import demo_sales_load


class Command(BaseCommand):
    help = ("Create (or refresh) the demo price levels, customers, carriers and units of "
            "measure. Run after demo_catalog (the trade price list prices its items). "
            "Idempotent.")

    def handle(self, *args, **options) -> None:
        self.stdout.write(demo_sales_load().line())
