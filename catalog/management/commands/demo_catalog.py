from django.core.management.base import BaseCommand

from catalog.demo import demo_catalog_load
from catalog.demo_admin import demo_admin_ensure


class Command(BaseCommand):
    help = "Create (or refresh) the demo POS catalog and an admin user. Idempotent."

    def handle(self, *args, **options) -> None:
        summary = demo_catalog_load()
        self.stdout.write(summary.line())
        username, password, created = demo_admin_ensure()
        state = "created" if created else "exists"
        self.stdout.write(self.style.SUCCESS(f"Admin user {state}: {username} / {password}"))
