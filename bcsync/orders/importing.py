"""One BigCommerce order (as the local copy has it) → one POS sales order, exactly once.

    result = order_import(connection=conn, bc_order_id=1042)          # webhook, command, pass

Exactly once: the POS order is created first in the order's transaction, under the unique
(source store, BigCommerce order id) constraint; a second worker, a retried task or a
duplicate webhook loses on that constraint, its transaction (customer, lines, stock) rolls
back whole, and it reports "already imported". Everything of one order is written in one
transaction, never half. The status write-back to BigCommerce happens after the commit; if it
fails, the order stays imported and the write-back is retried (`OrderImport`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django.db import DataError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from localcopy.models import LcOrder, LcOrderLine, LcProduct
from orders.models import SalesOrder, SalesOrderAddress, SalesOrderLine

from ..client import BigCommerceClient, BigCommerceError
from ..connections import client_for
from ..imports.mappings import mapping_apply, mapping_rows
from ..imports.settings import import_settings_for
from ..models import FieldMapping, Notification, OrderImport, OrderSyncSettings, StoreConnection
from ..notifications import notify
from .amounts import BadAmount, money, order_totals
from .credit import customer_credit_check
from .customers import order_customer
from .edits import OrderEditError, apply_order_edits
from .lines import (
    Match,
    bundle_components,
    election_notify,
    levels_below_zero,
    line_match,
    line_take_stock,
)
from .refunds import apply_bc_refunds
from .settings import get_status_ids, order_settings_for, status_name

logger = logging.getLogger(__name__)

IMPORTED, ALREADY, SKIPPED, FAILED = "imported", "already imported", "skipped", "failed"
OUTCOMES = (IMPORTED, ALREADY, SKIPPED, FAILED)
# Longer notes are cut to this and the order flagged (a TextField holds more; people don't).
NOTES_MAX = 10_000
NUMBER_MAX = 40
ATTEMPTS = 3


@dataclass
class OrderResult:
    bc_order_id: int
    outcome: str
    message: str = ""
    sales_order_id: int | None = None
    number: str = ""
    flags: list[str] = field(default_factory=list)
    status_written: bool | None = None  # None: nothing to write
    field: str = ""  # after `flags`: the name shadows dataclasses.field in the class body

    def line(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        what = f" as {self.number}" if self.number else ""
        tail = f": {self.message}" if self.message else ""
        return f"Order #{self.bc_order_id} {self.outcome}{what}{where}{tail}"


@dataclass
class BatchCache:
    """What one batch (a pass, a command) reads once instead of once per order: line
    matches, bundles' components, the Order Import mapping. One per batch and thread; a
    change to links or bundles made during the batch shows from the next batch."""

    matches: dict[tuple[Any, Any, str], Match] = field(default_factory=dict)
    components: dict[int, list[tuple[Any, int]]] = field(default_factory=dict)
    mapping: list[dict[str, Any]] | None = None


class Refused(Exception):
    """An order that cannot be imported, with the field to blame."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _apply_edits(connection: StoreConnection, sales_order: SalesOrder, lc_order: LcOrder
                 ) -> str:
    """An already-imported order seen again: bcsync/orders/edits.py plugs in here (its
    changed lines become sale / refund transactions). Returns what it did, for the result."""
    try:
        edit = apply_order_edits(connection=connection, sales_order=sales_order,
                                 lc_order=lc_order)
    except OrderEditError as exc:  # recorded on the result; the import itself stands
        return f"edits not applied: {exc}"
    return edit.line() if edit.changed else ""


