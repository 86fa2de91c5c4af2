"""Rules the POS applies to its own codes."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


def validate_pos_sku(value: str) -> None:
    """A POS SKU holds letters and digits only; the error names the first bad character."""
    match = _NOT_ALNUM.search(value or "")
    if match:
        char = match.group()
        shown = "a space" if char == " " else f"'{char}'"
        raise ValidationError(
            "SKU %(sku)s contains %(char)s at position %(pos)s: "
            "a POS SKU may hold only letters (A-Z) and digits (0-9).",
            code="invalid_sku",
            params={"sku": repr(value), "char": shown, "pos": match.start() + 1},
        )


def is_valid_pos_sku(value: str | None) -> bool:
    if not value:
        return False
    return _NOT_ALNUM.search(value) is None
