"""What an import did, record by record: created, linked, updated, skipped or failed (with the
field and the message), and a one-line summary for commands and pages."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

CREATED = "created"
LINKED = "linked"
UPDATED = "updated"
UNCHANGED = "unchanged"
SKIPPED = "skipped"
FAILED = "failed"
OUTCOMES = (CREATED, LINKED, UPDATED, UNCHANGED, SKIPPED, FAILED)


@dataclass(frozen=True)
class RecordOutcome:
    bc_id: int | None
    label: str
    outcome: str
    field: str = ""
    message: str = ""
    pos_id: int | None = None

    def line(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        why = f": {self.message}" if self.message else ""
        return f"{self.label} (BigCommerce id {self.bc_id}) {self.outcome}{where}{why}"


@dataclass
class ImportReport:
    what: str
    records: list[RecordOutcome] = field(default_factory=list)
    # Imports run first as part of this one (the price levels before the customers).
    parts: list[ImportReport] = field(default_factory=list)

    def add(self, bc_id: int | None, label: str, outcome: str, *, field: str = "",
            message: str = "", pos_id: int | None = None) -> RecordOutcome:
        record = RecordOutcome(bc_id, label, outcome, field, message, pos_id)
        self.records.append(record)
        return record

    @property
    def counts(self) -> Counter[str]:
        return Counter(r.outcome for r in self.records)

    def of(self, outcome: str) -> list[RecordOutcome]:
        return [r for r in self.records if r.outcome == outcome]

    def for_id(self, bc_id: int) -> RecordOutcome | None:
        return next((r for r in self.records if r.bc_id == bc_id), None)

    @property
    def ok(self) -> bool:
        return not self.of(FAILED) and all(p.ok for p in self.parts)

    def line(self) -> str:
        counts = self.counts
        tally = ", ".join(f"{counts[o]} {o}" for o in OUTCOMES if counts[o])
        own = f"{self.what}: {len(self.records)} read" + (f" ({tally})" if tally else "")
        return "; ".join([*(p.line() for p in self.parts), own])


def first_error(exc: ValidationError) -> tuple[str, str]:
    """The first field a validation error names, with its message ("" for the whole
    record)."""
    if hasattr(exc, "error_dict"):
        name, errors = next(iter(exc.error_dict.items()))
        return ("" if name == "__all__" else name), "; ".join(
            m for e in errors for m in e.messages)
    return "", "; ".join(exc.messages)
