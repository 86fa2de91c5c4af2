"""The LC's customers into the POS, linked by email.

A BigCommerce customer whose email (letter case aside) is a POS customer's own, or one of its
contacts', links to it (the contact's link is the contact's own: each has its own account
online). Otherwise a POS customer is created: code = the connection's code prefix and the
BigCommerce id (BC17; on a collision with a code the shop already uses, -2, -3, … until free),
names, company, phone, and addresses from the LC's raw JSON (the first address becomes the
default billing and shipping address, the others more shipping addresses). With B2B on, the
LC's customer groups are imported as price levels first and a created customer gets its
group's level. The names, company and phone of a created customer come through the
import settings' Customer Import mapping (empty: Automatic, the BigCommerce fields of the same
names); a chosen mapping's rows replace Automatic's for the targets they name (e.g. company ←
first_name + last_name). The code, email and notes are not mapped: the code is made as above,
the email is the link, the notes say where the customer came from.

Reads only the LC: 0 requests to BigCommerce. Each customer is written in its own
transaction and reported on its own: a failure names the field and leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from localcopy.models import LcCustomer
from orders.models import Customer, CustomerAddress, CustomerContact
from orders.selectors import customers_by_email

from ..models import CustomerSync, FieldMapping, PriceLevelSync, StoreConnection
from .mappings import AUTOMATIC_ROWS, mapping_apply, mapping_rows
from .price_levels import price_levels_import
from .report import CREATED, FAILED, LINKED, SKIPPED, ImportReport, first_error
from .settings import import_settings_for

CODE_MAX = Customer._meta.get_field("code").max_length or 30
# The POS customer's text fields a mapping fills (the others are not the mapping's to set).
MAPPED_FIELDS = ("company", "first_name", "last_name", "phone")


class Refused(Exception):
    """A customer that cannot be imported, with the field to blame."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def customer_code(*, connection: StoreConnection, bc_id: int) -> str:
    """The first free code of BC17, BC17-2, BC17-3, … (letter case aside, as codes are
    unique)."""
    base = f"{connection.code_prefix or ''}{bc_id}"[:CODE_MAX]
    code, n = base, 1
    while Customer.objects.filter(code__iexact=code).exists():
        n += 1
        suffix = f"-{n}"
        code = base[:CODE_MAX - len(suffix)] + suffix
    return code


def customer_rows(*, connection: StoreConnection) -> list[dict[str, Any]]:
    """The Customer Import mapping rows this store's import applies: Automatic's, with the
    chosen mapping's rows in place of Automatic's for each target they name."""
    kind = FieldMapping.Kind.CUSTOMER_IMPORT
    chosen = mapping_rows(mapping=import_settings_for(connection=connection).customer_mapping,
                          kind=kind)
    named = {row["target"] for row in chosen}
    return [row for row in AUTOMATIC_ROWS[kind] if row["target"] not in named] + chosen


def customer_fields(rows: list[dict[str, Any]], row: LcCustomer) -> dict[str, str]:
    """The mapped text of MAPPED_FIELDS for one LC customer (its raw JSON, with the LC's
    columns over it)."""
    record = {**(row.raw if isinstance(row.raw, dict) else {}),
              "first_name": row.first_name, "last_name": row.last_name,
              "company": row.company, "phone": row.phone, "email": row.email}
    mapped = mapping_apply(rows, record)
    return {name: mapped.get(name, "") for name in MAPPED_FIELDS}


