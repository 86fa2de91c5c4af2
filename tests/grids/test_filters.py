"""Filter values are typed and bounded: what a person types becomes one indexable condition,
and anything else is refused with the parameter named."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.db.models import Q
from django.utils import timezone

from grids.errors import GridParamError
from grids.filters import BoolFilter, ChoiceFilter, DateTimeFilter, NumberFilter, TextFilter

P = "filter[0][value]"


def q(flt, type_, value):
    return flt.q(source="col", type=type_, value=value, param=P)


@pytest.mark.parametrize(("type_", "value", "expected"), [
    ("like", "Tee", Q(col__istartswith="Tee")),
    ("like", "  Tee ", Q(col__istartswith="Tee")),
    ("=", "Tee", Q(col__iexact="Tee")),
    ("like", "", None),
    ("like", "*", Q(col__istartswith="*")),
])
def test_text_filters_match_the_start_of_the_value(type_, value, expected):
    assert q(TextFilter(), type_, value) == expected


def test_a_star_searches_anywhere_only_where_the_column_allows_it():
    assert q(TextFilter(contains_with_star=True), "like", "*mug") == Q(col__icontains="mug")
    assert q(TextFilter(contains_with_star=True), "like", "*") is None
    assert q(TextFilter(), "like", "*mug") == Q(col__istartswith="*mug")


@pytest.mark.parametrize(("value", "message"), [
    (["a"], "must be text"), (5, "must be text"), ("x" * 101, "longer than 100"),
])
def test_text_filters_refuse_other_values(value, message):
    with pytest.raises(GridParamError, match=message) as raised:
        q(TextFilter(), "like", value)
    assert raised.value.param == P


def test_an_unknown_filter_type_names_the_type_parameter():
    with pytest.raises(GridParamError, match="'regex' is not accepted") as raised:
        q(TextFilter(), "regex", "x")
    assert raised.value.param == "filter[0][type]"


@pytest.mark.parametrize(("type_", "value", "expected"), [
    ("like", "10", Q(col__exact=Decimal("10"))),
    ("like", ">10", Q(col__gt=Decimal("10"))),
    ("like", " <= 5.5 ", Q(col__lte=Decimal("5.5"))),
    ("like", "5..20", Q(col__gte=Decimal("5"), col__lte=Decimal("20"))),
    ("like", "-3..-1", Q(col__gte=Decimal("-3"), col__lte=Decimal("-1"))),
    (">=", "7", Q(col__gte=Decimal("7"))),
    ("<", 7, Q(col__lt=Decimal("7"))),
    ("!=", "7", ~Q(col=Decimal("7"))),
    ("like", "", None),
])
def test_number_filters_take_what_a_person_types(type_, value, expected):
    assert q(NumberFilter(), type_, value) == expected


@pytest.mark.parametrize("value", ["abc", "1e5", "NaN", "10..", "20..5", "1" * 13, ">>1"])
def test_number_filters_refuse_anything_else(value):
    with pytest.raises(GridParamError) as raised:
        q(NumberFilter(), "like", value)
    assert raised.value.param == P


@pytest.mark.parametrize("value", [True, None, [1], {"a": 1}, "Infinity", "x"])
def test_number_comparisons_need_a_number(value):
    with pytest.raises(GridParamError):
        q(NumberFilter(), ">=", value)


def test_whole_number_filters_refuse_fractions():
    assert q(NumberFilter(integer=True), "like", "3") == Q(col__exact=3)
    with pytest.raises(GridParamError, match="not a whole number"):
        q(NumberFilter(integer=True), "like", "3.5")


@pytest.mark.parametrize(("value", "expected"), [
    ("true", True), ("false", False), ("1", True), ("0", False), (True, True), (False, False),
])
def test_bool_filters(value, expected):
    assert q(BoolFilter(), "=", value) == Q(col=expected)


@pytest.mark.parametrize("value", ["maybe", 1, None, ["true"]])
def test_bool_filters_refuse_other_values(value):
    with pytest.raises(GridParamError, match="not true or false"):
        q(BoolFilter(), "=", value)


def test_choice_filters_take_record_ids_and_none_where_allowed():
    choice = ChoiceFilter(none_label="(none)")
    assert q(choice, "=", "12") == Q(col=12)
    assert q(choice, "=", 12) == Q(col=12)
    assert q(choice, "=", "none") == Q(col__isnull=True)
    assert q(choice, "in", ["1", 2]) == Q(col__in=[1, 2])
    assert q(choice, "=", "") is None


@pytest.mark.parametrize(("type_", "value", "param"), [
    ("=", "none", P), ("=", "-1", P), ("=", "0", P), ("=", "1.5", P), ("=", True, P),
    ("=", "9" * 19, P), ("in", "1", P), ("in", list(range(101)), P),
    ("in", [1, "x"], P + "[1]"),
])
def test_choice_filters_refuse_anything_but_ids(type_, value, param):
    with pytest.raises(GridParamError) as raised:
        q(ChoiceFilter(), type_, value)
    assert raised.value.param == param


def test_choice_filters_offer_their_choices_to_the_page():
    choice = ChoiceFilter(choices=lambda: [(1, "Shoes"), (2, "Hats")], none_label="(none)")
    assert choice.client()["values"] == [
        {"value": "none", "label": "(none)"}, {"value": "1", "label": "Shoes"},
        {"value": "2", "label": "Hats"}]


def _at(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day))


@pytest.mark.parametrize(("type_", "value", "expected"), [
    ("like", "2026-11-30", Q(col__gte=_at("2026-11-30"), col__lt=_at("2026-12-01"))),
    ("like", ">=2026-11-30", Q(col__gte=_at("2026-11-30"))),
    ("like", "<=2026-11-30", Q(col__lt=_at("2026-12-01"))),
    ("like", ">2026-11-30", Q(col__gte=_at("2026-12-01"))),
    ("like", "2026-11-01..2026-11-30", Q(col__gte=_at("2026-11-01"), col__lt=_at("2026-12-01"))),
    ("<", "2026-11-30", Q(col__lt=_at("2026-11-30"))),
])
def test_date_filters_are_ranges_of_instants_in_the_shops_time_zone(settings, type_, value,
                                                                    expected):
    settings.TIME_ZONE = "Europe/Lisbon"
    assert q(DateTimeFilter(), type_, value) == expected


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-11-30..2026-11-01",
                                   "2026-11-30T10:00"])
def test_date_filters_refuse_anything_else(value):
    with pytest.raises(GridParamError) as raised:
        q(DateTimeFilter(), "like", value)
    assert raised.value.param == P
