"""Reading and setting the thirteen field websync policies of a store connection."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import (
    DEFAULT_POLICY,
    MANUAL_ONLY_FIELDS,
    FieldPolicy,
    Policy,
    StoreConnection,
    SyncField,
)


def policies_for(*, connection: StoreConnection) -> dict[str, str]:
    """Every field's policy for this store, the default where none was chosen."""
    chosen = dict(FieldPolicy.objects.filter(connection=connection)
                  .values_list("field", "policy"))
    return {field: chosen.get(field, DEFAULT_POLICY) for field in SyncField.values}


def fields_with(policies: Mapping[str, str], allowed: Iterable[str]) -> frozenset[str]:
    """The fields whose policy is one of `allowed` (e.g. On for a background push; On or
    Manual for an upload by hand)."""
    wanted = set(allowed)
    return frozenset(field for field, policy in policies.items() if policy in wanted)


def policy_problem(field: str, policy: str) -> str | None:
    """Why this policy cannot be set on this field, in words for the person who tried."""
    if field not in SyncField.values:
        return f"Unknown field {field!r}; one of {', '.join(SyncField.labels)}."
    if policy not in Policy.values:
        return f"Unknown policy {policy!r} for {SyncField(field).label}: Off, Manual or On."
    if policy == Policy.ON and field in MANUAL_ONLY_FIELDS:
        return (f"{SyncField(field).label} can be Off or Manual only: the background push "
                "never changes it on its own.")
    return None


@transaction.atomic
def policies_set(*, connection: StoreConnection, changes: Mapping[str, str]) -> dict[str, str]:
    """Set some fields' policies (all or nothing); returns every field's policy after.
    Raises ValidationError naming each field whose policy cannot be set."""
    errors = {field: problem for field, policy in changes.items()
              if (problem := policy_problem(field, policy))}
    if errors:
        raise ValidationError(errors)
    before = policies_for(connection=connection)
    for field, policy in changes.items():
        FieldPolicy.objects.update_or_create(connection=connection, field=field,
                                             defaults={"policy": policy})
    if any(p == Policy.ON and before[f] != Policy.ON for f, p in changes.items()):
        # A field turned On: values no edit will mark may now differ from what was pushed.
        # Every linked item is marked; the pass sends only what differs.
        from .outbox import outbox_mark_store

        connection_id = connection.pk
        transaction.on_commit(lambda: outbox_mark_store(connection_id=connection_id))
    return policies_for(connection=connection)
