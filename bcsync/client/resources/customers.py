"""Customers (V3) and customer groups (V2)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ..batching import BatchResult, run_batches
from ..idempotent import create_or_find
from ..paging import Page, flatten, walk_v2, walk_v3
from .base import Resource, data_of

CUSTOMERS = "/v3/customers"
CUSTOMERS_PER_WRITE = 10  # POST and PUT /v3/customers answer 413 beyond this
GROUPS = "/v2/customer_groups"


class CustomersMixin(Resource):
    def iter_customer_pages(
        self,
        *,
        filters: Mapping[str, Any] | None = None,
        include: Iterable[str] = (),
        limit: int = 250,
    ) -> Iterator[Page]:
        """GET /v3/customers, page-based (`page`; the cursor form is not used)."""
        params = {**(filters or {}), "include": tuple(include)}
        return walk_v3(self._http, CUSTOMERS, params, limit=limit)

    def iter_customers(
        self, *, filters: Mapping[str, Any] | None = None, include: Iterable[str] = ()
    ) -> Iterator[dict[str, Any]]:
        """GET /v3/customers, record by record."""
        return flatten(self.iter_customer_pages(filters=filters, include=include))

    def _customers_by_email(self, emails: Iterable[str]) -> list[dict[str, Any]]:
        emails = [e for e in emails if e]
        if not emails:
            return []
        return list(self.iter_customers(filters={"email:in": emails}))

    def find_customers_by_email(self, emails: Iterable[str]) -> list[dict[str, Any]]:
        """GET /v3/customers?email:in=…: the customers with these emails (BigCommerce
        matches them ignoring letter case)."""
        return self._customers_by_email(emails)

    def create_customers(self, items: Sequence[Mapping[str, Any]]) -> BatchResult:
        """POST /v3/customers, 10 per request.

        A chunk whose answer is lost is checked with `email:in`: the chunk counts as created
        only if every one of its emails now exists (customers are unique by email).
        """

        def send(chunk: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], Any]:
            def create() -> list[dict[str, Any]]:
                return data_of(self._http.send_json("POST", CUSTOMERS, chunk)) or []

            def lookup() -> list[dict[str, Any]] | None:
                wanted = {str(c.get("email", "")).lower() for c in chunk}
                found = self._customers_by_email(wanted)
                have = {str(c.get("email", "")).lower() for c in found}
                return found if wanted <= have else None

            return create_or_find(create, lookup, what="customers"), None

        return run_batches([dict(i) for i in items], CUSTOMERS_PER_WRITE, send, what="customers")

    def update_customers(
        self, items: Sequence[Mapping[str, Any]], *, isolate_invalid: bool = False
    ) -> BatchResult:
        """PUT /v3/customers, 10 per request (each item needs `id`)."""
        if any("id" not in item for item in items):
            raise ValueError("every customer in an update needs an 'id'")

        def send(chunk: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], Any]:
            return data_of(self._http.send_json("PUT", CUSTOMERS, chunk)) or [], None

        return run_batches(
            [dict(i) for i in items],
            CUSTOMERS_PER_WRITE,
            send,
            what="customers",
            isolate_invalid=isolate_invalid,
        )

    def iter_customer_group_pages(self, *, limit: int = 250) -> Iterator[Page]:
        """GET /v2/customer_groups"""
        return walk_v2(self._http, GROUPS, None, limit=limit)

    def iter_customer_groups(self) -> Iterator[dict[str, Any]]:
        """GET /v2/customer_groups, record by record."""
        return flatten(self.iter_customer_group_pages())

    def get_customer_group(self, group_id: int) -> dict[str, Any]:
        """GET /v2/customer_groups/{id}"""
        return dict(self._http.get_json(f"{GROUPS}/{int(group_id)}") or {})

    def create_customer_group(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST /v2/customer_groups (`name` required; `discount_rules` as the spec's
        customerGroup_Post_Put). A create whose answer is lost is looked up by its name."""
        name = str(body.get("name") or "")
        if not name:
            raise ValueError("a customer group needs a 'name'")

        def create() -> dict[str, Any]:
            return dict(self._http.send_json("POST", GROUPS, dict(body)) or {})

        def lookup() -> dict[str, Any] | None:
            return next((g for g in self.iter_customer_groups()
                         if str(g.get("name", "")).lower() == name.lower()), None)

        return create_or_find(create, lookup, what="customer group")

    def update_customer_group(self, group_id: int, body: Mapping[str, Any]) -> dict[str, Any]:
        """PUT /v2/customer_groups/{id}: the fields given (a PUT is idempotent, so retried)."""
        path = f"{GROUPS}/{int(group_id)}"
        return dict(self._http.send_json("PUT", path, dict(body)) or {})
