from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bcsync.connections import connection_test, connection_upsert
from bcsync.onboarding import connection_onboard


class Command(BaseCommand):
    help = "Create or update the connection to a BigCommerce store, then test it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--store-hash", required=True)
        parser.add_argument("--token", required=True, help="API account access token.")
        parser.add_argument("--api-url", help="API host (default https://api.bigcommerce.com).")
        parser.add_argument("--description")
        parser.add_argument("--client-id")
        parser.add_argument("--no-test", action="store_true",
                            help="Do not call the store (nor register webhooks or reload).")

    def handle(self, *args, **opts) -> None:
        try:
            connection, created = connection_upsert(
                store_hash=opts["store_hash"], access_token=opts["token"],
                api_url=opts["api_url"], description=opts["description"],
                client_id=opts["client_id"],
            )
        except ValidationError as exc:
            fields = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(f"Store connection not saved: {fields}") from exc
        self.stdout.write(f"{'Created' if created else 'Updated'} {connection}.")
        if opts["no_test"]:
            return
        result = connection_test(connection=connection)
        if not result.ok:
            raise CommandError(result.message)
        self.stdout.write(self.style.SUCCESS(result.message))
        onboarding = connection_onboard(connection=connection)
        self.stdout.write(onboarding.webhooks)
        if onboarding.reloads_queued:
            self.stdout.write(
                f"Full Reload queued for {', '.join(onboarding.reloads_queued)} (a worker runs "
                "it; `manage.py lc_reload all` does it here and now)."
            )
