"""BigCommerce's amounts on a V2 order, read the one way the import and the edits both use,
so an imported order and its later edits agree on what each total is."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0")
# Past what the POS's 12-digit amounts hold.
TOO_LARGE = Decimal("1e10")


class BadAmount(ValueError):
    """An amount that is not a usable sum of money; names the record and the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def money(raw: dict[str, Any], key: str, *, what: str) -> Decimal:
    """`raw[key]` as an amount in cents (absent or empty: 0); BadAmount when it is not a
    number, negative or too large."""
    return amount_of(raw.get(key), field=key, what=f"{what}: {key}")


def amount_of(value: Any, *, field: str, what: str) -> Decimal:
    """`value` as an amount in cents (None or empty: 0); BadAmount naming `what`."""
    if value is None or value == "":
        return ZERO
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError):
        raise BadAmount(field, f"{what} is not an amount ({str(value)[:40]!r})") from None
    if amount < 0:
        raise BadAmount(field, f"{what} is negative ({amount})")
    if amount >= TOO_LARGE:
        raise BadAmount(field, f"{what} is too large ({amount})")
    return amount


def order_totals(raw: dict[str, Any], *, what: str) -> dict[str, Decimal]:
    """The SalesOrder amounts as BigCommerce reports them: subtotal and shipping before tax,
    the tax, the discounts (order-level and coupons), and the total the customer pays."""
    return {
        "subtotal": money(raw, "subtotal_ex_tax", what=what),
        "shipping": money(raw, "shipping_cost_ex_tax", what=what),
        "tax": money(raw, "total_tax", what=what),
        "discount": (money(raw, "discount_amount", what=what)
                     + money(raw, "coupon_discount", what=what)),
        "total": money(raw, "total_inc_tax", what=what),
    }


def line_unit_price(raw: dict[str, Any], *, what: str) -> Decimal:
    """A line's unit price before tax."""
    return money(raw, "price_ex_tax", what=what)