def customers_import(*, connection: StoreConnection, bc_ids: Iterable[int] | None = None,
                     progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import (or link) the LC's customers, all or those with `bc_ids`."""
    report = ImportReport("Customers")
    if connection.b2b_enabled:
        report.parts.append(price_levels_import(connection=connection))
    rows = LcCustomer.objects.filter(store_hash=connection.store_hash).order_by("bc_id")
    if bc_ids is not None:
        rows = rows.filter(bc_id__in=list(bc_ids))
    total = rows.count()
    linked = dict(CustomerSync.objects.filter(connection=connection)
                  .values_list("bc_customer_id", "customer__code"))
    levels = dict(PriceLevelSync.objects.filter(connection=connection)
                  .values_list("bc_group_id", "price_level_id"))
    mapping = customer_rows(connection=connection)
    for done, row in enumerate(rows.iterator(chunk_size=500), start=1):
        label = f"Customer {row.email or '(no email)'}"
        if row.bc_id in linked:
            report.add(row.bc_id, label, SKIPPED,
                       message=f"already linked to POS customer {linked[row.bc_id]}")
        else:
            _one(connection, row, label, report, levels, mapping)
        if progress is not None:
            progress(done, total)
    return report


def _one(connection: StoreConnection, row: LcCustomer, label: str, report: ImportReport,
         levels: dict[int, int], mapping: list[dict[str, Any]]) -> None:
    try:
        with transaction.atomic():
            outcome, customer, note = _import(connection, row, levels, mapping)
        report.add(row.bc_id, label, outcome, message=note, pos_id=customer.pk)
    except Refused as exc:
        report.add(row.bc_id, label, FAILED, field=exc.field, message=exc.message)
    except ValidationError as exc:
        name, message = first_error(exc)
        report.add(row.bc_id, label, FAILED, field=name, message=message)
    except IntegrityError as exc:
        report.add(row.bc_id, label, FAILED, message=f"not saved: {exc}"[:300])


def _import(connection: StoreConnection, row: LcCustomer, levels: dict[int, int],
            mapping: list[dict[str, Any]]) -> tuple[str, Customer, str]:
    email = row.email.strip()
    if not email:
        raise Refused("email", "no email: customers are imported and linked by email")
    matches = list(customers_by_email(email=email))
    if len(matches) > 1:
        codes = ", ".join(sorted(c.code for c in matches))
        raise Refused("email", f"{len(matches)} POS customers have this email ({codes}): "
                               "link one by hand")
    if matches:
        customer = matches[0]
        contact = None
        if not Customer.objects.with_email(email).filter(pk=customer.pk).exists():
            contact = CustomerContact.objects.with_email(email).filter(
                customer=customer).first()
        link_to(connection=connection, customer=customer, contact=contact,
                bc_customer_id=row.bc_id, email=email, linked_by=CustomerSync.LinkedBy.EMAIL)
        who = f"contact {contact} of " if contact is not None else ""
        return LINKED, customer, f"by email to {who}POS customer {customer.code}"
    customer = Customer(
        code=customer_code(connection=connection, bc_id=row.bc_id),
        **customer_fields(mapping, row), email=email,
        price_level_id=levels.get(row.customer_group_id or 0),
        notes="Imported from BigCommerce.")
    customer.full_clean()
    customer.save()
    _addresses(customer, row.raw.get("addresses"))
    link_to(connection=connection, customer=customer, contact=None, bc_customer_id=row.bc_id,
            email=email, linked_by=CustomerSync.LinkedBy.IMPORTED)
    return CREATED, customer, f"as POS customer {customer.code}"


def link_to(*, connection: StoreConnection, customer: Customer,
            contact: CustomerContact | None, bc_customer_id: int, email: str,
            linked_by: str) -> CustomerSync:
    """Record the link, refusing one that would give a customer (or contact) two
    BigCommerce customers or a BigCommerce customer two POS ones."""
    taken = CustomerSync.objects.filter(connection=connection, customer=customer,
                                        contact=contact).first()
    if taken is not None and taken.bc_customer_id != bc_customer_id:
        who = f"Contact {contact}" if contact is not None else f"POS customer {customer.code}"
        raise Refused("email", f"{who} is already linked to BigCommerce customer "
                               f"{taken.bc_customer_id} (two BigCommerce customers with "
                               "this email?)")
    if taken is not None:
        return taken
    return CustomerSync.objects.create(connection=connection, customer=customer,
                                       contact=contact, bc_customer_id=bc_customer_id,
                                       email=email, linked_by=linked_by)


def _addresses(customer: Customer, raw: Any) -> None:
    for i, address in enumerate(a for a in (raw if isinstance(raw, list) else [])
                                if isinstance(a, dict)):
        kinds = ([CustomerAddress.Kind.BILLING, CustomerAddress.Kind.SHIPPING] if i == 0
                 else [CustomerAddress.Kind.SHIPPING])
        for kind in kinds:
            made = CustomerAddress(
                customer=customer, kind=kind, is_default=i == 0,
                name=" ".join(_text(address, k) for k in ("first_name", "last_name")
                              if _text(address, k)),
                company=_text(address, "company"), line1=_text(address, "address1"),
                line2=_text(address, "address2"), city=_text(address, "city"),
                state=_text(address, "state_or_province"),
                postal_code=_text(address, "postal_code"),
                country_code=_text(address, "country_code").upper(),
                phone=_text(address, "phone"))
            try:
                made.full_clean(exclude=["customer"])
            except ValidationError as exc:
                name, message = first_error(exc)
                raise Refused(f"addresses[{i}].{name}", message) from None
            made.save()


def _text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    return value.strip() if isinstance(value, str) else ""
