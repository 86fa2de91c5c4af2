from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _prefix_indexes_repair(sender: AppConfig, using: str, **kwargs: Any) -> None:
    # See localcopy/indexes.py: SQLite drops them when a later migration rebuilds the table.
    from django.db import connections

    from .indexes import prefix_indexes_ensure

    prefix_indexes_ensure(connection=connections[using])


class LocalcopyConfig(AppConfig):
    name = "localcopy"
    verbose_name = "Local copy of BigCommerce"

    def ready(self) -> None:
        post_migrate.connect(_prefix_indexes_repair, sender=self,
                             dispatch_uid="localcopy_prefix_indexes")
