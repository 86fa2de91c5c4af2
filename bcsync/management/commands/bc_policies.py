"""`manage.py bc_policies [FIELD=Off|Manual|On …] [--store HASH]`: print the thirteen field
websync policies, after setting those given (e.g. `Prices=On QOHs=On`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bcsync.models import Policy, SyncField
from bcsync.push.policies import policies_for, policies_set

from .lc_reload import store_connection


def _field(name: str) -> str:
    key = name.strip().lower().replace(" ", "").replace(".", "").replace("_", "")
    for field in SyncField:
        if key in (field.value.replace("_", ""), field.label.lower().replace(" ", "")
                   .replace(".", "")):
            return field.value
    raise CommandError(f"Unknown field {name!r}; one of {', '.join(SyncField.labels)}.")


def _policy(name: str) -> str:
    for policy in Policy:
        if name.strip().lower() in (policy.value, policy.label.lower()):
            return policy.value
    raise CommandError(f"Unknown policy {name!r}: Off, Manual or On.")


class Command(BaseCommand):
    help = "Print the field websync policies, after setting those given as FIELD=POLICY."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("changes", nargs="*", metavar="FIELD=POLICY",
                            help="e.g. Prices=On QOHs=On Names=Off")
        parser.add_argument("--store", metavar="HASH", help="The store (default: the only one).")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = store_connection(options["store"])
        changes: dict[str, str] = {}
        for change in options["changes"]:
            name, sep, policy = change.partition("=")
            if not sep:
                raise CommandError(f"{change!r}: write FIELD=POLICY, e.g. Prices=On.")
            changes[_field(name)] = _policy(policy)
        try:
            policies = (policies_set(connection=connection, changes=changes) if changes
                        else policies_for(connection=connection))
        except ValidationError as exc:
            raise CommandError(" ".join(m for ms in exc.message_dict.values() for m in ms)
                               ) from exc
        width = max(len(label) for label in SyncField.labels)
        for field in SyncField:
            self.stdout.write(f"{field.label:<{width}}  {Policy(policies[field.value]).label}")
        self.stdout.write(f"{len(policies)} fields, {len(changes)} changed")
