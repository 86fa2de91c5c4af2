"""Named field mappings: which BigCommerce field(s) fill which POS field, per job kind.

A mapping's rows are `{"sources": [...], "target": "...", "separator": " "}`; several sources
combine into one target (first + last name → name). Each kind has a built-in **Automatic**
mapping (a code constant, so it can never be edited away); staff save their own under a new
name (Save As). A mapping naming a field its kind does not know is refused, naming the field.

    rows = mapping_rows(mapping=settings.product_mapping, kind=Kind.PRODUCT_IMPORT)
    values = mapping_apply(rows, record)          # target → combined text
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..models import FieldMapping

Kind = FieldMapping.Kind
AUTOMATIC = "Automatic"

# BigCommerce side (sources) and POS side (targets) each kind knows. Item Export goes the
# other way: POS item fields fill BigCommerce product fields.
_BC_PRODUCT_TEXT = ("name", "sku", "description", "upc", "mpn", "gtin", "bin_picking_number",
                    "search_keywords", "meta_description", "page_title", "warranty",
                    "availability_description", "preorder_message", "layout_file")
_BC_CUSTOMER = ("first_name", "last_name", "email", "company", "phone", "notes",
                "customer_group_id", "tax_exempt_category")
_POS_CUSTOMER = ("code", "company", "first_name", "last_name", "name", "email", "phone",
                 "notes", "tax_exempt")
_BC_ORDER = ("customer_message", "staff_notes", "billing_address.first_name",
             "billing_address.last_name", "billing_address.company", "billing_address.email",
             "billing_address.phone", "external_id", "payment_method")
_POS_ORDER = ("customer_name", "company", "email", "phone", "notes", "reference",
              "payment_method")
_POS_ITEM_TEXT = ("name", "description", "upc", "bin_number", "product_number", "sku")

SOURCES: dict[str, tuple[str, ...]] = {
    Kind.PRODUCT_IMPORT: _BC_PRODUCT_TEXT,
    Kind.CUSTOMER_IMPORT: _BC_CUSTOMER,
    Kind.ORDER_IMPORT: _BC_ORDER,
    Kind.ITEM_EXPORT: _POS_ITEM_TEXT,
}
TARGETS: dict[str, tuple[str, ...]] = {
    Kind.PRODUCT_IMPORT: ("name", "description", "upc", "bin_number"),
    Kind.CUSTOMER_IMPORT: _POS_CUSTOMER,
    Kind.ORDER_IMPORT: _POS_ORDER,
    Kind.ITEM_EXPORT: ("name", "description", "upc", "bin_picking_number", "mpn",
                       "search_keywords"),
}


def _row(sources: str | Sequence[str], target: str, separator: str = " ") -> dict[str, Any]:
    return {"sources": [sources] if isinstance(sources, str) else list(sources),
            "target": target, "separator": separator}


AUTOMATIC_ROWS: dict[str, list[dict[str, Any]]] = {
    Kind.PRODUCT_IMPORT: [_row("name", "name"), _row("description", "description"),
                          _row("upc", "upc"), _row("bin_picking_number", "bin_number")],
    Kind.CUSTOMER_IMPORT: [_row("first_name", "first_name"), _row("last_name", "last_name"),
                           _row(("first_name", "last_name"), "name"), _row("email", "email"),
                           _row("company", "company"), _row("phone", "phone"),
                           _row("notes", "notes")],
    Kind.ORDER_IMPORT: [_row(("billing_address.first_name", "billing_address.last_name"),
                             "customer_name"),
                        _row("billing_address.company", "company"),
                        _row("billing_address.email", "email"),
                        _row("billing_address.phone", "phone"),
                        _row(("customer_message", "staff_notes"), "notes", "\n"),
                        _row("payment_method", "payment_method")],
    Kind.ITEM_EXPORT: [_row("name", "name"), _row("description", "description"),
                       _row("upc", "upc"), _row("bin_number", "bin_picking_number")],
}


def mapping_problems(*, kind: str, rows: Any) -> dict[str, str]:
    """What is wrong with these rows for this kind, by "rows[i].sources" / "rows[i].target"
    (empty: fine)."""
    if kind not in Kind.values:
        return {"kind": f"Unknown mapping kind {kind!r}."}
    if not isinstance(rows, list):
        return {"rows": "Rows are a list of {sources, target, separator}."}
    problems: dict[str, str] = {}
    sources, targets = SOURCES[kind], TARGETS[kind]
    label = Kind(kind).label
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            problems[f"rows[{i}]"] = "A row is {sources, target, separator}."
            continue
        srcs = row.get("sources")
        if not isinstance(srcs, list) or not srcs or not all(isinstance(s, str) for s in srcs):
            problems[f"rows[{i}].sources"] = "Name at least one source field."
        else:
            for src in srcs:
                if src not in sources:
                    problems[f"rows[{i}].sources"] = (
                        f"{label} has no source field {src!r}; one of {', '.join(sources)}.")
        target = row.get("target")
        if target not in targets:
            problems[f"rows[{i}].target"] = (
                f"{label} has no target field {target!r}; one of {', '.join(targets)}.")
        elif target in seen:
            problems[f"rows[{i}].target"] = f"Target field {target!r} is filled twice."
        else:
            seen.add(str(target))
        if not isinstance(row.get("separator", " "), str):
            problems[f"rows[{i}].separator"] = "The separator is text."
    return problems


def mapping_save_as(*, kind: str, name: str, rows: Any, user: Any = None) -> FieldMapping:
    """Save rows as a new named mapping (Save As). Raises ValidationError naming each unknown
    field, or the name when it is taken (Automatic is always taken)."""
    name = (name or "").strip()
    problems = mapping_problems(kind=kind, rows=rows)
    if not name:
        problems["name"] = "Give the mapping a name."
    elif name.lower() == AUTOMATIC.lower():
        problems["name"] = "Automatic is built in; save under another name."
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            return FieldMapping.objects.create(
                kind=kind, name=name[:100], rows=rows,
                created_by=user if getattr(user, "pk", None) else None)
    except IntegrityError:
        raise ValidationError(
            {"name": f"A {Kind(kind).label} mapping named {name!r} already exists."}) from None


def mapping_update(*, mapping: FieldMapping, rows: Any) -> FieldMapping:
    """Change a saved mapping's rows (refused as `mapping_save_as` refuses)."""
    problems = mapping_problems(kind=mapping.kind, rows=rows)
    if problems:
        raise ValidationError(problems)
    mapping.rows = rows
    mapping.save(update_fields=["rows", "updated_at"])
    return mapping


def mapping_rows(*, mapping: FieldMapping | None, kind: str) -> list[dict[str, Any]]:
    """The rows a job applies: the chosen mapping's, or Automatic's."""
    if mapping is None or mapping.kind != kind:
        return AUTOMATIC_ROWS[kind]
    return list(mapping.rows)


def _get(record: Mapping[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def mapping_apply(rows: Sequence[Mapping[str, Any]], record: Mapping[str, Any]
                  ) -> dict[str, str]:
    """Target → the text of its sources, non-empty ones joined by the row's separator."""
    out: dict[str, str] = {}
    for row in rows:
        parts = [str(v).strip() for src in row["sources"]
                 if (v := _get(record, src)) not in (None, "")]
        out[row["target"]] = str(row.get("separator", " ")).join(p for p in parts if p)
    return out