def order_import(*, connection: StoreConnection, bc_order_id: int,
                 client: BigCommerceClient | None = None,
                 settings: OrderSyncSettings | None = None,
                 cache: BatchCache | None = None) -> OrderResult:
    """Import the LC's copy of one order (or say why not); then write its status back."""
    settings = settings or order_settings_for(connection=connection)
    lc = LcOrder.objects.filter(store_hash=connection.store_hash, bc_id=bc_order_id).first()
    if lc is None:
        return OrderResult(bc_order_id, SKIPPED, "not in the local copy")
    existing = _imported(connection, bc_order_id)
    if existing is not None:
        start = start_moment(settings)
        edits = ""
        if start is None or lc.date_created is None or lc.date_created >= start:
            edits = _apply_edits(connection, existing, lc)  # before the start date: ignored
        result = OrderResult(bc_order_id, ALREADY, edits, sales_order_id=existing.pk,
                             number=existing.number)
        result.status_written = _write_back_pending(connection, bc_order_id, client)
        return result
    reason = skip_reason(settings, lc)
    if reason:
        return OrderResult(bc_order_id, SKIPPED, reason)
    try:
        created = _create(connection, settings, lc, cache)
    except Refused as exc:
        _record_refusal(connection, lc, exc)
        return OrderResult(bc_order_id, FAILED, exc.message, field=exc.field)
    if created is None:  # another worker imported it first
        existing = _imported(connection, bc_order_id)
        return OrderResult(bc_order_id, ALREADY,
                           sales_order_id=existing.pk if existing else None,
                           number=existing.number if existing else "")
    order, flags = created
    customer_credit_check(connection=connection, sales_order=order)
    result = OrderResult(bc_order_id, IMPORTED, sales_order_id=order.pk, number=order.number,
                         flags=flags, message="; ".join(flags))
    refunds = _refunds_before_import(connection, order, lc, client)
    if refunds:
        result.message = "; ".join([*flags, refunds])
    result.status_written = _write_back_pending(connection, bc_order_id, client)
    return result


def _refunds_before_import(connection: StoreConnection, order: SalesOrder, lc: LcOrder,
                           client: BigCommerceClient | None) -> str:
    """Refunds made on BigCommerce before the order reached the POS (their webhook found no
    order to apply to): applied now. Read only when the order says some money went back, so
    an order without refunds costs no request."""
    raw = lc.raw if isinstance(lc.raw, dict) else {}
    try:
        refunded = money(raw, "refunded_amount", what=f"Order #{lc.bc_id}")
    except BadAmount:
        refunded = Decimal("0")
    if not refunded:
        return ""
    try:
        if client is not None:
            applied = apply_bc_refunds(connection=connection, sales_order=order, client=client)
        else:
            with client_for(connection) as own:
                applied = apply_bc_refunds(connection=connection, sales_order=order,
                                           client=own)
    except BigCommerceError as exc:
        # The order stands; the refund webhook's retry or the next edit brings them in.
        return f"refunds not read: {exc}"
    return applied.line()


def _imported(connection: StoreConnection, bc_order_id: int) -> SalesOrder | None:
    return SalesOrder.objects.filter(source_store_hash=connection.store_hash,
                                     bc_order_id=bc_order_id).first()


def start_moment(settings: OrderSyncSettings) -> datetime | None:
    """The start date as the first moment of that day (the site's time zone), or None."""
    if not settings.start_date_enabled or settings.start_date is None:
        return None
    return timezone.make_aware(datetime.combine(settings.start_date, time.min))


def skip_reason(settings: OrderSyncSettings, lc: LcOrder) -> str:
    """Why a not-yet-imported order is not taken ("" if it is)."""
    start = start_moment(settings)
    if start is not None and lc.date_created is not None and lc.date_created < start:
        return f"created before the order sync start date ({settings.start_date})"
    if lc.status_id not in get_status_ids(settings):
        return (f"status {status_name(lc.status_id)} is not one of the statuses to get "
                f"({', '.join(status_name(s) for s in sorted(get_status_ids(settings)))})")
    return ""


# ---- building the order --------------------------------------------------------------------


def _create(connection: StoreConnection, settings: OrderSyncSettings, lc: LcOrder,
            cache: BatchCache | None = None) -> tuple[SalesOrder, list[str]] | None:
    """The order in one transaction. None: it exists already (another worker won)."""
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _build(connection, settings, lc, cache)
        except IntegrityError as exc:
            if _imported(connection, lc.bc_id) is not None:
                return None
            # Something else ran into us (a customer code or order number taken a moment
            # ago by another order): try again with fresh numbers.
            if attempt == ATTEMPTS - 1:
                raise Refused("", f"not saved: {exc}"[:500]) from exc
        except (DataError, ValueError) as exc:
            # A value the database or a service refuses (rolled back whole): this order
            # fails with the reason; the batch goes on.
            raise Refused("", f"Order #{lc.bc_id} not saved: {exc}"[:500]) from exc
    return None


def _money(raw: dict[str, Any], key: str, what: str) -> Decimal:
    try:
        return money(raw, key, what=what)
    except BadAmount as exc:
        raise Refused(exc.field, exc.message) from exc


