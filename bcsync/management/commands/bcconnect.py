from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bcsync.connections import ConnectionTestFailed, connection_upsert
from bcsync.models import StoreConnection
from bcsync.onboarding import connection_onboard


class Command(BaseCommand):
    help = ("Test the credentials of a BigCommerce store, then create or update its "
            "connection. Credentials that fail their test are not saved.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--store-hash", required=True)
        parser.add_argument("--token", required=True, help="API account access token.")
        parser.add_argument("--api-url", help="API host (default https://api.bigcommerce.com).")
        parser.add_argument("--description")
        parser.add_argument("--client-id")
        parser.add_argument("--no-test", action="store_true",
                            help="Save without calling the store (nor register webhooks or "
                                 "reload).")

    def handle(self, *args, **opts) -> None:
        existed = StoreConnection.objects.filter(store_hash=opts["store_hash"]).exists()
        try:
            connection, created = connection_upsert(
                store_hash=opts["store_hash"], access_token=opts["token"],
                api_url=opts["api_url"], description=opts["description"],
                client_id=opts["client_id"], test_first=not opts["no_test"],
            )
        except ValidationError as exc:
            # Messages name the field and the problem, never the value (it may be a token).
            fields = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(f"Store connection not saved: {fields}") from None
        except ConnectionTestFailed as exc:
            kept = ("the stored connection is unchanged" if existed
                    else "no connection was created")
            raise CommandError(f"{exc.result.message} Not saved: {kept}.") from None
        self.stdout.write(f"{'Created' if created else 'Updated'} {connection}.")
        if opts["no_test"]:
            return
        self.stdout.write(self.style.SUCCESS(connection.last_test_message))
        onboarding = connection_onboard(connection=connection)
        self.stdout.write(onboarding.webhooks)
        if onboarding.reloads_queued:
            self.stdout.write(
                f"Full Reload queued for {', '.join(onboarding.reloads_queued)} (a worker runs "
                "it; `manage.py lc_reload all` does it here and now)."
            )
