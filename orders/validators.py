"""Rules the POS applies to its sales records' codes and addresses."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

CODE_REGEX = r"^[A-Za-z0-9][A-Za-z0-9-]*$"
COUNTRY_CODE_REGEX = r"^[A-Z]{2}$"
_NOT_CODE = re.compile(r"[^A-Za-z0-9-]")
_COUNTRY = re.compile(r"[A-Za-z]{2}")


def _validate_code(value: str, *, noun: str, code: str) -> None:
    value = value or ""
    match = _NOT_CODE.search(value)
    if match:
        char = match.group()
        shown = "a space" if char == " " else f"'{char}'"
        raise ValidationError(
            "%(noun)s %(value)s contains %(char)s at position %(pos)s: it may hold only "
            "letters (A-Z), digits (0-9) and dashes.",
            code=code,
            params={"noun": noun, "value": repr(value), "char": shown, "pos": match.start() + 1},
        )
    if value.startswith("-"):
        raise ValidationError(
            "%(noun)s %(value)s starts with a dash: it must start with a letter or a digit.",
            code=code, params={"noun": noun, "value": repr(value)},
        )


def validate_customer_code(value: str) -> None:
    """A customer code as a POS prints it: letters, digits and dashes (BC-1042)."""
    _validate_code(value, noun="Customer code", code="invalid_customer_code")


def validate_carrier_code(value: str) -> None:
    """A carrier code (UPS-GND): letters, digits and dashes."""
    _validate_code(value, noun="Carrier code", code="invalid_carrier_code")


def validate_order_number(value: str) -> None:
    """A sales order number (WEB-1042): letters, digits and dashes."""
    _validate_code(value, noun="Order number", code="invalid_order_number")


def validate_country_code(value: str) -> None:
    """An ISO 3166-1 alpha-2 code's shape (US, gb); the model stores it in capitals."""
    if not _COUNTRY.fullmatch(value or ""):
        raise ValidationError(
            "Country code %(value)s is not two letters: use the ISO 3166-1 alpha-2 code, "
            "e.g. US or GB.",
            code="invalid_country_code", params={"value": repr(value)},
        )