def _text(value: Any, limit: int) -> str:
    return (value if isinstance(value, str) else "" if value is None else str(value)
            ).strip()[:limit]


def _number(connection: StoreConnection, bc_id: int) -> str:
    """WEB-1042 (the store's code prefix, a dash, BigCommerce's order id); a number already
    used by another order gets -2, -3, …"""
    prefix = connection.code_prefix or ""
    base = (f"{prefix}-{bc_id}" if prefix else str(bc_id))[:NUMBER_MAX]
    number, n = base, 1
    while SalesOrder.objects.filter(number__iexact=number).exists():
        n += 1
        suffix = f"-{n}"
        number = base[:NUMBER_MAX - len(suffix)] + suffix
    return number


def _check(lc: LcOrder, raw: dict[str, Any]) -> list[LcOrderLine]:
    """Refuse what cannot be imported; returns the order's lines."""
    currency = (lc.currency_code or _text(raw.get("currency_code"), 3)).upper()
    store = _text(raw.get("store_default_currency_code") or raw.get("default_currency_code"),
                  3).upper()
    if currency and store and currency != store:
        raise Refused("currency_code", f"Order #{lc.bc_id}: currency {currency} is not the "
                                       f"store's currency {store}")
    lines = list(lc.lines.all().order_by("bc_id"))
    if not lines:
        raise Refused("lines", f"Order #{lc.bc_id}: the order has no lines")
    for line in lines:
        if line.quantity <= 0:
            raise Refused("quantity", f"Order #{lc.bc_id}: line {line.bc_id} "
                                      f"({line.sku or line.name}) has quantity {line.quantity}")
    return lines


def _build(connection: StoreConnection, settings: OrderSyncSettings, lc: LcOrder,
           cache: BatchCache | None) -> tuple[SalesOrder, list[str]]:
    raw = lc.raw if isinstance(lc.raw, dict) else {}
    lc_lines = _check(lc, raw)
    flags: list[str] = []
    what = f"Order #{lc.bc_id}"
    rows = cache.mapping if cache is not None else None
    if rows is None:
        rows = mapping_rows(mapping=import_settings_for(connection=connection).order_mapping,
                            kind=FieldMapping.Kind.ORDER_IMPORT)
        if cache is not None:
            cache.mapping = rows
    mapped = mapping_apply(rows, raw)
    notes = mapped.get("notes", "")
    if len(notes) > NOTES_MAX:
        flags.append(f"notes: {len(notes)} characters, cut to {NOTES_MAX}")
        notes = notes[:NOTES_MAX]
    try:
        totals = order_totals(raw, what=what)
    except BadAmount as exc:
        raise Refused(exc.field, exc.message) from exc
    # The POS order is written first: its unique (store, order id) is the claim that makes
    # a second worker stop here, before it touches customers or stock.
    order = SalesOrder.objects.create(
        number=_number(connection, lc.bc_id), source_store_hash=connection.store_hash,
        bc_order_id=lc.bc_id, currency_code=(lc.currency_code or "USD").upper()[:3],
        notes=notes, **totals)
    order.customer = order_customer(connection=connection, settings=settings,
                                    bc_order_id=lc.bc_id, customer_bc_id=lc.customer_bc_id,
                                    email=lc.email, raw=raw, flags=flags)
    if order.customer is not None:
        order.save(update_fields=["customer", "updated_at"])
    _addresses(order, lc, raw, rows, mapped, flags)
    _lines(connection, order, lc, lc_lines, flags, cache)
    status_to_write = settings.set_status_id
    if status_to_write is not None and status_to_write == lc.status_id:
        status_to_write = None
    record = {"sales_order": order, "outcome": OrderImport.Outcome.IMPORTED,
              "message": "; ".join(flags)[:1000], "flags": flags,
              "status_to_write": status_to_write, "status_written_at": None,
              "status_write_error": ""}
    # A refusal recorded earlier is overwritten; else a new row (a concurrent one can't
    # exist: the order's own insert above already won the claim).
    if not OrderImport.objects.filter(connection=connection, bc_order_id=lc.bc_id).update(
            **record):
        OrderImport.objects.create(connection=connection, bc_order_id=lc.bc_id, **record)
    return order, flags


