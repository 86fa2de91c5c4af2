"""Typed filters a grid column accepts, and the Q each one builds.

A filter arrives as (type, value) from Tabulator's header filters (`filter[i][type]`,
`filter[i][value]`; "like" for text inputs, "=" for lists) or from a selection's JSON. Each
filter class knows which types it takes, checks and converts the value, and answers a Q over
the column's source, or raises GridParamError naming the parameter. Every filter here maps to
an index-friendly lookup (equality, ranges, case-insensitive prefix) unless it says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.db.models import Q
from django.utils import timezone

from .errors import GridParamError

MAX_TEXT = 100
MAX_CHOICES_IN = 100
_COMPARISONS = {"=": "exact", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
_NUMBER = r"-?\d{1,12}(?:\.\d{1,4})?"
_NUMBER_EXPR = re.compile(rf"^\s*(?P<op><=|>=|<|>|=)?\s*(?P<a>{_NUMBER})\s*$")
_NUMBER_RANGE = re.compile(rf"^\s*(?P<a>{_NUMBER})\s*\.\.\s*(?P<b>{_NUMBER})\s*$")
_DATE = r"\d{4}-\d{2}-\d{2}"
_DATE_EXPR = re.compile(rf"^\s*(?P<op><=|>=|<|>|=)?\s*(?P<a>{_DATE})\s*$")
_DATE_RANGE = re.compile(rf"^\s*(?P<a>{_DATE})\s*\.\.\s*(?P<b>{_DATE})\s*$")


class Filter:
    """Base: `types` lists the filter types accepted; `q()` builds the condition."""

    types: ClassVar[frozenset[str]] = frozenset()
    #: Filter on this field path instead of the column's own source (e.g. a column showing
    #: department__name filters on department_id).
    source: str | None = None

    def q(self, *, source: str, type: str, value: Any, param: str) -> Q | None:
        """The condition, or None when the value is empty (no filter)."""
        raise NotImplementedError

    def client(self) -> dict[str, Any]:
        """What the page needs to draw the header filter."""
        raise NotImplementedError

    def _check_type(self, type: str, param: str) -> None:
        if type not in self.types:
            accepted = ", ".join(sorted(self.types))
            raise GridParamError(param.replace("[value]", "[type]"),
                                 f"filter type {type!r} is not accepted here; use one of "
                                 f"{accepted}.")


def _text(value: Any, param: str, max_length: int) -> str:
    if not isinstance(value, str):
        raise GridParamError(param, "must be text.")
    if len(value) > max_length:
        raise GridParamError(param, f"is longer than {max_length} characters.")
    if "\x00" in value:
        # No stored text can hold it, and PostgreSQL refuses the query outright.
        raise GridParamError(param, "must not contain a NUL character.")
    return value.strip()


@dataclass(frozen=True)
class TextFilter(Filter):
    """Case-insensitive text. "like" (what a text header filter sends) matches the start of
    the value, which an index on UPPER(column) / column COLLATE NOCASE serves; with
    `contains_with_star`, a value starting with * matches anywhere (a scan: say so in the
    placeholder). "=" matches the whole value."""

    contains_with_star: bool = False
    max_length: int = MAX_TEXT
    source: str | None = None
    types: ClassVar[frozenset[str]] = frozenset({"like", "="})

    def q(self, *, source: str, type: str, value: Any, param: str) -> Q | None:
        self._check_type(type, param)
        text = _text(value, param, self.max_length)
        if self.contains_with_star and text.startswith("*"):
            text = text.lstrip("*").strip()
            return Q(**{f"{source}__icontains": text}) if text else None
        if not text:
            return None
        lookup = "iexact" if type == "=" else "istartswith"
        return Q(**{f"{source}__{lookup}": text})

    def client(self) -> dict[str, Any]:
        hint = "starts with… (*word: anywhere)" if self.contains_with_star else "starts with…"
        return {"type": "text", "placeholder": hint}


def _decimal(raw: str, param: str) -> Decimal:
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise GridParamError(param, f"{raw!r} is not a number.") from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
        raise GridParamError(param, f"{raw!r} is out of range.")
    return number


@dataclass(frozen=True)
class NumberFilter(Filter):
    """Numbers. "like" takes what a person types: 10, >10, <=5, 5..20 (inclusive); the
    comparison types (=, !=, <, <=, >, >=) take a plain number."""

    integer: bool = False
    source: str | None = None
    types: ClassVar[frozenset[str]] = frozenset({"like", "=", "!=", "<", "<=", ">", ">="})

    def _number(self, raw: Any, param: str) -> Decimal | int:
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            raise GridParamError(param, "must be a number.")
        number = _decimal(str(raw), param)
        if self.integer:
            if number != number.to_integral_value():
                raise GridParamError(param, f"{raw!r} is not a whole number.")
            return int(number)
        return number

    def q(self, *, source: str, type: str, value: Any, param: str) -> Q | None:
        self._check_type(type, param)
        if type != "like":
            number = self._number(value, param)
            if type == "!=":
                return ~Q(**{source: number})
            return Q(**{f"{source}__{_COMPARISONS[type]}": number})
        text = _text(value, param, 60)
        if not text:
            return None
        if match := _NUMBER_RANGE.match(text):
            low, high = self._number(match["a"], param), self._number(match["b"], param)
            if low > high:
                raise GridParamError(param, f"the range {text!r} runs backwards.")
            return Q(**{f"{source}__gte": low, f"{source}__lte": high})
        if match := _NUMBER_EXPR.match(text):
            lookup = _COMPARISONS[match["op"] or "="]
            return Q(**{f"{source}__{lookup}": self._number(match["a"], param)})
        raise GridParamError(param, f"{text!r} is not a number, a comparison such as >10 or "
                                    "a range such as 5..20.")

    def client(self) -> dict[str, Any]:
        return {"type": "number", "placeholder": "e.g. >10 or 5..20"}


@dataclass(frozen=True)
class BoolFilter(Filter):
    """Yes / no."""

    source: str | None = None
    types: ClassVar[frozenset[str]] = frozenset({"=", "like"})
    _VALUES: ClassVar[dict[Any, bool]] = {"true": True, "false": False, "1": True, "0": False,
                                          "yes": True, "no": False}

    def q(self, *, source: str, type: str, value: Any, param: str) -> Q | None:
        self._check_type(type, param)
        if isinstance(value, bool):
            return Q(**{source: value})
        if isinstance(value, str):
            if not value.strip():
                return None
            flag = self._VALUES.get(value.strip().lower())
            if flag is not None:
                return Q(**{source: flag})
        raise GridParamError(param, f"{value!r} is not true or false.")

    def client(self) -> dict[str, Any]:
        return {"type": "list", "values": [{"value": "true", "label": "Yes"},
                                           {"value": "false", "label": "No"}]}


@dataclass(frozen=True)
class ChoiceFilter(Filter):
    """One of a list of records by id ("=", or "in" with a list), e.g. a department. With
    `none_label`, the value "none" finds rows with no record (a nullable foreign key).
    `choices` is called when a page is drawn, not per request."""

    choices: Callable[[], Sequence[tuple[int, str]]] = field(default=lambda: ())
    none_label: str | None = None
    source: str | None = None
    types: ClassVar[frozenset[str]] = frozenset({"=", "in", "like"})

    def _id(self, raw: Any, param: str) -> int:
        if isinstance(raw, bool):
            raise GridParamError(param, "must be a record id.")
        if isinstance(raw, int) or (isinstance(raw, str) and raw.strip().isdigit()
                                    and len(raw.strip()) <= 18):
            number = int(raw)
            if number > 0:
                return number
        raise GridParamError(param, f"{raw!r} is not a record id.")

    def q(self, *, source: str, type: str, value: Any, param: str) -> Q | None:
        self._check_type(type, param)
        if type == "in":
            if not isinstance(value, list) or len(value) > MAX_CHOICES_IN:
                raise GridParamError(param, f"must be a list of at most {MAX_CHOICES_IN} ids.")
            return Q(**{f"{source}__in": [self._id(v, f"{param}[{i}]")
                                          for i, v in enumerate(value)]})
        if isinstance(value, str) and not value.strip():
            return None
        if self.none_label is not None and value == "none":
            return Q(**{f"{source}__isnull": True})
        return Q(**{source: self._id(value, param)})

    def client(self) -> dict[str, Any]:
        values = [{"value": str(pk), "label": label} for pk, label in self.choices()]
        if self.none_label is not None:
            values.insert(0, {"value": "none", "label": self.none_label})
        return {"type": "list", "values": values}


@dataclass(frozen=True)
class DateTimeFilter(Filter):
    """A timestamp column filtered by days in the shop's time zone: 2026-11-30, >=2026-11-01,
    2026-11-01..2026-11-30 (inclusive). Compared as a range of instants, so the column's
    index serves it."""

    source: str | None = None
    types: ClassVar[frozenset[str]] = frozenset({"like", "=", "<", "<=", ">", ">="})

    @staticmethod
    def _day(raw: str, param: str) -> date:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise GridParamError(param, f"{raw!r} is not a date (YYYY-MM-DD).") from None

    @staticmethod
    def _start(day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time.min))

    def _between(self, source: str, first: date, last: date) -> Q:
        return Q(**{f"{source}__gte": self._start(first),
                    f"{source}__lt": self._start(last + timedelta(days=1))})

    def q(self, *, source: str, type: str, value: Any, param: str) -> Q | None:
        self._check_type(type, param)
        text = _text(value, param, 40)
        if not text:
            return None
        if type == "like":
            if match := _DATE_RANGE.match(text):
                first, last = self._day(match["a"], param), self._day(match["b"], param)
                if first > last:
                    raise GridParamError(param, f"the range {text!r} runs backwards.")
                return self._between(source, first, last)
            match = _DATE_EXPR.match(text)
            if not match:
                raise GridParamError(param, f"{text!r} is not a date (YYYY-MM-DD), a "
                                            "comparison such as >=2026-11-01 or a range "
                                            "such as 2026-11-01..2026-11-30.")
            op, day = match["op"] or "=", self._day(match["a"], param)
        else:
            op, day = type, self._day(text, param)
        if op == "=":
            return self._between(source, day, day)
        next_day = self._start(day + timedelta(days=1))
        bounds = {"<": ("lt", self._start(day)), "<=": ("lt", next_day),
                  ">": ("gte", next_day), ">=": ("gte", self._start(day))}
        lookup, moment = bounds[op]
        return Q(**{f"{source}__{lookup}": moment})

    def client(self) -> dict[str, Any]:
        return {"type": "text", "placeholder": "e.g. >=2026-11-01"}
