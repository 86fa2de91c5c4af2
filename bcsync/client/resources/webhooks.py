"""Webhook subscriptions (V3 /hooks)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..idempotent import create_or_find
from ..paging import flatten, walk_v3
from .base import Resource, record_of

HOOKS = "/v3/hooks"


@dataclass(frozen=True)
class Webhook:
    id: int
    scope: str
    destination: str
    is_active: bool
    headers: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    created_at: int | None = None
    updated_at: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False, hash=False)

    @classmethod
    def from_api(cls, body: dict[str, Any]) -> Webhook:
        return cls(
            id=int(body["id"]),
            scope=str(body.get("scope", "")),
            destination=str(body.get("destination", "")),
            is_active=bool(body.get("is_active", False)),
            headers=dict(body.get("headers") or {}),
            created_at=body.get("created_at"),
            updated_at=body.get("updated_at"),
            raw=body,
        )

    def __repr__(self) -> str:
        # `headers` usually carries the shared secret the destination checks.
        return (
            f"Webhook(id={self.id}, scope={self.scope!r}, destination={self.destination!r}, "
            f"is_active={self.is_active})"
        )


class WebhooksMixin(Resource):
    def iter_webhooks(self, filters: Mapping[str, Any] | None = None) -> Iterator[Webhook]:
        """GET /v3/hooks (only this app's hooks; filters: is_active, scope, destination)."""
        for item in flatten(walk_v3(self._http, HOOKS, filters, limit=250)):
            yield Webhook.from_api(item)

    def create_webhook(
        self,
        *,
        scope: str,
        destination: str,
        headers: Mapping[str, str] | None = None,
        is_active: bool = True,
    ) -> Webhook:
        """POST /v3/hooks (looked up by scope + destination if the answer is lost)."""
        payload: dict[str, Any] = {
            "scope": scope,
            "destination": destination,
            "is_active": is_active,
        }
        if headers:
            payload["headers"] = dict(headers)

        def create() -> Webhook:
            body = self._http.send_json("POST", HOOKS, payload)
            return Webhook.from_api(record_of(body, what="webhook"))

        def lookup() -> Webhook | None:
            found = self.iter_webhooks({"scope": scope, "destination": destination})
            return next(found, None)

        return create_or_find(create, lookup, what="webhook")

    def update_webhook(self, webhook_id: int, payload: Mapping[str, Any]) -> Webhook:
        """PUT /v3/hooks/{webhook_id}"""
        body = self._http.send_json("PUT", f"{HOOKS}/{int(webhook_id)}", dict(payload))
        return Webhook.from_api(record_of(body, what="webhook"))

    def delete_webhook(self, webhook_id: int, *, missing_ok: bool = True) -> None:
        """DELETE /v3/hooks/{webhook_id}"""
        self._delete(f"{HOOKS}/{int(webhook_id)}", missing_ok=missing_ok)