def _address_fields(src: dict[str, Any], name: str) -> dict[str, str]:
    return {"name": name[:255], "company": _text(src.get("company"), 255),
            "line1": _text(src.get("street_1"), 255), "line2": _text(src.get("street_2"), 255),
            "city": _text(src.get("city"), 100), "state": _text(src.get("state"), 100),
            "postal_code": _text(src.get("zip"), 30),
            "country_code": _text(src.get("country_iso2"), 2).upper(),
            "phone": _text(src.get("phone"), 50)}


def _address_problem(fields: dict[str, str]) -> str:
    missing = [label for key, label in (("line1", "street_1"), ("city", "city"),
                                        ("country_code", "country_iso2")) if not fields[key]]
    if missing:
        return f"missing {', '.join(missing)}"
    if not (len(fields["country_code"]) == 2 and fields["country_code"].isascii()
            and fields["country_code"].isalpha()):
        return f"country_iso2 {fields['country_code']!r} is not a country code"
    return ""


def _addresses(order: SalesOrder, lc: LcOrder, raw: dict[str, Any],
               rows: list[dict[str, Any]], mapped: dict[str, str], flags: list[str]) -> None:
    """Billing from the order, shipping from its shipping addresses; names through the Order
    Import mapping (first + last → one name). An address missing what a POS address needs is
    not copied, and the order says so."""
    billing = raw.get("billing_address") if isinstance(raw.get("billing_address"), dict) else {}
    assert isinstance(billing, dict)
    fields = _address_fields(billing, mapped.get("customer_name", ""))
    problem = _address_problem(fields) if billing else "missing"
    if problem:
        flags.append(f"billing_address: {problem}: not copied")
    else:
        SalesOrderAddress.objects.create(order=order, kind=SalesOrderAddress.Kind.BILLING,
                                         email=_text(billing.get("email"), 255), **fields)
    shipping = list(lc.shipping_addresses.all().order_by("bc_id"))
    if not shipping and not raw.get("order_is_digital"):
        flags.append("shipping_address: none on the order")
    for address in shipping:
        src = address.raw if isinstance(address.raw, dict) else {}
        name = mapping_apply(rows, {"billing_address": src}).get("customer_name", "")
        fields = _address_fields(src, name or address.name)
        problem = _address_problem(fields)
        if problem:
            flags.append(f"shipping_address {address.bc_id}: {problem}: not copied")
            continue
        SalesOrderAddress.objects.create(order=order, kind=SalesOrderAddress.Kind.SHIPPING,
                                         email=_text(src.get("email"), 255), **fields)


def _lines(connection: StoreConnection, order: SalesOrder, lc: LcOrder,
           lc_lines: list[LcOrderLine], flags: list[str], cache: BatchCache | None) -> None:
    location = connection.pos_location
    if location is None:
        flags.append("stock: the store connection has no POS location: no stock taken")
    unmatched: list[str] = []
    moved: list[tuple[Any, Any]] = []
    rows: list[SalesOrderLine] = []
    stock: list[tuple[Match, LcOrderLine]] = []
    for line in lc_lines:
        raw = line.raw if isinstance(line.raw, dict) else {}
        label = f"Order #{lc.bc_id} line {line.bc_id}"
        key = (line.product_bc_id, line.variant_bc_id, line.sku)
        if cache is not None and key in cache.matches:
            match = cache.matches[key]
        else:
            match = line_match(connection=connection, product_bc_id=line.product_bc_id,
                               variant_bc_id=line.variant_bc_id, sku=line.sku)
            if cache is not None:
                cache.matches[key] = match
        if match.election is not None:  # per order, cached match or not
            election_notify(connection=connection, election=match.election, order=order.number)
        sku = _text(line.sku, 255)
        row = SalesOrderLine(
            order=order, item=match.item, variant=match.variant, sku=sku,
            name=_text(line.name, 255) or sku or "(no name)", quantity=line.quantity,
            unit_price=_money(raw, "price_ex_tax", label),
            line_total=_money(raw, "total_ex_tax", label),
            unmatched=match.item is None, bc_line_id=line.bc_id)
        rows.append(row)
        if match.item is None:
            gone = (line.product_bc_id and not LcProduct.objects.filter(
                store_hash=connection.store_hash, bc_id=line.product_bc_id).exists())
            why = " (its product is no longer on BigCommerce)" if gone else ""
            unmatched.append(f"{sku or row.name}{why}")
            flags.append(f"line {line.bc_id}: SKU {sku or '(none)'} matches no POS item{why}")
            continue
        stock.append((match, line))
    SalesOrderLine.objects.bulk_create(rows)
    for match, line in stock if location is not None else []:
        assert match.item is not None and location is not None
        components = None
        if cache is not None:
            if match.item.pk not in cache.components:
                cache.components[match.item.pk] = bundle_components(match.item)
            components = cache.components[match.item.pk]
        moved += line_take_stock(item=match.item, variant=match.variant,
                                 quantity=line.quantity, location=location,
                                 reference=f"{order.number} line {line.bc_id}",
                                 components=components)
    below = []
    if location is not None:
        for level in levels_below_zero(moved=moved, location=location):
            sku_of = level.variant.sku if level.variant is not None else level.item.sku
            below.append(f"{sku_of} at {location.code}: {level.on_hand}")
    # Raised in the order's transaction: an order rolled back leaves no notification behind.
    if unmatched:
        notify(Notification.Kind.ALERT, connection=connection,
               title=f"Order {order.number}: {len(unmatched)} line(s) match no POS item",
               body="Kept on the order, flagged unmatched: " + ", ".join(unmatched),
               key=f"order-unmatched:{connection.store_hash}:{lc.bc_id}")
    if below:
        notify(Notification.Kind.WARNING, connection=connection,
               title=f"Order {order.number} takes stock below zero",
               body="; ".join(below), key=f"order-below-zero:{connection.store_hash}:{lc.bc_id}")


