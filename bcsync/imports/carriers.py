"""BigCommerce's shipping methods, per zone, into the POS's carriers.

BigCommerce has no carrier list; each zone's methods (the LC's carriers dataset) are the
nearest thing. A method becomes the carrier named after it, its service the zone's name
("Flat Rate" / "United States"), so the same method name in two zones is two carriers. Its
code is the connection's code prefix, "SM" and the method's id (BC-SM3): deterministic, so a
second import finds the carrier it made and only brings its name up to date.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from localcopy.models import LcShippingMethod
from orders.models import Carrier

from ..models import StoreConnection
from .report import CREATED, FAILED, LINKED, UNCHANGED, UPDATED, ImportReport, first_error


def carrier_code(*, connection: StoreConnection, bc_id: int) -> str:
    prefix = connection.code_prefix or ""
    return f"{prefix}-SM{bc_id}" if prefix else f"SM{bc_id}"


def carriers_import(*, connection: StoreConnection) -> ImportReport:
    """Every shipping method in the LC as a POS carrier; idempotent. Reads only the LC."""
    report = ImportReport("Carriers")
    methods = LcShippingMethod.objects.filter(store_hash=connection.store_hash).order_by(
        "zone_bc_id", "bc_id")
    for method in methods:
        label = f"Shipping method {method.name!r} ({method.zone_name or 'no zone'})"
        try:
            with transaction.atomic():
                outcome, carrier = _one(connection, method)
            report.add(method.bc_id, label, outcome, pos_id=carrier.pk)
        except ValidationError as exc:
            name, message = first_error(exc)
            report.add(method.bc_id, label, FAILED, field=name, message=message)
        except IntegrityError as exc:
            report.add(method.bc_id, label, FAILED, message=f"not saved: {exc}"[:300])
    return report


def _one(connection: StoreConnection, method: LcShippingMethod) -> tuple[str, Carrier]:
    name, service = method.name.strip(), (method.zone_name or "").strip()
    code = carrier_code(connection=connection, bc_id=method.bc_id)
    carrier = Carrier.objects.filter(code__iexact=code).first()
    if carrier is not None:
        if (carrier.name, carrier.service) == (name, service):
            return UNCHANGED, carrier
        carrier.name, carrier.service = name, service
        carrier.full_clean(validate_unique=False)
        _refuse_taken(name, service, exclude=carrier.pk)
        carrier.save(update_fields=["name", "service"])
        return UPDATED, carrier
    carrier = Carrier.objects.filter(name=name, service=service).first()
    if carrier is not None:
        # The shop keyed it in already: keep its own code.
        return LINKED, carrier
    carrier = Carrier(name=name, service=service, code=code)
    carrier.full_clean()
    carrier.save()
    return CREATED, carrier


def _refuse_taken(name: str, service: str, *, exclude: int) -> None:
    if Carrier.objects.filter(name=name, service=service).exclude(pk=exclude).exists():
        raise ValidationError({"name": f"A carrier {name} {service} already exists."})
