"""Typed checks for request bodies: every field the emulator stores and later sends back.

BigCommerce rejects a body whose fields have the wrong type or break the spec's limits with
a 422 naming the field; the emulator does the same, so a bad value is never stored (where it
would break every later read) and never turns into a 500. The limits mirror the specs'
request schemas; fields the emulator ignores are not checked.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, v3_error

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class Field:
    nullable: bool = False

    def problem(self, value: Any) -> str | None:
        raise NotImplementedError

    def check(self, value: Any, path: str, errors: dict[str, str]) -> None:
        if value is None:
            if not self.nullable:
                errors[path] = "must not be null"
            return
        if (problem := self.problem(value)) is not None:
            errors[path] = problem


@dataclass
class Str(Field):
    min: int = 0
    max: int | None = None
    nullable: bool = False
    pattern: str | None = None

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return "must be a string"
        if len(value) < self.min:
            return f"must be at least {self.min} characters"
        if self.max is not None and len(value) > self.max:
            return f"must be at most {self.max} characters"
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            return "has an invalid format"
        return None


@dataclass
class Email(Field):
    max: int = 255

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return "must be a string"
        if len(value) > self.max or not _EMAIL.fullmatch(value.strip()):
            return "must be a valid email address"
        return None


@dataclass
class Int(Field):
    min: int = -INT64_MAX
    max: int = INT64_MAX
    nullable: bool = False

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be an integer"
        if value < self.min:
            return f"must be greater than or equal to {self.min}"
        if value > self.max:
            return f"must be less than or equal to {self.max}"
        return None


@dataclass
class Num(Field):
    min: float | None = None
    max: float | None = None
    nullable: bool = False

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number"
        if not math.isfinite(value):
            return "must be a finite number"
        if self.min is not None and value < self.min:
            return f"must be greater than or equal to {self.min:g}"
        if self.max is not None and value > self.max:
            return f"must be less than or equal to {self.max:g}"
        return None


@dataclass
class Bool(Field):
    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, bool) else "must be a boolean"


@dataclass
class Enum(Field):
    choices: tuple[Any, ...] = ()
    nullable: bool = False

    def problem(self, value: Any) -> str | None:
        if isinstance(value, list | dict) or value not in self.choices:
            return f"must be one of {', '.join(map(str, self.choices))}"
        return None


@dataclass
class Arr(Field):
    item: Field = field(default_factory=lambda: Anything())
    max_items: int | None = None

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, list):
            return "must be an array"
        if self.max_items is not None and len(value) > self.max_items:
            return f"must have at most {self.max_items} items"
        return None

    def check(self, value: Any, path: str, errors: dict[str, str]) -> None:
        super().check(value, path, errors)
        if isinstance(value, list) and path not in errors:
            for i, item in enumerate(value):
                self.item.check(item, f"{path}.{i}", errors)


@dataclass
class Obj(Field):
    fields: dict[str, Field] = field(default_factory=dict)
    nullable: bool = False
    values: Field | None = None  # for maps: the type of every value

    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, dict) else "must be an object"

    def check(self, value: Any, path: str, errors: dict[str, str]) -> None:
        super().check(value, path, errors)
        if isinstance(value, dict) and path not in errors:
            collect(value, self.fields, errors, f"{path}.")
            if self.values is not None:
                for key, item in value.items():
                    self.values.check(item, f"{path}.{key}", errors)


@dataclass
class Anything(Field):
    nullable: bool = True

    def problem(self, value: Any) -> str | None:
        return None


def collect(body: dict[str, Any], schema: dict[str, Field], errors: dict[str, str],
            prefix: str = "") -> None:
    for name, rule in schema.items():
        if name in body:
            rule.check(body[name], f"{prefix}{name}", errors)


def check_body(body: Any, schema: dict[str, Field], prefix: str = "") -> dict[str, Any]:
    """`body` must be an object whose known fields have their types; else a V3 422."""
    if not isinstance(body, dict):
        raise v3_error(422, "JSON data is missing or invalid",
                       {prefix.rstrip(".") or "body": "must be an object"})
    errors: dict[str, str] = {}
    collect(body, schema, errors, prefix)
    if errors:
        raise v3_error(422, "JSON data is missing or invalid", errors)
    return body


def v2_check_body(body: Any, schema: dict[str, Field]) -> dict[str, Any]:
    """The V2 form: 400 with `[{"status", "message"}]` naming the first bad field."""
    if not isinstance(body, dict):
        raise ApiError(400, [{"status": 400, "message": "The request body must be a JSON "
                                                         "object."}])
    errors: dict[str, str] = {}
    collect(body, schema, errors)
    if errors:
        name, problem = next(iter(errors.items()))
        raise ApiError(400, [{"status": 400, "message": f"The field '{name}' {problem}."}])
    return body