def _record_refusal(connection: StoreConnection, lc: LcOrder, exc: Refused) -> None:
    message = f"[{exc.field}] {exc.message}" if exc.field else exc.message
    try:
        with transaction.atomic():
            OrderImport.objects.update_or_create(
                connection=connection, bc_order_id=lc.bc_id, sales_order=None,
                defaults={"outcome": OrderImport.Outcome.REFUSED, "message": message[:1000],
                          "flags": []})
    except IntegrityError:  # imported by another worker meanwhile: nothing to record
        return
    notify(Notification.Kind.ALERT, connection=connection,
           title=f"BigCommerce order #{lc.bc_id} was not imported",
           body=message, key=f"order-refused:{connection.store_hash}:{lc.bc_id}")


# ---- the status write-back -----------------------------------------------------------------


def _write_back_pending(connection: StoreConnection, bc_order_id: int,
                        client: BigCommerceClient | None) -> bool | None:
    record = OrderImport.objects.filter(connection=connection, bc_order_id=bc_order_id).first()
    if record is None or not record.writeback_pending:
        return None
    if client is not None:
        return status_write_back(record=record, client=client)
    with client_for(connection) as own:
        return status_write_back(record=record, client=own)


def status_write_back(*, record: OrderImport, client: BigCommerceClient) -> bool:
    """Set the order's status on BigCommerce to the one the import recorded. Writing the
    same status twice is harmless, so a retry after a lost answer is safe. False: it failed
    and stays pending (a permanent failure is recorded, alerted and not retried)."""
    assert record.status_to_write is not None
    mine = OrderImport.objects.filter(pk=record.pk)
    try:
        client.update_order_status(record.bc_order_id, record.status_to_write)
    except BigCommerceError as exc:
        error = f"{exc.status or ''} {exc.title}".strip()[:500]
        if exc.transient:
            mine.update(status_write_error=error,
                        status_write_attempts=F("status_write_attempts") + 1)
        else:
            mine.update(status_write_error=error, status_to_write=None,
                        status_write_attempts=F("status_write_attempts") + 1)
            notify(Notification.Kind.ERROR, connection=record.connection,
                   title=f"Order #{record.bc_order_id}: status not written back",
                   body=f"BigCommerce said {error}.",
                   key=f"order-writeback:{record.connection.store_hash}:{record.bc_order_id}")
        logger.warning("status write-back of order %s failed: %s", record.bc_order_id, error)
        return False
    mine.update(status_written_at=timezone.now(), status_write_error="",
                status_write_attempts=F("status_write_attempts") + 1)
    return True


def writebacks_retry(*, connection: StoreConnection, client: BigCommerceClient) -> int:
    """Retry every pending write-back of the store; returns how many landed."""
    done = 0
    pending = OrderImport.objects.filter(connection=connection, status_to_write__isnull=False,
                                         status_written_at__isnull=True).select_related(
        "connection")
    for record in pending.order_by("bc_order_id"):
        done += status_write_back(record=record, client=client)
    return done
