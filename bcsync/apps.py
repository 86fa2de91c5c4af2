from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles(**kwargs) -> None:
    from .roles import roles_ensure

    roles_ensure()


class BcsyncConfig(AppConfig):
    name = "bcsync"
    verbose_name = "BigCommerce sync"

    def ready(self) -> None:
        # After every app's permissions exist (post_migrate runs per app; the last run wins).
        post_migrate.connect(_ensure_roles, dispatch_uid="bcsync.roles")
        # A POS edit, by any path that saves through the ORM, marks the item for push.
        from .push.outbox import outbox_signals_connect

        outbox_signals_connect()
        # Stock movements, bundle children and components mark their items and masters.
        from .inventory.marks import inventory_signals_connect

        inventory_signals_connect()
        # The tasks module hands the outbox its early-pass kick (see outbox_kick_set).
        from . import tasks  # noqa: F401

        # The sync settings page's own sections register themselves on import.
        from .settings_page import builtin  # noqa: F401
