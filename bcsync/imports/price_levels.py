"""B2B: POS price levels and BigCommerce customer groups, both ways.

From BigCommerce (`price_levels_import`, reads only the LC): a group no price level is linked
to links to the level of the same name (letter case aside), else becomes a new level: a
price_list rule makes a price list, an "all" percent rule a percentage off by its amount,
anything else a percentage off of 0 (category and product rules have no POS counterpart, and
the report says so).

To BigCommerce (`price_levels_push`): each price level's group is created or updated with its
discount rule, a percentage off as the spec's store-wide rule ({"type": "all", "method":
"percent", "amount": "15.0000"}). A price list has no BigCommerce price list to point at, so
its group gets a 0 % store-wide rule (the spec has no empty rule list) and the report says so.
A level not linked yet first links to the LC's group of its name, so no duplicate is made.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from localcopy.models import LcCustomerGroup
from orders.models import PriceLevel

from ..client import BigCommerceClient, BigCommerceError
from ..models import PriceLevelSync, StoreConnection
from .report import (
    CREATED,
    FAILED,
    LINKED,
    SKIPPED,
    UPDATED,
    ImportReport,
    first_error,
)

NO_DISCOUNT = "0.0000"


def _percent_of(rules: Any) -> tuple[str, Decimal | None, str]:
    """(kind, percent, note) for a group's discount rules."""
    rules = rules if isinstance(rules, list) else []
    rules = [r for r in rules if isinstance(r, dict)]
    if any(r.get("type") == "price_list" for r in rules):
        return PriceLevel.Kind.PRICE_LIST, None, ""
    note = ""
    if any(r.get("type") in ("category", "product") for r in rules):
        note = "its category and product discount rules have no POS counterpart"
    for rule in rules:
        if rule.get("type") == "all" and rule.get("method", "percent") == "percent":
            try:
                # BigCommerce shows "15.0000"; the POS keeps hundredths.
                percent = Decimal(str(rule.get("amount"))).quantize(Decimal("0.01"),
                                                                    rounding=ROUND_HALF_UP)
                return PriceLevel.Kind.PERCENT_OFF, percent, note
            except InvalidOperation:
                return PriceLevel.Kind.PERCENT_OFF, Decimal(0), "its amount is not a number"
    return PriceLevel.Kind.PERCENT_OFF, Decimal(0), note


def price_levels_import(*, connection: StoreConnection) -> ImportReport:
    """Customer groups in the LC that no price level is linked to, as price levels."""
    report = ImportReport("Price levels")
    linked = set(PriceLevelSync.objects.filter(connection=connection)
                 .values_list("bc_group_id", flat=True))
    for group in LcCustomerGroup.objects.filter(store_hash=connection.store_hash).order_by(
            "bc_id"):
        label = f"Customer group {group.name!r}"
        if group.bc_id in linked:
            report.add(group.bc_id, label, SKIPPED, message="already linked")
            continue
        try:
            with transaction.atomic():
                outcome, level, note = _import_group(connection, group)
            report.add(group.bc_id, label, outcome, message=note, pos_id=level.pk)
        except ValidationError as exc:
            name, message = first_error(exc)
            report.add(group.bc_id, label, FAILED, field=name, message=message)
        except IntegrityError as exc:
            report.add(group.bc_id, label, FAILED, message=f"not saved: {exc}"[:300])
    return report


def _import_group(connection: StoreConnection, group: LcCustomerGroup
                  ) -> tuple[str, PriceLevel, str]:
    level = PriceLevel.objects.filter(name__iexact=group.name.strip()).first()
    note = ""
    if level is not None:
        if PriceLevelSync.objects.filter(connection=connection, price_level=level).exists():
            raise ValidationError({"name": f"Price level {level.name!r} is already linked "
                                           "to another customer group."})
        outcome = LINKED
    else:
        kind, percent, note = _percent_of(group.raw.get("discount_rules"))
        level = PriceLevel(name=group.name.strip(), kind=kind, percent=percent,
                           description="Imported from BigCommerce.")
        level.full_clean()
        level.save()
        outcome = CREATED
    PriceLevelSync.objects.create(connection=connection, price_level=level,
                                  bc_group_id=group.bc_id)
    return outcome, level, note


def group_body(level: PriceLevel) -> tuple[dict[str, Any], str]:
    """What the level's group is sent, and a note for the report."""
    if level.kind == PriceLevel.Kind.PERCENT_OFF:
        amount, note = f"{level.percent or 0:.4f}", ""
    else:
        amount, note = NO_DISCOUNT, ("a price list has no BigCommerce price list: its group "
                                     "gets no discount")
    rule = {"type": "all", "method": "percent", "amount": amount}
    return {"name": level.name, "discount_rules": [rule]}, note


def price_levels_push(*, connection: StoreConnection, client: BigCommerceClient,
                      levels: list[PriceLevel] | None = None) -> ImportReport:
    """Each price level's customer group created or updated with its discount rule."""
    report = ImportReport("Customer groups")
    for level in levels if levels is not None else PriceLevel.objects.order_by("name"):
        label = f"Price level {level.name!r}"
        try:
            outcome, group_id, note = price_level_push(connection=connection, client=client,
                                                       level=level)
            report.add(group_id, label, outcome, message=note, pos_id=level.pk)
        except BigCommerceError as exc:
            report.add(None, label, FAILED, field="name", message=f"BigCommerce: {exc}"[:300])
    return report


def price_level_push(*, connection: StoreConnection, client: BigCommerceClient,
                     level: PriceLevel) -> tuple[str, int, str]:
    """(outcome, group id, note) for one level: its group updated, linked or created."""
    body, note = group_body(level)
    link = PriceLevelSync.objects.filter(connection=connection, price_level=level).first()
    outcome = UPDATED
    if link is None:
        group = LcCustomerGroup.objects.filter(store_hash=connection.store_hash,
                                               name__iexact=level.name).first()
        if group is not None:
            group_id, outcome = group.bc_id, LINKED
        else:
            group_id, outcome = int(client.create_customer_group(body)["id"]), CREATED
        link = PriceLevelSync.objects.create(connection=connection, price_level=level,
                                             bc_group_id=group_id)
    if outcome != CREATED:
        client.update_customer_group(link.bc_group_id, body)
    link.pushed_at = timezone.now()
    link.save(update_fields=["pushed_at"])
    return outcome, link.bc_group_id, note


def group_for(*, connection: StoreConnection, client: BigCommerceClient,
              level: PriceLevel | None) -> int | None:
    """The BigCommerce group a customer at `level` belongs in (made when missing), or None
    when B2B is off or the customer has no level."""
    if level is None or not connection.b2b_enabled:
        return None
    link = PriceLevelSync.objects.filter(connection=connection, price_level=level).first()
    if link is not None:
        return link.bc_group_id
    return price_level_push(connection=connection, client=client, level=level)[1]
